"""
Celery tasks of the leadership app: thin adapters that take ids, call one service, return. Services
enqueue them by name (leadership.services), so nothing below imports this module.

Each kind of leader email has `send_<kind>_delivery` (one delivery, exactly once) and
`requeue_stale_<kind>_deliveries` (beat's reaper). Delivery tasks retry only on TransientSendError
(declared on the decorator), with exponential backoff and jitter, a bounded number of times;
leadership.delivery explains why the numbers keep every retry inside the broker's visibility timeout.
"""

import logging

from celery import shared_task

from leadership import delivery, emails, services
from leadership.models import (
    DeliveryStatus,
    InvitationUpdate,
    PackDelivery,
    RecognitionDelivery,
    SummaryDelivery,
    SummaryTestCopy,
)

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

# What building a summary's email reads, loaded with the claimed row.
SUMMARY_DELIVERY_RELATED = ("leader", "summary__campaign")


def _requeue_stale(model, task, what):
    ids = delivery.deliveries_release_stale(model=model)
    for delivery_id in ids:
        task.delay(delivery_id)
    if ids:
        logger.warning("re-enqueued %s stale %s", len(ids), what)
    return ids


@shared_task(ignore_result=True)
def dispatch_due_summaries():
    """Beat's tick: create every executive summary that is due (a no-op when they exist)."""
    return [summary.pk for summary in services.summaries_dispatch_due()]


@shared_task(**DELIVERY_TASK)
def send_summary_delivery(delivery_id):
    """Send one leader's executive summary, exactly once; a sent or failed one is announced (campaign.events)."""
    status = delivery.delivery_send(
        model=SummaryDelivery, pk=delivery_id, build=emails.summary_delivery_message, related=SUMMARY_DELIVERY_RELATED
    )
    if status is not None:
        services.summary_deliveries_announce(delivery_ids=[delivery_id])
    return status


@shared_task(ignore_result=True)
def send_summary_deliveries(delivery_ids):
    """
    Send a batch of one summary's deliveries, each exactly once as send_summary_delivery would; a
    delivery that needs a retry, and the ones after it, go on as send_summary_delivery tasks.
    """
    outcome = delivery.delivery_send_batch(
        model=SummaryDelivery,
        pks=delivery_ids,
        build=emails.summary_delivery_builder(),
        single=send_summary_delivery,
        related=SUMMARY_DELIVERY_RELATED,
    )
    settled = [pk for pk, status in outcome.items() if status != DeliveryStatus.QUEUED]
    if settled:
        services.summary_deliveries_announce(delivery_ids=settled)
    return outcome


@shared_task(ignore_result=True)
def requeue_stale_summary_deliveries():
    """Enqueue again the summary deliveries a lost broker message or a killed worker left behind."""
    return _requeue_stale(SummaryDelivery, send_summary_delivery, "summary deliveries")


@shared_task(**DELIVERY_TASK)
def send_test_copy_delivery(copy_id):
    """Send a member's test copy of a summary to their own address, exactly once."""
    return delivery.delivery_send(
        model=SummaryTestCopy, pk=copy_id, build=emails.summary_test_copy_message, related=("campaign",)
    )


@shared_task(ignore_result=True)
def requeue_stale_test_copy_deliveries():
    """Enqueue again the test copies a lost broker message or a killed worker left behind."""
    return _requeue_stale(SummaryTestCopy, send_test_copy_delivery, "summary test copies")


@shared_task(**DELIVERY_TASK)
def send_pack_delivery(delivery_id):
    """Email one briefing pack to one leader, exactly once (see leadership.delivery)."""
    return delivery.delivery_send(model=PackDelivery, pk=delivery_id, build=emails.pack_message)


@shared_task(ignore_result=True)
def dispatch_due_pack_deliveries():
    """Beat's tick: hand the scheduled pack deliveries whose time has come to send_pack_delivery, once each."""
    return services.pack_deliveries_dispatch_due()


@shared_task(ignore_result=True)
def requeue_stale_pack_deliveries():
    """
    Enqueue again the pack deliveries a lost broker message or a killed worker left behind.
    Beat runs it every few minutes; the claim in delivery_send keeps it from sending twice.
    """
    return _requeue_stale(PackDelivery, send_pack_delivery, "briefing pack deliveries")


@shared_task(**DELIVERY_TASK)
def send_invitation_update_delivery(delivery_id):
    """Send one leader a changed or cancelled invitation with its calendar update, exactly once."""
    return delivery.delivery_send(
        model=InvitationUpdate,
        pk=delivery_id,
        build=emails.invitation_update_message,
        related=("leader", "event__campaign"),
    )


@shared_task(ignore_result=True)
def requeue_stale_invitation_update_deliveries():
    """Enqueue again the invitation updates a lost broker message or a killed worker left behind."""
    return _requeue_stale(InvitationUpdate, send_invitation_update_delivery, "invitation updates")


@shared_task(**DELIVERY_TASK)
def send_recognition_delivery(delivery_id):
    """Send one recognition moment's invitation (or update, or cancellation) to one address, exactly once."""
    return delivery.delivery_send(
        model=RecognitionDelivery,
        pk=delivery_id,
        build=emails.recognition_message,
        related=("moment__campaign", "moment__story", "moment__leader"),
    )


@shared_task(ignore_result=True)
def requeue_stale_recognition_deliveries():
    """Enqueue again the recognition invitations a lost broker message or a killed worker left behind."""
    return _requeue_stale(RecognitionDelivery, send_recognition_delivery, "recognition invitations")
