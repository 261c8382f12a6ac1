"""Celery tasks of the allies app: thin adapters that call one service."""

from celery import shared_task

from allies import services


@shared_task(ignore_result=True)
def announce_follow_ups_due():
    """Beat's tick: tell each champion once a day which follow-ups are due (campaign.events)."""
    return [event.pk for event in services.follow_ups_announce()]
