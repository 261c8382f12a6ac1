"""
What each member hears of the campaign's events, and how: at once, in a daily or weekly digest, or not
at all (campaign.event_kinds: the kinds, and each role's defaults until a member chooses).

- `notifications_queue_now` (called by campaign.events.announce) queues one member mail per member who
  chose "at once" for the event's kind and whom it concerns, through the member outbox;
- `digests_build` (beat, every quarter of an hour) writes, per member and period, one NotificationDigest
  (unique: a second tick makes none) and its member mail, with the period's events the member chose to
  read in that digest; a period with nothing for a member makes no digest. The period is the latest
  complete day (or Monday-to-Sunday week) in the campaign's time zone, from DIGEST_HOUR onwards;
- every such mail carries a one-click link (`notifications_off`) that switches that kind, or every
  kind, off for that member, and the List-Unsubscribe headers that do the same from the mail program.
"""

import logging
import zoneinfo
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from campaign.event_kinds import DAILY, KINDS, MODES, NOTIFY_KINDS, NOW, OFF, WEEKLY
from campaign.models import Announcement, Campaign, Membership, NotificationDigest, NotificationSettings
from campaign.outbox import campaign_values, member_mail_queue

logger = logging.getLogger(__name__)

OFF_SALT = "campaign.notifications.off"
EVERYTHING = "*"
DIGEST_HOUR = settings.NOTIFICATION_DIGEST_HOUR
# A digest lists this many events at most; the rest are a count and a link.
DIGEST_LIMIT = 50


def choices_for(membership):
    """{kind: mode} for every kind `membership`'s role may hear of: the member's choice, else the role's default."""
    try:
        saved = membership.notification_settings.choices
    except NotificationSettings.DoesNotExist:
        saved = {}
    return {
        key: saved.get(key) if saved.get(key) in MODES else kind.default_for(membership.role)
        for key, kind in NOTIFY_KINDS.items()
        if kind.allows(membership.role)
    }


@transaction.atomic
def notification_settings_save(*, membership, choices):
    """Store `membership`'s choices ({kind: mode}), kinds its role may not hear of left out."""
    allowed = {key: mode for key, mode in choices.items() if key in NOTIFY_KINDS and mode in MODES}
    allowed = {key: mode for key, mode in allowed.items() if NOTIFY_KINDS[key].allows(membership.role)}
    row, _ = NotificationSettings.objects.select_for_update().get_or_create(membership=membership)
    row.choices = {**row.choices, **allowed}
    row.save()
    return row


def members_of(campaign):
    """The campaign's members who can receive mail, with their saved choices (one query)."""
    return (
        Membership.objects.filter(campaign=campaign, user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "notification_settings")
        .order_by("user__email")
    )


def concerns(event, membership):
    """Whether `event` is `membership`'s business: in its audience (when it has one), and not their own doing."""
    if event.actor_id is not None and event.actor_id == membership.user_id:
        return False
    return event.audience is None or membership.user_id in event.audience


def off_url(membership, kind=EVERYTHING):
    """The one-click address that switches `kind` (or everything) off for `membership`; it expires never."""
    token = signing.dumps({"m": membership.pk, "k": kind}, salt=OFF_SALT, compress=True)
    return settings.SITE_URL + reverse("campaign:notifications-off", kwargs={"token": token})


def off_token_read(token):
    """(membership, kind) a one-click token names; BadSignature for a forged one, DoesNotExist for a gone member."""
    values = signing.loads(token, salt=OFF_SALT)
    kind = values["k"]
    if kind != EVERYTHING and kind not in NOTIFY_KINDS:
        raise signing.BadSignature("unknown kind")
    return Membership.objects.select_related("campaign", "user").get(pk=values["m"]), kind


@transaction.atomic
def notifications_off(*, membership, kind):
    """Switch `kind` (or, given EVERYTHING, every kind) off for `membership`."""
    kinds = NOTIFY_KINDS if kind == EVERYTHING else [kind]
    return notification_settings_save(membership=membership, choices=dict.fromkeys(kinds, OFF))


def _member_name(membership):
    return membership.user.get_full_name() or membership.user.username


def event_values(event):
    """What a mail says of one event, as plain JSON values."""
    return {
        "label": KINDS[event.kind].label,
        "subject": event.subject,
        "url": event.absolute_url,
        "facts": event.facts,
        "occurred_at": event.occurred_at.isoformat(),
    }


def notifications_queue_now(event):
    """One member mail per member who hears of `event`'s kind at once and whom it concerns."""
    kind = NOTIFY_KINDS.get(event.kind)
    if kind is None:
        return []
    recipients = [
        (
            membership.user.email,
            {"member_name": _member_name(membership)},
            {"unsubscribe_url": off_url(membership, event.kind)},
        )
        for membership in members_of(event.campaign)
        if choices_for(membership).get(event.kind) == NOW and concerns(event, membership)
    ]
    if not recipients:
        return []
    context = {**campaign_values(event.campaign), **event.extra, "event": event_values(event)}
    return member_mail_queue(
        campaign=event.campaign, template=kind.email, recipients=recipients, context=context, event=event
    )


# --- Digests -----------------------------------------------------------------------------------------


def digest_period(campaign, cadence, now):
    """
    (first day, day after the last) of the latest complete period of `cadence` due by `now` in the
    campaign's time zone: a day's digest is due at DIGEST_HOUR the next day, a week's (Monday to Sunday)
    at DIGEST_HOUR the next Monday.
    """
    local = now.astimezone(zoneinfo.ZoneInfo(campaign.time_zone))
    reference = (local - timedelta(hours=DIGEST_HOUR)).date()
    if cadence == DAILY:
        return reference - timedelta(days=1), reference
    monday = reference - timedelta(days=reference.weekday())
    return monday - timedelta(days=7), monday


def _bounds(campaign, start, end):
    tz = zoneinfo.ZoneInfo(campaign.time_zone)
    return datetime.combine(start, time(), tz), datetime.combine(end, time(), tz)


def digests_build(*, now=None):
    """Beat's tick: every digest due and not written yet, in every active campaign. Returns the new digests."""
    now = now or timezone.now()
    made = []
    # Only campaigns with something to tell in the last fortnight: a campaign at rest costs one query.
    recent = Announcement.objects.filter(occurred_at__gte=now - timedelta(days=16), kind__in=list(NOTIFY_KINDS))
    campaigns = Campaign.objects.filter(status=Campaign.Status.ACTIVE, pk__in=recent.values("campaign_id"))
    for campaign in campaigns:
        for cadence in (DAILY, WEEKLY):
            made += digests_build_for(campaign=campaign, cadence=cadence, now=now)
    return made


def digests_build_for(*, campaign, cadence, now):
    """The digests of `cadence` due in `campaign` by `now` and not written yet (see digests_build)."""
    start, end = digest_period(campaign, cadence, now)
    since, until = _bounds(campaign, start, end)
    events = list(
        Announcement.objects.filter(
            campaign=campaign, occurred_at__gte=since, occurred_at__lt=until, kind__in=list(NOTIFY_KINDS)
        ).order_by("occurred_at", "pk")
    )
    if not events:
        return []
    done = set(
        NotificationDigest.objects.filter(campaign=campaign, cadence=cadence, period_start=start).values_list(
            "user_id", flat=True
        )
    )
    made = []
    for membership in members_of(campaign):
        if membership.user_id in done:
            continue
        choices = choices_for(membership)
        mine = [e for e in events if choices.get(e.kind) == cadence and concerns(e, membership)]
        if mine:
            digest = digest_write(membership=membership, cadence=cadence, start=start, end=end, events=mine)
            if digest is not None:
                made.append(digest)
    return made


def digest_write(*, membership, cadence, start, end, events):
    """
    Write one member's digest row and its mail in one transaction; None when another tick wrote it
    first (the unique constraint decides).
    """
    campaign = membership.campaign
    try:
        with transaction.atomic():
            digest = NotificationDigest.objects.create(
                campaign=campaign, user=membership.user, cadence=cadence, period_start=start, event_count=len(events)
            )
            last_day = end - timedelta(days=1)
            context = {
                **campaign_values(campaign),
                "member_name": _member_name(membership),
                "cadence": cadence,
                "cadence_label": "daily" if cadence == DAILY else "weekly",
                "period_start": start.isoformat(),
                "period_label": f"on {start.day} {start:%B %Y}"
                if cadence == DAILY
                else f"from {start.day} {start:%B} to {last_day.day} {last_day:%B %Y}",
                "events": [event_values(event) for event in events[:DIGEST_LIMIT]],
                "event_count": len(events),
                "more": max(0, len(events) - DIGEST_LIMIT),
            }
            (delivery,) = member_mail_queue(
                campaign=campaign,
                template="digest",
                recipients=[(membership.user.email, {}, {"unsubscribe_url": off_url(membership)})],
                context=context,
            )
            digest.delivery = delivery
            digest.save(update_fields=["delivery"])
    except IntegrityError:
        logger.info("%s digest of %s from %s written by another tick", cadence, membership.user_id, start)
        return None
    return digest
