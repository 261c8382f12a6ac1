"""The feedback demo data: realistic, deterministic and idempotent."""

import pytest
from django.core.management import call_command

from campaign.models import Campaign
from leadership.models import ExecutiveSummary, Feedback, SummaryDelivery, SummarySchedule
from leadership.services import summaries_dispatch_due
from personas.contributions import check_traced_providers
from tests.factories import LeaderFactory


@pytest.fixture(autouse=True)
def _debug_on(settings):
    settings.DEBUG = True


def test_seed_demo_adds_feedback_a_schedule_and_two_sent_summaries_once(db):
    call_command("seed_demo")
    campaign = Campaign.objects.get(slug="demo")
    LeaderFactory.create_batch(2, campaign=campaign)
    call_command("seed_demo")
    feedback = Feedback.objects.filter(campaign=campaign)
    assert feedback.count() == 320
    assert feedback.filter(kind="complaint", status="resolved").exclude(action="").exists()
    assert feedback.filter(kind="compliment", featured=True).exists()
    assert feedback.values("theme").distinct().count() > 3
    assert SummarySchedule.objects.get(campaign=campaign).enabled
    summaries = ExecutiveSummary.objects.filter(campaign=campaign)
    assert summaries.count() == 2
    recipients = campaign.leaders.filter(receives_summaries=True).count()
    assert recipients >= 2
    assert SummaryDelivery.objects.filter(summary__campaign=campaign, status="sent").count() == 2 * recipients
    assert summaries_dispatch_due() == []  # the demo's latest summary is the one due now


def test_the_demo_feedback_is_the_same_on_every_run(db):
    call_command("seed_demo")
    first = list(Feedback.objects.order_by("external_id").values_list("external_id", "kind", "summary"))
    call_command("seed_demo")
    assert list(Feedback.objects.order_by("external_id").values_list("external_id", "kind", "summary")) == first


def test_the_demo_traces_complaints_inside_and_the_checkup_asks_facilities(db):
    call_command("seed_demo")
    campaign = Campaign.objects.get(slug="demo")
    traced = Feedback.objects.filter(campaign=campaign, traced_to__isnull=False)
    assert set(traced.values_list("kind", flat=True)) == {"complaint"}
    started = set(traced.values_list("traced_to__name", flat=True))
    assert {"Logistics & Warehousing", "IT", "Facilities"} <= started
    # Not every complaint of those kinds is traced: some still wait for someone to ask.
    assert Feedback.objects.filter(
        campaign=campaign, summary="Collection counter queue took over an hour.", traced_to=None
    ).exists()
    item = check_traced_providers(campaign)
    assert item.status == "amber" and item.next_step == "Ask Facilities to write who they serve."
    latest = ExecutiveSummary.objects.filter(campaign=campaign).order_by("-period_start").first()
    assert latest.snapshot["by_origin"]
