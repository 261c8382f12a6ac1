"""
Creating summaries stays exactly-once when dispatchers race and when the transaction that enqueued
work rolls back: the deliveries still go through the private Redis and a real worker to the SMTP sink.
"""

import threading

import pytest
from django.db import connection, transaction

from leadership.models import ExecutiveSummary, SummaryDelivery
from leadership.services import summaries_dispatch_due
from leadership.tasks import send_summary_delivery
from tests.factories import ExecutiveSummaryFactory, SummaryDeliveryFactory
from tests.faults.conftest import assert_each_sent_exactly_once, reap_until_settled, seed_campaigns, wait_until

pytestmark = [pytest.mark.needs_postgres, pytest.mark.needs_redis]


def run_at_once(function, times):
    """Run `function` in `times` threads released together; each thread's own database connection."""
    barrier = threading.Barrier(times)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(function())
        except Exception as error:  # noqa: BLE001 - handed to the test thread, which fails on it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a dispatcher hung"
    assert not errors, errors
    return results


def test_dispatchers_ticking_at_once_create_one_summary_per_campaign_and_send_it_once(worker, smtp):
    first, second = seed_campaigns()
    worker.start()

    # Four ticks at the same moment, as two beats (or a beat and a cron job) would fire them.
    created = run_at_once(summaries_dispatch_due, times=4)

    assert sorted(summary.campaign_id for batch in created for summary in batch) == [first.pk, second.pk]
    assert ExecutiveSummary.objects.filter(campaign=first).count() == 1
    assert ExecutiveSummary.objects.filter(campaign=second).count() == 1
    reap_until_settled()
    assert_each_sent_exactly_once(smtp.sink)
    assert SummaryDelivery.objects.count() == 8


def test_work_enqueued_in_a_transaction_that_rolls_back_sends_nothing(worker, smtp):
    seed_campaigns()
    worker.start()

    # The dispatcher enqueues on commit: a rollback takes the summaries and their tasks with it.
    with pytest.raises(RuntimeError), transaction.atomic():
        assert len(summaries_dispatch_due()) == 2
        raise RuntimeError("the request failed after the dispatcher ran")
    assert not ExecutiveSummary.objects.exists()

    # A task sent at once (not on commit) for a row that is then rolled back finds nothing to claim.
    with transaction.atomic():
        doomed = SummaryDeliveryFactory(summary=ExecutiveSummaryFactory())
        task_id = send_summary_delivery.delay(doomed.pk).id
        transaction.set_rollback(True)
    wait_until(lambda: f"[{task_id}] succeeded" in worker.tail(), seconds=20, what="the worker to run the orphan task")
    assert not smtp.sink.received

    # The same work, committed this time, is sent once: the rolled-back attempt left nothing behind.
    assert len(summaries_dispatch_due()) == 2
    reap_until_settled()
    assert_each_sent_exactly_once(smtp.sink)
    assert SummaryDelivery.objects.count() == 8
