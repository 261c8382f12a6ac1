"""
Campaign events: the one place where "something happened" is said, for chat channels and members.

An app calls `announce` where the thing happens (inside the transaction that makes it happen, or after
it commits): a win celebrated, a summary sent, a volunteer joined, a roadblock cleared, follow-ups due,
a leader's answer to an invitation, a middle check-in answered, a summary that failed, a briefing pack
awaiting approval (the kinds are campaign.event_kinds.KINDS). `announce` writes one Announcement row, and in
the same transaction:

- one ChannelDelivery per channel of the campaign that takes that kind (campaign.posts sends them);
- one MemberDelivery per member who chose to hear of that kind at once (campaign.notifications);

members who chose a digest find the event in their next daily or weekly digest. Each send is enqueued
once the transaction commits; a rolled-back transaction announces nothing.

`key` names what the event is about ("problem:12", "summary:3", "2026-12-03:user:7"): announcing the
same kind and key again in a campaign is a no-op (returns None), so a retried task, a second beat tick or
two workers racing never post or notify twice. `audience` (user ids) narrows who is notified (the
champion who owns the ally, the leader's owner); without it, every member whose role suits the kind.
`by` is the member whose action it was: they are not notified of their own action.
"""

import logging
import re

from django.db import IntegrityError, transaction

from campaign import notifications
from campaign.event_kinds import KINDS
from campaign.models import Announcement, Channel, ChannelDelivery
from campaign.outbox import enqueue_on_commit

logger = logging.getLogger(__name__)

SEND_CHANNEL_DELIVERY = "campaign.tasks.send_channel_delivery"
# Control characters (a newline in a subject, a bell) never reach a post or a mail header.
CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def one_line(text, limit=300):
    """`text` on one line, control characters turned to spaces, cut at `limit` characters."""
    return " ".join(CONTROL.sub(" ", str(text)).split())[:limit]


def announce(campaign, kind, *, key, subject, url="", facts=(), audience=None, extra=None, by=None):
    """
    Announce event `kind` of `campaign` about `key` (see the module's docstring). `subject`: one line
    saying what happened; `url`: the path where it is seen; `facts`: (label, value) pairs; `extra`:
    plain values the kind's email reads. Returns the Announcement, or None when it was announced before.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    # No savepoint of its own inside the caller's transaction: the event's rows go or stay with it.
    with transaction.atomic(savepoint=False):
        try:
            with transaction.atomic():  # a savepoint: the same event announced again loses the constraint
                event = Announcement.objects.create(
                    campaign=campaign,
                    kind=kind,
                    key=str(key)[:120],
                    subject=one_line(subject),
                    url=url,
                    facts=[[one_line(label, 80), one_line(value, 300)] for label, value in facts],
                    extra=extra or {},
                    audience=sorted(set(audience)) if audience is not None else None,
                    actor=by if by is not None and by.is_authenticated else None,
                )
        except IntegrityError:
            logger.info("event %s %s of campaign %s announced before", kind, key, campaign.pk)
            return None
        channel_deliveries_queue(event)
        notifications.notifications_queue_now(event)
    return event


def channels_for(campaign, kind):
    """The campaign's channels that post `kind`: configured, switched on, subscribed to it."""
    channels = Channel.objects.filter(campaign=campaign, is_active=True).exclude(secret_url="")
    return [channel for channel in channels if kind in channel.events]


def channel_deliveries_queue(event):
    """One ChannelDelivery per channel taking the event's kind, each enqueued once the transaction commits."""
    rows = ChannelDelivery.objects.bulk_create(
        ChannelDelivery(campaign_id=event.campaign_id, event=event, channel=channel, subject=event.subject)
        for channel in channels_for(event.campaign, event.kind)
    )
    for row in rows:
        enqueue_on_commit(SEND_CHANNEL_DELIVERY, row.pk)
    return rows


@transaction.atomic
def channel_test_post(*, channel, by):
    """Queue a test post to `channel` (no event): what its owner sees arrive, or the error in the outbox."""
    row = ChannelDelivery.objects.create(
        campaign_id=channel.campaign_id,
        channel=channel,
        subject=f"Test post from {one_line(channel.campaign.name, 200)}",
        triggered_by=by,
    )
    enqueue_on_commit(SEND_CHANNEL_DELIVERY, row.pk)
    return row
