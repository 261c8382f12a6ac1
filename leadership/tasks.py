from celery import shared_task

from leadership.delivery import TransientSendError, deliveries_stale, delivery_send
from leadership.emails import pack_message
from leadership.models import PackDelivery


@shared_task(
    autoretry_for=(TransientSendError,),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=8,
    ignore_result=True,
)
def deliver_pack(delivery_id):
    """Email one briefing pack to one leader, exactly once (see leadership.delivery)."""
    return delivery_send(model=PackDelivery, pk=delivery_id, build=pack_message)


@shared_task(ignore_result=True)
def requeue_stale_pack_deliveries():
    """
    Enqueue again the pack deliveries a lost broker message or a killed worker left behind.
    Meant for beat, every few minutes; the claim in delivery_send keeps it from sending twice.
    """
    for pk in deliveries_stale(model=PackDelivery).values_list("pk", flat=True):
        deliver_pack.delay(pk)
