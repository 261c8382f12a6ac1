"""
Celery tasks of the campaign app: thin adapters that take ids, call one service, return.

send_member_delivery retries only transient failures (declared on the decorator), with the leader
mail's backoff and bounds; campaign.outbox tells a transient failure from a permanent one.
"""

import logging
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from campaign import activity, closing, notifications, outbox, posts
from campaign.models import Heartbeat

logger = logging.getLogger(__name__)


def _enqueue_again(task, ids, message):
    """Enqueue `task` once for each id; when there were any, log `message` with their count. Returns the ids."""
    for pk in ids:
        task.delay(pk)
    if ids:
        logger.warning(message, len(ids))
    return ids


@shared_task(ignore_result=True)
def record_heartbeat(name="beat"):
    """Beat schedules this every minute; a worker running it proves both are alive."""
    Heartbeat.objects.update_or_create(name=name, defaults={"last_seen_at": timezone.now()})


@shared_task(ignore_result=True)
def recount_recent_activity():
    """Beat runs this hourly: the activity rollup's recent days, recounted from the rows (idempotent)."""
    return activity.activity_recount_recent()


@shared_task(
    ignore_result=True,
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=settings.DELIVERY_RETRY_BACKOFF,
    retry_backoff_max=settings.DELIVERY_RETRY_BACKOFF_MAX,
    retry_jitter=settings.DELIVERY_RETRY_JITTER,
    max_retries=outbox.MAX_ATTEMPTS - 1,
)
def send_member_delivery(delivery_id):
    """Send one member email, exactly once (see campaign.outbox)."""
    return outbox.member_delivery_send(pk=delivery_id)


@shared_task(ignore_result=True)
def requeue_stale_member_deliveries():
    """Enqueue again the member emails a lost broker message or a killed worker left behind."""
    ids = outbox.member_deliveries_release_stale()
    return _enqueue_again(send_member_delivery, ids, "re-enqueued %s stale member deliveries")


@shared_task(
    bind=True,
    ignore_result=True,
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=settings.DELIVERY_RETRY_BACKOFF,
    retry_backoff_max=settings.DELIVERY_RETRY_BACKOFF_MAX,
    retry_jitter=settings.DELIVERY_RETRY_JITTER,
    max_retries=outbox.MAX_ATTEMPTS - 1,
)
def send_channel_delivery(self, delivery_id):
    """Post one event to one chat channel or webhook, exactly once (see campaign.posts)."""
    try:
        return posts.channel_delivery_send(pk=delivery_id)
    except posts.PostRateLimited as error:
        if error.retry_after is None:
            raise  # no Retry-After: the autoretry's backoff
        raise self.retry(exc=error, countdown=error.retry_after) from None


@shared_task(ignore_result=True)
def requeue_stale_channel_deliveries():
    """Enqueue again the posts a lost broker message or a killed worker left behind."""
    ids = posts.channel_deliveries_release_stale()
    return _enqueue_again(send_channel_delivery, ids, "re-enqueued %s stale channel deliveries")


@shared_task(ignore_result=True)
def build_notification_digests():
    """Beat's tick: members' daily and weekly digests that are due (a no-op once written)."""
    return [digest.pk for digest in notifications.digests_build()]


@shared_task(ignore_result=True)
def build_campaign_export(export_id):
    """Write one campaign export's zip (campaign.closing)."""
    closing.campaign_export_build(export_id=export_id)


@shared_task(ignore_result=True)
def delete_campaign(campaign_id):
    """Delete a campaign's rows for a while; hand over to a fresh task while some are left."""
    if closing.campaign_deletion_run(campaign_id=campaign_id) == "more":
        delete_campaign.delay(campaign_id)


@shared_task(ignore_result=True)
def resume_campaign_deletions():
    """Hand out again the deletions a killed worker or a lost broker message left half-done."""
    return _enqueue_again(delete_campaign, closing.campaign_deletions_due(), "resumed %s campaign deletions")
