"""Writes that touch more than one row: the ladder with its history, touchpoints, the join link."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from allies.models import Ally, JoinLink, Stage, StageChange, Touchpoint
from campaign import events
from campaign.models import Campaign


@transaction.atomic
def ally_create(*, campaign, by, **fields):
    """Add an ally to `campaign` and record the stage they start at as the first step of their history."""
    ally = Ally(campaign=campaign, **fields)
    ally.full_clean()
    ally.stage_changed_at = timezone.now()
    ally.save()
    StageChange.objects.create(
        ally=ally, from_stage="", to_stage=ally.stage, changed_at=ally.stage_changed_at, changed_by=by
    )
    return ally


@transaction.atomic
def ally_update(*, ally, by, **fields):
    """Change an ally's details; a change of stage goes through `ally_move_stage` so it is kept in the history."""
    stage = fields.pop("stage", None)
    for name, value in fields.items():
        setattr(ally, name, value)
    ally.full_clean()
    ally.save()
    if stage is not None:
        ally_move_stage(ally=ally, stage=stage, by=by)
    return ally


@transaction.atomic
def ally_move_stage(*, ally, stage, by, at=None):
    """
    Put the ally at `stage` and record when they reached it. Moving to the stage they are
    already at changes nothing (no history row): returns False then, True when they moved.
    """
    stage = Stage(stage)
    if ally.stage == stage:
        return False
    at = at or timezone.now()
    StageChange.objects.create(ally=ally, from_stage=ally.stage, to_stage=stage, changed_at=at, changed_by=by)
    ally.stage = stage
    ally.stage_changed_at = at
    ally.save(update_fields=["stage", "stage_changed_at", "updated_at"])
    return True


@transaction.atomic
def ally_delete(*, ally):
    """
    Remove an ally. Touchpoints that involved other allies too stay, for them; a touchpoint
    that was with this ally alone would be left about nobody, so it goes as well.
    """
    # Count before filtering on the ally: a count after that filter would see only this ally's join row.
    alone = (
        Touchpoint.objects.annotate(ally_count=Count("allies"))
        .filter(allies=ally, ally_count=1)
        .values_list("pk", flat=True)
    )
    Touchpoint.objects.filter(pk__in=list(alone)).delete()
    ally.delete()


@transaction.atomic
def ally_accept(*, ally, by, owner=None):
    """
    A champion accepts a volunteer who came through the join link: they join the list proper, with
    someone to keep in touch. The owner is the member chosen, else the one they already had (a
    volunteer who was on the list before), else the member accepting them, so every accepted
    volunteer shows in somebody's follow-ups.
    """
    ally.awaiting_review = False
    ally.recruited_by = owner or ally.recruited_by or by
    ally.save(update_fields=["awaiting_review", "recruited_by", "updated_at"])
    return ally


def latest_touch(ally_ref="pk", campaign_ref="campaign_id", *, through):
    """
    The date of an ally's latest touchpoint in its campaign, as a subquery over the touchpoint–ally link
    `through` (the live model, or a migration's historical one), for the ally at `ally_ref`.
    """
    return Subquery(
        through.objects.filter(ally_id=OuterRef(ally_ref), touchpoint__campaign_id=OuterRef(campaign_ref))
        .order_by("-touchpoint__happened_on")
        .values("touchpoint__happened_on")[:1]
    )


def refresh_last_touch(ally_ids):
    """
    Work out `Ally.last_touch_on` again for the allies with these ids, from their touchpoints, in one
    UPDATE. Every write that adds, removes or re-dates a touchpoint calls it for the allies concerned
    (directly, or through the signals in `allies.signals` for the ORM's own writes). Returns the rows updated.
    """
    ids = {ally_id for ally_id in ally_ids if ally_id is not None}
    if not ids:
        return 0
    return Ally.objects.filter(pk__in=ids).update(last_touch_on=latest_touch(through=Touchpoint.allies.through))


@transaction.atomic
def touchpoint_delete(*, touchpoint):
    """Take back a touchpoint; its allies' last touch is worked out again without it."""
    ally_ids = [ally.pk for ally in touchpoint.allies.all()]  # prefetched by the confirming view
    touchpoint.delete()
    refresh_last_touch(ally_ids)


# `touchpoint_log` leaves the allies' follow-up dates as they are unless it is given one (None clears them).
KEEP_FOLLOW_UP = object()


@transaction.atomic
def touchpoint_log(*, campaign, allies, kind, happened_on, note, by, follow_up_on=KEEP_FOLLOW_UP):
    """
    Log one contact with one or several allies of `campaign`, and set when each of them is next
    followed up (`follow_up_on`: a day, or None for none planned), so someone just seen stops being due.
    """
    allies = list(allies)
    if any(ally.campaign_id != campaign.pk for ally in allies):
        raise ValueError("Every ally of a touchpoint must belong to its campaign.")
    touchpoint = Touchpoint.objects.create(
        campaign=campaign, kind=kind, happened_on=happened_on, note=note, logged_by=by
    )
    # Adding the allies sends m2m_changed: allies.signals refreshes their last touch in one UPDATE.
    touchpoint.allies.set(allies)
    if follow_up_on is not KEEP_FOLLOW_UP:
        Ally.objects.filter(pk__in=[ally.pk for ally in allies]).update(
            follow_up_on=follow_up_on, updated_at=timezone.now()
        )
    return touchpoint


@transaction.atomic
def ally_volunteer(*, campaign, name, email, department, level, motivation):
    """
    Someone signed up through the join link. They land as a volunteer at "interested", waiting for
    a champion to accept them. An email already on the list is merged into that ally, never a second
    row: their new line of motivation is kept, and someone lower on the ladder (or who had declined)
    moves up to "interested", since volunteering says as much, and waits for a champion to accept the
    move. Name, department and level stay as the champions recorded them. Returns (ally, created).
    """
    existing = _ally_with_email(campaign, email)
    if existing is None:
        try:
            # A savepoint: a simultaneous sign-up with the same address may win the unique constraint.
            with transaction.atomic():
                ally = ally_create(
                    campaign=campaign,
                    by=None,
                    name=name,
                    email=email,
                    department=department,
                    level=level,
                    motivation=motivation,
                    stage=Stage.INTERESTED,
                    source=Ally.Source.VOLUNTEERED,
                    awaiting_review=True,
                )
            volunteer_notify(ally=ally)
            return ally, True
        except (IntegrityError, ValidationError):
            existing = _ally_with_email(campaign, email)
            if existing is None:
                raise
    if motivation:
        existing.motivation = motivation
        existing.save(update_fields=["motivation", "updated_at"])
    if Stage(existing.stage).rank < Stage.INTERESTED.rank:
        ally_move_stage(ally=existing, stage=Stage.INTERESTED, by=None)
        # Anyone holding the link could type this address: a champion confirms the move up.
        if not existing.awaiting_review:
            existing.awaiting_review = True
            existing.save(update_fields=["awaiting_review", "updated_at"])
            volunteer_notify(ally=existing)
    return existing, False


def volunteer_notify(*, ally):
    """
    Announce that the ally volunteered and waits to be accepted (campaign.events): the campaign's chat
    channels get a post naming their department only, and each champion and admin who hears of new
    volunteers at once (the default) gets one email through the member outbox, sent once the sign-up
    commits; the others find it in their digest.
    """
    campaign = ally.campaign
    level = ally.get_level_display().lower()
    return events.announce(
        campaign,
        "volunteer_joined",
        key=f"ally:{ally.pk}:{ally.updated_at.isoformat()}",
        subject=f"A volunteer joined from {ally.department.name}",
        url=ally.get_absolute_url(),
        facts=[("Department", ally.department.name), ("Level", level)],
        extra={
            "volunteer": {
                "name": ally.name,
                "department": ally.department.name,
                "level": level,
                "motivation": ally.motivation,
            },
            "url": settings.SITE_URL + ally.get_absolute_url(),
        },
    )


def _ally_with_email(campaign, email):
    return Ally.objects.select_for_update().filter(campaign=campaign, email__iexact=email).first()


@transaction.atomic
def join_link_create(*, campaign, by):
    """Publish a new join link for `campaign`; any link it had stops working."""
    JoinLink.objects.filter(campaign=campaign, active=True).update(active=False)
    return JoinLink.objects.create(campaign=campaign, created_by=by)


def join_link_switch_off(*, campaign):
    """Stop the campaign's join link from working. Returns how many links were switched off (0 or 1)."""
    return JoinLink.objects.filter(campaign=campaign, active=True).update(active=False)


def follow_ups_announce(*, now=None):
    """
    Beat's tick: in every active campaign where the day has reached DIGEST_HOUR, announce to each champion
    how many of their allies' follow-ups are due today or overdue; once per day and champion (the event's
    key), so repeated ticks say nothing new. Returns the new events.
    """
    now = now or timezone.now()
    made = []
    for campaign in Campaign.objects.filter(status=Campaign.Status.ACTIVE):
        local = now.astimezone(zoneinfo.ZoneInfo(campaign.time_zone))
        if local.hour < settings.NOTIFICATION_DIGEST_HOUR:
            continue
        today = local.date()
        due = (
            Ally.objects.filter(campaign=campaign, follow_up_on__lte=today, recruited_by__isnull=False)
            .exclude(stage=Stage.DECLINED)
            .values("recruited_by")
            .annotate(count=Count("pk"))
            .order_by("recruited_by")
        )
        list_url = reverse("allies:ally-list", kwargs={"slug": campaign.slug}) + "?sort=follow_up"
        for row in due:
            count = row["count"]
            event = events.announce(
                campaign,
                "follow_ups_due",
                key=f"{today.isoformat()}:user:{row['recruited_by']}",
                subject=f"{count} follow-up{'s' if count != 1 else ''} due with your allies today",
                url=list_url,
                facts=[("Due or overdue", str(count))],
                audience=[row["recruited_by"]],
            )
            if event is not None:
                made.append(event)
    return made
