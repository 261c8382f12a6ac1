"""Member mail goes through an outbox: queued in the request, sent once by a worker, retried on transient errors."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.message import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from campaign import outbox
from campaign.models import Invitation, MemberDelivery, Role
from campaign.services import member_add_by_email
from campaign.tasks import requeue_stale_member_deliveries, send_member_delivery
from tests.factories import UserFactory

Status = MemberDelivery.Status


def fail_with(monkeypatch, error):
    monkeypatch.setattr(EmailMessage, "send", lambda self, *a, **k: (_ for _ in ()).throw(error))


@pytest.fixture
def queued(campaign, admin_user, django_capture_on_commit_callbacks):
    """An invitation's email, queued and not yet sent."""
    with django_capture_on_commit_callbacks(execute=False):
        member_add_by_email(campaign=campaign, email="new@example.com", role=Role.CHAMPION, by=admin_user)
    return MemberDelivery.objects.get()


def test_inviting_sends_nothing_in_the_request_and_enqueues_one_task_on_commit(
    client_for, admin_user, campaign, django_capture_on_commit_callbacks, monkeypatch
):
    enqueued = []
    monkeypatch.setattr(outbox.current_app, "send_task", lambda name, args: enqueued.append((name, args)))
    url = reverse("campaign:settings-members", kwargs={"slug": campaign.slug})
    with django_capture_on_commit_callbacks(execute=True):
        client_for(admin_user).post(url, {"email": "new@example.com", "role": "champion"})
    delivery = MemberDelivery.objects.get()
    assert mail.outbox == []
    assert enqueued == [("campaign.tasks.send_member_delivery", (delivery.pk,))]
    assert (delivery.status, delivery.to_email, delivery.template) == (Status.QUEUED, "new@example.com", "invitation")
    assert delivery.triggered_by == admin_user
    assert delivery.subject == "You're invited to Harbour Line on Rising Tide"


def test_a_rolled_back_transaction_queues_and_enqueues_nothing(
    campaign, admin_user, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks(execute=False)
    with capture as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        member_add_by_email(campaign=campaign, email="new@example.com", role=Role.CHAMPION, by=admin_user)
        raise RuntimeError("rolled back")
    assert callbacks == []
    assert not MemberDelivery.objects.exists()


def test_the_task_sends_the_invitation_once_with_its_link_and_forgets_the_link(queued):
    assert send_member_delivery.run(queued.pk) == Status.SENT
    assert send_member_delivery.run(queued.pk) is None  # a duplicated task: nothing to do
    [message] = mail.outbox
    assert message.to == ["new@example.com"]
    assert message.extra_headers["Message-ID"] == queued.message_id
    token_link = next(line for line in message.body.splitlines() if "/accounts/invitation/" in line).strip()
    token = token_link.rstrip("/").rsplit("/", 1)[-1]
    assert Invitation.objects.for_token(token).exists()
    assert token_link in message.alternatives[0].content
    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == (Status.SENT, 1)
    assert queued.sent_at is not None
    assert token not in str(queued.secret_context) and token not in str(queued.context)


def test_the_message_shown_to_members_hides_the_single_use_link(queued):
    message = outbox.member_delivery_message(queued)
    assert "/accounts/invitation/" not in message.body
    assert outbox.HIDDEN in message.body


def test_a_transient_smtp_failure_puts_the_row_back_and_the_retry_sends_it_once(queued, monkeypatch):
    fail_with(monkeypatch, smtplib.SMTPResponseException(451, b"try later"))
    with pytest.raises(smtplib.SMTPResponseException):
        send_member_delivery.run(queued.pk)
    queued.refresh_from_db()
    assert queued.status == Status.QUEUED
    assert "451" in queued.last_error
    monkeypatch.undo()

    send_member_delivery.run(queued.pk)
    send_member_delivery.run(queued.pk)
    queued.refresh_from_db()
    assert (queued.status, queued.attempts, queued.last_error) == (Status.SENT, 2, "")
    assert len(mail.outbox) == 1


def test_a_permanent_rejection_fails_at_once_without_a_retry(queued, monkeypatch):
    fail_with(monkeypatch, smtplib.SMTPRecipientsRefused({"new@example.com": (550, b"no such user")}))
    assert send_member_delivery.run(queued.pk) == Status.FAILED
    queued.refresh_from_db()
    assert queued.status == Status.FAILED
    assert queued.secret_context == {"url": None}


def test_the_last_attempt_fails_the_row_instead_of_retrying(queued, monkeypatch):
    MemberDelivery.objects.filter(pk=queued.pk).update(attempts=outbox.MAX_ATTEMPTS - 1)
    fail_with(monkeypatch, ConnectionRefusedError("refused"))
    assert send_member_delivery.run(queued.pk) == Status.FAILED
    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == (Status.FAILED, outbox.MAX_ATTEMPTS)


def test_the_task_retries_only_smtp_connection_and_timeout_errors():
    assert set(send_member_delivery.autoretry_for) == {smtplib.SMTPException, ConnectionError, TimeoutError}
    assert send_member_delivery.max_retries == outbox.MAX_ATTEMPTS - 1


def test_a_row_another_worker_holds_is_not_sent_again(queued):
    assert outbox.delivery_claim(model=MemberDelivery, pk=queued.pk) is not None
    assert send_member_delivery.run(queued.pk) is None
    assert mail.outbox == []


def test_stale_rows_are_put_back_and_enqueued_again(queued, monkeypatch):
    long_ago = timezone.now() - outbox.STALE_AFTER - timedelta(minutes=1)
    stuck = MemberDelivery.objects.create(
        campaign=queued.campaign,
        to_email="stuck@example.com",
        template="invitation",
        subject="s",
        status=Status.SENDING,
        claimed_at=long_ago,
        attempts=1,
    )
    worn_out = MemberDelivery.objects.create(
        campaign=queued.campaign,
        to_email="worn@example.com",
        template="invitation",
        subject="s",
        status=Status.SENDING,
        claimed_at=long_ago,
        attempts=outbox.MAX_ATTEMPTS,
    )
    MemberDelivery.objects.filter(pk=queued.pk).update(created_at=long_ago)
    fresh = MemberDelivery.objects.create(campaign=queued.campaign, to_email="f@example.com", template="x", subject="s")
    enqueued = []
    monkeypatch.setattr(send_member_delivery, "delay", enqueued.append)

    assert sorted(requeue_stale_member_deliveries.run()) == sorted([queued.pk, stuck.pk])
    assert sorted(enqueued) == sorted([queued.pk, stuck.pk])
    assert MemberDelivery.objects.get(pk=stuck.pk).status == Status.QUEUED
    assert MemberDelivery.objects.get(pk=worn_out.pk).status == Status.FAILED
    assert MemberDelivery.objects.get(pk=fresh.pk).status == Status.QUEUED


def test_adding_an_existing_account_queues_the_welcome_with_plain_values(
    campaign, admin_user, django_capture_on_commit_callbacks, send_member_mail
):
    UserFactory(username="erin", first_name="Erin", last_name="Lake", email="erin@example.com")
    with django_capture_on_commit_callbacks(execute=False):
        member_add_by_email(campaign=campaign, email="erin@example.com", role=Role.VIEWER, by=admin_user)
    delivery = MemberDelivery.objects.get()
    assert delivery.context["member_name"] == "Erin Lake"
    assert delivery.context["role"] == "viewer"
    send_member_mail()
    [message] = mail.outbox
    assert "Hello Erin Lake," in message.body
    assert "as viewer" in message.body
