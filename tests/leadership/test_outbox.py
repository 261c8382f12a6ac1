"""The outbox lists every kind of mail: briefing packs, executive summaries and their test copies, each as rendered."""

from datetime import date

import time_machine
from django.urls import reverse
from django.utils import timezone

from leadership.emails import summary_delivery_message, summary_test_copy_message
from leadership.models import DeliveryStatus, PackDelivery, SummaryTestCopy
from leadership.models.summaries import Period
from leadership.services import summary_test_copy_create
from leadership.summaries import summary_content
from tests.factories import (
    BriefingPackFactory,
    ExecutiveSummaryFactory,
    LeaderFactory,
    SummaryDeliveryFactory,
)


def url(name, campaign, **kwargs):
    return reverse(f"leadership:{name}", kwargs={"slug": campaign.slug, **kwargs})


def summary_for(campaign):
    summary = ExecutiveSummaryFactory(campaign=campaign, period_start=date(2026, 11, 9), period_end=date(2026, 11, 16))
    period = Period(start=summary.period_start, end=summary.period_end, due_at=summary.due_at)
    summary.snapshot = summary_content(campaign=campaign, period=period)
    summary.save()
    return summary


def test_the_outbox_lists_summary_deliveries_beside_briefing_packs(client_for, admin_user, campaign):
    pack = BriefingPackFactory(campaign=campaign, status="sent", title="November briefing")
    PackDelivery.objects.create(pack=pack, leader=LeaderFactory(campaign=campaign, name="Rupert Vance"))
    summary = summary_for(campaign)
    SummaryDeliveryFactory(summary=summary, leader=LeaderFactory(campaign=campaign, name="Helen Osei"), status="sent")
    response = client_for(admin_user).get(url("outbox-list", campaign))
    assert "November briefing" in response.text
    assert "Executive summary, 9 Nov – 15 Nov 2026" in response.text
    assert "Helen Osei" in response.text and "Rupert Vance" in response.text
    assert url("outbox-message", campaign, kind="summary", pk=summary.deliveries.get().pk) in response.text


def test_the_outbox_filter_applies_to_summaries_too(client_for, admin_user, campaign):
    summary = summary_for(campaign)
    SummaryDeliveryFactory(summary=summary, leader=LeaderFactory(campaign=campaign, name="Helen Osei"), status="failed")
    client = client_for(admin_user)
    assert "Helen Osei" in client.get(url("outbox-list", campaign), {"status": "failed"}).text
    empty = client.get(url("outbox-list", campaign), {"status": "sent"}).text
    assert "Helen Osei" not in empty
    assert "No email is sent right now" in empty


def test_a_summary_in_the_outbox_shows_both_parts_as_sent(client_for, admin_user, campaign):
    summary = summary_for(campaign)
    delivery = SummaryDeliveryFactory(summary=summary, leader=LeaderFactory(campaign=campaign, name="Helen Osei"))
    client = client_for(admin_user)
    page = client.get(url("outbox-message", campaign, kind="summary", pk=delivery.pk))
    assert page.status_code == 200
    assert "Dear Helen Osei" in page.text  # the plain-text part, on the page
    assert "Executive summary" in page.text
    html = client.get(url("outbox-message-html", campaign, kind="summary", pk=delivery.pk))
    sent = summary_delivery_message(delivery)
    assert html.text == sent.alternatives[0].content
    assert "style-src 'unsafe-inline'" in html["Content-Security-Policy"]
    assert "script-src" not in html["Content-Security-Policy"]


def test_another_campaigns_summary_is_404_in_the_outbox(client_for, admin_user, campaign, other_campaign):
    delivery = SummaryDeliveryFactory(summary=summary_for(other_campaign))
    client = client_for(admin_user)
    assert client.get(url("outbox-message", campaign, kind="summary", pk=delivery.pk)).status_code == 404
    assert client.get(url("outbox-message-html", campaign, kind="summary", pk=delivery.pk)).status_code == 404


def test_a_champion_cannot_read_a_summary_in_the_outbox(client_for, champion, campaign):
    delivery = SummaryDeliveryFactory(summary=summary_for(campaign))
    response = client_for(champion).get(url("outbox-message", campaign, kind="summary", pk=delivery.pk))
    assert response.status_code == 403


def test_the_outbox_with_every_kind_stays_flat(client_for, admin_user, campaign, django_assert_max_num_queries):
    pack = BriefingPackFactory(campaign=campaign, status="sent")
    summary = summary_for(campaign)
    for _ in range(30):
        PackDelivery.objects.create(pack=pack, leader=LeaderFactory(campaign=campaign), status=DeliveryStatus.SENT)
        SummaryDeliveryFactory(summary=summary, leader=LeaderFactory(campaign=campaign), status=DeliveryStatus.SENT)
        summary_test_copy_create(campaign=campaign, user=admin_user, summary=summary)
    SummaryTestCopy.objects.update(status=DeliveryStatus.SENT)
    client = client_for(admin_user)
    with django_assert_max_num_queries(8):
        response = client.get(url("outbox-list", campaign))
    assert response.text.count("tag--delivery-sent") == 25
    assert "Page 1 of 4" in response.text


def test_a_test_copy_is_in_the_outbox_addressed_to_the_member_and_shown_as_sent(client_for, admin_user, campaign):
    copy = summary_test_copy_create(campaign=campaign, user=admin_user, summary=summary_for(campaign))
    client = client_for(admin_user)
    listing = client.get(url("outbox-list", campaign)).text
    assert "Test copy" in listing and admin_user.email in listing
    assert url("outbox-message", campaign, kind="summary-test", pk=copy.pk) in listing
    page = client.get(url("outbox-message", campaign, kind="summary-test", pk=copy.pk)).text
    assert "(a member, not a leader)" in page and "[Test] " in page
    # The web link is signed with the time: build both in the same second.
    with time_machine.travel(timezone.now(), tick=False):
        html = client.get(url("outbox-message-html", campaign, kind="summary-test", pk=copy.pk))
        assert html.text == summary_test_copy_message(copy).alternatives[0].content


def test_another_campaigns_test_copy_is_404_in_the_outbox(client_for, admin_user, outsider, campaign, other_campaign):
    copy = summary_test_copy_create(campaign=other_campaign, user=outsider)
    client = client_for(admin_user)
    assert client.get(url("outbox-message", campaign, kind="summary-test", pk=copy.pk)).status_code == 404
    assert client.get(url("outbox-message-html", campaign, kind="summary-test", pk=copy.pk)).status_code == 404
