"""
The middle's check-in reaches each person exactly once per round when the worker dies or SMTP is down:
the round's emails are member deliveries (campaign.outbox), so a killed worker's sends are reaped and
finished, an SMTP outage is retried, and a second beat tick opens no second round and sends nothing more.
"""

import time

import pytest

from allies.checkin import checkins_dispatch_due
from allies.models import CheckinInvite
from campaign.models import Level, MemberDelivery
from campaign.tasks import requeue_stale_member_deliveries
from tests.factories import AllyFactory, CampaignFactory, DepartmentFactory
from tests.faults.conftest import MAX_ATTEMPTS, wait_until

pytestmark = [pytest.mark.needs_postgres, pytest.mark.needs_redis]

Status = MemberDelivery.Status


def seed_middle(count=6):
    """Two campaigns, each with middle-level allies (and a frontline one nobody asks)."""
    for n in range(2):
        campaign = CampaignFactory()
        department = DepartmentFactory(campaign=campaign)
        AllyFactory.create_batch(count // 2, campaign=campaign, department=department, level=Level.MIDDLE)
        AllyFactory(campaign=campaign, department=department, level=Level.FRONTLINE, email=f"front{n}@example.com")


def in_hand():
    return MemberDelivery.objects.filter(status__in=(Status.QUEUED, Status.SENDING)).exists()


def reap_until_settled(seconds=60):
    deadline = time.monotonic() + seconds
    next_reap = 0.0
    while time.monotonic() < deadline:
        if not in_hand():
            return
        if time.monotonic() >= next_reap:
            requeue_stale_member_deliveries.delay()
            next_reap = time.monotonic() + 1.0
        time.sleep(0.2)
    raise AssertionError(f"check-in emails still queued or sending after {seconds} s")


def assert_each_asked_exactly_once(sink):
    received = sink.message_ids()
    invites = list(CheckinInvite.objects.select_related("delivery"))
    assert len(invites) == 6
    for invite in invites:
        delivery = invite.delivery
        assert delivery.status == Status.SENT, (delivery.pk, delivery.status, delivery.last_error)
        assert received[delivery.message_id] == 1, (delivery.message_id, received[delivery.message_id])
        assert 1 <= delivery.attempts <= MAX_ATTEMPTS
    assert set(received) == {invite.delivery.message_id for invite in invites}


def test_a_worker_killed_mid_round_and_restarted_asks_everyone_once(worker, smtp):
    seed_middle()
    smtp.sink.hold_after = 2
    worker.start(concurrency=2, EMAIL_TIMEOUT="30")
    assert len(checkins_dispatch_due()) == 2
    wait_until(lambda: smtp.sink.held == 2, seconds=20, what="both pool children held mid-send")

    worker.kill()
    smtp.sink.release()
    worker.start(concurrency=2)
    assert checkins_dispatch_due() == []  # beat ticks again meanwhile: no second round

    reap_until_settled()
    assert_each_asked_exactly_once(smtp.sink)


def test_smtp_down_when_the_round_opens_then_back_asks_everyone_once(worker, smtp):
    seed_middle()
    smtp.stop()
    worker.start(concurrency=2)
    checkins_dispatch_due()
    wait_until(
        lambda: MemberDelivery.objects.filter(attempts__gte=1, status=Status.QUEUED).exists(),
        seconds=30,
        what="a send refused and put back for a retry",
    )
    smtp.start()

    reap_until_settled()
    assert_each_asked_exactly_once(smtp.sink)
    assert checkins_dispatch_due() == []
