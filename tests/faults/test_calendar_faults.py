"""
Calendar mail (a changed or cancelled invitation's update, a recognition moment's invitation to the
leader and the manager copied) reaches everyone exactly once through a real worker, the private Redis
and the SMTP sink, when the worker is killed, Redis restarts with messages queued, or the SMTP server is
down for a while.
"""

import time
from datetime import UTC, datetime

import pytest

from leadership.models import DeliveryStatus, InvitationUpdate, PackDelivery, RecognitionDelivery, RecognitionMoment
from leadership.recognition import moment_plan
from leadership.services import event_cancel, event_save
from leadership.tasks import requeue_stale_invitation_update_deliveries, requeue_stale_recognition_deliveries
from tests.factories import BriefingPackFactory, CampaignFactory, EventFactory, LeaderFactory, ServiceProblemFactory
from tests.faults.conftest import MAX_ATTEMPTS, drop_broker_pools, wait_until

pytestmark = [pytest.mark.needs_postgres, pytest.mark.needs_redis]

ACTIVE = (DeliveryStatus.QUEUED, DeliveryStatus.SENDING)
MODELS = (InvitationUpdate, RecognitionDelivery)


def seed(leaders=3):
    """A campaign whose invitation is in a pack already sent to `leaders` leaders, and a won story."""
    campaign = CampaignFactory(time_zone="Europe/Paris")
    people = LeaderFactory.create_batch(leaders, campaign=campaign)
    event = EventFactory(campaign=campaign)
    pack = BriefingPackFactory(campaign=campaign, status="sent")
    pack.events.add(event)
    for leader in people:
        PackDelivery.objects.create(pack=pack, leader=leader, status=DeliveryStatus.SENT)
    story = ServiceProblemFactory(campaign=campaign, status="won", won_on=datetime(2026, 11, 1).date())
    return campaign, people, event, story


def make_calendar_mail(campaign, people, event, story):
    """An update and then a cancellation to every leader, and two recognition moments (leader + manager)."""
    event.where = "Another room"
    event_save(event=event, changed=["where"])
    event_cancel(event=event)
    for n, leader in enumerate(people[:2]):
        moment = RecognitionMoment(
            campaign=campaign,
            story=story,
            leader=leader,
            starts_at=datetime(2030, 1, 10 + n, 10, tzinfo=UTC),
            place="The depot",
            speech="Thank you.",
            copy_to=f"manager{n}@example.com",
        )
        moment_plan(moment=moment, by=None)
    return len(people) * 2 + 4


def in_hand():
    return any(model.objects.filter(status__in=ACTIVE).exists() for model in MODELS)


def reap_until_settled(seconds=90):
    deadline = time.monotonic() + seconds
    next_reap = 0.0
    while time.monotonic() < deadline:
        if not in_hand():
            return
        if time.monotonic() >= next_reap:
            requeue_stale_invitation_update_deliveries.delay()
            requeue_stale_recognition_deliveries.delay()
            next_reap = time.monotonic() + 1.0
        time.sleep(0.2)
    raise AssertionError(f"calendar mail still queued or sending after {seconds} s")


def assert_each_sent_exactly_once(sink, expected):
    received = sink.message_ids()
    rows = [row for model in MODELS for row in model.objects.all()]
    assert len(rows) == expected
    for row in rows:
        assert row.status == DeliveryStatus.SENT, (row, row.status, row.last_error)
        assert received[row.message_id] == 1, (row.message_id, received[row.message_id])
        assert 1 <= row.attempts <= MAX_ATTEMPTS
    assert set(received) <= {row.message_id for row in rows}


def test_a_worker_killed_mid_send_and_restarted_sends_every_calendar_mail_once(worker, smtp):
    seeded = seed()
    smtp.sink.hold_after = 2
    worker.start(concurrency=2, EMAIL_TIMEOUT="30")
    expected = make_calendar_mail(*seeded)
    wait_until(lambda: smtp.sink.held == 2, seconds=20, what="both pool children held mid-send")

    worker.kill()
    smtp.sink.release()
    worker.start(concurrency=2)

    reap_until_settled()
    assert_each_sent_exactly_once(smtp.sink, expected)


def test_redis_restarted_with_calendar_mail_queued_loses_none_and_doubles_none(worker, smtp, private_redis):
    seeded = seed()
    smtp.sink.hold_after = 2
    worker.start(concurrency=2, EMAIL_TIMEOUT="30")
    expected = make_calendar_mail(*seeded)
    wait_until(lambda: smtp.sink.held == 2, seconds=20, what="both pool children held mid-send")

    private_redis.kill()  # the messages still queued die with it
    smtp.sink.release()
    private_redis.start()
    drop_broker_pools()

    reap_until_settled()
    assert_each_sent_exactly_once(smtp.sink, expected)


def test_an_smtp_server_down_for_a_while_delays_calendar_mail_but_loses_none(worker, smtp):
    seeded = seed(leaders=2)
    smtp.stop()
    worker.start()
    expected = make_calendar_mail(*seeded)
    wait_until(
        lambda: any(model.objects.filter(attempts__gte=2, status=DeliveryStatus.QUEUED).exists() for model in MODELS),
        seconds=30,
        what="calendar mail retried while the server is down",
    )
    smtp.start()
    reap_until_settled()
    assert_each_sent_exactly_once(smtp.sink, expected)
    # Each calendar part went as sent: an update's sequence above the invitation's, the cancel above both.
    sequences = sorted(set(InvitationUpdate.objects.values_list("sequence", "method")))
    assert sequences == [(1, "REQUEST"), (2, "CANCEL")]
