"""
Writes that touch several models, each in one transaction: the objection handbook, benchmarking visits,
briefing packs, invitations' answers, executive summaries and their test copies.

Work for a worker is enqueued by task name once the transaction commits (campaign.outbox's
`enqueue_on_commit`): leadership.tasks stands on this module and is never imported by it.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from campaign import events
from campaign.models import ServiceProblem
from campaign.outbox import enqueue_on_commit
from leadership import selectors, summaries
from leadership.delivery import BATCH_SIZE
from leadership.models import (
    BriefingPack,
    DeliveryStatus,
    Engagement,
    EngagementKind,
    ExecutiveSummary,
    Leader,
    Objection,
    Outcome,
    PackDelivery,
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


def pack_problems(pack, choices=None):
    """
    Why `pack` cannot be sent, as a list of sentences; empty when it can. `choices` is what
    `selectors.pack_choices(pack)` returns, when the caller has read it already; else that one query runs.
    """
    problems = []
    if not pack.is_draft:
        problems.append("This pack has already been sent.")
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


def pack_send(*, pack, by):
    """
    Send the pack: one delivery row per recipient, then one task per row once the rows are committed.

    The pack row is locked and must still be a draft, so a double click or two tabs create the
    rows once; the (pack, leader) constraint and the task's claim do the rest.
    """
    with transaction.atomic():
        pack = BriefingPack.objects.select_for_update().get(pk=pack.pk)
        problems = pack_problems(pack)
        if problems:
            raise ValidationError(problems)
        PackDelivery.objects.bulk_create(
            [PackDelivery(pack=pack, leader=leader) for leader in pack.recipients.all()], ignore_conflicts=True
        )
        clippings = [clipping.title for clipping in pack.clippings.all()]
        if clippings:
            # Sending clippings is an engagement in its own right: it shows on each leader's log.
            note = f"In the briefing “{pack.title}”: {'; '.join(clippings)}"[:500]
            Engagement.objects.bulk_create(
                [
                    Engagement(
                        campaign=pack.campaign, leader=leader, kind=EngagementKind.CLIPPING, note=note, recorded_by=by
                    )
                    for leader in pack.recipients.all()
                ]
            )
        pack.status = BriefingPack.Status.SENT
        pack.sent_by = by
        pack.sent_at = timezone.now()
        pack.save(update_fields=["status", "sent_by", "sent_at", "updated_at"])
        for pk in pack.deliveries.filter(status="queued").values_list("pk", flat=True):
            enqueue_on_commit(SEND_PACK_DELIVERY, pk)
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
