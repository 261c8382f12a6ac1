from celery import shared_task

from leadership.delivery import TransientSendError, delivery_send
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
