"""
Executive summaries, read: what goes in one (computed in the database), who receives it, where their
replies go, the next one as it stands. The writes (creating a due summary and its deliveries, the
leader's unsubscribe) are in leadership.services; the email is built in leadership.emails.
"""

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.db.models import Case, Count, F, When, Window
from django.db.models.functions import RowNumber

from campaign import momentum as campaign_momentum
from campaign import readings as goal_readings
from campaign.models import Membership, Role, ServiceProblem
from leadership.models import Feedback, Leader, RecognitionMoment, SummarySchedule
from leadership.models.feedback import OPEN_STATUSES, SEVERITY_RANK, Kind, Severity

OPEN_COMPLAINTS_SHOWN = 10
RESOLVED_SHOWN = 5
COMPLIMENTS_SHOWN = 3
WINS_SHOWN = 5
GOAL_WINS_SHOWN = 3
# Recognition moments held in the period with a photo its people agreed to share.
CELEBRATIONS_SHOWN = 3
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
    origins = _traced_counts(complaints, prev_start, period)
    by_origin = [
        {"name": name, **_change(pair[True], pair[False])}
        for name, pair in sorted(origins.items(), key=lambda entry: (-entry[1][True], entry[0]))
    ]
    complaints_now = counts["kind"][Kind.COMPLAINT][True]
    traced_now = sum(pair[True] for pair in origins.values())
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
            "traced_to": item.traced_to.name if item.traced_to else "",
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
    celebrations = _celebrations(campaign, period)
    roadblocks = _open_roadblocks(campaign)
    bullseye = _bullseye(campaign, period, as_of)
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
        # Where complaints started (the department they were traced to), beside where they arrived.
        "by_origin": by_origin,
        "untraced_count": complaints_now - traced_now,
        "themes": themes,
        "open_count": open_count,
        "open_complaints": open_complaints,
        "resolved_count": resolved_count,
        "resolved": resolved,
        "compliments": compliments,
        "wins": wins,
        "celebrations": celebrations,
        "roadblocks": roadblocks,
        "momentum": momentum,
        "bullseye": bullseye,
    }
    content["is_empty"] = not any(
        (complaints_pair[True], compliments_pair[True], open_count, resolved_count, wins, celebrations, roadblocks)
    )
    return content


def _bullseye(campaign, period, as_of):
    """
    "Are we hitting the bull's-eye?": each goal's latest reading taken before the period's end against
    its line (`campaign.readings.goal_progress`, one query), and the period's wins aimed at it: a count
    per goal and the first few titles, in one query with a row number per goal.
    """
    progress = goal_readings.goal_progress(campaign, today=as_of, as_of=period.end)
    if not progress:
        return []
    won = ServiceProblem.objects.filter(
        campaign=campaign,
        status=ServiceProblem.Status.WON,
        won_on__gte=period.start,
        won_on__lt=period.end,
        goal__isnull=False,
    )
    ranked = (
        won.annotate(
            rank=Window(RowNumber(), partition_by=[F("goal")], order_by=[F("won_on").desc(), F("pk").desc()]),
            total=Window(Count("*"), partition_by=[F("goal")]),
        )
        .filter(rank__lte=GOAL_WINS_SHOWN)
        .values_list("goal_id", "title", "rank", "total")
        .order_by()
    )
    wins, counts = defaultdict(list), {}
    for goal_id, title, rank, total in ranked:
        counts[goal_id] = total
        wins[goal_id].append((rank, title))
    return [
        {
            **p.as_json(),
            "wins_count": counts.get(p.goal.pk, 0),
            "wins": [title for _rank, title in sorted(wins[p.goal.pk])],
        }
        for p in progress
    ]


def _celebrations(campaign, period):
    """
    Wins celebrated in the period by a leader in person, with a photo its people agreed to share: the
    snapshot keeps the moment's id, and each reading links the photo through a signed address.
    """
    moments = (
        RecognitionMoment.objects.filter(
            campaign=campaign,
            status=RecognitionMoment.Status.HELD,
            held_on__gte=period.start,
            held_on__lt=period.end,
            photo_consent=True,
        )
        .exclude(photo="")
        .select_related("story", "leader")
        .order_by("-held_on", "-pk")[:CELEBRATIONS_SHOWN]
    )
    return [
        {
            "moment_id": m.pk,
            "title": m.story.title,
            "leader": m.leader.name,
            "held_on": m.held_on.isoformat(),
            "quote": m.quote,
        }
        for m in moments
    ]


def _open_roadblocks(campaign):
    """
    The open roadblocks a summary may show, in the board's order (`ServiceProblemQuerySet.open_roadblocks`):
    the first few put to no one and the first few of each leader (one query, a row number per leader),
    so each leader's copy can list theirs and those put to no one, as a briefing pack does
    (`roadblocks_seen_by`).
    """
    ranked = (
        ServiceProblem.objects.open_roadblocks(campaign)
        .select_related(None)
        .select_related("roadblock_leader")
        .annotate(rank=Window(RowNumber(), partition_by=[F("roadblock_leader")], order_by=[F("opened_on"), F("pk")]))
        .filter(rank__lte=ROADBLOCKS_SHOWN)
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


def _traced_counts(complaints, prev_start, period):
    """
    {department name: {True: this period, False: the one before}} for the complaints of both periods
    traced to where they started: one grouped read of the small `feedback_traced` index, which holds
    only traced complaints (the grouped query above stays index-only on its own index).
    """
    rows = (
        complaints.filter(traced_to__isnull=False, received_on__gte=prev_start, received_on__lt=period.end)
        .annotate(current=Case(When(received_on__gte=period.start, then=True), default=False))
        .values_list("current", "traced_to__name")
        .annotate(n=Count("*"))
        .order_by()
    )
    counts = defaultdict(lambda: {True: 0, False: 0})
    for current, name, n in rows:
        counts[name][bool(current)] += n
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
    rows = open_complaints.select_related("department", "traced_to", "owner")
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
    The campaign's momentum in one line: touchpoints, allies moved up the ladder, problems won and
    feedback logged this period against the period before, read from the activity rollup (the days of
    both periods in one query) as home's momentum is. The verdict
    (rising, level, falling, a start, quiet) is `campaign.momentum.compare` on the two totals the line
    gives, so it never contradicts them. A period still in progress on `as_of` (a preview) can show a
    rise but not a fall: its days to come are not counted yet. `feedback_logged` ({now, before}) spares
    the feedback count when the caller has it already.
    """
    prev_start, _ = period.previous_bounds()
    last_day = period.end - timedelta(days=1)
    earlier, this = campaign_momentum.period_totals(campaign, prev_start, period.start, last_day)
    figures = {
        key: {"now": this.get(source, 0), "before": earlier.get(source, 0)}
        for key, source in (
            ("touchpoints", "touchpoints"),
            ("moved_up", "allies_moved_up"),
            ("problems_won", "problems_won"),
        )
    }
    figures["feedback_logged"] = feedback_logged or {
        "now": this.get("feedback", 0),
        "before": earlier.get("feedback", 0),
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
            _count(figures["moved_up"]["now"], "ally", "allies") + " moved up the ladder",
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


# --- Who receives it --------------------------------------------------------------------


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


def summary_context(summary, leader=None):
    """What the summary templates need; for a leader, the snapshot with only the roadblocks they see."""
    snapshot = summary.snapshot
    if leader is not None and snapshot.get("roadblocks"):
        snapshot = {**snapshot, "roadblocks": roadblocks_seen_by(snapshot["roadblocks"], leader)}
    return {"summary": summary, "campaign": summary.campaign, "s": snapshot}


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
