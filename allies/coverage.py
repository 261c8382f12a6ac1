"""
Where the movement is, and where it is missing: the coverage map, the movement checks,
the recruitment funnel and growth over time.

Every figure here comes from a fixed number of queries per campaign, however many departments,
allies and touchpoints it has: the departments, one pass over the allies grouped by department and
level (the grid's committed counts and the per-stage, per-source and staleness counts alike), and
one for the weekly stage-change history.
"""

import math
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone

from allies.models import COMMITTED_OR_BETTER, LADDER, Ally, Stage, last_touch_before
from campaign.models import ActivityCount, Department, Level

# Seeds/003: a movement that lives only where customers are seen is not a culture yet.
# Above this share of committed allies in customer-facing departments, the map says so.
CUSTOMER_FACING_SHARE_LIMIT = 0.70

# Seeds/003, "stuck in the mud": early on, volunteers carry a campaign and people sent by a
# manager weigh it down. A campaign counts as early while it is younger than EARLY_STAGE_DAYS
# or has fewer than EARLY_STAGE_COMMITTED committed allies, whichever lasts longer.
EARLY_STAGE_DAYS = 90
EARLY_STAGE_COMMITTED = 10

# Above this share of active allies without a recent touchpoint, staleness is red, not amber.
STALE_SHARE_RED = 0.5

GROWTH_WEEKS = 12
LEVELS = [Level.TOP, Level.MIDDLE, Level.FRONTLINE]


# --- the grid ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    level: Level
    count: int


@dataclass(frozen=True)
class DepartmentRow:
    """One department's committed-or-better allies per level, against its target when headcount is known."""

    department: Department
    cells: list[Cell]
    total: int
    needed: int | None  # committed allies the target asks for; None when the headcount is unknown

    @property
    def state(self):
        """'empty', 'under', 'covered' or 'unknown' (allies but no headcount): the row's CSS state."""
        if self.total == 0:
            return "empty"
        if self.needed is None:
            return "unknown"
        return "under" if self.total < self.needed else "covered"

    @property
    def under_covered(self):
        return self.needed is not None and self.total < self.needed

    @property
    def people_per_ally(self):
        """People per committed ally today ('one per N people'); None without a headcount or an ally."""
        if self.department.headcount is None or not self.total:
            return None
        return round(self.department.headcount / self.total)


@dataclass(frozen=True)
class Group:
    kind: str
    label: str
    rows: list[DepartmentRow]

    @property
    def total(self):
        return sum(row.total for row in self.rows)


@dataclass(frozen=True)
class CoverageGrid:
    groups: list[Group]
    level_totals: list[Cell]
    total: int

    @property
    def rows(self):
        return [row for group in self.groups for row in group.rows]

    def level_count(self, level):
        return next(cell.count for cell in self.level_totals if cell.level == level)


def allies_needed(headcount, people_per_ally):
    """Committed allies a department of `headcount` people needs: one per `people_per_ally`, rounded up."""
    if headcount is None:
        return None
    return math.ceil(headcount / people_per_ally)


def coverage_grid(campaign, *, departments=None, counts=None):
    """
    The department × level grid of committed-or-better allies, customer-facing departments first.

    From the campaign's departments (pass them when the caller has them) and `ally_counts` (one query,
    shared with `ally_figures` when the caller passes it).
    """
    departments = departments if departments is not None else list(Department.objects.filter(campaign=campaign))
    counts = counts if counts is not None else ally_counts(campaign)
    committed = {(row["department_id"], row["level"]): row["committed"] for row in counts.rows}
    by_kind = {kind: [] for kind in Department.Kind.values}
    for department in departments:
        cells = [Cell(level, committed.get((department.pk, level), 0)) for level in LEVELS]
        total = sum(cell.count for cell in cells)
        needed = allies_needed(department.headcount, campaign.people_per_ally)
        by_kind[department.kind].append(DepartmentRow(department, cells, total, needed))
    groups = [Group(kind, label, by_kind[kind]) for kind, label in Department.Kind.choices]
    level_totals = [
        Cell(level, sum(row.cells[i].count for group in groups for row in group.rows)) for i, level in enumerate(LEVELS)
    ]
    return CoverageGrid(groups, level_totals, sum(cell.count for cell in level_totals))


# --- the campaign's ally figures ----------------------------------------------------------------


@dataclass(frozen=True)
class AllyFigures:
    by_stage: dict[str, int]
    sent: int
    volunteered: int
    active: int  # everyone on the ladder, i.e. not declined
    stale: int  # active allies with no touchpoint in the campaign's stale_after_days

    @property
    def committed(self):
        return sum(self.by_stage[stage] for stage in COMMITTED_OR_BETTER)


def campaign_today(campaign):
    """Today's date where the campaign works, not where the server is."""
    return timezone.localdate(timezone=ZoneInfo(campaign.time_zone))


def stale_cutoff(campaign, today=None):
    """The first day that still counts as recent contact for `campaign`."""
    today = today or campaign_today(campaign)
    return today - timedelta(days=campaign.stale_after_days)


@dataclass(frozen=True)
class AllyCounts:
    """The campaign's allies counted per (department, level): every figure of the grid and the checks."""

    rows: list[dict]

    def total(self, key):
        return sum(row[key] for row in self.rows)


def ally_counts(campaign, today=None):
    """
    One pass over the campaign's allies, grouped by department and level (a few hundred rows at most):
    committed allies for the grid, and per stage, per source and stale for the figures.

    The database groups by department, level, stage and source with two plain counts (everyone, and the
    stale), a few hundred groups; the per-stage and per-source figures are folded from those here. A dozen
    filtered counts per group cost the database more, and the ORM more to build, than the fold. On
    PostgreSQL the index `ally_coverage_counts` holds every column read here, so the pass is an index-only
    scan in group order.
    """
    # The ally list's "stale" filter (Ally.objects.stale) counts the same people: on the list longer than
    # the window, and no touchpoint in it. Someone added yesterday has not gone quiet.
    stale = Q(created_at__lt=timezone.now() - timedelta(days=campaign.stale_after_days)) & last_touch_before(
        stale_cutoff(campaign, today)
    )
    groups = (
        Ally.objects.filter(campaign=campaign)
        .order_by()
        .values_list("department_id", "level", "stage", "source")
        # Counted over columns the index holds (campaign is never null): COUNT(id) would send the scan to the rows.
        .annotate(n=Count("*"), stale=Count("campaign", filter=stale))
    )
    blank = {"committed": 0, **{f"stage_{stage}": 0 for stage in Stage.values}}
    blank.update(sent=0, volunteered=0, active=0, stale=0)
    rows = {}
    for department_id, level, stage, source, n, stale_n in groups:
        row = rows.get((department_id, level))
        if row is None:
            row = rows[(department_id, level)] = {"department_id": department_id, "level": level, **blank}
        key = f"stage_{stage}"
        if key in row:
            row[key] += n
        if stage in COMMITTED_OR_BETTER:
            row["committed"] += n
        if stage != Stage.DECLINED:
            row["active"] += n
            row["stale"] += stale_n
            if source == Ally.Source.SENT:
                row["sent"] += n
            elif source == Ally.Source.VOLUNTEERED:
                row["volunteered"] += n
    return AllyCounts(list(rows.values()))


def ally_figures(campaign, today=None, *, counts=None):
    """Allies per stage and per source, and how many have gone stale (from `ally_counts`: one query)."""
    counts = counts if counts is not None else ally_counts(campaign, today)
    return AllyFigures(
        by_stage={stage: counts.total(f"stage_{stage}") for stage in Stage.values},
        sent=counts.total("sent"),
        volunteered=counts.total("volunteered"),
        active=counts.total("active"),
        stale=counts.total("stale"),
    )


# --- movement checks ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MovementCheck:
    """One check of the movement's shape: a plain sentence, the number behind it, and what to do next."""

    key: str
    ok: bool
    level: str  # "green", "amber" or "red"
    sentence: str
    number: int
    next_step: str = ""
    url: str = ""
    # False when there was nothing to judge (no allies yet): the check passes, but only vacuously.
    judged: bool = True


def ally_list_url(campaign, **filters):
    """
    The ally list, filtered (`department`, `level`, `stage`, `source`, `stale`), for a check's next step.

    """
    url = reverse("allies:ally-list", kwargs={"slug": campaign.slug})
    query = urlencode({key: value for key, value in filters.items() if value not in (None, "")})
    return f"{url}?{query}" if query else url


def _names(items, limit=3):
    """'A', 'A and B', 'A, B and C', 'A, B, C and 2 more'."""
    items = [str(item) for item in items]
    if len(items) <= 1:
        return "".join(items)
    if len(items) <= limit:
        return f"{', '.join(items[:-1])} and {items[-1]}"
    return f"{', '.join(items[:limit])} and {len(items) - limit} more"


def _ok(key, sentence, number, judged=True):
    return MovementCheck(key=key, ok=True, level="green", sentence=sentence, number=number, judged=judged)


def check_empty_departments(campaign, grid):
    """(a) Departments where nobody has committed yet."""
    rows = grid.rows
    if not rows:
        return MovementCheck(
            key="empty-departments",
            ok=False,
            level="amber",
            sentence="The campaign has no departments yet, so there is no map to fill.",
            number=0,
            next_step="Ask a campaign admin to add the departments, customer-facing and internal.",
            url=reverse("campaign:settings-departments", kwargs={"slug": campaign.slug}),
        )
    empty = [row.department for row in rows if row.total == 0]
    if not empty:
        if len(rows) == 1:
            return _ok("empty-departments", "Every department has a committed ally: the campaign's one.", 0)
        return _ok("empty-departments", f"Every department has a committed ally: all {len(rows)} of them.", 0)
    verb = "has" if len(empty) == 1 else "have"
    return MovementCheck(
        key="empty-departments",
        ok=False,
        level="red" if len(empty) == len(rows) else "amber",
        sentence=(
            f"{len(empty)} of {len(rows)} department{pluralize(len(rows))} {verb} nobody committed: {_names(empty)}."
        ),
        number=len(empty),
        next_step=f"Find someone in {empty[0]} who cares about service and start a conversation.",
        url=ally_list_url(campaign, department=empty[0].pk),
    )


def check_missing_level(campaign, grid):
    """(b) A level (top, middle, frontline) with nobody committed."""
    missing = [cell.level for cell in grid.level_totals if cell.count == 0]
    if not missing:
        return _ok("missing-level", "Top, middle and frontline each have committed allies.", 0)
    labels = [level.label.lower() for level in missing]
    return MovementCheck(
        key="missing-level",
        ok=False,
        level="red",
        sentence=f"Nobody at the {_names(labels)} level{'s' if len(missing) > 1 else ''} has committed yet.",
        number=len(missing),
        next_step=f"A movement needs every level: recruit at the {labels[0]} level next.",
        url=ally_list_url(campaign, level=missing[0].value),
    )


def check_thin_middle(campaign, grid):
    """
    (c) The middle thinner than the other levels: fewer committed middle managers than either top or frontline.

    Compared with both, not their average, so a handful of leaders does not make a thin middle look fine.
    With nobody committed anywhere there is nothing to compare; check (b) speaks then.
    """
    middle = grid.level_count(Level.MIDDLE)
    others = min(grid.level_count(Level.TOP), grid.level_count(Level.FRONTLINE))
    if grid.total == 0 or middle >= others:
        return _ok("thin-middle", f"The middle holds its own with {middle} committed.", middle, judged=grid.total > 0)
    return MovementCheck(
        key="thin-middle",
        ok=False,
        level="amber",
        sentence=(
            f"Only {middle} committed at the middle level, fewer than at the top "
            f"({grid.level_count(Level.TOP)}) and on the front line ({grid.level_count(Level.FRONTLINE)})."
        ),
        number=middle,
        next_step="Middle managers praise, pass suggestions up and spotlight roadblocks: invite one to lunch.",
        url=ally_list_url(campaign, level=Level.MIDDLE.value),
    )


def check_customer_facing_share(campaign, grid):
    """(d) Committed allies concentrated in customer-facing departments (share over CUSTOMER_FACING_SHARE_LIMIT)."""
    facing = next(group.total for group in grid.groups if group.kind == Department.Kind.CUSTOMER_FACING)
    share = facing / grid.total if grid.total else 0
    percent = round(share * 100)
    if share <= CUSTOMER_FACING_SHARE_LIMIT:
        return _ok(
            "customer-facing-share",
            f"{percent}% of committed allies are in customer-facing departments; internal providers are in too.",
            percent,
            judged=grid.total > 0,
        )
    internal = next(group for group in grid.groups if group.kind == Department.Kind.INTERNAL_PROVIDER)
    target = min(internal.rows, key=lambda row: row.total, default=None)
    return MovementCheck(
        key="customer-facing-share",
        ok=False,
        level="amber",
        sentence=f"{percent}% of committed allies are in customer-facing departments.",
        number=percent,
        next_step=(
            "Internal service providers — finance, IT, HR, logistics — shape what customers feel: recruit there"
            + (f", starting with {target.department}." if target else ".")
        ),
        url=ally_list_url(campaign, department=target.department.pk if target else None),
    )


def check_stale_allies(campaign, figures):
    """(e) Allies (not declined) with no touchpoint in the campaign's stale_after_days."""
    days = campaign.stale_after_days
    if figures.stale == 0:
        return _ok(
            "stale-allies", f"Every ally has been in touch in the last {days} days.", 0, judged=figures.active > 0
        )
    red = figures.stale >= figures.active * STALE_SHARE_RED
    verb = "has" if figures.stale == 1 else "have"
    return MovementCheck(
        key="stale-allies",
        ok=False,
        level="red" if red else "amber",
        sentence=f"{figures.stale} of {figures.active} allies {verb} had no touchpoint in {days} days.",
        number=figures.stale,
        next_step="Momentum fades when nobody tends it: a message or a coffee this week keeps them in.",
        url=ally_list_url(campaign, stale=1),
    )


def is_early_stage(campaign, figures, today=None):
    """Early while younger than EARLY_STAGE_DAYS or short of EARLY_STAGE_COMMITTED committed allies."""
    today = today or campaign_today(campaign)
    young = (today - campaign.start_date).days < EARLY_STAGE_DAYS
    return young or figures.committed < EARLY_STAGE_COMMITTED


def check_stuck_in_the_mud(campaign, figures, today=None):
    """(f) An early-stage campaign with more allies sent by a manager than volunteers."""
    if not is_early_stage(campaign, figures, today):
        return _ok("stuck-in-the-mud", "Past the early stage: who was sent matters less now.", figures.sent)
    if figures.sent <= figures.volunteered:
        return _ok(
            "stuck-in-the-mud",
            f"Volunteers ({figures.volunteered}) outnumber or match people sent by a manager ({figures.sent}).",
            figures.sent,
            judged=figures.active > 0,
        )
    return MovementCheck(
        key="stuck-in-the-mud",
        ok=False,
        level="amber",
        sentence=(
            f"{figures.sent} allies were sent by a manager and only {figures.volunteered} volunteered, "
            "this early in the campaign."
        ),
        number=figures.sent,
        next_step="Early wins come from people who want to be there: look for volunteers before more are sent.",
        url=ally_list_url(campaign, source=Ally.Source.VOLUNTEERED.value),
    )


def movement_checks(campaign, *, grid=None, figures=None, today=None, departments=None):
    """
    The six movement checks for `campaign`, in reading order.

    Pass `grid` and `figures` when the caller already has them (the coverage page does), to skip their
    queries, and `departments` (the campaign's, as listed) when the caller has those. Otherwise the grid
    and the figures share one query over the allies.
    """
    if grid is None or figures is None:
        counts = ally_counts(campaign, today)
        grid = grid if grid is not None else coverage_grid(campaign, departments=departments, counts=counts)
        figures = figures if figures is not None else ally_figures(campaign, today, counts=counts)
    return [
        check_empty_departments(campaign, grid),
        check_missing_level(campaign, grid),
        check_thin_middle(campaign, grid),
        check_customer_facing_share(campaign, grid),
        check_stale_allies(campaign, figures),
        check_stuck_in_the_mud(campaign, figures, today),
    ]


# --- funnel and growth --------------------------------------------------------------------------

CHART_WIDTH = 300  # SVG user units of the longest bar
GROWTH_BAR_MAX = 100  # SVG units of the tallest growth bar
GROWTH_BASELINE = 120  # where growth bars stand, leaving room above for their figures


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    size: int  # length in SVG units, scaled to the longest bar
    key: str = ""
    offset: int = 0  # position along the chart axis, in SVG units


@dataclass(frozen=True)
class Funnel:
    bars: list[Bar]
    declined: int

    @property
    def total(self):
        return sum(bar.count for bar in self.bars)


def _scale(count, largest, length):
    if not largest:
        return 0
    return max(round(count / largest * length), 2 if count else 0)


def recruitment_funnel(figures):
    """Allies at each rung of the ladder, bottom to top, with declined kept apart."""
    largest = max((figures.by_stage[stage] for stage in LADDER), default=0)
    bars = [
        Bar(
            stage.label,
            figures.by_stage[stage],
            _scale(figures.by_stage[stage], largest, CHART_WIDTH),
            key=stage.value,
            offset=i * 28,
        )
        for i, stage in enumerate(LADDER)
    ]
    return Funnel(bars, figures.by_stage[Stage.DECLINED])


@dataclass(frozen=True)
class Week:
    starts_on: object  # date
    committed: int  # committed-or-better allies at the end of the week
    change: int  # net moves into committed-or-better during the week
    size: int = 0
    offset: int = 0

    @property
    def top(self):
        """Where the bar starts in the SVG, which counts y downwards."""
        return GROWTH_BASELINE - self.size


@dataclass(frozen=True)
class Growth:
    weeks: list[Week]
    before: int  # committed-or-better allies when the first week began

    @property
    def latest(self):
        return self.weeks[-1].committed if self.weeks else self.before

    @property
    def gained(self):
        """Net change over the whole window."""
        return self.latest - self.before


def _week_start(day):
    return day - timedelta(days=day.weekday())


# The rollup's keys for the growth chart's daily steps (registered in allies/contributions.py).
GROWTH_GAINED, GROWTH_LOST = "allies_onto_committed", "allies_off_committed"


def committed_onto():
    """A step onto committed or better from below (or from nothing, as an import records)."""
    return Q(to_stage__in=COMMITTED_OR_BETTER) & ~Q(from_stage__in=COMMITTED_OR_BETTER)


def committed_off():
    return Q(from_stage__in=COMMITTED_OR_BETTER) & ~Q(to_stage__in=COMMITTED_OR_BETTER)


def committed_growth(campaign, weeks=GROWTH_WEEKS, today=None):
    """
    Committed-or-better allies at the end of each of the last `weeks` weeks (Monday to Sunday).

    From the activity rollup (campaign.activity): per day, the steps onto committed or better and the
    steps off it, in the campaign's time zone. Days before the window add up to the starting figure.
    One query over the rollup's rows, not the stage-change history.
    """
    today = today or campaign_today(campaign)
    first = _week_start(today) - timedelta(weeks=weeks - 1)
    per_day = ActivityCount.objects.filter(campaign=campaign, source__in=[GROWTH_GAINED, GROWTH_LOST]).values_list(
        "day", "source", "count"
    )
    before, moves = 0, {}
    for day, source, count in per_day:
        net = count if source == GROWTH_GAINED else -count
        if day < first:
            before += net
        else:
            week = _week_start(day)
            moves[week] = moves.get(week, 0) + net
    running, result = before, []
    for i in range(weeks):
        starts_on = first + timedelta(weeks=i)
        change = moves.get(starts_on, 0)
        running += change
        result.append(Week(starts_on, running, change))
    largest = max((week.committed for week in result), default=0)
    step = CHART_WIDTH // weeks
    return Growth(
        [
            Week(w.starts_on, w.committed, w.change, _scale(w.committed, largest, GROWTH_BAR_MAX), i * step)
            for i, w in enumerate(result)
        ],
        before,
    )


def coverage_summary(campaign, today=None):
    """Everything the coverage page shows: grid, checks, funnel and growth, in three queries."""
    counts = ally_counts(campaign, today)
    grid = coverage_grid(campaign, counts=counts)
    figures = ally_figures(campaign, today, counts=counts)
    return {
        "grid": grid,
        "figures": figures,
        "checks": movement_checks(campaign, grid=grid, figures=figures, today=today),
        "funnel": recruitment_funnel(figures),
        "growth": committed_growth(campaign, today=today),
        "customer_facing_limit": round(CUSTOMER_FACING_SHARE_LIMIT * 100),
    }
