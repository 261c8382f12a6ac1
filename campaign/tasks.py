from celery import shared_task
from django.utils import timezone

from campaign.models import Heartbeat


@shared_task(ignore_result=True)
def record_heartbeat(name="beat"):
    """Beat schedules this every minute; a worker running it proves both are alive."""
    Heartbeat.objects.update_or_create(name=name, defaults={"last_seen_at": timezone.now()})
