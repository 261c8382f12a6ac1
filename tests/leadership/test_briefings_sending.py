"""Sending a pack: rules, exactly-once delivery under double clicks and retried tasks, the email itself."""

import smtplib
from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from leadership.delivery import TransientSendError
from leadership.models import BriefingPack, DeliveryStatus, Engagement, PackDelivery
from leadership.services import pack_send
from leadership.tasks import send_pack_delivery
from tests.factories import (
    AllyFactory,
    BriefingPackFactory,
    EventFactory,
    LeaderFactory,
    ServiceProblemFactory,
)


@pytest.fixture
def pack(campaign, champion):
    """A draft with two recipients, a story, an invitation and a note."""
    pack = BriefingPackFactory(campaign=campaign, title="Wins this month", created_by=champion)
    pack.recipients.add(
        LeaderFactory(campaign=campaign, name="Rupert Vance", email="rupert@example.com"),
        LeaderFactory(campaign=campaign, name="Margaret Hale", email="margaret@example.com"),
    )
    story = ServiceProblemFactory(
        campaign=campaign,
        title="Same-day delivery slots",
        status="won",
        won_on=date(2026, 10, 1),
        story_what="Mapped the handoffs",
        story_before="two days",
        story_after="four hours",
        story_figure="2 days → 4 hours",
    )
    story.people.add(AllyFactory(campaign=campaign, name="Jo Banks"))
    pack.stories.add(story)
    pack.events.add(EventFactory(campaign=campaign, title="Trade breakfast"))
    return pack


def send_and_deliver(pack, by, django_capture_on_commit_callbacks):
    """Send the pack and run the tasks it enqueued, as a worker would (no broker in tests)."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        pack_send(pack=pack, by=by)
    for delivery in PackDelivery.objects.filter(pack=pack):
        send_pack_delivery.run(delivery.pk)
    return callbacks


# --- Rules ------------------------------------------------------------------------------------------


def test_a_pack_without_recipients_cannot_be_sent(campaign, champion):
    pack = BriefingPackFactory(campaign=campaign, note="Hello")
    with pytest.raises(ValidationError, match="at least one leader"):
        pack_send(pack=pack, by=champion)
    assert not PackDelivery.objects.exists()


def test_a_pack_without_content_cannot_be_sent(campaign, champion):
    pack = BriefingPackFactory(campaign=campaign, note="")
    pack.recipients.add(LeaderFactory(campaign=campaign))
    with pytest.raises(ValidationError, match="Add some content"):
        pack_send(pack=pack, by=champion)


def test_a_leader_of_another_campaign_cannot_be_chosen_as_recipient(client_for, champion, campaign, other_campaign):
    pack = BriefingPackFactory(campaign=campaign)
    foreign = LeaderFactory(campaign=other_campaign)
    url = reverse("leadership:pack-compose", kwargs={"slug": campaign.slug, "pk": pack.pk})
    response = client_for(champion).post(url, {"title": "T", "recipients": [foreign.pk]})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not pack.recipients.exists()


def test_a_foreign_recipient_slipped_in_is_refused_by_the_service(campaign, other_campaign, champion):
    pack = BriefingPackFactory(campaign=campaign)
    pack.recipients.add(LeaderFactory(campaign=other_campaign))
    with pytest.raises(ValidationError, match="leader of this campaign"):
        pack_send(pack=pack, by=champion)


def test_sending_creates_one_delivery_per_leader_and_enqueues_after_commit(
    pack, champion, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        pack_send(pack=pack, by=champion)
    assert PackDelivery.objects.filter(pack=pack, status=DeliveryStatus.QUEUED).count() == 2
    assert len(callbacks) == 2
    pack.refresh_from_db()
    assert pack.status == BriefingPack.Status.SENT and pack.sent_by == champion


# --- Exactly once -----------------------------------------------------------------------------------


def test_each_leader_gets_exactly_one_email(pack, champion, django_capture_on_commit_callbacks):
    send_and_deliver(pack, champion, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == ["margaret@example.com", "rupert@example.com"]
    assert set(PackDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_a_second_send_of_the_same_pack_emails_nobody_again(pack, champion, django_capture_on_commit_callbacks):
    send_and_deliver(pack, champion, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="already been sent"):
        pack_send(pack=pack, by=champion)
    assert len(mail.outbox) == 2


def test_a_double_click_on_send_emails_each_leader_once(client_for, champion, pack, django_capture_on_commit_callbacks):
    url = reverse("leadership:pack-send", kwargs={"slug": pack.campaign.slug, "pk": pack.pk})
    client = client_for(champion)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(url)
        client.post(url)
    for delivery in PackDelivery.objects.all():
        send_pack_delivery.run(delivery.pk)
    assert PackDelivery.objects.count() == 2
    assert len(callbacks) == 2
    assert len(mail.outbox) == 2


def test_a_retried_or_duplicated_task_does_not_send_twice(pack, champion, django_capture_on_commit_callbacks):
    send_and_deliver(pack, champion, django_capture_on_commit_callbacks)
    for delivery in PackDelivery.objects.all():
        assert send_pack_delivery.run(delivery.pk) is None
    assert len(mail.outbox) == 2


def test_a_transient_smtp_failure_is_retried_and_then_sent_once(
    pack, champion, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        pack_send(pack=pack, by=champion)
    delivery = PackDelivery.objects.filter(pack=pack).first()
    from django.core.mail.message import EmailMessage

    real_send = EmailMessage.send
    monkeypatch.setattr(
        EmailMessage, "send", lambda self, *a, **k: (_ for _ in ()).throw(smtplib.SMTPServerDisconnected("gone"))
    )
    with pytest.raises(TransientSendError):
        send_pack_delivery.run(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.QUEUED
    assert "SMTPServerDisconnected" in delivery.last_error

    monkeypatch.setattr(EmailMessage, "send", real_send)
    send_pack_delivery.run(delivery.pk)
    send_pack_delivery.run(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 2
    assert len(mail.outbox) == 1


def test_a_permanent_rejection_marks_the_delivery_failed(
    pack, champion, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        pack_send(pack=pack, by=champion)
    delivery = PackDelivery.objects.filter(pack=pack).first()
    from django.core.mail.message import EmailMessage

    error = smtplib.SMTPRecipientsRefused({delivery.leader.email: (550, b"no such user")})
    monkeypatch.setattr(EmailMessage, "send", lambda self, *a, **k: (_ for _ in ()).throw(error))
    assert send_pack_delivery.run(delivery.pk) == DeliveryStatus.FAILED
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED


def test_the_task_retries_only_transient_errors():
    assert send_pack_delivery.autoretry_for == (TransientSendError,)
    assert send_pack_delivery.max_retries and send_pack_delivery.retry_backoff and send_pack_delivery.retry_jitter


def test_the_sent_pack_page_shows_each_recipients_state(
    client_for, viewer, pack, champion, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        pack_send(pack=pack, by=champion)
    url = pack.get_absolute_url()
    response = client_for(viewer).get(url)
    assert response.text.count("Queued") == 2
    assert 'hx-trigger="every 5s"' in response.text
    fragment = client_for(viewer).get(url, HTTP_HX_REQUEST="true")
    assert 'id="delivery-states"' in fragment.text and "<html" not in fragment.text


# --- The email --------------------------------------------------------------------------------------


def test_the_email_has_both_parts_the_web_link_and_a_footer(pack, champion, django_capture_on_commit_callbacks):
    send_and_deliver(pack, champion, django_capture_on_commit_callbacks)
    message = next(m for m in mail.outbox if m.to == ["rupert@example.com"])
    html = message.alternatives[0].content
    assert message.subject == f"Wins this month — {pack.campaign.name}"
    assert message.alternatives[0].mimetype == "text/html"
    for part in (message.body, html):
        assert "Dear Rupert Vance" in part
        assert "Same-day delivery slots" in part
        assert "Jo Banks" in part
        assert "/l/briefing/" in part
        assert "/l/answer/" in part
        assert pack.campaign.name in part
        assert f"Sent by {champion.get_full_name()}" in part
    assert "<p" not in message.body and "style=" not in message.body
    assert message.extra_headers["Reply-To"] == champion.email
    assert "<img" not in html
    assert message.extra_headers["Message-ID"].startswith("<packdelivery-")


def test_html_in_pack_fields_is_escaped_in_the_email(campaign, champion, django_capture_on_commit_callbacks):
    pack = BriefingPackFactory(campaign=campaign, title="T", note="<b>bold</b> & <script>x()</script>")
    pack.recipients.add(LeaderFactory(campaign=campaign, name="<i>Eve</i>"))
    send_and_deliver(pack, champion, django_capture_on_commit_callbacks)
    html = mail.outbox[0].alternatives[0].content
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<i>Eve</i>" not in html
    # The text part is plain text: nothing to escape, so it reads as written.
    assert "<b>bold</b> & <script>x()</script>" in mail.outbox[0].body


def test_stale_deliveries_are_enqueued_again(pack, champion, monkeypatch, django_capture_on_commit_callbacks):
    from datetime import timedelta

    import time_machine

    from leadership.delivery import STALE_AFTER
    from leadership.tasks import requeue_stale_pack_deliveries

    with django_capture_on_commit_callbacks(execute=False):
        pack_send(pack=pack, by=champion)
    enqueued = []
    monkeypatch.setattr(send_pack_delivery, "delay", enqueued.append)
    requeue_stale_pack_deliveries.run()
    assert enqueued == []
    with time_machine.travel(STALE_AFTER + timedelta(minutes=1)):
        requeue_stale_pack_deliveries.run()
    assert sorted(enqueued) == sorted(PackDelivery.objects.values_list("pk", flat=True))


def test_sending_clippings_logs_a_clipping_sent_engagement_per_leader(pack, champion, campaign):
    from tests.factories import ClippingFactory

    pack.clippings.add(ClippingFactory(campaign=campaign, title="Parcel firm loses a client"))
    pack_send(pack=pack, by=champion)
    engagements = Engagement.objects.filter(kind="clipping")
    assert sorted(e.leader.email for e in engagements) == ["margaret@example.com", "rupert@example.com"]
    assert all("Parcel firm loses a client" in e.note for e in engagements)
