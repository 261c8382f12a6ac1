"""
Exactly-once delivery of summaries: claim, send, mark; transient vs permanent SMTP errors; a
duplicated task; a worker killed mid-send; the retry schedule against the broker's visibility
timeout; and the email itself.
"""

import smtplib
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse
from django.utils import timezone

from leadership import delivery as delivery_module
from leadership.delivery import MAX_ATTEMPTS, TransientSendError, deliveries_release_stale, delivery_send
from leadership.emails import summary_delivery_message
from leadership.models import DeliveryStatus, Leader, SummaryDelivery
from leadership.services import summaries_dispatch_due, summary_test_copy_create
from leadership.signing import unsubscribe_token
from leadership.tasks import (
    requeue_stale_summary_deliveries,
    requeue_stale_test_copy_deliveries,
    send_summary_delivery,
    send_test_copy_delivery,
)
from tests.factories import FeedbackFactory, LeaderFactory, SummaryScheduleFactory

MONDAY_9 = datetime(2026, 11, 16, 9, tzinfo=UTC)


@pytest.fixture(autouse=True)
def enqueued(monkeypatch):
    """Deliveries the code under test enqueued (the reaper calls .delay), kept off the real broker."""
    ids = []
    monkeypatch.setattr(send_summary_delivery, "delay", ids.append)
    return ids


@pytest.fixture
def delivery(campaign):
    SummaryScheduleFactory(campaign=campaign)
    LeaderFactory(campaign=campaign, name="Lena Boss", email="lena@example.com")
    FeedbackFactory(
        campaign=campaign,
        received_on=date(2026, 11, 10),
        summary="Invoice <b>wrong</b> & late",
        action="Credit note issued",
    )
    FeedbackFactory(
        campaign=campaign, kind="compliment", severity="", received_on=date(2026, 11, 11), summary="Great help"
    )
    [summary] = summaries_dispatch_due(now=MONDAY_9)
    return summary.deliveries.get()


def send(pk):
    return delivery_send(model=SummaryDelivery, pk=pk, build=summary_delivery_message)


@pytest.fixture
def smtp_failures(monkeypatch):
    """`smtp_failures.extend([error, …])`: the next sends raise these, in order, then succeed."""
    failures = []
    real = EmailBackend.send_messages

    def send_messages(self, messages):
        if failures:
            raise failures.pop(0)
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    return failures


def test_a_delivery_is_sent_once_and_marked_sent(delivery):
    assert send(delivery.pk) == DeliveryStatus.SENT
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.sent_at and delivery.attempts == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<summarydelivery-{delivery.pk}@rising-tide>"


def test_a_duplicated_task_does_not_send_twice(delivery):
    send_summary_delivery(delivery.pk)
    send_summary_delivery(delivery.pk)
    assert len(mail.outbox) == 1


def test_a_delivery_held_by_another_worker_is_left_alone(delivery):
    SummaryDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENDING, claimed_at=MONDAY_9)
    assert send(delivery.pk) is None
    assert mail.outbox == []


def test_a_transient_smtp_error_requeues_and_the_retry_sends_once(delivery, smtp_failures):
    smtp_failures.append(smtplib.SMTPResponseException(451, b"try again later"))
    with pytest.raises(TransientSendError):
        send(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.QUEUED and "451" in delivery.last_error
    assert send(delivery.pk) == DeliveryStatus.SENT
    assert send(delivery.pk) is None
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.last_error == ""


@pytest.mark.parametrize(
    "error",
    [ConnectionRefusedError(), ConnectionResetError(), TimeoutError(), smtplib.SMTPServerDisconnected("gone")],
    ids=["refused", "reset", "timeout", "disconnected"],
)
def test_connection_problems_are_transient(delivery, smtp_failures, error):
    smtp_failures.append(error)
    with pytest.raises(TransientSendError):
        send(delivery.pk)


def test_a_permanent_rejection_marks_the_delivery_failed_at_once(delivery, smtp_failures):
    smtp_failures.append(smtplib.SMTPRecipientsRefused({"lena@example.com": (550, b"no such user")}))
    assert send(delivery.pk) == DeliveryStatus.FAILED
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and "550" in delivery.last_error
    assert send(delivery.pk) is None  # failed is final: nothing resends it


def test_transient_errors_give_up_after_the_last_attempt(delivery, smtp_failures):
    smtp_failures.extend(smtplib.SMTPResponseException(421, b"busy") for _ in range(MAX_ATTEMPTS))
    for _ in range(MAX_ATTEMPTS - 1):
        with pytest.raises(TransientSendError):
            send(delivery.pk)
    assert send(delivery.pk) == DeliveryStatus.FAILED
    delivery.refresh_from_db()
    assert delivery.attempts == MAX_ATTEMPTS and mail.outbox == []


def test_the_task_retries_transient_errors_only_and_a_bounded_number_of_times():
    assert send_summary_delivery.autoretry_for == (TransientSendError,)
    assert send_summary_delivery.max_retries == MAX_ATTEMPTS - 1
    assert send_summary_delivery.retry_jitter is True


def test_every_retry_wait_stays_below_the_broker_visibility_timeout():
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 60 * 60)
    assert visibility > delivery_module.RETRY_BACKOFF_MAX
    assert delivery_module.STALE_AFTER.total_seconds() > delivery_module.RETRY_BACKOFF_MAX


def test_a_worker_killed_mid_send_leaves_a_delivery_the_reaper_sends_exactly_once(delivery, enqueued):
    # The worker claimed it and died before sending: the row stays in sending.
    with time_machine.travel(MONDAY_9, tick=False):
        assert delivery_module.delivery_claim(model=SummaryDelivery, pk=delivery.pk) is not None
    assert send(delivery.pk) is None  # a redelivered task cannot take it from the dead worker
    with time_machine.travel(MONDAY_9 + timedelta(minutes=5)):
        assert requeue_stale_summary_deliveries() == []  # not stale yet
    with time_machine.travel(MONDAY_9 + timedelta(minutes=20)):
        ids = requeue_stale_summary_deliveries()
    assert ids == enqueued == [delivery.pk]
    assert send(delivery.pk) == DeliveryStatus.SENT
    assert send(delivery.pk) is None
    assert len(mail.outbox) == 1


def test_the_reaper_enqueues_deliveries_whose_broker_message_was_lost(delivery, django_capture_on_commit_callbacks):
    SummaryDelivery.objects.filter(pk=delivery.pk).update(created_at=MONDAY_9)
    with time_machine.travel(MONDAY_9 + timedelta(minutes=20)):
        assert deliveries_release_stale(model=SummaryDelivery) == [delivery.pk]


def test_the_reaper_fails_a_stuck_delivery_that_used_all_its_attempts(delivery):
    SummaryDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING, claimed_at=MONDAY_9, attempts=MAX_ATTEMPTS
    )
    with time_machine.travel(MONDAY_9 + timedelta(minutes=20)):
        assert deliveries_release_stale(model=SummaryDelivery) == []
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED


def test_sent_deliveries_are_never_stale(delivery):
    send(delivery.pk)
    with time_machine.travel(datetime.now(UTC) + timedelta(days=1)):
        assert deliveries_release_stale(model=SummaryDelivery) == []


# --- The email ------------------------------------------------------------------------


def test_the_email_has_both_parts_headers_and_escaped_feedback(delivery):
    send(delivery.pk)
    message = mail.outbox[0]
    assert message.to == ["lena@example.com"]
    assert message.subject == "Harbour Line: executive summary, 9 Nov – 15 Nov 2026"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    text = message.body
    html = message.alternatives[0].content
    assert "Invoice <b>wrong</b> & late" in text  # the text part is plain text
    assert "Being done: Credit note issued" in text
    assert "Invoice &lt;b&gt;wrong&lt;/b&gt; &amp; late" in html
    assert "<b>wrong</b>" not in html
    assert "Great help" in text and "Great help" in html
    assert "Read it on the web:" in text


def test_a_summary_with_nothing_to_report_says_so(campaign):
    SummaryScheduleFactory(campaign=campaign)
    LeaderFactory(campaign=campaign)
    [summary] = summaries_dispatch_due(now=MONDAY_9)
    send(summary.deliveries.get().pk)
    assert "Nothing to report this period" in mail.outbox[0].body
    assert "(nothing to report)" in mail.outbox[0].subject


def web_link(message):
    return next(line for line in message.body.splitlines() if "/s/" in line and "unsubscribe" not in line).split(
        ": ", 1
    )[1]


def test_following_the_web_link_shows_the_summary_and_records_the_opening(client, delivery):
    send(delivery.pk)
    url = web_link(mail.outbox[0]).replace(settings.SITE_URL, "")
    response = client.get(url)
    assert response.status_code == 200
    assert "Credit note issued" in response.text
    delivery.refresh_from_db()
    first = delivery.opened_at
    assert first is not None
    client.get(url)
    delivery.refresh_from_db()
    assert delivery.opened_at == first


def test_a_forged_or_expired_web_link_is_404(client, delivery):
    send(delivery.pk)
    url = web_link(mail.outbox[0]).replace(settings.SITE_URL, "")
    assert client.get(url[:-3] + "xyz/").status_code == 404
    with time_machine.travel(datetime.now(UTC) + timedelta(days=91)):
        assert client.get(url).status_code == 404


def test_one_click_unsubscribe_stops_summaries_for_that_campaign_only(client, campaign, other_campaign):
    leader = LeaderFactory(campaign=campaign, email="same@example.com")
    elsewhere = LeaderFactory(campaign=other_campaign, email="same@example.com")
    url = reverse("leadership:summary-unsubscribe", kwargs={"token": unsubscribe_token(leader)})
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Leader.objects.get(pk=leader.pk).receives_summaries
    assert Leader.objects.get(pk=elsewhere.pk).receives_summaries


def test_the_unsubscribe_link_asks_before_it_acts(client, campaign):
    leader = LeaderFactory(campaign=campaign)
    url = reverse("leadership:summary-unsubscribe", kwargs={"token": unsubscribe_token(leader)})
    assert "Stop these summaries" in client.get(url).text
    assert Leader.objects.get(pk=leader.pk).receives_summaries
    client.post(url)
    assert not Leader.objects.get(pk=leader.pk).receives_summaries


def test_a_forged_unsubscribe_link_is_404(client, campaign):
    leader = LeaderFactory(campaign=campaign)
    token = unsubscribe_token(leader)
    assert client.post(reverse("leadership:summary-unsubscribe", kwargs={"token": token + "x"})).status_code == 404


def test_a_test_copy_goes_to_the_member_only_through_its_own_outbox_row(
    delivery, admin_user, django_capture_on_commit_callbacks, tasks_enqueued
):
    with django_capture_on_commit_callbacks(execute=True):
        copy = summary_test_copy_create(campaign=delivery.summary.campaign, user=admin_user, summary=delivery.summary)
    assert tasks_enqueued == [("leadership.tasks.send_test_copy_delivery", (copy.pk,))]
    assert send_test_copy_delivery(copy.pk) == DeliveryStatus.SENT
    assert send_test_copy_delivery(copy.pk) is None  # claimed and sent once, like a leader's copy
    [message] = mail.outbox
    assert message.to == [admin_user.email]
    assert message.subject.startswith("[Test]")
    assert "/s/test/" in message.extra_headers["List-Unsubscribe"]
    assert SummaryDelivery.objects.count() == 1


def test_the_reaper_sends_a_test_copy_whose_broker_message_was_lost(delivery, admin_user, monkeypatch):
    requeued = []
    monkeypatch.setattr(send_test_copy_delivery, "delay", requeued.append)
    copy = summary_test_copy_create(campaign=delivery.summary.campaign, user=admin_user, summary=delivery.summary)
    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        requeue_stale_test_copy_deliveries()
    assert requeued == [copy.pk]


def test_when_more_complaints_are_open_than_shown_the_email_says_how_many(campaign):
    SummaryScheduleFactory(campaign=campaign)
    LeaderFactory(campaign=campaign)
    FeedbackFactory.create_batch(12, campaign=campaign, received_on=date(2026, 11, 10))
    [summary] = summaries_dispatch_due(now=MONDAY_9)
    send(summary.deliveries.get().pk)
    assert "The 10 most severe, oldest first, of 12 open" in mail.outbox[0].body
    assert "The 10 most severe, oldest first, of 12 open" in mail.outbox[0].alternatives[0].content
