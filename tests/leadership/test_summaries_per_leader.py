"""
Each leader's copy of a summary lists the roadblocks put to them and those put to no one, never
another leader's, as briefing packs do; and replies go to a person, as a pack's do.
"""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from campaign.models import Role
from leadership import signing, summaries
from leadership.emails import summary_delivery_builder, summary_delivery_message, summary_test_copy_message
from leadership.models import SummaryDelivery, SummarySchedule
from leadership.services import summaries_dispatch_due, summary_test_copy_create
from leadership.tasks import SUMMARY_DELIVERY_RELATED
from tests.factories import (
    ExecutiveSummaryFactory,
    LeaderFactory,
    MembershipFactory,
    ServiceProblemFactory,
    SummaryDeliveryFactory,
    SummaryScheduleFactory,
    UserFactory,
)

MONDAY_9 = datetime(2026, 11, 16, 9, tzinfo=UTC)


@pytest.fixture
def leaders(campaign):
    return {
        "ann": LeaderFactory(campaign=campaign, name="Ann Chief", email="ann@example.com"),
        "bob": LeaderFactory(campaign=campaign, name="Bob Boss", email="bob@example.com"),
        "cy": LeaderFactory(campaign=campaign, name="Cy Head", email="cy@example.com"),
    }


def roadblock(campaign, title, leader=None, opened_on=date(2026, 10, 1)):
    return ServiceProblemFactory(
        campaign=campaign,
        title=title,
        is_roadblock=True,
        roadblock_ask=f"Decide on {title}",
        roadblock_leader=leader,
        opened_on=opened_on,
    )


def dispatch(campaign):
    SummaryScheduleFactory(campaign=campaign)
    [summary] = summaries_dispatch_due(now=MONDAY_9)
    return summary


def copies(summary):
    """Each leader's email, by leader's email address, as the worker builds them."""
    deliveries = SummaryDelivery.objects.filter(summary=summary).select_related(*SUMMARY_DELIVERY_RELATED)
    return {delivery.leader.email: summary_delivery_message(delivery) for delivery in deliveries}


def test_each_leader_reads_their_roadblocks_and_those_put_to_no_one_only(campaign, leaders):
    roadblock(campaign, "Budget for the new returns desk", leaders["ann"])
    roadblock(campaign, "Sign off the courier contract", leaders["bob"])
    roadblock(campaign, "Who owns the help centre", None)
    sent = copies(dispatch(campaign))
    for email, own, others in [
        ("ann@example.com", "Budget for the new returns desk", "Sign off the courier contract"),
        ("bob@example.com", "Sign off the courier contract", "Budget for the new returns desk"),
    ]:
        message = sent[email]
        for part in (message.body, message.alternatives[0].content):
            assert own in part and "Who owns the help centre" in part
            assert others not in part
    cy = sent["cy@example.com"]
    assert "Who owns the help centre" in cy.body
    assert "Budget for the new returns desk" not in cy.body and "Sign off the courier contract" not in cy.body


def test_a_leaders_web_version_lists_the_same_roadblocks_as_their_email(client, campaign, leaders):
    roadblock(campaign, "Budget for the new returns desk", leaders["ann"])
    roadblock(campaign, "Sign off the courier contract", leaders["bob"])
    summary = dispatch(campaign)
    delivery = summary.deliveries.get(leader=leaders["bob"])
    page = client.get(signing.summary_web_url(delivery).removeprefix(settings.SITE_URL))
    assert page.status_code == 200
    assert "Sign off the courier contract" in page.text
    assert "Budget for the new returns desk" not in page.text


def test_a_leaders_own_roadblock_is_listed_behind_many_put_to_others(campaign, leaders):
    for n in range(summaries.ROADBLOCKS_SHOWN + 2):
        roadblock(campaign, f"Older roadblock {n} for Bob", leaders["bob"], opened_on=date(2026, 9, 1 + n))
    roadblock(campaign, "The newest, for Ann", leaders["ann"], opened_on=date(2026, 11, 1))
    sent = copies(dispatch(campaign))
    assert "The newest, for Ann" in sent["ann@example.com"].body
    bob = sent["bob@example.com"].body
    assert bob.count("\n- Older roadblock") == summaries.ROADBLOCKS_SHOWN  # the oldest few, as before
    assert "The newest, for Ann" not in bob


def test_the_test_copy_and_the_summary_page_list_every_leaders_roadblocks(client_for, campaign, leaders, admin_user):
    roadblock(campaign, "Budget for the new returns desk", leaders["ann"])
    roadblock(campaign, "Sign off the courier contract", leaders["bob"])
    summary = dispatch(campaign)
    copy = summary_test_copy_create(campaign=campaign, user=admin_user, summary=summary)
    body = summary_test_copy_message(copy).body
    assert "Budget for the new returns desk: Decide on Budget for the new returns desk (for Ann Chief)" in body
    assert "Sign off the courier contract" in body
    page = client_for(admin_user).get(
        reverse("leadership:summary-detail", kwargs={"slug": campaign.slug, "pk": summary.pk})
    )
    assert "Budget for the new returns desk" in page.text and "Sign off the courier contract" in page.text


def test_in_a_batch_each_leader_still_sees_only_their_own_roadblocks(campaign, leaders):
    roadblock(campaign, "Budget for the new returns desk", leaders["ann"])
    LeaderFactory.create_batch(2, campaign=campaign)
    summary = dispatch(campaign)
    build = summary_delivery_builder()
    deliveries = SummaryDelivery.objects.filter(summary=summary).select_related(*SUMMARY_DELIVERY_RELATED)
    bodies = {delivery.leader.pk: build(delivery).body for delivery in deliveries}
    assert "Budget for the new returns desk" in bodies.pop(leaders["ann"].pk)
    assert len(bodies) == 4  # Bob, Cy and the two more
    assert not any("Budget for the new returns desk" in body for body in bodies.values())


def test_a_summary_made_before_roadblocks_kept_their_leaders_id_still_filters_them(campaign, leaders):
    snapshot = {
        "roadblocks": [
            {"title": "For Ann", "ask": "", "leader": "Ann Chief"},
            {"title": "For Bob", "ask": "", "leader": "Bob Boss"},
            {"title": "For anyone", "ask": "", "leader": ""},
        ]
    }
    summary = ExecutiveSummaryFactory(campaign=campaign, snapshot=snapshot)
    delivery = SummaryDeliveryFactory(summary=summary, leader=leaders["ann"])
    body = summary_delivery_message(delivery).body
    assert "For Ann" in body and "For anyone" in body and "For Bob" not in body


# --- Reply-To ----------------------------------------------------------------------------------


def test_replies_to_a_summary_go_to_whoever_last_saved_the_schedule(client_for, campaign, leaders, admin_user):
    other_admin = UserFactory(email="second-admin@example.com")
    MembershipFactory(campaign=campaign, user=other_admin, role=Role.ADMIN)
    data = {"enabled": "on", "cadence": "weekly", "weekday": "0", "day_of_month": "1", "hour": "8"}
    data["all_leaders"] = "on"
    with time_machine.travel(datetime(2026, 11, 1, tzinfo=UTC), tick=False):
        response = client_for(other_admin).post(
            reverse("leadership:settings-summaries", kwargs={"slug": campaign.slug}), data
        )
    assert response.status_code == 302
    assert SummarySchedule.objects.get(campaign=campaign).updated_by == other_admin
    [summary] = summaries_dispatch_due(now=MONDAY_9)
    assert summary.reply_to == "second-admin@example.com"
    for message in copies(summary).values():
        assert message.extra_headers["Reply-To"] == "second-admin@example.com"
        assert message.message()["Reply-To"] == "second-admin@example.com"


def test_without_a_saver_replies_go_to_the_campaigns_first_admin(campaign, leaders, admin_user):
    summary = dispatch(campaign)
    assert summary.reply_to == admin_user.email
    assert {message.extra_headers["Reply-To"] for message in copies(summary).values()} == {admin_user.email}


def test_a_saver_no_longer_in_the_campaign_gets_no_replies(campaign, leaders, admin_user):
    gone = UserFactory(email="gone@example.com")
    SummaryScheduleFactory(campaign=campaign, updated_by=gone)
    [summary] = summaries_dispatch_due(now=MONDAY_9)
    assert summary.reply_to == admin_user.email


def test_a_campaign_with_no_member_address_sends_summaries_without_reply_to(campaign, leaders):
    summary = dispatch(campaign)
    assert summary.reply_to == ""
    assert all("Reply-To" not in message.extra_headers for message in copies(summary).values())
