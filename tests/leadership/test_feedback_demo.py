"""The feedback demo data: realistic, deterministic and idempotent."""

import pytest
from django.core.management import call_command

from campaign.models import Campaign
from leadership.models import ExecutiveSummary, Feedback, SummaryDelivery, SummarySchedule
from leadership.services import summaries_dispatch_due
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
