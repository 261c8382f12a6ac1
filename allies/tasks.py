"""
Celery tasks of the allies app: thin adapters that take ids, call one service, return.

The check-in's emails are member mail: campaign.tasks.send_member_delivery sends each one exactly once,
and campaign.tasks.requeue_stale_member_deliveries picks up what a lost message or a killed worker left.
"""

from celery import shared_task

from allies import checkin, services


@shared_task(ignore_result=True)
def dispatch_due_checkins():
    """Beat's tick: open the middle's check-in round of every campaign whose period has begun (a no-op when open)."""
    return [round_.pk for round_ in checkin.checkins_dispatch_due()]


@shared_task(ignore_result=True)
def announce_follow_ups_due():
    """Beat's tick: tell each champion once a day which follow-ups are due (campaign.events)."""
    return [event.pk for event in services.follow_ups_announce()]
