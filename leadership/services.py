"""
Writes that touch several models, each in one transaction: the objection handbook, benchmarking visits,
briefing packs, invitations' answers, executive summaries and their test copies.

Work for a worker is enqueued by task name once the transaction commits (campaign.outbox's
`enqueue_on_commit`): leadership.tasks stands on this module and is never imported by it.
"""

import logging
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Value
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from campaign import events
from campaign.models import Membership, Role, ServiceProblem
from campaign.outbox import campaign_values, enqueue_on_commit, member_mail_queue
from leadership import selectors, summaries
from leadership.delivery import BATCH_SIZE
from leadership.models import (
    BriefingPack,
    DeliveryStatus,
    Engagement,
    EngagementKind,
    Event,
    ExecutiveSummary,
    InvitationUpdate,
    Leader,
    Objection,
    Outcome,
    PackDelivery,
    PackDeliveryStatus,
    SummaryDelivery,
    SummarySchedule,
    SummaryTestCopy,
    VisitAction,
)
from leadership.starter import STARTER_EVIDENCE_KINDS, STARTER_OBJECTIONS

logger = logging.getLogger(__name__)

# The tasks these writes enqueue (leadership.tasks), by name.
SEND_PACK_DELIVERY = "leadership.tasks.send_pack_delivery"
SEND_SUMMARY_DELIVERIES = "leadership.tasks.send_summary_deliveries"
SEND_TEST_COPY_DELIVERY = "leadership.tasks.send_test_copy_delivery"
SEND_INVITATION_UPDATE_DELIVERY = "leadership.tasks.send_invitation_update_delivery"


def objections_prefill(*, campaign):
    """Give the campaign the starter objection handbook; objections it already has are left alone."""
    existing = set(
        Objection.objects.filter(campaign=campaign).annotate(low=Lower("objection")).values_list("low", flat=True)
    )
    Objection.objects.bulk_create(
        [
            Objection(
                campaign=campaign,
                position=position,
                evidence_kind=STARTER_EVIDENCE_KINDS.get(item["objection"], "none"),
                **item,
            )
            for position, item in enumerate(STARTER_OBJECTIONS)
            if item["objection"].lower() not in existing
        ]
    )


@transaction.atomic
def visit_save(*, visit, actions_text):
    """
    Save a benchmarking visit and its "will apply" items, one per line of `actions_text`.

    Items already turned into problems stay whatever the text says: the wins board links back to them.
    """
    visit.save()
    wanted = [line.strip()[:160] for line in actions_text.splitlines() if line.strip()]
    kept = {action.text: action for action in visit.actions.all()}
    for text, action in kept.items():
        if text not in wanted and action.problem_id is None:
            action.delete()
    for position, text in enumerate(wanted):
        action = kept.get(text)
        if action is None:
            VisitAction.objects.create(visit=visit, text=text, position=position)
        elif action.position != position:
            action.position = position
            action.save(update_fields=["position"])
    return visit


@transaction.atomic
def visit_action_promote(*, action, by):
    """Turn a "will apply" item into a backlog problem on the wins board, once; returns the problem."""
    action = VisitAction.objects.select_for_update().select_related("visit__campaign").get(pk=action.pk)
    if action.problem_id:
        return action.problem
    visit = action.visit
    action.problem = ServiceProblem.objects.create(
        campaign=visit.campaign,
        title=action.text,
        description=f"From our benchmarking visit to {visit.organisation} on {date_format(visit.visited_on, 'j F Y')}.",
        owner=by,
    )
    action.save(update_fields=["problem"])
    return action.problem


def pack_problems(pack, choices=None, *, awaiting=False):
    """
    Why `pack` cannot be sent, as a list of sentences; empty when it can. `choices` is what
    `selectors.pack_choices(pack)` returns, when the caller has read it already; else that one query runs.
    `awaiting`: the pack is expected to wait for approval (an approver sending it), not to be a draft.
    """
    problems = []
    if awaiting and not pack.is_awaiting_approval:
        problems.append("This pack is not waiting for approval any more.")
    elif not awaiting and not pack.is_draft:
        problems.append(PACK_NOT_DRAFT.get(pack.status, "This pack can no longer be sent."))
    if choices is None:
        choices = selectors.pack_choices(pack)
    if not choices["recipients"]:
        problems.append("Choose at least one leader to send it to.")
    elif choices["foreign_recipients"]:
        problems.append("Every recipient must be a leader of this campaign.")
    has_content = pack.note.strip() or pack.talking_points.strip()
    parts = ("stories", "clippings", "visits", "events", "roadblocks", "answers")
    has_content = has_content or any(choices[name] for name in parts)
    if not has_content:
        problems.append(
            "Add some content: a note, a story, a clipping, a report, an invitation, an answer or talking points."
        )
    return problems


PACK_NOT_DRAFT = {
    BriefingPack.Status.SENT: "This pack has already been sent.",
    BriefingPack.Status.SCHEDULED: "This pack is scheduled already: unschedule it first to change when it goes.",
    BriefingPack.Status.AWAITING_APPROVAL: "This pack is waiting for a second champion's approval.",
}


def pack_due_times(*, leaders, send_on, send_time):
    """{leader: when `send_on` at `send_time` falls in that leader's own time zone, in UTC}."""
    return {leader: datetime.combine(send_on, send_time, tzinfo=leader.zone()).astimezone(UTC) for leader in leaders}


def pack_schedule_problems(*, leaders, send_on, send_time, now=None):
    """Why this local date and time cannot be the schedule: it has passed already where some leader is."""
    if send_on is None:
        return []
    now = now or timezone.now()
    passed = sorted(
        (due, leader)
        for leader, due in pack_due_times(leaders=leaders, send_on=send_on, send_time=send_time).items()
        if due <= now
    )
    if not passed:
        return []
    when = f"{date_format(send_on, 'j F Y')} at {send_time.strftime('%H:%M')}"
    names = ", ".join(f"{leader.name} ({leader.zone_name})" for _, leader in passed[:3])
    more = f" and {len(passed) - 3} more" if len(passed) > 3 else ""
    return [f"{when} has already passed for {names}{more}. Choose a later date or time."]


def _pack_log_clippings(pack, leaders, by):
    """Sending clippings is an engagement in its own right: it shows on each leader's log."""
    clippings = [clipping.title for clipping in pack.clippings.all()]
    if not clippings or not leaders:
        return
    note = f"In the briefing “{pack.title}”: {'; '.join(clippings)}"[:500]
    Engagement.objects.bulk_create(
        [
            Engagement(campaign=pack.campaign, leader=leader, kind=EngagementKind.CLIPPING, note=note, recorded_by=by)
            for leader in leaders
        ]
    )


def _locked_pack(pack):
    return BriefingPack.objects.select_for_update().select_related("campaign").get(pk=pack.pk)


def _pack_go(pack, *, by, send_on, send_time, now):
    """
    Send the locked `pack` now (no `send_on`), or schedule one delivery per leader at `send_on` `send_time`
    in that leader's zone; beat hands scheduled ones to the sender when they are due.
    """
    leaders = list(pack.recipients.select_related("campaign"))
    pack.send_on, pack.send_time, pack.scheduled_by = send_on, send_time, by
    if send_on is None:
        PackDelivery.objects.bulk_create(
            [PackDelivery(pack=pack, leader=leader) for leader in leaders], ignore_conflicts=True
        )
        _pack_log_clippings(pack, leaders, by)
        pack.status, pack.sent_by, pack.sent_at = BriefingPack.Status.SENT, by, now
        for pk in pack.deliveries.filter(status=DeliveryStatus.QUEUED).values_list("pk", flat=True):
            enqueue_on_commit(SEND_PACK_DELIVERY, pk)
    else:
        due = pack_due_times(leaders=leaders, send_on=send_on, send_time=send_time)
        PackDelivery.objects.bulk_create(
            [
                PackDelivery(pack=pack, leader=leader, status=PackDeliveryStatus.SCHEDULED, due_at=at)
                for leader, at in due.items()
            ],
            ignore_conflicts=True,
        )
        pack.status = BriefingPack.Status.SCHEDULED
    pack.save()
    return pack


def pack_send(*, pack, by, send_on=None, send_time=None, now=None):
    """
    Send the pack now, or schedule it for `send_on` at `send_time` in each leader's own time zone: one
    delivery row per recipient, then (now) one task per row once the rows are committed.

    The pack row is locked and must still be a draft, so a double click or two tabs create the
    rows once; the (pack, leader) constraint and the task's claim do the rest. When the campaign asks
    for a second champion's approval, this is refused: ask with `pack_request_approval` instead.
    """
    now = now or timezone.now()
    with transaction.atomic():
        pack = _locked_pack(pack)
        problems = pack_problems(pack)
        if not problems and pack.campaign.packs_need_approval:
            problems.append("This campaign's packs need a second champion's approval: ask for it first.")
        problems += pack_schedule_problems(
            leaders=pack.recipients.select_related("campaign"), send_on=send_on, send_time=send_time, now=now
        )
        if problems:
            raise ValidationError(problems)
        return _pack_go(pack, by=by, send_on=send_on, send_time=send_time, now=now)


def pack_deliveries_dispatch_due(*, now=None, limit=500):
    """
    Hand every scheduled pack delivery whose time has come to the sender, once: each row moves from
    scheduled to queued with a conditional update, so two ticks (or two beats) cannot both hand it over;
    the outbox's claim and reaper take it from there. A pack is sent from its first delivery on.
    Returns the ids handed over.
    """
    now = now or timezone.now()
    handed = []
    queued_at = timezone.now()  # when it joined the outbox, which the reaper's delay counts from
    due = PackDelivery.objects.due(now).select_related("pack__campaign", "leader").order_by("due_at", "pk")
    for delivery in due[:limit]:
        with transaction.atomic():
            won = PackDelivery.objects.filter(pk=delivery.pk, status=PackDeliveryStatus.SCHEDULED).update(
                status=PackDeliveryStatus.QUEUED, created_at=queued_at
            )
            if not won:
                continue
            pack = delivery.pack
            BriefingPack.objects.filter(pk=pack.pk, status=BriefingPack.Status.SCHEDULED).update(
                status=BriefingPack.Status.SENT, sent_at=queued_at, sent_by=pack.scheduled_by_id, updated_at=queued_at
            )
            _pack_log_clippings(pack, [delivery.leader], pack.scheduled_by)
            enqueue_on_commit(SEND_PACK_DELIVERY, delivery.pk)
            handed.append(delivery.pk)
    if handed:
        logger.info("handed %s scheduled pack deliveries to the sender", len(handed))
    return handed


def pack_unschedule(*, pack, by):
    """
    Take a scheduled pack back to a draft, as long as no leader's delivery has gone yet; its approval,
    if it had one, goes with it (what is changed afterwards has not been approved).
    """
    with transaction.atomic():
        pack = _locked_pack(pack)
        if not pack.is_scheduled:
            raise ValidationError("This pack is not scheduled.")
        # Delete the waiting rows, then check none had gone meanwhile: if beat handed one over, undo it all.
        pack.deliveries.filter(status=PackDeliveryStatus.SCHEDULED).delete()
        if pack.deliveries.exists():
            raise ValidationError("Some leaders have been sent this pack already: it can no longer be unscheduled.")
        pack.status = BriefingPack.Status.DRAFT
        pack.approved_by = pack.approved_at = None
        pack.save()
    return pack


def pack_approvers(pack, *, excluding=None):
    """The members who may approve `pack`: its campaign's champions and admins, active, but not `excluding`."""
    members = (
        Membership.objects.filter(campaign_id=pack.campaign_id, role__in=[Role.ADMIN, Role.CHAMPION])
        .filter(user__is_active=True)
        .select_related("user")
        .order_by("user__email")
    )
    if excluding is not None:
        members = members.exclude(user=excluding)
    return [membership.user for membership in members]


def pack_request_approval(*, pack, by, send_on=None, send_time=None, now=None):
    """
    Ask another champion or an admin to approve the pack before it goes (now, or at `send_on` `send_time`
    in each leader's zone, as it will be once approved); they hear of it by email.
    """
    now = now or timezone.now()
    with transaction.atomic():
        pack = _locked_pack(pack)
        problems = pack_problems(pack)
        problems += pack_schedule_problems(
            leaders=pack.recipients.select_related("campaign"), send_on=send_on, send_time=send_time, now=now
        )
        approvers = pack_approvers(pack, excluding=by)
        if not approvers:
            problems.append("Nobody else can approve it: invite another champion or an admin to the campaign first.")
        if problems:
            raise ValidationError(problems)
        pack.status = BriefingPack.Status.AWAITING_APPROVAL
        pack.send_on, pack.send_time = send_on, send_time
        pack.approval_requested_by, pack.approval_requested_at = by, now
        pack.approved_by = pack.approved_at = None
        pack.save()
        _pack_approval_notify(pack, approvers, by)
    return pack


def _pack_approval_notify(pack, approvers, by):
    recipients = [
        (user.email, {"member_name": user.get_full_name() or user.username}) for user in approvers if user.email
    ]
    if not recipients:
        return []
    when = "as soon as it is approved"
    if pack.send_on:
        when = (
            f"on {date_format(pack.send_on, 'j F Y')} at {pack.send_time.strftime('%H:%M')} (each leader's local time)"
        )
    return member_mail_queue(
        campaign=pack.campaign,
        template="pack-needs-approval",
        recipients=recipients,
        context={
            **campaign_values(pack.campaign),
            "pack": {"title": pack.title, "recipients": pack.recipients.count(), "when": when},
            "author": by.get_full_name() or by.username,
            "url": settings.SITE_URL
            + reverse("leadership:pack-review", kwargs={"slug": pack.campaign.slug, "pk": pack.pk}),
        },
        triggered_by=by,
    )


def pack_approve(*, pack, by, now=None):
    """
    Approve a pack another member asked approval for, and send or schedule it as they asked. The one who
    asked can never approve it; a schedule whose time has passed meanwhile is refused (send it back).
    """
    now = now or timezone.now()
    with transaction.atomic():
        pack = _locked_pack(pack)
        problems = pack_problems(pack, awaiting=True)
        if pack.approval_requested_by_id == by.pk:
            problems.append("You asked for this approval: another champion or an admin must approve it.")
        problems += pack_schedule_problems(
            leaders=pack.recipients.select_related("campaign"), send_on=pack.send_on, send_time=pack.send_time, now=now
        )
        if problems:
            raise ValidationError(problems)
        pack.approved_by, pack.approved_at = by, now
        pack.return_note = ""
        return _pack_go(
            pack, by=pack.approval_requested_by or by, send_on=pack.send_on, send_time=pack.send_time, now=now
        )


def pack_send_back(*, pack, by, note, now=None):
    """Send a pack waiting for approval back to its author as a draft, with a note of what to change."""
    now = now or timezone.now()
    with transaction.atomic():
        pack = _locked_pack(pack)
        if not pack.is_awaiting_approval:
            raise ValidationError("This pack is not waiting for approval any more.")
        if pack.approval_requested_by_id == by.pk:
            raise ValidationError("You asked for this approval: withdraw the request instead.")
        pack.status = BriefingPack.Status.DRAFT
        pack.returned_by, pack.returned_at, pack.return_note = by, now, note
        pack.save()
    return pack


def pack_withdraw_approval(*, pack, by):
    """The author takes back their request for approval, to change the pack; it is a draft again."""
    with transaction.atomic():
        pack = _locked_pack(pack)
        if not pack.is_awaiting_approval:
            raise ValidationError("This pack is not waiting for approval any more.")
        pack.status = BriefingPack.Status.DRAFT
        pack.save()
    return pack


@transaction.atomic
def event_answer(*, event, leader, accepted):
    """
    Record a leader's answer to an invitation from a signed link. Repeat clicks change nothing;
    a later click on the other answer replaces the first (people change their minds).
    """
    outcome = Outcome.ACCEPTED if accepted else Outcome.DECLINED
    engagement, _ = Engagement.objects.update_or_create(
        event=event,
        leader=leader,
        defaults={
            "campaign": event.campaign,
            "kind": event.kind if event.kind in EngagementKind.values else EngagementKind.PITCH,
            "happened_on": event.happens_on,
            "outcome": outcome,
            "note": "Answered from the link in a briefing pack.",
        },
    )
    answer = "accepted" if accepted else "declined"
    events.announce(
        event.campaign,
        "leader_rsvp",
        key=f"engagement:{engagement.pk}:{outcome}",
        subject=f"{leader.name} {answer} “{event.title}”",
        url=leader.get_absolute_url(),
        facts=[("Invitation", event.title), ("On", date_format(event.happens_on)), ("Answer", answer)],
        audience=[leader.owner_id] if leader.owner_id else None,
    )
    return engagement


# --- Changed and cancelled invitations ---------------------------------------------------------
# A leader who got an invitation in a pack has it in their calendar. When its time, place or details
# change, or it is cancelled, the event's SEQUENCE goes up and each such leader gets an InvitationUpdate
# row (one per event, leader and sequence) sent through the outbox like any leader mail.


def _invited_leaders(event):
    """The leaders whose pack with `event` has gone out (or is going out now) to them."""
    return Leader.objects.filter(
        pack_deliveries__pack__events=event,
        pack_deliveries__status__in=(DeliveryStatus.SENT, DeliveryStatus.SENDING),
    ).distinct()


def invited_leader_count(event):
    """How many leaders a change to `event` would reach."""
    return _invited_leaders(event).count()


def _invitation_updates_queue(event, method):
    rows = InvitationUpdate.objects.bulk_create(
        [
            InvitationUpdate(event=event, leader=leader, sequence=event.sequence, method=method)
            for leader in _invited_leaders(event)
        ],
        ignore_conflicts=True,
    )
    ids = InvitationUpdate.objects.filter(
        event=event, sequence=event.sequence, status=DeliveryStatus.QUEUED
    ).values_list("pk", flat=True)
    for pk in ids:
        enqueue_on_commit(SEND_INVITATION_UPDATE_DELIVERY, pk)
    return len(rows)


@transaction.atomic
def event_save(*, event, changed=()):
    """
    Save an invitation. When it is already known (`changed`: the fields the form changed) and what
    calendars hold of it changed, its sequence goes up and every leader who has it gets the update.
    Returns how many leaders are sent an update.
    """
    if event.pk is None:
        event.save()
        return 0
    if event.is_cancelled:
        raise ValidationError("A cancelled invitation cannot be changed.")
    if not set(changed) & set(Event.CALENDAR_FIELDS):
        event.save()
        return 0
    locked = Event.objects.select_for_update().get(pk=event.pk)
    event.sequence = locked.sequence + 1
    event.save()
    return _invitation_updates_queue(event, InvitationUpdate.Method.REQUEST)


@transaction.atomic
def event_cancel(*, event):
    """
    Cancel an invitation: it stays on the list, marked cancelled, and every leader who has it in their
    calendar gets the cancellation (METHOD:CANCEL). Cancelling twice sends nothing more.
    """
    event = Event.objects.select_for_update().select_related("campaign").get(pk=event.pk)
    if event.is_cancelled:
        return event, 0
    event.cancelled_at = timezone.now()
    event.sequence += 1
    event.save(update_fields=["cancelled_at", "sequence"])
    return event, _invitation_updates_queue(event, InvitationUpdate.Method.CANCEL)


RECOGNITIONS = {value for value, _ in Engagement._meta.get_field("recognition").choices}


@transaction.atomic
def engagement_log_celebration(*, problem, by=None):
    """
    Keep the celebrating leader's log in step with a win's celebration: one recognition moment per win,
    moved when the celebration is recorded again, gone when no leader took part.
    """
    if not (problem.celebrated_by_id and problem.celebrated_on):
        Engagement.objects.filter(problem=problem).delete()
        return None
    engagement, _ = Engagement.objects.update_or_create(
        problem=problem,
        defaults={
            "campaign_id": problem.campaign_id,
            "leader_id": problem.celebrated_by_id,
            "kind": EngagementKind.RECOGNITION,
            "recognition": problem.celebration if problem.celebration in RECOGNITIONS else "",
            "happened_on": problem.celebrated_on,
            "outcome": Outcome.ATTENDED,
            "note": f"Celebrated the win “{problem.title}”."[:500],
            "recorded_by": by,
        },
    )
    return engagement


# --- Executive summaries ------------------------------------------------------------------------
# The dispatcher (`summaries_dispatch_due`) runs every few minutes from beat and by
# `manage.py send_due_summaries`. For each enabled schedule it looks at the latest period whose
# summary is due; if the summary for it does not exist yet, it is created with its snapshot and
# one delivery per recipient, and the deliveries are enqueued after commit. A unique constraint on
# (campaign, period_start) makes a second tick, a second beat or a re-run a no-op.
#
# Catching up: after downtime only the latest due period is created. Summaries of periods missed
# in between are not sent late: leaders get one summary covering the most recent period, not a
# burst of stale ones.


def _summary_deliveries_enqueue(delivery_ids):
    """Once the transaction commits, send these deliveries in batches of delivery.BATCH_SIZE."""
    for start in range(0, len(delivery_ids), BATCH_SIZE):
        enqueue_on_commit(SEND_SUMMARY_DELIVERIES, delivery_ids[start : start + BATCH_SIZE])


def summary_create_for_period(*, schedule, period, now=None):
    """
    Create the summary of `period` with its snapshot and deliveries, and enqueue them after commit.

    Returns the new summary, or None when it already exists (another tick or beat got there first).
    """
    campaign = schedule.campaign
    if ExecutiveSummary.objects.filter(campaign=campaign, period_start=period.start).exists():
        return None
    # Open complaints count their days to the day it is sent: the send day, or a later one after downtime.
    content = summaries.summary_content(campaign=campaign, period=period, as_of=max(period.end, schedule.today(now)))
    skipped = content["is_empty"] and schedule.skip_empty
    try:
        with transaction.atomic():
            summary = ExecutiveSummary.objects.create(
                campaign=campaign,
                period_start=period.start,
                period_end=period.end,
                due_at=period.due_at,
                snapshot=content,
                is_empty=content["is_empty"],
                skipped=skipped,
                reply_to=summaries.summary_reply_to(schedule),
            )
            if not skipped:
                deliveries = SummaryDelivery.objects.bulk_create(
                    SummaryDelivery(summary=summary, leader=leader) for leader in summaries.summary_recipients(schedule)
                )
                _summary_deliveries_enqueue([delivery.pk for delivery in deliveries])
    except IntegrityError:
        # The unique (campaign, period_start) constraint: a concurrent dispatcher created it.
        logger.info("summary of %s for %s already exists", campaign.slug, period.start)
        return None
    logger.info("summary of %s for %s created (%s)", campaign.slug, period.start, "skipped" if skipped else "sent")
    return summary


def summaries_dispatch_due(*, now=None):
    """Create every summary that is due and not created yet; returns the new summaries."""
    now = now or timezone.now()
    created = []
    schedules = SummarySchedule.objects.filter(enabled=True, campaign__status="active").select_related("campaign")
    for schedule in schedules:
        period = schedule.latest_due_period(now)
        if period.due_at < schedule.active_since:
            continue
        summary = summary_create_for_period(schedule=schedule, period=period, now=now)
        if summary is not None:
            created.append(summary)
    return created


def summary_deliveries_announce(*, delivery_ids):
    """
    Announce what the settled deliveries `delivery_ids` mean (campaign.events): each failed one is a
    "summary failed" for the campaign's admins; a summary none of whose deliveries is still queued or
    sending, with at least one sent, is a "summary sent" for the channels. Announcing again is a no-op.
    """
    rows = list(SummaryDelivery.objects.filter(pk__in=delivery_ids).select_related("summary__campaign", "leader"))
    for row in rows:
        if row.status == DeliveryStatus.FAILED:
            summary = row.summary
            events.announce(
                summary.campaign,
                "summary_failed",
                key=f"delivery:{row.pk}:{row.created_at.isoformat()}",
                subject=f"The executive summary could not be delivered to {row.leader.name}",
                url=reverse("leadership:summary-detail", kwargs={"slug": summary.campaign.slug, "pk": summary.pk}),
                facts=[("Period", str(summary).split(": ", 1)[-1]), ("Error", row.last_error or "unknown")],
            )
    for summary in {row.summary_id: row.summary for row in rows}.values():
        counts = dict(summary.deliveries.values_list("status").annotate(n=Count("pk")).order_by())
        if (
            counts.get(DeliveryStatus.QUEUED)
            or counts.get(DeliveryStatus.SENDING)
            or not counts.get(DeliveryStatus.SENT)
        ):
            continue
        sent = counts[DeliveryStatus.SENT]
        events.announce(
            summary.campaign,
            "summary_sent",
            key=f"summary:{summary.pk}",
            subject=f"The executive summary went to {sent} leader{'s' if sent != 1 else ''}",
            url=reverse("leadership:summary-detail", kwargs={"slug": summary.campaign.slug, "pk": summary.pk}),
            facts=[("Period", str(summary).split(": ", 1)[-1])],
        )


def summary_deliveries_retry_failed(*, summary):
    """Give the summary's failed deliveries a fresh set of attempts and enqueue them after commit."""
    with transaction.atomic():
        failed = summary.deliveries.filter(status=DeliveryStatus.FAILED)
        ids = list(failed.values_list("pk", flat=True))
        failed.update(status=DeliveryStatus.QUEUED, attempts=0, claimed_at=None, created_at=timezone.now())
        _summary_deliveries_enqueue(ids)
    return len(ids)


def pack_delivery_mark_opened(*, delivery, now=None):
    """Count one opening of the web version by the leader; the first one is kept apart."""
    now = now or timezone.now()
    PackDelivery.objects.filter(pk=delivery.pk).update(
        open_count=F("open_count") + 1, last_opened_at=now, opened_at=Coalesce("opened_at", Value(now))
    )


def summary_delivery_mark_opened(*, delivery):
    """Record the first time the leader followed the link to the web version."""
    SummaryDelivery.objects.filter(pk=delivery.pk, opened_at__isnull=True).update(opened_at=timezone.now())


def leader_unsubscribe(*, leader):
    """Stop executive summaries of this leader's campaign for this leader only."""
    Leader.objects.filter(pk=leader.pk).update(receives_summaries=False)


# --- Test copies of summaries -------------------------------------------------------------------
# A member sends themselves the next summary as it stands (from its preview) or one already sent, to
# see what leaders will read before they read it. A test copy goes through the outbox like a leader's
# copy (a SummaryTestCopy row, claimed and sent by a task, retried on transient errors), and its links
# work: the web version opens this copy, and the unsubscribe link records that it was used on this
# copy. Neither link names a leader or a delivery, so a test can never unsubscribe a leader or mark a
# leader's copy opened. The copy keeps its own snapshot: testing the next summary creates no
# ExecutiveSummary, and beat still creates the real one for that period when it is due.


def summary_test_copy_create(*, campaign, user, summary=None):
    """
    Queue a test copy for `user`'s own address: of `summary`, or of the next summary as its preview
    shows it now. Sent by a task once the transaction commits.
    """
    if summary is None:
        period, snapshot = summaries.summary_preview(campaign=campaign)
        start, end = period.start, period.end
    else:
        start, end, snapshot = summary.period_start, summary.period_end, summary.snapshot
    with transaction.atomic():
        copy = SummaryTestCopy.objects.create(
            campaign=campaign,
            requested_by=user,
            name=user.get_full_name() or user.get_username(),
            email=user.email,
            of_next=summary is None,
            period_start=start,
            period_end=end,
            snapshot=snapshot,
        )
        enqueue_on_commit(SEND_TEST_COPY_DELIVERY, copy.pk)
    return copy


def summary_test_copy_mark_opened(*, copy):
    SummaryTestCopy.objects.filter(pk=copy.pk, opened_at__isnull=True).update(opened_at=timezone.now())


def summary_test_copy_unsubscribe(*, copy):
    """What a leader's unsubscribe would do, done to the test copy only: record it, stop nobody."""
    SummaryTestCopy.objects.filter(pk=copy.pk, unsubscribe_tried_at__isnull=True).update(
        unsubscribe_tried_at=timezone.now()
    )
