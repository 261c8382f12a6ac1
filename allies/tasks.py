"""
Celery tasks of the allies app: thin adapters that take ids, call one service, return.

The check-in's emails are member mail: campaign.tasks.send_member_delivery sends each one exactly once,
and campaign.tasks.requeue_stale_member_deliveries picks up what a lost message or a killed worker left.
"""

from celery import shared_task

from allies import checkin


@shared_task(ignore_result=True)
def dispatch_due_checkins():
    """Beat's tick: open the middle's check-in round of every campaign whose period has begun (a no-op when open)."""
    return [round_.pk for round_ in checkin.checkins_dispatch_due()]
