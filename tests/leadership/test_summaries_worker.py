"""
The whole path in strict mode: the dispatcher commits a summary, its deliveries go through the
configured broker (Redis in CI) to a real worker, which sends them to a real SMTP server on
localhost (aiosmtpd); the test reads the delivered message.
"""

import email
import email.policy
import socket
from datetime import UTC, date, datetime

import kombu.pools
import pytest
from aiosmtpd.controller import Controller

from config.celery import app
from leadership.models import DeliveryStatus, SummaryDelivery
from leadership.services import summaries_dispatch_due
from tests.campaign.test_celery_worker import celery_worker as shared_celery_worker
from tests.campaign.test_celery_worker import wait_for
from tests.factories import CampaignFactory, FeedbackFactory, LeaderFactory, SummaryScheduleFactory


def drop_broker_pools():
    """
    Forget every pooled broker connection and producer, so this test's sends use a live one.

    Another worker test earlier in the session closes the app's connection pool, but the app
    keeps its producer pool (and kombu its global pools) pointing at it: "Acquire on closed pool".
    """
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    kombu.pools.reset()


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """The shared worker fixture, with the broker pools dropped before and after."""
    drop_broker_pools()
    try:
        yield from shared_celery_worker.__wrapped__(transactional_db, tmp_path)
    finally:
        drop_broker_pools()


class Inbox:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=email.policy.default))
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1, and Django's mail pointed at it."""
    inbox = Inbox()
    with socket.socket() as probe:  # a free port: aiosmtpd checks its server by connecting to it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.mark.needs_redis
def test_a_due_summary_reaches_the_smtp_server_once_through_broker_and_worker(celery_worker, smtp_server):
    campaign = CampaignFactory(name="Harbour Line", slug="harbour-worker")
    SummaryScheduleFactory(campaign=campaign)
    LeaderFactory(campaign=campaign, name="Lena Boss", email="lena@example.com")
    FeedbackFactory(
        campaign=campaign, received_on=date(2026, 11, 10), summary="Invoice late & wrong", action="Credit note"
    )

    created = summaries_dispatch_due(now=datetime(2026, 11, 16, 9, tzinfo=UTC))
    assert len(created) == 1
    delivery = SummaryDelivery.objects.get(summary=created[0])
    assert wait_for(lambda: SummaryDelivery.objects.get(pk=delivery.pk).status == DeliveryStatus.SENT, seconds=30)

    # A second tick creates nothing and sends nothing.
    assert summaries_dispatch_due(now=datetime(2026, 11, 16, 9, 5, tzinfo=UTC)) == []
    assert not wait_for(lambda: len(smtp_server.messages) > 1, seconds=2)

    [(recipients, message)] = smtp_server.messages
    assert recipients == ["lena@example.com"]
    assert message["Subject"] == "Harbour Line: executive summary, 9 Nov – 15 Nov 2026"
    assert message["Message-ID"] == f"<summarydelivery-{delivery.pk}@rising-tide>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/unsubscribe/" in message["List-Unsubscribe"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Invoice late & wrong" in text and "Being done: Credit note" in text
    assert "Invoice late &amp; wrong" in html and "Read it on the web" in html
