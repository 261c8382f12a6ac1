"""
Executive summaries reach every leader exactly once when the worker, the broker or the SMTP server fails.

Each test seeds leaders in two campaigns, lets the dispatcher create the summaries (their deliveries go
through a private Redis to a real worker process and on to an SMTP sink), injects one fault, heals it,
waits until no delivery is queued or sending, and checks the sink: one message per leader by Message-ID,
nothing left unsent, no delivery over its tries.
"""

import os
import signal

import pytest

from leadership.models import DeliveryStatus, SummaryDelivery
from leadership.services import summaries_dispatch_due
from tests.faults.conftest import (
    MAX_ATTEMPTS,
    assert_each_sent_exactly_once,
    drop_broker_pools,
    reap_until_settled,
    seed_campaigns,
    wait_until,
)

pytestmark = [pytest.mark.needs_postgres, pytest.mark.needs_redis]


def test_a_pool_child_killed_mid_send_costs_no_message_and_doubles_none(worker, smtp):
    seed_campaigns()
    smtp.sink.mode = "hold"
    # A long SMTP timeout, so the send is surely still in hand when its process dies.
    worker.start(concurrency=1, EMAIL_TIMEOUT="30")
    summaries_dispatch_due()
    wait_until(lambda: smtp.sink.held == 1, seconds=20, what="a send held by the SMTP server")
    [child] = worker.children()

    os.kill(child, signal.SIGKILL)
    wait_until(lambda: worker.children() not in ([], [child]), seconds=20, what="a new pool child")
    smtp.sink.release()

    reap_until_settled()
    assert_each_sent_exactly_once(smtp.sink)
    assert worker.process.poll() is None, worker.tail()


def test_a_worker_killed_outright_and_restarted_finishes_every_delivery_once(worker, smtp):
    seed_campaigns()
    smtp.sink.hold_after = 2
    worker.start(concurrency=2, EMAIL_TIMEOUT="30")
    summaries_dispatch_due()
    wait_until(lambda: smtp.sink.held == 2, seconds=20, what="both pool children held mid-send")

    worker.kill()
    smtp.sink.release()
    worker.start(concurrency=2)

    reap_until_settled()
    assert_each_sent_exactly_once(smtp.sink)
    assert len(smtp.sink.received) == SummaryDelivery.objects.count() == 8


def test_redis_killed_with_tasks_queued_loses_nothing_and_new_work_flows_after_the_restart(worker, smtp, private_redis):
    seed_campaigns()
    smtp.sink.hold_after = 2
    worker.start(concurrency=2, EMAIL_TIMEOUT="30")
    summaries_dispatch_due()
    wait_until(lambda: smtp.sink.held == 2, seconds=20, what="both pool children held mid-send")

    # Redis keeps nothing on disk: the six messages still queued die with it.
    private_redis.kill()
    smtp.sink.release()
    wait_until(
        lambda: SummaryDelivery.objects.filter(status=DeliveryStatus.SENT).count() >= 4,
        seconds=20,
        what="the sends in hand to finish",
    )
    private_redis.start()
    drop_broker_pools()

    reap_until_settled()
    # New work after the restart goes through the reconnected worker without the reaper's help.
    seed_campaigns(count=1)
    assert len(summaries_dispatch_due()) == 1
    reap_until_settled(reap=False, seconds=30)

    assert_each_sent_exactly_once(smtp.sink)
    assert SummaryDelivery.objects.count() == 12


def test_an_smtp_server_down_for_a_while_delays_the_summaries_but_loses_none(worker, smtp):
    seed_campaigns()
    smtp.stop()
    worker.start()
    summaries_dispatch_due()
    # Down until a delivery has been refused twice, so retries surely met the outage; its tries are
    # far from used up then, even on a machine slowed down by other work.
    wait_until(
        lambda: SummaryDelivery.objects.filter(attempts__gte=2, status=DeliveryStatus.QUEUED).exists(),
        seconds=20,
        what="a delivery to be retried while the server is down",
    )
    assert not SummaryDelivery.objects.filter(status=DeliveryStatus.SENT).exists()

    smtp.start()
    reap_until_settled()
    assert_each_sent_exactly_once(smtp.sink)
    assert SummaryDelivery.objects.filter(attempts__gte=3).exists()


def test_a_451_is_retried_once_and_a_550_fails_at_once_without_retrying(worker, smtp):
    first, second = seed_campaigns()
    refused = {first.leaders.first().email, second.leaders.first().email}
    smtp.sink.reject = refused
    smtp.sink.mode = "451-once"
    worker.start()
    summaries_dispatch_due()

    reap_until_settled()
    assert_each_sent_exactly_once(smtp.sink, failed=refused)
    by_email = {d.leader.email: d for d in SummaryDelivery.objects.select_related("leader")}
    for address, delivery in by_email.items():
        if address in refused:
            assert delivery.attempts == 1
            assert "550" in delivery.last_error
        else:
            assert delivery.attempts == 2
            assert smtp.sink.tries[delivery.message_id] == 2


def test_an_smtp_server_that_never_answers_times_out_and_the_worker_carries_on(worker, smtp):
    seed_campaigns(leaders=2)
    smtp.sink.mode = "hold"
    worker.start()  # EMAIL_TIMEOUT is 2 s
    summaries_dispatch_due()
    wait_until(
        lambda: SummaryDelivery.objects.filter(status=DeliveryStatus.QUEUED, attempts__gte=1).exists(),
        seconds=20,
        what="a send to time out and go back to queued",
    )
    assert "timed out" in SummaryDelivery.objects.exclude(last_error="").first().last_error.lower()

    smtp.sink.release()
    reap_until_settled()
    assert_each_sent_exactly_once(smtp.sink)
    assert SummaryDelivery.objects.filter(attempts__gte=2).exists()
    assert not SummaryDelivery.objects.filter(attempts__gt=MAX_ATTEMPTS).exists()
