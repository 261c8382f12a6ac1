"""A test copy of the next summary from its preview: who may send it, the mail, its links, and beat after it."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from leadership import signing
from leadership.delivery import delivery_send
from leadership.emails import summary_delivery_message
from leadership.models import DeliveryStatus, ExecutiveSummary, Feedback, Leader, SummaryDelivery, SummaryTestCopy
from leadership.services import summaries_dispatch_due
from tests.factories import FeedbackFactory, LeaderFactory, SummaryScheduleFactory

# A Wednesday: the next weekly summary (Mondays at 08:00) is due on Monday 23 November.
WEDNESDAY = datetime(2026, 11, 18, 12, tzinfo=UTC)
NEXT_MONDAY_9 = datetime(2026, 11, 23, 9, tzinfo=UTC)


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(WEDNESDAY, tick=False):
        yield


@pytest.fixture
def sent_now(tasks_run_here):
    """Test copies the code under test enqueued, sent at once here instead of through the broker."""
    return tasks_run_here


@pytest.fixture
def leaders(campaign):
    SummaryScheduleFactory(campaign=campaign)
    FeedbackFactory(campaign=campaign, received_on=date(2026, 11, 17), summary="Parcel left in the rain")
    return LeaderFactory.create_batch(2, campaign=campaign, receives_summaries=True)


def preview_test_url(campaign):
    return reverse("leadership:summary-preview-test", kwargs={"slug": campaign.slug})


def local(url):
    return url.removeprefix(settings.SITE_URL)


def send_test(client, campaign, capture, **kwargs):
    with capture(execute=True):
        return client.post(preview_test_url(campaign), **kwargs)


def test_a_champion_sends_themselves_a_test_of_the_next_summary_from_its_preview(
    client_for, champion, campaign, leaders, sent_now, django_capture_on_commit_callbacks
):
    client = client_for(champion)
    preview = client.get(reverse("leadership:summary-preview", kwargs={"slug": campaign.slug})).text
    assert "Send a test to me" in preview and preview_test_url(campaign) in preview
    response = send_test(client, campaign, django_capture_on_commit_callbacks, follow=True)
    assert response.redirect_chain[-1][0].endswith(
        reverse("leadership:summary-preview", kwargs={"slug": campaign.slug})
    )
    assert f"A test copy is on its way to {champion.email}" in response.text
    [message] = mail.outbox
    assert message.to == [champion.email]
    assert message.subject.startswith("[Test] Harbour Line: executive summary")
    for part in (message.body, message.alternatives[0].content):
        assert "Parcel left in the rain" in part
        assert "sent to you alone, not to any leader" in part
        assert "the next summary as it stands now" in part
    copy = SummaryTestCopy.objects.get()
    assert copy.status == DeliveryStatus.SENT and copy.attempts == 1 and copy.email == champion.email
    # No summary, no leader's delivery: beat still has the period to itself.
    assert not ExecutiveSummary.objects.exists() and not SummaryDelivery.objects.exists()


def test_an_htmx_test_send_answers_the_button_and_the_flash_message(
    client_for, admin_user, campaign, leaders, sent_now, django_capture_on_commit_callbacks
):
    response = send_test(
        client_for(admin_user), campaign, django_capture_on_commit_callbacks, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.text.strip().startswith('<form id="test-send"') and "Send a test to me" in response.text
    assert "<html" not in response.text
    [flash] = json.loads(response["HX-Trigger"])["messages"]
    assert flash["level"] == "success" and admin_user.email in flash["text"]
    assert [m.to for m in mail.outbox] == [[admin_user.email]]


def test_a_viewer_cannot_send_a_test_of_the_next_summary(client_for, viewer, campaign, leaders):
    client = client_for(viewer)
    assert (
        "Send a test to me"
        not in client.get(reverse("leadership:summary-preview", kwargs={"slug": campaign.slug})).text
    )
    assert client.post(preview_test_url(campaign)).status_code == 403
    assert not SummaryTestCopy.objects.exists()


def test_an_outsider_gets_404_for_another_campaigns_test_send(client_for, outsider, campaign, leaders):
    assert client_for(outsider).post(preview_test_url(campaign)).status_code == 404
    assert not SummaryTestCopy.objects.exists()


def test_a_member_without_an_email_address_is_told_and_nothing_is_queued(
    client_for, champion, campaign, leaders, django_capture_on_commit_callbacks
):
    champion.email = ""
    champion.save()
    response = send_test(client_for(champion), campaign, django_capture_on_commit_callbacks, follow=True)
    assert "Your account has no email address" in response.text
    assert not SummaryTestCopy.objects.exists() and not mail.outbox


def test_the_test_copys_web_version_link_opens_that_copy_and_marks_only_it_opened(
    client, client_for, champion, campaign, leaders, sent_now, django_capture_on_commit_callbacks
):
    send_test(client_for(champion), campaign, django_capture_on_commit_callbacks)
    client.logout()
    [message] = mail.outbox
    copy = SummaryTestCopy.objects.get()
    web_url = signing.summary_test_copy_web_url(copy)
    assert web_url in message.body and web_url in message.alternatives[0].content
    page = client.get(local(web_url))
    assert page.status_code == 200
    assert "Parcel left in the rain" in page.text and "Test copy" in page.text
    assert "Read it on the web" not in page.text  # already on the web
    assert "script-src" not in page["Content-Security-Policy"]
    copy.refresh_from_db()
    assert copy.opened_at == WEDNESDAY
    assert not SummaryDelivery.objects.exists()


def test_the_test_copys_unsubscribe_link_leaves_every_leader_subscribed(
    client, client_for, champion, campaign, leaders, sent_now, django_capture_on_commit_callbacks
):
    send_test(client_for(champion), campaign, django_capture_on_commit_callbacks)
    client.logout()
    [message] = mail.outbox
    copy = SummaryTestCopy.objects.get()
    unsubscribe_url = signing.summary_test_copy_unsubscribe_url(copy)
    assert unsubscribe_url in message.body and unsubscribe_url in message.alternatives[0].content
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe_url}>"
    assert "Stop the executive summaries? (test copy)" in client.get(local(unsubscribe_url)).text
    done = client.post(local(unsubscribe_url))
    assert done.status_code == 200 and "nobody was unsubscribed" in done.text
    one_click = client.post(local(unsubscribe_url), {"List-Unsubscribe": "One-Click"})
    assert one_click.text == "Test copy: nobody was unsubscribed."
    assert Leader.objects.filter(campaign=campaign, receives_summaries=True).count() == len(leaders)
    copy.refresh_from_db()
    assert copy.unsubscribe_tried_at == WEDNESDAY


def test_a_test_copys_link_cannot_open_a_leaders_copy_nor_the_reverse(client, campaign, leaders, champion):
    from leadership.services import summary_test_copy_create

    copy = summary_test_copy_create(campaign=campaign, user=champion)
    token = signing.summary_test_copy_token(copy)
    assert client.get(reverse("leadership:summary-web", kwargs={"token": token})).status_code == 404
    assert client.post(reverse("leadership:summary-unsubscribe", kwargs={"token": token})).status_code == 404
    leader_token = signing.unsubscribe_token(leaders[0])
    assert (
        client.post(reverse("leadership:summary-test-unsubscribe", kwargs={"token": leader_token})).status_code == 404
    )
    assert Leader.objects.filter(campaign=campaign, receives_summaries=True).count() == len(leaders)


def test_beat_still_creates_and_sends_the_real_summary_once_after_a_test(
    client_for, champion, campaign, leaders, sent_now, django_capture_on_commit_callbacks
):
    send_test(client_for(champion), campaign, django_capture_on_commit_callbacks)
    send_test(client_for(champion), campaign, django_capture_on_commit_callbacks)  # a second try changes nothing
    copy = SummaryTestCopy.objects.first()
    with time_machine.travel(NEXT_MONDAY_9, tick=False):
        [summary] = summaries_dispatch_due()
        assert summaries_dispatch_due() == []
    assert summary.period_start == copy.period_start
    mail.outbox.clear()
    for delivery in summary.deliveries.all():
        assert delivery_send(model=SummaryDelivery, pk=delivery.pk, build=summary_delivery_message) == "sent"
        assert delivery_send(model=SummaryDelivery, pk=delivery.pk, build=summary_delivery_message) is None
    assert sorted(m.to[0] for m in mail.outbox) == sorted(leader.email for leader in leaders)
    assert not any(m.subject.startswith("[Test]") for m in mail.outbox)


def test_sending_a_test_of_the_next_summary_takes_a_fixed_number_of_queries(
    client_for, champion, campaign, leaders, sent_now, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    Feedback.objects.bulk_create(
        Feedback(
            campaign=campaign,
            severity="medium",
            summary=f"Complaint {n}",
            received_on=WEDNESDAY.date() - timedelta(days=n % 30),
        )
        for n in range(2000)
    )
    LeaderFactory.create_batch(30, campaign=campaign)
    client = client_for(champion)
    # The preview's figures (a few grouped queries), then the copy: written, claimed, built and marked sent.
    with django_assert_max_num_queries(28):
        send_test(client, campaign, django_capture_on_commit_callbacks)
    copy = SummaryTestCopy.objects.get()
    with django_assert_max_num_queries(4):  # session, user, the copy, its opening
        assert client.get(local(signing.summary_test_copy_web_url(copy))).status_code == 200
