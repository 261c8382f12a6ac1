"""
Celery tasks of the leadership app: thin adapters that take ids, call one service, return.

Delivery tasks retry only on TransientSendError (declared on the decorator), with exponential
backoff and jitter, a bounded number of times; leadership.delivery explains why the numbers
keep every retry inside the broker's visibility timeout.
"""

import logging

from celery import shared_task

from leadership import delivery, summaries, summary_test_copies
from leadership.emails import pack_message
from leadership.models import PackDelivery, SummaryDelivery, SummaryTestCopy

logger = logging.getLogger(__name__)

# What every leader-email task declares: retry transient failures only, backing off with jitter.
DELIVERY_TASK = {
    "ignore_result": True,
    "autoretry_for": (delivery.TransientSendError,),
    "retry_backoff": delivery.RETRY_BACKOFF,
    "retry_backoff_max": delivery.RETRY_BACKOFF_MAX,
    "retry_jitter": delivery.RETRY_JITTER,
    "max_retries": delivery.MAX_ATTEMPTS - 1,
}


def _requeue_stale(model, task, what):
    ids = list(delivery.deliveries_stale(model=model).values_list("pk", flat=True))
    for delivery_id in ids:
        task.delay(delivery_id)
    if ids:
        logger.warning("re-enqueued %s stale %s", len(ids), what)
    return ids


@shared_task(ignore_result=True)
def dispatch_due_summaries():
    """Beat's tick: create every executive summary that is due (a no-op when they exist)."""
    created = summaries.summaries_dispatch_due()
    return [summary.pk for summary in created]


# What building a summary's email reads, loaded with the claimed row.
SUMMARY_DELIVERY_RELATED = ("leader", "summary__campaign")


@shared_task(**DELIVERY_TASK)
def send_summary_delivery(delivery_id):
    """Send one leader's executive summary, exactly once."""
    return delivery.delivery_send(
        model=SummaryDelivery,
        pk=delivery_id,
        build=summaries.build_delivery_message,
        related=SUMMARY_DELIVERY_RELATED,
    )


@shared_task(ignore_result=True)
def send_summary_deliveries(delivery_ids):
    """
    Send a batch of one summary's deliveries, each exactly once as send_summary_delivery would; a
    delivery that needs a retry, and the ones after it, go on as send_summary_delivery tasks.
    """
    return delivery.delivery_send_batch(
        model=SummaryDelivery,
        pks=delivery_ids,
        build=summaries.build_delivery_message,
        single=send_summary_delivery,
        related=SUMMARY_DELIVERY_RELATED,
    )


def enqueue_summary_deliveries_on_commit(delivery_ids):
    """Once the transaction commits, send these deliveries in batches of delivery.BATCH_SIZE."""
    for start in range(0, len(delivery_ids), delivery.BATCH_SIZE):
        send_summary_deliveries.delay_on_commit(delivery_ids[start : start + delivery.BATCH_SIZE])


@shared_task(ignore_result=True)
def reap_summary_deliveries():
    """Enqueue again the deliveries (and test copies) a lost broker message or a killed worker left behind."""
    ids = _requeue_stale(SummaryDelivery, send_summary_delivery, "summary deliveries")
    _requeue_stale(SummaryTestCopy, send_summary_test_copy, "summary test copies")
    return ids


@shared_task(**DELIVERY_TASK)
def send_summary_test_copy(copy_id):
    """Send a member's test copy of a summary to their own address, exactly once."""
    return delivery.delivery_send(
        model=SummaryTestCopy, pk=copy_id, build=summary_test_copies.build_test_copy_message, related=("campaign",)
    )


@shared_task(**DELIVERY_TASK)
def deliver_pack(delivery_id):
    """Email one briefing pack to one leader, exactly once (see leadership.delivery)."""
    return delivery.delivery_send(model=PackDelivery, pk=delivery_id, build=pack_message)


@shared_task(ignore_result=True)
def requeue_stale_pack_deliveries():
    """
    Enqueue again the pack deliveries a lost broker message or a killed worker left behind.
    Beat runs it every few minutes; the claim in delivery_send keeps it from sending twice.
    """
    return _requeue_stale(PackDelivery, deliver_pack, "briefing pack deliveries")
