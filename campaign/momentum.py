"""
Momentum: how much happened in the campaign each week, and whether it is fading.

An initiative that starts with a burst and peters out becomes a "flavor of the month". What counts is
whatever the apps register as activity sources (`campaign.registry.activity_source`: allies moved up,
touchpoints, persona cards, problems started and won, feedback received), read from the daily rollup
in `campaign.activity`: twelve weeks are a few hundred rollup rows, one query, however many million
rows lie behind them.

Feedback counts in the week it was received (`received_on`), not the week it was typed in: a CSV
import of last quarter's complaints lands in the weeks they happened instead of making one week
look like a burst, and the feedback log's weekly chart and the executive summary count the same way.
"""

from datetime import date, timedelta
from typing import NamedTuple

from campaign import registry
from campaign.activity import counts_by_day

WEEKS = 12
# "Far below the earlier average": the last three full weeks average under this share of the weeks before.
FAR_BELOW = 0.5
# Below this many a week, the earlier weeks are too quiet to be far below.
MIN_EARLIER_AVERAGE = 1
# A rise needs the recent weeks this much above the earlier ones; anything between is flat.
RISING = 1.25
# A week against the one before is worth a sentence of its own from this many apart (1 against 2 is not).
MIN_JUMP = 3


class Week(NamedTuple):
    start: date
    counts: dict  # source label -> count
    total: int
    is_current: bool


def week_start(day):
    return day - timedelta(days=day.weekday())


def series(campaign, *, today=None, weeks=WEEKS):
    """
    The last `weeks` weeks (Monday starts in the campaign's time zone, oldest first, the current week
    last) with each registered source's count, from the rollup.
    """
    today = today or campaign.today()
    current = week_start(today)
    starts = [current - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    sources = registry.activity_sources(momentum=True)
    found = counts_by_day(campaign, starts[0], current + timedelta(days=6))
    result = []
    for start in starts:
        days = [start + timedelta(days=offset) for offset in range(7)]
        counts = {source.label: sum(found.get((day, source.key), 0) for day in days) for source in sources}
        result.append(Week(start, counts, sum(counts.values()), start == current))
    return result


def period_totals(campaign, first, split, last):
    """
    ({source key: count} from `first` to the day before `split`, the same from `split` to `last`), both
    inclusive, from the rollup in one query: a period and the one before it.
    """
    keys = [source.key for source in registry.activity_sources(momentum=True)]
    before, now = dict.fromkeys(keys, 0), dict.fromkeys(keys, 0)
    for (day, key), n in counts_by_day(campaign, first, last).items():
        if key in now:
            (now if day >= split else before)[key] += n
    return before, now


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


def momentum(campaign, *, today=None):
    """
    The campaign's weekly series and its trend, judged on the full weeks; the current, partial week
    only counts once it is already well above the last full one (a burst, or a first week).

    Weeks are the campaign's own: they start on Monday in its time zone, not the server's.
    """
    weeks = series(campaign, today=today)
    judged = _with_current_week(trend([week.total for week in weeks if not week.is_current]), weeks)
    return Momentum(
        weeks=weeks,
        trend=judged,
        labels=[source.label for source in registry.activity_sources(momentum=True)],
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
