"""Writes that touch several models, each in one transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import date_format

from campaign.models import ServiceProblem
from leadership import selectors
from leadership.models import BriefingPack, Engagement, EngagementKind, Objection, Outcome, PackDelivery, VisitAction
from leadership.starter import STARTER_OBJECTIONS


def objections_prefill(*, campaign):
    """Give the campaign the starter objection handbook; objections it already has are left alone."""
    existing = set(
        Objection.objects.filter(campaign=campaign).annotate(low=Lower("objection")).values_list("low", flat=True)
    )
    Objection.objects.bulk_create(
        [
            Objection(campaign=campaign, position=position, **item)
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
    parts = ("stories", "clippings", "visits", "events", "roadblocks")
    has_content = has_content or any(choices[name] for name in parts)
    if not has_content:
        problems.append("Add some content: a note, a story, a clipping, a report, an invitation or talking points.")
    return problems


def pack_send(*, pack, by):
    """
    Send the pack: one delivery row per recipient, then one task per row once the rows are committed.

    The pack row is locked and must still be a draft, so a double click or two tabs create the
    rows once; the (pack, leader) constraint and the task's claim do the rest.
    """
    from leadership.tasks import deliver_pack

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
            deliver_pack.delay_on_commit(pk)
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
