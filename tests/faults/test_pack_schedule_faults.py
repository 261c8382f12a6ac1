"""
Scheduled briefing packs reach every leader exactly once when the worker or the broker fails.

A pack is scheduled for leaders in several time zones; their deliveries are made due, beat's dispatcher
hands them to a real worker through a private Redis (twice, as two ticks would), one fault is injected and
healed, and the SMTP sink must hold one message per leader by Message-ID.
"""

import time
from datetime import time as clock
from datetime import timedelta

import pytest
from django.utils import timezone

from leadership.models import DeliveryStatus, PackDelivery
from leadership.services import pack_deliveries_dispatch_due, pack_send
from leadership.tasks import requeue_stale_pack_deliveries
from tests.factories import BriefingPackFactory, LeaderFactory, MembershipFactory
from tests.faults.conftest import MAX_ATTEMPTS, drop_broker_pools, wait_until

pytestmark = [pytest.mark.needs_postgres, pytest.mark.needs_redis]
ZONES = ("Asia/Tokyo", "Europe/Paris", "America/New_York", "Australia/Sydney")


def schedule_pack(leaders=8):
    """A pack scheduled for tomorrow 08:00 in each of its leaders' zones, then made due (as if the day came)."""
    by = MembershipFactory().user
    pack = BriefingPackFactory(campaign=by.memberships.get().campaign)
    pack.recipients.add(
        *[LeaderFactory(campaign=pack.campaign, time_zone=ZONES[n % len(ZONES)]) for n in range(leaders)]
    )
    tomorrow = timezone.now().date() + timedelta(days=2)
    pack_send(pack=pack, by=by, send_on=tomorrow, send_time=clock(8, 0))
    PackDelivery.objects.update(due_at=timezone.now() - timedelta(seconds=1))
    return pack


def in_hand():
    return PackDelivery.objects.filter(status__in=("scheduled", "queued", "sending")).exists()


def settle(*, seconds=60, reap=True):
    """Wait until nothing is scheduled, queued or sending, ticking the dispatcher and the reaper as beat would."""
    deadline = time.monotonic() + seconds
    next_tick = 0.0
    while time.monotonic() < deadline:
        if not in_hand():
            return
        if time.monotonic() >= next_tick:
            pack_deliveries_dispatch_due()
            if reap:
                requeue_stale_pack_deliveries.delay()
            next_tick = time.monotonic() + 1.0
        time.sleep(0.2)
    raise AssertionError(f"pack deliveries still in hand after {seconds} s")


def assert_each_sent_exactly_once(sink):
    received = sink.message_ids()
    deliveries = list(PackDelivery.objects.all())
    assert deliveries
    for delivery in deliveries:
        assert delivery.status == DeliveryStatus.SENT, (delivery.pk, delivery.status, delivery.last_error)
        assert received[delivery.message_id] == 1, (delivery.message_id, received[delivery.message_id])
        assert 1 <= delivery.attempts <= MAX_ATTEMPTS
    assert set(received) <= {delivery.message_id for delivery in deliveries}


def test_two_ticks_and_a_worker_killed_mid_fanout_still_send_each_leader_one_email(worker, smtp):
    schedule_pack()
    smtp.sink.hold_after = 2
    worker.start(concurrency=2, EMAIL_TIMEOUT="30")
    handed = pack_deliveries_dispatch_due()
    assert len(handed) == 8 and pack_deliveries_dispatch_due() == []
    wait_until(lambda: smtp.sink.held == 2, seconds=20, what="both pool children held mid-send")

    worker.kill()
    smtp.sink.release()
    worker.start(concurrency=2)

    settle()
    assert_each_sent_exactly_once(smtp.sink)
    assert len(smtp.sink.received) == 8


def test_redis_restarted_after_the_tick_loses_no_scheduled_email(worker, smtp, private_redis):
    schedule_pack()
    smtp.sink.hold_after = 2
    worker.start(concurrency=2, EMAIL_TIMEOUT="30")
    pack_deliveries_dispatch_due()
    wait_until(lambda: smtp.sink.held == 2, seconds=20, what="both pool children held mid-send")

    # The messages still queued die with Redis; the rows stay queued in the database.
    private_redis.kill()
    smtp.sink.release()
    wait_until(
        lambda: PackDelivery.objects.filter(status=DeliveryStatus.SENT).count() >= 2,
        seconds=20,
        what="the sends in hand to finish",
    )
    private_redis.start()
    drop_broker_pools()

    settle()
    assert_each_sent_exactly_once(smtp.sink)


def test_a_receiver_down_when_the_time_comes_delays_the_pack_but_loses_none(worker, smtp):
    schedule_pack(leaders=4)
    smtp.stop()
    worker.start(concurrency=2)
    pack_deliveries_dispatch_due()
    wait_until(
        lambda: PackDelivery.objects.filter(attempts__gte=1, status=DeliveryStatus.QUEUED).exists(),
        seconds=20,
        what="a failed first try put back in the queue",
    )
    smtp.start()
    settle()
    assert_each_sent_exactly_once(smtp.sink)
