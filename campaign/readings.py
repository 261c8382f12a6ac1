"""
Goal readings: is the outcome moving? Each measured goal has a line from its baseline (value and
date) to its target (value and date); a reading is on track when it is on the right side of that
line on its date, by the goal's direction (up or down is better).

`goal_progress(campaign)` is the selector other parts read (the checkup, the executive summary, and
anything that wants "goal readings moving" as evidence): every goal of the campaign with its latest
reading against its line, in one query. `progress(goal, today=…)` does the same for one goal already
annotated by `Goal.objects.with_latest_reading`.

Writes: `goal_record_readings` stores one or many readings, idempotent on the reading's date (the same
date again updates that day's value), for the goal's page, the CSV import and the API alike.
"""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.db import transaction

from campaign.models import Goal, GoalReading, ServiceProblem

# A goal's standing, from its latest reading.
UNMEASURED = "unmeasured"  # no baseline and target yet
NO_READING = "no_reading"
STALE = "stale"  # no reading for longer than its cadence
BEHIND = "behind"  # the latest reading is worse than the line on its date
ON_TRACK = "on_track"
REACHED = "reached"  # the target itself is reached

STATUS_LABELS = {
    UNMEASURED: "No baseline or target",
    NO_READING: "No reading yet",
    STALE: "Reading overdue",
    BEHIND: "Behind its line",
    ON_TRACK: "On track",
    REACHED: "Target reached",
}

MAX_BATCH = 1000
CURRENCIES = "£$€¥"


def format_value(value, unit=""):
    """A value as people write it: 42.5%, £120k, 31 NPS points; no trailing zeros."""
    if value is None:
        return "—"
    number = f"{Decimal(value).normalize():f}"
    if "." in number:
        number = number.rstrip("0").rstrip(".")
    unit = (unit or "").strip()
    prefix = ""
    if unit[:1] and unit[0] in CURRENCIES:
        prefix, unit = unit[0], unit[1:].strip()
    if not unit:
        return f"{prefix}{number}"
    joined = (len(unit) <= 2 and not unit.isalpha()) or unit in ("k", "m", "bn", "%")
    return f"{prefix}{number}{'' if joined else ' '}{unit}"


def line_value(goal, day):
    """
    The line's value on `day`: the baseline before the baseline date, the target from the target date
    on, and a straight line between. None for a goal without a baseline and target.
    """
    if not goal.is_measured:
        return None
    if day <= goal.baseline_on:
        return goal.baseline_value
    if day >= goal.target_on:
        return goal.target_value
    share = Decimal((day - goal.baseline_on).days) / Decimal((goal.target_on - goal.baseline_on).days)
    return goal.baseline_value + (goal.target_value - goal.baseline_value) * share


def is_behind(goal, value, day):
    """Is `value` on `day` worse than the line then, by the goal's direction?"""
    expected = line_value(goal, day)
    if expected is None:
        return False
    return value < expected if goal.direction == Goal.Direction.UP else value > expected


def has_reached(goal, value):
    if not goal.is_measured:
        return False
    return value >= goal.target_value if goal.direction == Goal.Direction.UP else value <= goal.target_value


class Progress(NamedTuple):
    goal: Goal
    status: str
    latest_value: Decimal | None
    latest_on: date | None
    expected: Decimal | None  # the line's value on the latest reading's date
    days_since: int | None
    sentence: str

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def latest_text(self):
        return format_value(self.latest_value, self.goal.unit)

    @property
    def expected_text(self):
        return format_value(self.expected, self.goal.unit)

    @property
    def needs_attention(self):
        return self.status in (STALE, BEHIND, NO_READING)

    def as_json(self):
        """The figures a snapshot keeps (an executive summary): strings, so the JSON never rounds them."""
        goal = self.goal
        return {
            "goal_id": goal.pk,
            "title": goal.title,
            "unit": goal.unit,
            "direction": goal.direction,
            "status": self.status,
            "status_label": self.status_label,
            "latest": self.latest_text if self.latest_value is not None else "",
            "latest_on": self.latest_on.isoformat() if self.latest_on else "",
            "expected": self.expected_text if self.expected is not None else "",
            "target": format_value(goal.target_value, goal.unit) if goal.is_measured else "",
            "target_on": goal.target_on.isoformat() if goal.target_on else "",
            "sentence": self.sentence,
        }


def progress(goal, *, today):
    """
    The standing of `goal`, annotated with `latest_value` and `latest_on`
    (`Goal.objects.with_latest_reading`), on `today`: its status and one plain sentence.
    """
    value, on = getattr(goal, "latest_value", None), getattr(goal, "latest_on", None)
    unit = goal.unit
    if not goal.is_measured:
        return Progress(
            goal, UNMEASURED, value, on, None, None, "No baseline and target yet, so no line to read it against."
        )
    if value is None:
        return Progress(goal, NO_READING, None, None, None, None, "No reading yet since the baseline.")
    value = Decimal(value)
    expected = line_value(goal, on)
    days = (today - on).days
    latest = format_value(value, unit)
    line = format_value(expected, unit)
    when = f"{on:%-d %b %Y}"
    if has_reached(goal, value):
        status, sentence = (
            REACHED,
            f"{latest} on {when}: the target of {format_value(goal.target_value, unit)} is reached.",
        )
    elif is_behind(goal, value, on):
        status, sentence = BEHIND, f"{latest} on {when}, behind the line's {line} for that date."
    else:
        status, sentence = ON_TRACK, f"{latest} on {when}, on or ahead of the line's {line} for that date."
    if days > goal.cadence_days:
        sentence += f" No reading for {days} days, longer than its {goal.get_cadence_display().lower()} cadence."
        if status != BEHIND:
            status = STALE
    return Progress(goal, status, value, on, expected, days, sentence)


def goal_progress(campaign, *, today=None, as_of=None):
    """
    Every goal of `campaign` with its latest reading against its line, in title order: a list of
    `Progress` (status, latest value and date, the line's value on that date, a sentence). One query.

    `as_of` (a date, exclusive) counts only readings taken before it, as a summary's period end does;
    `today` is the day staleness is judged on (the campaign's today by default).
    """
    today = today or campaign.today()
    goals = list(Goal.objects.with_latest_reading(campaign, as_of=as_of))
    for goal in goals:
        goal.campaign = campaign  # its page's address needs the slug: no query per goal
    return [progress(goal, today=today) for goal in goals]


# --- The chart ---------------------------------------------------------------------------------

CHART_WIDTH = 600
CHART_HEIGHT = 200
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 56, 12, 12, 34
WIN_MARK = 8


def chart(goal, readings, wins):
    """
    The geometry of a goal's chart, in SVG user units (the template holds no arithmetic): the line
    from baseline to target, a point per reading, and a mark per win aimed at the goal, on one time
    axis from the earliest of baseline and readings to the latest of target and readings. None when
    there is nothing to draw.
    """
    days = [reading.taken_on for reading in readings]
    values = [reading.value for reading in readings]
    if goal.is_measured:
        days += [goal.baseline_on, goal.target_on]
        values += [goal.baseline_value, goal.target_value]
    if not days:
        return None
    first, last = min(days), max(days)
    if first == last:
        first, last = first - timedelta(days=1), last + timedelta(days=1)
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    margin = (high - low) / 10
    low, high = low - margin, high + margin
    span_days = (last - first).days
    inner_w = CHART_WIDTH - PAD_LEFT - PAD_RIGHT
    inner_h = CHART_HEIGHT - PAD_TOP - PAD_BOTTOM

    def x(day):
        return round(PAD_LEFT + inner_w * (day - first).days / span_days, 1)

    def y(value):
        return round(PAD_TOP + inner_h * float((high - value) / (high - low)), 1)

    unit = goal.unit
    points = [
        {
            "x": x(r.taken_on),
            "y": y(r.value),
            "behind": is_behind(goal, r.value, r.taken_on),
            "title": f"{r.taken_on:%-d %b %Y}: {format_value(r.value, unit)}",
        }
        for r in readings
    ]
    marks = [
        {"x": x(win.won_on), "title": f"Win on {win.won_on:%-d %b %Y}: {win.title}"}
        for win in wins
        if win.won_on and first <= win.won_on <= last
    ]
    target_line = None
    if goal.is_measured:
        target_line = {
            "x1": x(goal.baseline_on),
            "y1": y(goal.baseline_value),
            "x2": x(goal.target_on),
            "y2": y(goal.target_value),
        }
    bottom = CHART_HEIGHT - PAD_BOTTOM
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": PAD_LEFT,
        "right": CHART_WIDTH - PAD_RIGHT,
        "top": PAD_TOP,
        "bottom": bottom,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "points": points,
        "line": target_line,
        "marks": marks,
        "mark_top": bottom - WIN_MARK,
        "date_y": bottom + 14,
        "win_y": bottom + 28,
        "first": first,
        "last": last,
        "high_label": format_value(high - margin, unit),
        "low_label": format_value(low + margin, unit),
        "high_y": y(high - margin) + 4,
        "low_y": y(low + margin) + 4,
        "label_x": PAD_LEFT - 6,
    }


def goal_page(goal, *, today, limit=500, wins_limit=200):
    """
    What a goal's page shows: its progress, the readings (the latest `limit`, newest first, each with
    the line's value that day), the latest `wins_limit` won problems aimed at it, and the chart of
    both. Two queries.
    """
    newest = list(goal.readings.order_by("-taken_on")[: limit + 1])
    shown = list(reversed(newest[:limit]))
    latest_wins = list(
        ServiceProblem.objects.filter(goal=goal, status=ServiceProblem.Status.WON, won_on__isnull=False)
        .only("pk", "title", "won_on", "campaign_id")
        .order_by("-won_on", "-pk")[: wins_limit + 1]
    )
    wins = list(reversed(latest_wins[:wins_limit]))
    if newest:
        goal.latest_value, goal.latest_on = newest[0].value, newest[0].taken_on
    else:
        goal.latest_value = goal.latest_on = None
    rows = [
        {
            "reading": r,
            "value": format_value(r.value, goal.unit),
            "expected": format_value(line_value(goal, r.taken_on), goal.unit) if goal.is_measured else "",
            "behind": is_behind(goal, r.value, r.taken_on),
        }
        for r in reversed(shown)
    ]
    return {
        "progress": progress(goal, today=today),
        "rows": rows,
        "more": len(newest) > limit,
        "wins": wins,
        "more_wins": len(latest_wins) > wins_limit,
        "chart": chart(goal, shown, wins),
        "baseline": format_value(goal.baseline_value, goal.unit),
        "target": format_value(goal.target_value, goal.unit),
    }


# --- Writing readings ----------------------------------------------------------------------------


class ReadingError(Exception):
    """A batch of readings refused as a whole; `errors` lists every bad one as {index, field, message}."""

    def __init__(self, errors):
        super().__init__(f"{len(errors)} problem(s) in the readings")
        self.errors = errors


def parse_reading(item, *, today):
    """
    One reading from strings (a form, a CSV row, JSON): (date, Decimal value, note), or a list of
    {field, message} saying what is wrong. A reading in the future is refused.
    """
    errors = []
    raw_day = str(item.get("date") or "").strip()
    raw_value = str(item.get("value") if item.get("value") is not None else "").strip()
    note = str(item.get("note") or "").strip()
    day = value = None
    if not raw_day:
        errors.append({"field": "date", "message": "Give the reading's date, like 2026-03-31."})
    else:
        try:
            day = date.fromisoformat(raw_day)
        except ValueError:
            errors.append({"field": "date", "message": f"“{raw_day}” is not a date written like 2026-03-31."})
        else:
            if day > today:
                errors.append(
                    {"field": "date", "message": f"{day:%-d %B %Y} is in the future: a reading is of a day gone by."}
                )
    if not raw_value:
        errors.append({"field": "value", "message": "Give the reading's value, a number like 42.5."})
    else:
        try:
            value = Decimal(raw_value.rstrip("%").strip())
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            errors.append({"field": "value", "message": f"“{raw_value}” is not a number; write it like 42.5."})
        else:
            if abs(value) >= Decimal("1e10") or value.as_tuple().exponent < -4:
                errors.append(
                    {"field": "value", "message": "Keep a value under ten billion, with at most four decimals."}
                )
    if len(note) > 200:
        errors.append({"field": "note", "message": "Keep the note under 200 characters."})
    return errors if errors else (day, value, note)


def readings_validate(*, items, today):
    """
    Check every item ({date, value, note} as strings); returns [(date, value, note)] or raises
    ReadingError naming every bad item by its index and field, and every date given twice.
    """
    cleaned, errors, seen = [], [], {}
    for index, item in enumerate(items):
        result = parse_reading(item, today=today)
        if isinstance(result, list):
            errors += [{"index": index, **error} for error in result]
            continue
        day = result[0]
        if day in seen:
            message = f"{day:%-d %B %Y} is given twice; give each date once."
            errors.append({"index": index, "field": "date", "message": message})
            continue
        seen[day] = index
        cleaned.append(result)
    if errors:
        raise ReadingError(errors)
    return cleaned


def goal_record_readings(*, goal, readings, source, by=None):
    """
    Store cleaned readings [(date, value, note)] for `goal`, one per date: a date the goal already has
    is updated, not added. Returns (dates created, dates updated), as ISO strings. Readings for one goal
    take turns (a lock on the goal's row), so the same batch sent twice at once updates, never fails.
    """
    days = [day for day, _value, _note in readings]
    with transaction.atomic():
        list(Goal.objects.select_for_update().filter(pk=goal.pk).values_list("pk"))
        existing = {r.taken_on: r for r in GoalReading.objects.filter(goal=goal, taken_on__in=days)}
        new, changed = [], []
        for day, value, note in readings:
            reading = existing.get(day)
            if reading is None:
                new.append(GoalReading(goal=goal, taken_on=day, value=value, note=note, source=source, recorded_by=by))
            else:
                reading.value, reading.note, reading.source, reading.recorded_by = value, note, source, by
                changed.append(reading)
        GoalReading.objects.bulk_create(new, batch_size=500)
        if changed:
            GoalReading.objects.bulk_update(changed, ["value", "note", "source", "recorded_by"], batch_size=500)
    return [r.taken_on.isoformat() for r in new], [r.taken_on.isoformat() for r in changed]


IMPORT_COLUMNS = ["date", "value", "note"]


def import_rows(content):
    """The CSV's rows as dicts keyed by the lower-cased column names, or ReadingError with line numbers."""
    try:
        rows = list(csv.reader(io.StringIO(content)))
    except csv.Error as error:
        raise ReadingError(
            [{"index": 0, "line": 1, "field": "", "message": f"The file is not readable CSV: {error}"}]
        ) from None
    if not rows:
        raise ReadingError([{"index": 0, "line": 1, "field": "", "message": "The file is empty."}])
    headers = [header.strip().lower() for header in rows[0]]
    missing = [column for column in ("date", "value") if column not in headers]
    if missing:
        message = f"The first line must name the columns; missing: {', '.join(missing)}."
        raise ReadingError([{"index": 0, "line": 1, "field": "", "message": message}])
    # Blank lines are skipped, but each row keeps its own line number for the messages.
    items = [
        (line, dict(zip(headers, (cell.strip() for cell in row), strict=False)))
        for line, row in enumerate(rows[1:], start=2)
        if any(cell.strip() for cell in row)
    ]
    if not items:
        raise ReadingError([{"index": 0, "line": 1, "field": "", "message": "The file has no rows below its header."}])
    return items


def readings_import_check(*, content, today):
    """Parse and check a CSV of readings: the cleaned readings, or ReadingError with each row's line."""
    numbered = import_rows(content)
    try:
        return readings_validate(items=[item for _line, item in numbered], today=today)
    except ReadingError as error:
        for problem in error.errors:
            problem["line"] = numbered[problem["index"]][0]
        raise


def import_template_csv():
    return "date,value,note\n2026-01-31,41.5,January survey\n2026-02-28,42.0,\n"
