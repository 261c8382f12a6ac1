"""
The campaign's own numbers behind the handbook's answers (Objection.evidence_kind), worked out live
wherever an answer is shown: on a leader's page, in the composer's checks, in a briefing pack.

- "Service is a cost" (cost): won stories that saved time or money, with their before and after and
  their figure; clippings that speak to cost.
- "Our scores are good" (scores): complaints and compliments per month, the open complaints by age, the
  oldest of them with what is being done; clippings that speak to reputation.
- "How will this help the bottom line?" (bottom line): wins that brought revenue or kept customers; the
  bull's-eye goals and their wins; clippings that speak to revenue.

Each block is one query, bounded by its LIMIT or by the index range of its dates, so a campaign with a
million feedback rows and thousands of wins costs what a small one does.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import BooleanField, Case, Count, Q, TextField, Value, When, Window
from django.db.models.functions import Cast, TruncMonth

from campaign.models import Goal, ServiceProblem
from campaign.readings import progress
from leadership.models import Clipping, EvidenceKind, Feedback
from leadership.models.feedback import Kind

B = ServiceProblem.Benefit

# The benefits of a win (and of a clipping) that speak to each kind of objection.
KIND_BENEFITS = {
    EvidenceKind.COST: (B.TIME_SAVED, B.COST_SAVED),
    EvidenceKind.SCORES: (B.REPUTATION, B.RETENTION),
    EvidenceKind.BOTTOM_LINE: (B.REVENUE, B.RETENTION),
}
WINS_SHOWN = 5
CLIPPINGS_SHOWN = 3
GOALS_SHOWN = 6
OLDEST_SHOWN = 3
TREND_MONTHS = 6
# Open complaints by how long they have waited: (label, fewer than this many days); the last has no bound.
AGE_BUCKETS = (("Under a week", 7), ("1 to 4 weeks", 28), ("1 to 3 months", 91), ("Over 3 months", None))


@dataclass
class Win:
    title: str
    before: str
    after: str
    figure: str
    benefits: list  # labels
    won_on: date | None


@dataclass
class Month:
    month: date
    complaints: int
    compliments: int


@dataclass
class OpenComplaint:
    summary: str
    days_open: int
    action: str  # what is being done; empty when nothing is recorded


@dataclass
class GoalLine:
    title: str
    win_count: int
    # Where its latest reading stands against the line from baseline to target; empty for a goal not measured.
    reading: str = ""


@dataclass
class Evidence:
    """What one kind of evidence shows; the blocks its kind does not use stay empty."""

    kind: str
    wins: list = field(default_factory=list)
    wins_total: int = 0
    clippings: list = field(default_factory=list)
    trend: list = field(default_factory=list)
    ages: list = field(default_factory=list)  # (label, count), youngest first
    open_total: int = 0
    open_without_action: int = 0
    oldest: list = field(default_factory=list)
    goals: list = field(default_factory=list)

    @property
    def label(self):
        return EvidenceKind(self.kind).label

    @property
    def is_empty(self):
        """Nothing to show yet: no matching win, clipping, goal or feedback at all."""
        feedback = any(m.complaints or m.compliments for m in self.trend) or self.open_total
        return not (self.wins or self.clippings or self.goals or feedback)

    @property
    def trend_direction(self):
        """How complaints moved from the first month shown to the last: "down", "up" or "flat" (None: no trend)."""
        if len(self.trend) < 2:
            return None
        first, last = self.trend[0].complaints, self.trend[-1].complaints
        return "down" if last < first else "up" if last > first else "flat"

    @property
    def listed_complaints_without_action(self):
        return [item for item in self.oldest if not item.action.strip()]


def _benefits_match(benefits):
    """A filter on `benefits_text` (the JSON list as text) for any of `benefits`: alike on SQLite and PostgreSQL."""
    match = Q()
    for value in benefits:
        match |= Q(benefits_text__contains=f'"{value}"')
    return match


def _wins(campaign, benefits):
    """Won problems whose benefits include any of `benefits`, with a story figure first, newest first, and how many."""
    stories = (
        ServiceProblem.objects.filter(campaign=campaign, status=ServiceProblem.Status.WON)
        .annotate(benefits_text=Cast("benefits", TextField()))
        .filter(_benefits_match(benefits))
        .annotate(
            has_figures=Case(
                When(~Q(story_figure="") | ~Q(story_after=""), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            total=Window(Count("pk")),
        )
        .order_by("-has_figures", "-won_on", "-pk")
        .values_list("title", "story_before", "story_after", "story_figure", "benefits", "won_on", "total")
    )
    rows = list(stories[:WINS_SHOWN])
    wins = [
        Win(title, before, after, figure, [B(v).label for v in (values or []) if v in B.values], won_on)
        for title, before, after, figure, values, won_on, _total in rows
    ]
    return wins, (rows[0][-1] if rows else 0)


def _clippings(campaign, benefits):
    return list(
        Clipping.objects.filter(campaign=campaign)
        .annotate(benefits_text=Cast("benefits", TextField()))
        .filter(_benefits_match(benefits))
        .order_by("-created_at", "-pk")
        .only("id", "title", "source", "kind", "summary", "note")[:CLIPPINGS_SHOWN]
    )


def _month_start(day, back=0):
    year, month = divmod(day.year * 12 + day.month - 1 - back, 12)
    return date(year, month + 1, 1)


def _trend(campaign, today):
    """Complaints and compliments per calendar month, the last TREND_MONTHS months (this one included), oldest first."""
    since = _month_start(today, TREND_MONTHS - 1)
    counts = {
        (row["month"].date() if hasattr(row["month"], "date") else row["month"]): row
        for row in Feedback.objects.filter(campaign=campaign, received_on__gte=since)
        .annotate(month=TruncMonth("received_on"))
        .values("month")
        .annotate(
            complaints=Count("kind", filter=Q(kind=Kind.COMPLAINT)),
            compliments=Count("kind", filter=Q(kind=Kind.COMPLIMENT)),
        )
        .order_by()
    }
    months = [_month_start(today, back) for back in range(TREND_MONTHS - 1, -1, -1)]
    return [
        Month(month, counts.get(month, {}).get("complaints", 0), counts.get(month, {}).get("compliments", 0))
        for month in months
    ]


def _ages(campaign, today):
    """The open complaints counted by age (AGE_BUCKETS), all of them, and those with nothing recorded as being done."""
    figures, lower = {}, None
    for index, (_label, days) in enumerate(AGE_BUCKETS):
        window = Q()
        if days is not None:
            window &= Q(received_on__gt=today - timedelta(days=days))
        if lower is not None:
            window &= Q(received_on__lte=today - timedelta(days=lower))
        figures[f"age_{index}"] = Count("pk", filter=window)
        lower = days
    figures["without_action"] = Count("pk", filter=Q(action=""))
    row = Feedback.objects.filter(campaign=campaign).open_complaints().aggregate(total=Count("pk"), **figures)
    ages = [(label, row[f"age_{index}"]) for index, (label, _days) in enumerate(AGE_BUCKETS)]
    return ages, row["total"], row["without_action"]


def _oldest(campaign, today):
    rows = (
        Feedback.objects.filter(campaign=campaign)
        .open_complaints()
        .order_by("received_on", "pk")
        .values_list("summary", "received_on", "action")[:OLDEST_SHOWN]
    )
    return [OpenComplaint(summary, (today - received).days, action) for summary, received, action in rows]


def _goals(campaign, today):
    """
    The bull's-eye goals with the wins that serve them, most wins first, each with where its latest
    reading stands against its line (`campaign.readings.progress`). One query: the win counts and the
    latest reading are subqueries of the goals' own.
    """
    goals = Goal.objects.with_latest_reading(campaign).with_win_counts(campaign)
    lines = []
    for goal in goals.order_by("-win_count", "title")[:GOALS_SHOWN]:
        goal.campaign = campaign
        measured = goal.is_measured
        lines.append(GoalLine(goal.title, goal.win_count, progress(goal, today=today).sentence if measured else ""))
    return lines


def evidence(campaign, kind, *, today=None):
    """The live evidence of one `kind` (an EvidenceKind value other than none) for `campaign`."""
    today = today or campaign.today()
    found = Evidence(kind=kind)
    if kind == EvidenceKind.COST:
        found.wins, found.wins_total = _wins(campaign, KIND_BENEFITS[kind])
    elif kind == EvidenceKind.SCORES:
        found.trend = _trend(campaign, today)
        found.ages, found.open_total, found.open_without_action = _ages(campaign, today)
        found.oldest = _oldest(campaign, today) if found.open_total else []
    elif kind == EvidenceKind.BOTTOM_LINE:
        found.wins, found.wins_total = _wins(campaign, KIND_BENEFITS[kind])
        found.goals = _goals(campaign, today)
    else:
        raise ValueError(f"No live evidence for {kind!r}.")
    found.clippings = _clippings(campaign, KIND_BENEFITS[kind])
    return found


def evidence_for(campaign, kinds, *, today=None):
    """{kind: Evidence} for each distinct kind in `kinds` that has live evidence (none is left out)."""
    today = today or campaign.today()
    wanted = sorted({kind for kind in kinds if kind in KIND_BENEFITS})
    return {kind: evidence(campaign, kind, today=today) for kind in wanted}


@dataclass
class Answer:
    """An objection from the handbook with its live evidence (None for an answer backed by words only)."""

    objection: object
    evidence: Evidence | None


def answers_with_evidence(campaign, objections, *, today=None):
    """`objections` (Objection rows) as Answers, each kind's evidence worked out once however many share it."""
    objections = list(objections)
    found = evidence_for(campaign, [o.evidence_kind for o in objections], today=today)
    return [Answer(o, found.get(o.evidence_kind)) for o in objections]
