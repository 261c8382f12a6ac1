"""
Momentum: how much happened in the campaign each week, and whether it is fading.

An initiative that starts with a burst and peters out becomes a "flavor of the month". Each
source below is counted per week in the database, in one query for all of them: a COUNT(*) over
each week's date range, which an index on (campaign, date) answers without reading the rows (a
million feedback items cost one short index range a week, not a scan). To count something new,
add one Source line.

Feedback counts in the week it was received (`received_on`), not the week it was typed in: a CSV
import of last quarter's complaints lands in the weeks they happened instead of making one week
look like a burst, and the feedback log's weekly chart and the executive summary count the same way.
"""

import operator
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from functools import reduce
from itertools import pairwise
from typing import NamedTuple

from django.db import connections
from django.db.models import Count, DateTimeField, Func, IntegerField, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from allies.models import LADDER, Stage, StageChange, Touchpoint
from campaign.models import ServiceProblem
from leadership.models import Feedback
from personas.models import PersonaCard

WEEKS = 12
# "Far below the earlier average": the last three full weeks average under this share of the weeks before.
FAR_BELOW = 0.5
# Below this many a week, the earlier weeks are too quiet to be far below.
MIN_EARLIER_AVERAGE = 1
# A rise needs the recent weeks this much above the earlier ones; anything between is flat.
RISING = 1.25
# A week against the one before is worth a sentence of its own from this many apart (1 against 2 is not).
MIN_JUMP = 3


def _moved_up():
    """A StageChange that climbs the ladder (a higher rung than before; joining counts, declining does not)."""
    steps = [
        Q(to_stage=stage, from_stage__in=["", Stage.DECLINED, *LADDER[:rank]]) for rank, stage in enumerate(LADDER)
    ]
    return reduce(operator.or_, steps)


class Source(NamedTuple):
    label: str
    rows: object  # campaign -> queryset of that source's rows in the campaign
    date_field: str
    # True when an index on (campaign, date) answers the count: each week is then counted as its own index
    # range. False when the rows need a filter the index does not hold (stage changes that climb the
    # ladder): the window's rows are then read once, by that index, and counted per week in one pass.
    indexed: bool = True


SOURCES = [
    Source(
        "allies moved up",
        lambda c: StageChange.objects.filter(_moved_up(), campaign=c),
        "changed_at",
        indexed=False,
    ),
    Source("touchpoints", lambda c: Touchpoint.objects.filter(campaign=c), "happened_on"),
    Source("persona cards", lambda c: PersonaCard.objects.filter(campaign=c), "created_at"),
    Source("problems started", lambda c: ServiceProblem.objects.filter(campaign=c), "started_on"),
    Source("problems won", lambda c: ServiceProblem.objects.filter(campaign=c), "won_on"),
    Source("feedback logged", lambda c: Feedback.objects.filter(campaign=c), "received_on"),
]


class Week(NamedTuple):
    start: date
    counts: dict  # source label -> count
    total: int
    is_current: bool


def week_start(day):
    return day - timedelta(days=day.weekday())


class _CountAll(Func):
    """COUNT(*) as a plain expression: a subquery counting an index range, with no GROUP BY of its own."""

    template = "COUNT(*)"
    output_field = IntegerField()


def _edges(rows, date_field, starts):
    """(first moment, first moment of the next week) for each week, in the type of the rows' date field."""
    edges = [*starts, starts[-1] + timedelta(weeks=1)]
    if isinstance(rows.model._meta.get_field(date_field), DateTimeField):
        # Midnight in the current time zone (the campaign's, under momentum()), not the server's.
        edges = [timezone.make_aware(datetime.combine(day, time.min)) for day in edges]
    return list(pairwise(edges))


def _in_week(source, low, high):
    return Q(**{f"{source.date_field}__gte": low, f"{source.date_field}__lt": high})


# Stand-ins for a week's bounds: a source's count is compiled once with these, and each week reuses that
# SQL with its own bounds in their places (compiling a dozen ORM subqueries per source costs more than
# the index ranges they count).
_LOW, _HIGH = date(1901, 1, 7), date(1901, 1, 14)


def _week_count_sql(source, campaign, starts, connection):
    """
    (sql, params) per week for an indexed source: SELECT COUNT(*) over the week's date range, which an
    index on (campaign, date) answers as one range (index-only where the index covers the filter).
    """
    rows = source.rows(campaign).order_by()
    field = rows.model._meta.get_field(source.date_field)
    low, high = _LOW, _HIGH
    if isinstance(field, DateTimeField):
        low, high = (datetime.combine(day, time.min, tzinfo=UTC) for day in (low, high))
    query = rows.filter(_in_week(source, low, high)).annotate(n=_CountAll()).values("n").query
    sql, params = query.get_compiler(connection=connection).as_sql()
    stand_ins = [(field.get_db_prep_value(low, connection), 0), (field.get_db_prep_value(high, connection), 1)]
    slots = [(index, bound) for index, param in enumerate(params) for value, bound in stand_ins if param == value]
    if sorted(bound for _, bound in slots) != [0, 1]:  # a filter of the source's own hides a bound: compile each week
        return [
            rows.filter(_in_week(source, *week))
            .annotate(n=_CountAll())
            .values("n")
            .query.get_compiler(connection=connection)
            .as_sql()
            for week in _edges(rows, source.date_field, starts)
        ]
    result = []
    for week in _edges(rows, source.date_field, starts):
        week_params = list(params)
        for index, bound in slots:
            week_params[index] = field.get_db_prep_value(week[bound], connection)
        result.append((sql, week_params))
    return result


def _window_counts(source, campaign, starts):
    """
    Per-week counts of a source the index cannot count alone: its window's rows read once (by the index on
    campaign and date) and counted per week in one GROUP BY, the week truncated in the current time zone.
    """
    rows = source.rows(campaign)
    weeks = _edges(rows, source.date_field, starts)
    found = (
        rows.filter(_in_week(source, weeks[0][0], weeks[-1][1]))
        .annotate(week=TruncWeek(source.date_field))
        .order_by()
        .values_list("week")
        .annotate(n=Count("pk"))
    )
    by_week = {}
    for week, n in found:
        if isinstance(week, datetime):
            week = timezone.localtime(week).date() if timezone.is_aware(week) else week.date()
        by_week[week] = by_week.get(week, 0) + n
    return [by_week.get(start, 0) for start in starts]


def series(campaign, *, today=None, weeks=WEEKS, sources=None):
    """
    The last `weeks` weeks (Monday starts, oldest first, the current week last) with each source's count.

    Every week of every indexed source is a COUNT(*) subquery over its date range, all in one SELECT, so
    each count reads an index range rather than the source's whole history; a source with a filter the
    index does not hold (stage changes that climb) reads its window once more. Weeks are bounded by
    Mondays at midnight in the current time zone.
    """
    today = today or timezone.localdate()
    current = week_start(today)
    starts = [current - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    sources = sources or SOURCES
    indexed = [source for source in sources if source.indexed]
    counts = {}
    if indexed:
        connection = connections[indexed[0].rows(campaign).db]
        parts = [(source.label, _week_count_sql(source, campaign, starts, connection)) for source in indexed]
        sql = ", ".join(f"({part})" for _, weeks_sql in parts for part, _ in weeks_sql)
        params = [param for _, weeks_sql in parts for _, week_params in weeks_sql for param in week_params]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {sql}", params)
            row = list(cursor.fetchone())
        for label, weeks_sql in parts:
            counts[label], row = row[: len(weeks_sql)], row[len(weeks_sql) :]
    by_source = {}
    for source in sources:
        if source.indexed:
            by_source[source.label] = counts[source.label]
        else:
            by_source[source.label] = _window_counts(source, campaign, starts)
    result = []
    for week, start in enumerate(starts):
        counts = {label: found[week] for label, found in by_source.items()}
        result.append(Week(start, counts, sum(counts.values()), start == current))
    return result


class Trend(NamedTuple):
    state: str  # "rising", "flat", "falling", "fading", "starting" or "quiet"
    reason: str
    figure: int | None = None  # the count the reason is about, for a figure shown beside it


def compare(now, before, *, this="this period", previous="the period before"):
    """
    The verdict on two counts a reader sees side by side, worded from them: rising when `now` is over a
    quarter above `before`, falling when `before` is over a quarter above `now`, level in between;
    "starting" when there was nothing before. The reason names both counts.
    """
    if now == before == 0:
        return Trend("quiet", f"Nothing logged {this} or {previous}.", now)
    if before == 0:
        return Trend("starting", f"{now} {this}, after nothing {previous}.", now)
    if now > before * RISING:
        return Trend("rising", f"{now} {this}, up from {before} {previous}.", now)
    if before > now * RISING:
        return Trend("falling", f"{now} {this}, down from {before} {previous}.", now)
    return Trend("flat", f"{now} {this}, about level with {before} {previous}.", now)


def trend(totals):
    """
    Read weekly totals (oldest first, full weeks only). Fading when activity fell three weeks
    in a row, or the last three weeks average far below the campaign's own earlier weeks. A first
    week, a sudden burst or a drop in the last week is said as the last week against the one
    before, so the sentence never contradicts the two bars a reader sees last.
    """
    active = list(totals)
    while active and active[0] == 0:  # weeks before the campaign got going are not "earlier activity"
        active.pop(0)
    if not any(active):
        return Trend("quiet", "Nothing logged in these weeks yet.", 0)
    last = active[-1]
    if len(active) == 1:
        return Trend("starting", f"{last} logged last week, the first week with any activity.", last)
    if len(active) >= 4 and all(active[i] > active[i + 1] for i in range(len(active) - 4, len(active) - 1)):
        return Trend("fading", "Activity has fallen three weeks in a row.", last)
    recent, earlier = active[-3:], active[:-3]
    recent_avg = sum(recent) / len(recent)
    if earlier:
        earlier_avg = sum(earlier) / len(earlier)
        if earlier_avg >= MIN_EARLIER_AVERAGE and recent_avg < earlier_avg * FAR_BELOW:
            return Trend(
                "fading",
                f"The last three weeks averaged {recent_avg:.1f}, far below the {earlier_avg:.1f} a week before them.",
            )
    week = compare(last, active[-2], this="last week", previous="the week before")
    if week.state in ("falling", "rising", "starting") and abs(last - active[-2]) >= MIN_JUMP:
        return week._replace(state="rising" if week.state == "starting" else week.state)
    if earlier and recent_avg > earlier_avg * RISING:
        return Trend("rising", f"The last three weeks averaged {recent_avg:.1f}, up from {earlier_avg:.1f}.")
    return Trend("flat", f"Steady at about {recent_avg:.1f} a week lately.")


def _with_current_week(judged, weeks):
    """
    The full weeks' verdict, unless the week in progress already outgrows the last full one: a partial
    week can only grow, so it can show a burst (or a first week) but never a fall.
    """
    current = weeks[-1].total if weeks and weeks[-1].is_current else 0
    full = [week.total for week in weeks if not week.is_current]
    last = full[-1] if full else 0
    if current and not any(full):
        return Trend("starting", f"{current} logged this week so far, the first week with any activity.", current)
    if current - last < MIN_JUMP:
        return judged
    this_week = compare(current, last, this="this week so far", previous="last week")
    if this_week.state in ("rising", "starting"):
        return this_week._replace(state="rising")
    return judged


class Momentum(NamedTuple):
    weeks: list
    trend: Trend
    labels: list  # the sources' labels, in order
    peak: int

    @property
    def last_full_week(self):
        full = [week for week in self.weeks if not week.is_current]
        return full[-1] if full else None

    @property
    def is_fading(self):
        return self.trend.state == "fading"


def momentum(campaign, *, today=None, sources=None):
    """
    The campaign's weekly series and its trend, judged on the full weeks; the current, partial week
    only counts once it is already well above the last full one (a burst, or a first week).

    Weeks are the campaign's own: they start on Monday in its time zone, not the server's.
    """
    with timezone.override(zoneinfo.ZoneInfo(campaign.time_zone)):
        weeks = series(campaign, today=today, sources=sources)
    judged = _with_current_week(trend([week.total for week in weeks if not week.is_current]), weeks)
    return Momentum(
        weeks=weeks,
        trend=judged,
        labels=[s.label for s in (sources or SOURCES)],
        peak=max([week.total for week in weeks] + [1]),
    )


# Chart geometry, in SVG user units: bars are drawn from these, so the template holds no arithmetic.
CHART_HEIGHT = 80
BAR_WIDTH = 18
BAR_GAP = 6


def chart_bars(result):
    """One bar per week: x, y, height, and a title giving the week's breakdown (the text alternative)."""
    bars = []
    for index, week in enumerate(result.weeks):
        height = round(week.total / result.peak * CHART_HEIGHT) if week.total else 0
        parts = ", ".join(f"{count} {label}" for label, count in week.counts.items() if count) or "nothing logged"
        suffix = " (so far)" if week.is_current else ""
        bars.append(
            {
                "x": index * (BAR_WIDTH + BAR_GAP),
                "y": CHART_HEIGHT - height,
                "height": max(height, 1),
                "width": BAR_WIDTH,
                "title": f"Week of {week.start:%-d %b}{suffix}: {week.total} — {parts}",
                "week": week,
            }
        )
    return bars


def chart_width(result):
    return len(result.weeks) * (BAR_WIDTH + BAR_GAP) - BAR_GAP
