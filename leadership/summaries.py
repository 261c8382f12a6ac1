"""
Executive summaries: what goes in one (computed in the database), creating one per due period,
and the email each leader receives.

The dispatcher (`summaries_dispatch_due`) runs every few minutes from beat and by
`manage.py send_due_summaries`. For each enabled schedule it looks at the latest period whose
summary is due; if the summary for it does not exist yet, it is created with its snapshot and
one delivery per recipient, and the deliveries are enqueued after commit. A unique constraint on
(campaign, period_start) makes a second tick, a second beat or a re-run a no-op.

Catching up: after downtime only the latest due period is created. Summaries of periods missed
in between are not sent late: leaders get one summary covering the most recent period, not a
burst of stale ones.
"""

import json
import logging
import re
import secrets
import threading
from collections import OrderedDict, defaultdict
from datetime import datetime, time
from types import SimpleNamespace

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, F, Q, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.html import conditional_escape

from allies.models import StageChange, Touchpoint
from campaign import momentum as campaign_momentum
from campaign.emails import make_message, message_from_parts, render_parts
from campaign.models import Membership, Role, ServiceProblem
from leadership import signing
from leadership.models import (
    DeliveryStatus,
    ExecutiveSummary,
    Feedback,
    Leader,
    SummaryDelivery,
    SummarySchedule,
)
from leadership.models.feedback import OPEN_STATUSES, SEVERITY_RANK, Kind, Severity

logger = logging.getLogger(__name__)

OPEN_COMPLAINTS_SHOWN = 10
RESOLVED_SHOWN = 5
COMPLIMENTS_SHOWN = 3
WINS_SHOWN = 5
ROADBLOCKS_SHOWN = 5


def _change(now, before):
    return {"now": now, "before": before, "delta": now - before}


def _local_bounds(campaign_tz, start, end):
    """Aware datetimes for local midnight at `start` and `end`, to compare timestamps with a date period."""
    return (
        datetime.combine(start, time(), tzinfo=campaign_tz),
        datetime.combine(end, time(), tzinfo=campaign_tz),
    )


def summary_content(*, campaign, period, as_of=None):
    """
    The figures and chosen items for `campaign` over `period`, as JSON-ready data, each figure beside
    the same figure for the period before (the week or calendar month before: `Period.previous_bounds`).
    `as_of` is the local day the summary is sent (the campaign's today unless given): open complaints
    are open that many days then.

    Every figure is a database aggregate whose date range sits in the WHERE clause, so each reads an
    index range (most of them index-only), never the campaign's years of feedback; only the few
    items shown are fetched as rows. So it costs the same at a hundred or a million feedback rows.
    """
    prev_start, _prev_end = period.previous_bounds()
    as_of = as_of or SummarySchedule(campaign=campaign).today()
    feedback = Feedback.objects.filter(campaign=campaign)
    complaints = feedback.filter(kind=Kind.COMPLAINT)
    counts = _period_counts(feedback, prev_start, period)

    severities = [
        {"label": label, **_change(counts["severity"][value][True], counts["severity"][value][False])}
        for value, label in sorted(Severity.choices, key=lambda choice: -SEVERITY_RANK[choice[0]])
    ]
    departments = [
        {"name": name or "No department", **_change(pair[True], pair[False])}
        for name, pair in sorted(
            counts["department"].items(), key=lambda entry: (-entry[1][True], entry[0] is None, entry[0] or "")
        )
        if pair[True] or pair[False]
    ]
    themes = [
        {"name": name, **_change(pair[True], pair[False])}
        for name, pair in sorted(counts["theme"].items(), key=lambda entry: (-entry[1][True], entry[0]))
        if pair[True]
    ][:3]

    open_in_time = complaints.filter(status__in=OPEN_STATUSES, received_on__lt=period.end)
    open_by_severity = dict(open_in_time.values_list("severity").annotate(n=Count("*")).order_by())
    open_count = sum(open_by_severity.values())
    open_complaints = [
        {
            "summary": item.summary,
            "severity": item.get_severity_display(),
            "status": item.get_status_display(),
            "department": item.department.name if item.department else "",
            "action": item.action,
            "owner": (item.owner.get_full_name() or item.owner.get_username()) if item.owner else "",
            "received_on": item.received_on.isoformat(),
            "days_open": (as_of - item.received_on).days,
        }
        for item in _most_severe_first(open_in_time, open_by_severity, OPEN_COMPLAINTS_SHOWN)
    ]
    resolved_in_period = complaints.filter(resolved_on__gte=period.start, resolved_on__lt=period.end)
    resolved_count = resolved_in_period.count()
    resolved = [
        {"summary": item.summary, "action": item.action, "department": item.department.name if item.department else ""}
        for item in (
            resolved_in_period.select_related("department").order_by("-resolved_on", "-pk")[:RESOLVED_SHOWN]
            if resolved_count
            else []
        )
    ]
    compliments_pair = counts["kind"][Kind.COMPLIMENT]
    compliments = (
        _compliments(feedback.filter(received_on__gte=period.start, received_on__lt=period.end, kind=Kind.COMPLIMENT))
        if compliments_pair[True]
        else []
    )
    wins = [
        {"title": p.title, "figure": p.story_figure, "after": p.story_after}
        for p in ServiceProblem.objects.filter(
            campaign=campaign, status=ServiceProblem.Status.WON, won_on__gte=period.start, won_on__lt=period.end
        ).order_by("-won_on", "-pk")[:WINS_SHOWN]
    ]
    roadblocks = _open_roadblocks(campaign)
    logged = {"now": counts["total"][True], "before": counts["total"][False]}
    momentum = campaign_activity(campaign=campaign, period=period, feedback_logged=logged, as_of=as_of)
    complaints_pair = counts["kind"][Kind.COMPLAINT]
    content = {
        "period": period.as_json(),
        "as_of": as_of.isoformat(),
        "complaints": _change(complaints_pair[True], complaints_pair[False]),
        "compliments_count": _change(compliments_pair[True], compliments_pair[False]),
        "by_severity": severities,
        "by_department": departments,
        "themes": themes,
        "open_count": open_count,
        "open_complaints": open_complaints,
        "resolved_count": resolved_count,
        "resolved": resolved,
        "compliments": compliments,
        "wins": wins,
        "roadblocks": roadblocks,
        "momentum": momentum,
    }
    content["is_empty"] = not any(
        (complaints_pair[True], compliments_pair[True], open_count, resolved_count, wins, roadblocks)
    )
    return content


def _open_roadblocks(campaign):
    """
    The open roadblocks a summary may show, oldest first: the first few put to no one and the first few
    of each leader (one query, a row number per leader), so each leader's copy can list theirs and
    those put to no one, as a briefing pack does (`roadblocks_seen_by`).
    """
    ranked = (
        ServiceProblem.objects.filter(campaign=campaign, is_roadblock=True, roadblock_cleared_on__isnull=True)
        .exclude(status__in=[ServiceProblem.Status.WON, ServiceProblem.Status.DROPPED])
        .annotate(rank=Window(RowNumber(), partition_by=[F("roadblock_leader")], order_by=[F("opened_on"), F("pk")]))
        .filter(rank__lte=ROADBLOCKS_SHOWN)
        .select_related("roadblock_leader")
        .order_by("opened_on", "pk")
    )
    return [
        {
            "title": p.title,
            "ask": p.roadblock_ask,
            "leader": p.roadblock_leader.name if p.roadblock_leader else "",
            "leader_id": p.roadblock_leader_id,
        }
        for p in ranked
    ]


def roadblocks_seen_by(roadblocks, leader):
    """
    The snapshot's roadblocks one reader sees: a leader, those put to them or to no one (the briefing
    packs' rule), the first few; a member (preview, test copy, the summary's page), every one kept.
    """
    if leader is None:
        return roadblocks
    return [item for item in roadblocks if _is_for(item, leader)][:ROADBLOCKS_SHOWN]


def _is_for(item, leader):
    if "leader_id" not in item:  # a summary made before roadblocks kept their leader's id
        return item["leader"] in ("", leader.name)
    return item["leader_id"] in (None, leader.pk)


def _period_counts(feedback, prev_start, period):
    """
    The period's and the previous period's feedback counted in one grouped query over both periods
    (an index-range scan of `feedback_received_detail`), rolled up here by kind, severity,
    department name and theme name. Each pair is {True: this period, False: the one before}.
    """

    def pairs():
        return defaultdict(lambda: {True: 0, False: 0})

    rows = (
        feedback.filter(received_on__gte=prev_start, received_on__lt=period.end)
        .annotate(current=Case(When(received_on__gte=period.start, then=True), default=False))
        .values_list("current", "kind", "severity", "department__name", "theme__name")
        .annotate(n=Count("*"))
        .order_by()
    )
    counts = {"total": {True: 0, False: 0}}
    counts.update(kind=pairs(), severity=pairs(), department=pairs(), theme=pairs())
    for current, kind, severity, department, theme, n in rows:
        current = bool(current)
        counts["total"][current] += n
        counts["kind"][kind][current] += n
        if kind != Kind.COMPLAINT:
            continue
        counts["severity"][severity][current] += n
        counts["department"][department][current] += n
        if theme is not None:
            counts["theme"][theme][current] += n
    return counts


def _most_severe_first(open_complaints, by_severity, limit):
    """
    The `limit` open complaints to show, most severe first and oldest first within a severity, in at
    most two short reads of the partial index on open complaints: every complaint of the severities
    that fit whole (fewer than `limit` together), then the oldest of the next severity.
    """
    whole, partial, room = [], None, limit
    for severity in sorted(by_severity, key=lambda value: -SEVERITY_RANK.get(value, 0)):
        if by_severity[severity] < room:
            whole.append(severity)
            room -= by_severity[severity]
        else:
            partial = severity
            break
    rows = open_complaints.select_related("department", "owner")
    chosen = []
    if whole:
        chosen = sorted(
            rows.filter(severity__in=whole),
            key=lambda item: (-SEVERITY_RANK.get(item.severity, 0), item.received_on, item.pk),
        )
    if partial is not None and room:
        chosen += list(rows.filter(severity=partial).order_by("received_on", "pk")[:room])
    return chosen


def _compliments(in_period):
    """A few compliments for leaders: the featured ones, or the most recent when none is featured."""
    chosen = list(
        in_period.filter(featured=True).select_related("department").order_by("-received_on")[:COMPLIMENTS_SHOWN]
    )
    featured = bool(chosen)
    if not chosen:
        chosen = list(in_period.select_related("department").order_by("-received_on", "-pk")[:COMPLIMENTS_SHOWN])
    return [
        {
            "summary": item.summary,
            "customer": item.customer,
            "department": item.department.name if item.department else "",
            "featured": featured,
        }
        for item in chosen
    ]


def campaign_activity(*, campaign, period, feedback_logged=None, as_of=None):
    """
    The campaign's momentum in one line: touchpoints, stage changes, problems won and feedback
    logged this period against the period before, each a single aggregate over the two periods' range
    (in the WHERE clause, so an index range rather than the campaign's whole history). The verdict
    (rising, level, falling, a start, quiet) is `campaign.momentum.compare` on the two totals the line
    gives, so it never contradicts them. A period still in progress on `as_of` (a preview) can show a
    rise but not a fall: its days to come are not counted yet. `feedback_logged` ({now, before}) spares
    the feedback count when the caller has it already.
    """
    prev_start, prev_end = period.previous_bounds()
    tz = SummarySchedule(campaign=campaign).tz
    start_at, end_at = _local_bounds(tz, period.start, period.end)
    prev_start_at, _ = _local_bounds(tz, prev_start, prev_end)

    def pair(queryset, field, lo, mid, hi):
        return queryset.filter(**{f"{field}__gte": lo, f"{field}__lt": hi}).aggregate(
            now=Count("pk", filter=Q(**{f"{field}__gte": mid})),
            before=Count("pk", filter=Q(**{f"{field}__lt": mid})),
        )

    figures = {
        "touchpoints": pair(
            Touchpoint.objects.filter(campaign=campaign), "happened_on", prev_start, period.start, period.end
        ),
        "stage_changes": pair(
            StageChange.objects.filter(campaign=campaign), "changed_at", prev_start_at, start_at, end_at
        ),
        "problems_won": pair(
            ServiceProblem.objects.filter(campaign=campaign), "won_on", prev_start, period.start, period.end
        ),
        "feedback_logged": feedback_logged
        or pair(Feedback.objects.filter(campaign=campaign), "received_on", prev_start, period.start, period.end),
    }
    now = sum(value["now"] for value in figures.values())
    before = sum(value["before"] for value in figures.values())
    judged = campaign_momentum.compare(now, before)
    if as_of is not None and not period.has_ended(as_of) and judged.state in ("falling", "flat"):
        judged = judged._replace(state="so_far")
    previous = period.previous_label
    if judged.state == "quiet":
        line = f"No campaign activity was recorded this period or in {previous}."
    else:
        counts = [
            _count(figures["touchpoints"]["now"], "touchpoint", "touchpoints") + " with allies",
            _count(figures["stage_changes"]["now"], "ally", "allies") + " moved on the ladder",
            _count(figures["problems_won"]["now"], "problem", "problems") + " won",
            _count(figures["feedback_logged"]["now"], "piece", "pieces") + " of feedback logged",
        ]
        verdict = VERDICTS[judged.state]
        line = f"{verdict} {', '.join(counts[:-1])} and {counts[-1]}: {now} in all, against {before} in {previous}."
    return {"trend": judged.state, "line": line, "figures": figures, "now": now, "before": before}


# The momentum line's first words, from the two totals it gives.
VERDICTS = {
    "rising": "Rising.",
    "falling": "Falling.",
    "flat": "About level.",
    "starting": "Off to a start.",
    "so_far": "So far this period.",
}


def _count(number, one, many):
    return f"{number} {one if number == 1 else many}"


# --- Creating summaries --------------------------------------------------------------


def summary_recipients(schedule):
    """The leaders a summary goes to: everyone who still receives summaries, or the chosen ones."""
    leaders = Leader.objects.filter(campaign=schedule.campaign, receives_summaries=True)
    if not schedule.all_leaders:
        leaders = leaders.filter(pk__in=schedule.recipients.values("pk"))
    return leaders


def summary_reply_to(schedule):
    """
    Where leaders' replies to the summary go: the member who last saved the schedule (as a pack's go to
    the champion who sent it), else the campaign's first admin; '' when no one has an address.
    """
    members = Membership.objects.filter(campaign=schedule.campaign, user__is_active=True).exclude(user__email="")
    emails = members.order_by("pk").values_list("user__email", flat=True)
    saver = emails.filter(user_id=schedule.updated_by_id).first() if schedule.updated_by_id else None
    return saver or emails.filter(role=Role.ADMIN).first() or ""


def summary_create_for_period(*, schedule, period, now=None):
    """
    Create the summary of `period` with its snapshot and deliveries, and enqueue them after commit.

    Returns the new summary, or None when it already exists (another tick or beat got there first).
    """
    from leadership.tasks import enqueue_summary_deliveries_on_commit

    campaign = schedule.campaign
    if ExecutiveSummary.objects.filter(campaign=campaign, period_start=period.start).exists():
        return None
    # Open complaints count their days to the day it is sent: the send day, or a later one after downtime.
    content = summary_content(campaign=campaign, period=period, as_of=max(period.end, schedule.today(now)))
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
                reply_to=summary_reply_to(schedule),
            )
            if not skipped:
                deliveries = SummaryDelivery.objects.bulk_create(
                    SummaryDelivery(summary=summary, leader=leader) for leader in summary_recipients(schedule)
                )
                enqueue_summary_deliveries_on_commit([delivery.pk for delivery in deliveries])
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


# --- The email --------------------------------------------------------------------------

# The signed links live in leadership.signing with every other leader link; these names stay for callers.
web_version_token = signing.summary_web_token
unsubscribe_token = signing.unsubscribe_token


def leader_unsubscribe(*, leader):
    """Stop executive summaries of this leader's campaign for this leader only."""
    Leader.objects.filter(pk=leader.pk).update(receives_summaries=False)


def delivery_mark_opened(*, delivery):
    """Record the first time the leader followed the link to the web version."""
    SummaryDelivery.objects.filter(pk=delivery.pk, opened_at__isnull=True).update(opened_at=timezone.now())


def summary_context(summary, leader=None):
    """What the summary templates need; for a leader, the snapshot with only the roadblocks they see."""
    snapshot = summary.snapshot
    if leader is not None and snapshot.get("roadblocks"):
        snapshot = {**snapshot, "roadblocks": roadblocks_seen_by(snapshot["roadblocks"], leader)}
    return {"summary": summary, "campaign": summary.campaign, "s": snapshot}


def _headers(summary, unsubscribe_url=None):
    headers = {"Reply-To": summary.reply_to} if summary.reply_to else {}
    if unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def summary_message(*, summary, to, leader=None, web_url=None):
    """The summary email for `to`; with a leader, it carries their web-version and unsubscribe links."""
    ctx = summary_context(summary, leader)
    unsubscribe_url = signing.unsubscribe_url(leader) if leader is not None else None
    headers = _headers(summary, unsubscribe_url)
    if leader is not None:
        ctx.update(leader=leader, unsubscribe_url=unsubscribe_url)
    ctx["web_url"] = web_url
    return make_message("summary", [to], ctx, headers=headers)


# A summary goes to hundreds of leaders, and only their name, two links and the roadblocks put to them
# differ from one copy to the next. So a process renders each summary once per set of roadblocks its
# leaders see (one for everyone with none of their own), with these markers where the name and the links
# go, and each leader's copy replaces them (escaped in the HTML part as the template would have). The
# random part means no feedback text can contain a marker.
_MARK = secrets.token_hex(8)
_MARKERS = {"name": f"rt{_MARK}leadername", "web_url": f"rt{_MARK}weburl", "unsubscribe_url": f"rt{_MARK}unsubscribe"}
_MARKED = re.compile("|".join(_MARKERS.values()))
_RENDERED = OrderedDict()  # what a summary renders from -> {roadblocks seen: (subject, text, html) with markers}
_RENDERED_KEPT = 4
_RENDERED_LOCK = threading.Lock()  # a threaded web server builds outbox copies too


def _summary_parts_marked(summary, leader):
    """The summary's parts for `leader` rendered with markers, from this process's few last summaries when there."""
    campaign = summary.campaign
    key = (
        summary.pk,
        summary.period_start,
        summary.period_end,
        campaign.pk,
        campaign.name,
        settings.SITE_URL,
        json.dumps(summary.snapshot, sort_keys=True, default=str),
    )
    ctx = summary_context(summary, leader)
    seen = json.dumps(ctx["s"].get("roadblocks"), sort_keys=True, default=str)
    with _RENDERED_LOCK:
        views = _RENDERED.get(key)
        if views is not None:
            _RENDERED.move_to_end(key)
            if seen in views:
                return views[seen]
    ctx.update(
        leader=SimpleNamespace(name=_MARKERS["name"]),
        web_url=_MARKERS["web_url"],
        unsubscribe_url=_MARKERS["unsubscribe_url"],
    )
    parts = render_parts("summary", ctx)
    with _RENDERED_LOCK:
        _RENDERED.setdefault(key, {})[seen] = parts
        while len(_RENDERED) > _RENDERED_KEPT:
            _RENDERED.popitem(last=False)
    return parts


def _personalised(part, values):
    return _MARKED.sub(lambda match: values[match.group()], part)


def build_delivery_message(delivery):
    """The email for one summary delivery (what `delivery_send` sends): the same as summary_message's."""
    if SummaryDelivery.summary.is_cached(delivery) and ExecutiveSummary.campaign.is_cached(delivery.summary):
        summary = delivery.summary  # loaded with the claimed row
    else:
        summary = ExecutiveSummary.objects.select_related("campaign").get(pk=delivery.summary_id)
    leader = delivery.leader
    web_url = signing.summary_web_url(delivery)
    subject, text, html = _summary_parts_marked(summary, leader)
    if _MARKED.search(subject):
        # The subject is squeezed onto one line after rendering: a leader's part in it cannot be a marker.
        return summary_message(summary=summary, to=leader.email, leader=leader, web_url=web_url)
    unsubscribe_url = signing.unsubscribe_url(leader)
    values = {"name": leader.name, "web_url": web_url, "unsubscribe_url": unsubscribe_url}
    as_text = {_MARKERS[key]: str(value) for key, value in values.items()}
    as_html = {_MARKERS[key]: str(conditional_escape(value)) for key, value in values.items()}
    return message_from_parts(
        subject,
        _personalised(text, as_text),
        _personalised(html, as_html),
        [leader.email],
        headers=_headers(summary, unsubscribe_url),
    )


def summary_deliveries_retry_failed(*, summary):
    """Give the summary's failed deliveries a fresh set of attempts and enqueue them after commit."""
    from leadership.tasks import enqueue_summary_deliveries_on_commit

    with transaction.atomic():
        failed = summary.deliveries.filter(status=DeliveryStatus.FAILED)
        ids = list(failed.values_list("pk", flat=True))
        failed.update(status=DeliveryStatus.QUEUED, attempts=0, claimed_at=None, created_at=timezone.now())
        enqueue_summary_deliveries_on_commit(ids)
    return len(ids)


def summary_deliveries(summary):
    """Per-recipient delivery state of one summary, for its page."""
    return summary.deliveries.select_related("leader").order_by("leader__name")


def schedule_for(campaign):
    """The campaign's schedule, unsaved with defaults when it has none yet."""
    return SummarySchedule.objects.filter(campaign=campaign).first() or SummarySchedule(campaign=campaign)


def summary_preview(*, campaign, now=None):
    """
    The summary the next send would carry so far, not stored: the period in progress, or the one that
    has ended and waits for its hour today, with complaints open as of today.
    """
    schedule = schedule_for(campaign)
    period = schedule.current_period(now)
    return period, summary_content(campaign=campaign, period=period, as_of=schedule.today(now))
