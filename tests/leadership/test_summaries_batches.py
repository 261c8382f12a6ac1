"""
A summary's fan-out at speed: deliveries sent in batches (each still claimed, sent and marked on its
own), the summary's shared part rendered once per batch with each leader's own parts around it, one SMTP
connection kept open across messages, and the worker's database connection kept across tasks.
"""

import smtplib
import socket
import time
from datetime import UTC, date, datetime

import pytest
import time_machine
from aiosmtpd.controller import Controller
from celery.signals import task_postrun, task_prerun
from django.conf import settings
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.test.signals import template_rendered

from config.celery import close_old_database_connections
from leadership import delivery as delivery_module
from leadership import services, signing
from leadership.delivery import BATCH_SIZE, KeptConnection, delivery_send_batch
from leadership.emails import summary_delivery_builder, summary_delivery_message, summary_message
from leadership.models import DeliveryStatus, SummaryDelivery
from leadership.services import summaries_dispatch_due
from leadership.tasks import SUMMARY_DELIVERY_RELATED, send_summary_deliveries, send_summary_delivery
from tests.factories import FeedbackFactory, LeaderFactory, SummaryScheduleFactory

MONDAY_9 = datetime(2026, 11, 16, 9, tzinfo=UTC)


@pytest.fixture
def summary(campaign):
    SummaryScheduleFactory(campaign=campaign)
    LeaderFactory(campaign=campaign, name='Ann O\'Brien <b>&"Co"</b>', email="ann@example.com")
    LeaderFactory.create_batch(4, campaign=campaign)
    FeedbackFactory(campaign=campaign, received_on=date(2026, 11, 10), summary="Invoice <b>wrong</b> & late")
    [summary] = summaries_dispatch_due(now=MONDAY_9)
    return summary


@pytest.fixture
def singles(monkeypatch):
    """One-delivery tasks a batch hands work over to: (pk, countdown), kept off the broker."""
    sent = []
    monkeypatch.setattr(send_summary_delivery, "delay", lambda pk: sent.append((pk, None)))
    monkeypatch.setattr(
        send_summary_delivery, "apply_async", lambda args, countdown=None: sent.append((args[0], countdown))
    )
    return sent


def batch(pks):
    return delivery_send_batch(
        model=SummaryDelivery,
        pks=pks,
        build=summary_delivery_message,
        single=send_summary_delivery,
        related=SUMMARY_DELIVERY_RELATED,
    )


def ids(summary):
    return list(summary.deliveries.order_by("pk").values_list("pk", flat=True))


# --- The email, rendered once ------------------------------------------------------------------


@pytest.fixture
def templates_rendered():
    """The names of the templates rendered while the test runs, in order."""
    names = []

    def record(sender, template, context, **kwargs):
        names.append(template.name)

    template_rendered.connect(record)
    yield names
    template_rendered.disconnect(record)


def test_a_batch_renders_the_shared_part_once_and_each_copy_is_what_rendering_it_alone_gives(
    summary, templates_rendered
):
    deliveries = list(SummaryDelivery.objects.select_related(*SUMMARY_DELIVERY_RELATED))
    build = summary_delivery_builder()
    with time_machine.travel(MONDAY_9, tick=False):  # the signed links carry the time
        copies = [build(delivery) for delivery in deliveries]
    # Each shared section (a partial of emails/_summary-shared.*) once in text and once in HTML, for every leader.
    for section in ("figures", "wrong", "well"):
        assert templates_rendered.count(section) == 2
    assert templates_rendered.count("emails/summary-body.html") == len(deliveries)  # the leader's own parts
    for delivery, fast in zip(deliveries, copies, strict=True):
        with time_machine.travel(MONDAY_9, tick=False):
            slow = summary_message(
                summary=delivery.summary,
                to=delivery.leader.email,
                leader=delivery.leader,
                web_url=signing.summary_web_url(delivery),
            )
        assert (fast.subject, fast.body, fast.to) == (slow.subject, slow.body, slow.to)
        assert fast.alternatives[0].content == slow.alternatives[0].content
        assert fast.extra_headers == slow.extra_headers
        assert f"Dear {delivery.leader.name}," in fast.body
        assert "Invoice <b>wrong</b> & late" in fast.body


def test_a_leaders_name_is_escaped_in_the_html_part_and_plain_in_the_text(summary):
    delivery = summary.deliveries.get(leader__email="ann@example.com")
    message = summary_delivery_message(delivery)
    assert 'Dear Ann O\'Brien <b>&"Co"</b>,' in message.body
    html = message.alternatives[0].content
    assert "Dear Ann O&#x27;Brien &lt;b&gt;&amp;&quot;Co&quot;&lt;/b&gt;," in html
    assert "Invoice &lt;b&gt;wrong&lt;/b&gt; &amp; late" in html


def test_a_changed_campaign_name_is_rendered_again(summary):
    delivery = summary.deliveries.first()
    assert summary.campaign.name in summary_delivery_message(delivery).subject
    summary.campaign.name = "Renamed Campaign"
    summary.campaign.save()
    delivery = SummaryDelivery.objects.select_related(*SUMMARY_DELIVERY_RELATED).get(pk=delivery.pk)
    assert summary_delivery_message(delivery).subject.startswith("Renamed Campaign:")


# --- Batches -----------------------------------------------------------------------------------


def test_the_fan_out_enqueues_batches_on_commit(campaign, django_capture_on_commit_callbacks, tasks_enqueued):
    SummaryScheduleFactory(campaign=campaign)
    LeaderFactory.create_batch(BATCH_SIZE + 3, campaign=campaign)
    with django_capture_on_commit_callbacks(execute=True):
        [summary] = summaries_dispatch_due(now=MONDAY_9)
    assert set(tasks_enqueued.names()) == {"leadership.tasks.send_summary_deliveries"}
    assert [len(pks) for _name, (pks,) in tasks_enqueued] == [BATCH_SIZE, 3]
    assert sorted(pk for _name, (pks,) in tasks_enqueued for pk in pks) == ids(summary)


def test_a_batch_sends_each_delivery_once_and_marks_it(summary, singles, django_assert_max_num_queries):
    pks = ids(summary)
    # One claim and one read for the batch, then one mark per delivery.
    with django_assert_max_num_queries(2 + len(pks)):
        outcome = batch(pks)
    assert outcome == dict.fromkeys(pks, DeliveryStatus.SENT)
    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted(
        f"<summarydelivery-{pk}@rising-tide>" for pk in pks
    )
    assert set(SummaryDelivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.SENT, 1)}
    assert batch(pks) == {}  # the same batch again (a redelivered message) sends nothing
    assert send_summary_deliveries(pks) == {}
    assert len(mail.outbox) == len(pks) and singles == []


def test_a_batch_leaves_alone_a_delivery_another_worker_holds(summary, singles):
    first, *rest = ids(summary)
    SummaryDelivery.objects.filter(pk=first).update(status=DeliveryStatus.SENDING, claimed_at=MONDAY_9)
    assert list(batch([first, *rest])) == rest
    assert SummaryDelivery.objects.get(pk=first).status == DeliveryStatus.SENDING


def test_a_transient_failure_hands_the_delivery_and_the_rest_to_single_tasks(summary, singles, monkeypatch):
    first, second, *rest = ids(summary)
    real = EmailBackend.send_messages
    calls = []

    def send_messages(self, messages):
        calls.append(1)
        if len(calls) == 2:
            raise smtplib.SMTPResponseException(451, b"try again later")
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    outcome = batch([first, second, *rest])
    assert outcome == {first: DeliveryStatus.SENT, second: DeliveryStatus.QUEUED}
    [(retried, countdown), *handed] = singles
    assert retried == second and 0 <= countdown <= settings.DELIVERY_RETRY_BACKOFF
    assert handed == [(pk, None) for pk in rest]
    failed = SummaryDelivery.objects.get(pk=second)
    assert (failed.status, failed.attempts) == (DeliveryStatus.QUEUED, 1) and "451" in failed.last_error
    assert set(SummaryDelivery.objects.filter(pk__in=rest).values_list("status", "attempts")) == {
        (DeliveryStatus.QUEUED, 0)
    }
    # The single tasks finish the job, each exactly once.
    for pk, _ in singles:
        send_summary_delivery(pk)
    assert len(mail.outbox) == len(ids(summary))


def test_a_message_that_cannot_be_built_fails_alone_and_the_batch_goes_on(summary, singles, monkeypatch):
    first, *rest = ids(summary)

    def build(delivery):
        if delivery.pk == first:
            raise ValueError("no template")
        return summary_delivery_message(delivery)

    outcome = delivery_send_batch(model=SummaryDelivery, pks=[first, *rest], build=build, single=send_summary_delivery)
    assert outcome[first] == DeliveryStatus.FAILED
    assert all(outcome[pk] == DeliveryStatus.SENT for pk in rest)
    assert "no template" in SummaryDelivery.objects.get(pk=first).last_error


def test_a_batch_past_its_time_budget_hands_the_rest_over(summary, singles, monkeypatch):
    monkeypatch.setattr(delivery_module, "BATCH_BUDGET", -1)
    pks = ids(summary)
    assert batch(pks) == {}
    assert singles == [(pk, None) for pk in pks]
    # Given back untried: queued again, no attempt counted, for the single tasks to claim.
    assert set(SummaryDelivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.QUEUED, 0)}
    send_summary_delivery(pks[0])
    assert len(mail.outbox) == 1


def test_retrying_failed_deliveries_enqueues_them_in_batches(
    summary, django_capture_on_commit_callbacks, tasks_enqueued
):
    pks = ids(summary)
    SummaryDelivery.objects.filter(pk__in=pks[:2]).update(status=DeliveryStatus.FAILED, attempts=5)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.summary_deliveries_retry_failed(summary=summary) == 2
    [(name, (retried,))] = tasks_enqueued
    assert (name, sorted(retried)) == ("leadership.tasks.send_summary_deliveries", pks[:2])


# --- One SMTP connection for many messages --------------------------------------------------------


class Counting:
    def __init__(self):
        self.peers = []

    async def handle_DATA(self, server, session, envelope):
        self.peers.append(session.peer)
        return "250 OK"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    handler = Counting()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    handler.controller, handler.port = controller, port
    try:
        yield handler
    finally:
        handler.controller.stop()


def message(n):
    return mail.EmailMessage(f"Hello {n}", "Body", to=[f"leader{n}@example.com"])


def test_messages_share_one_kept_connection(smtp):
    kept = KeptConnection()
    for n in range(5):
        assert kept.send(message(n)) == 1
    assert len(smtp.peers) == 5 and len(set(smtp.peers)) == 1
    kept.drop()


def test_a_connection_the_server_closed_is_replaced_before_the_next_message(smtp, monkeypatch):
    kept = KeptConnection()
    kept.send(message(1))
    smtp.controller.stop()  # the server restarted: the kept connection is dead
    smtp.controller = Controller(smtp, hostname="127.0.0.1", port=smtp.port)
    smtp.controller.start()
    monkeypatch.setattr(delivery_module, "PROBE_AFTER_IDLE", 0)
    time.sleep(0.01)
    kept.send(message(2))  # the NOOP found it dead: a new connection, nothing failed
    assert len(smtp.peers) == 2 and smtp.peers[0] != smtp.peers[1]
    kept.drop()


def test_a_failed_send_drops_the_connection_and_the_next_opens_a_new_one(smtp, monkeypatch):
    kept = KeptConnection()
    kept.send(message(1))
    first = kept._local.backend.connection
    monkeypatch.setattr(first, "sendmail", lambda *args: (_ for _ in ()).throw(smtplib.SMTPServerDisconnected()))
    with pytest.raises(smtplib.SMTPServerDisconnected):
        kept.send(message(2))
    assert kept._local.backend.connection is None
    kept.send(message(3))
    assert len(set(smtp.peers)) == 2
    kept.drop()


def test_other_mailers_are_used_as_message_send_would(mailoutbox):
    kept = KeptConnection()
    kept.send(message(1))
    kept.send(message(2))
    assert [m.subject for m in mailoutbox] == ["Hello 1", "Hello 2"]


# --- The worker's database connection --------------------------------------------------------------


def test_the_worker_keeps_its_database_connection_as_django_does_per_request():
    assert settings.CELERY_DB_REUSE_MAX > 1  # Celery's fixup would close it after every task otherwise
    assert close_old_database_connections in [receiver() for _, receiver in task_prerun.receivers]
    assert close_old_database_connections in [receiver() for _, receiver in task_postrun.receivers]
