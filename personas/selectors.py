"""Reads for the personas pages that need more than one queryset method."""

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import NamedTuple

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from campaign.models import Department
from leadership.models import Feedback
from leadership.models.feedback import OPEN_STATUSES, TRACED_RECENT_DAYS, Kind
from personas.models import PersonaCard

HEAT_LEVELS = 4


class MapCell(NamedTuple):
    """One cell of the map (a tuple: a 50-department map makes 2,500 of them per page)."""

    served: object
    cards: int
    heat: int  # 0 (none) to HEAT_LEVELS (the busiest pair), for shading only: the number is the content


@dataclass(frozen=True)
class MapRow:
    department: object
    cells: list
    total: int


@dataclass(frozen=True)
class ServiceMap:
    departments: list
    rows: list
    column_totals: list
    total: int  # inside cards placed on the map
    unplaced: int  # inside cards whose writer's department is not on record (written by a member)
    serve_unserved: list  # departments that serve others but no card serves
    not_written_for: list  # departments no card serves and whose people have written none

    @property
    def is_empty(self):
        return self.total == 0


def _heat(cards, peak):
    if not cards:
        return 0
    return max(1, round(HEAT_LEVELS * cards / peak))


def service_map(campaign):
    """
    Who serves whom inside the organisation, from inside cards: a department × department
    matrix (rows: the writer's department, columns: the department served) with counts, the
    departments that serve others but that no card serves, and the departments that no card
    serves and whose people have written none. Two queries, whatever the number of cards.
    """
    departments = list(campaign.departments.all())
    pairs = Counter()
    served_on_record = Counter()
    unplaced = 0
    for pair in PersonaCard.objects.served_pairs(campaign):
        served_on_record[pair["served"]] += pair["cards"]
        if pair["provider"] is None:
            unplaced += pair["cards"]
        else:
            pairs[pair["provider"], pair["served"]] = pair["cards"]
    peak = max(pairs.values(), default=0)

    # 2,500 cells on a 50-department map, nearly all empty: ids read once, an empty cell made once per column.
    served_ids = [served.pk for served in departments]
    empty = [MapCell(served, 0, 0) for served in departments]
    rows, matrix = [], []
    for provider in departments:
        counts = [pairs.get((provider.pk, served), 0) for served in served_ids]
        matrix.append(counts)
        cells = [
            MapCell(departments[index], cards, _heat(cards, peak)) if cards else empty[index]
            for index, cards in enumerate(counts)
        ]
        rows.append(MapRow(department=provider, cells=cells, total=sum(counts)))
    column_totals = [sum(column) for column in zip(*matrix, strict=True)]

    serve_unserved = [row.department for row in rows if row.total and not served_on_record[row.department.pk]]
    not_written_for = [row.department for row in rows if not row.total and not served_on_record[row.department.pk]]
    return ServiceMap(
        departments=departments,
        rows=rows,
        column_totals=column_totals,
        total=sum(column_totals),
        unplaced=unplaced,
        serve_unserved=serve_unserved,
        not_written_for=not_written_for,
    )


# --- Complaints traced to the inside ------------------------------------------------------


@dataclass(frozen=True)
class TracedProvider:
    """An internal provider on the service map: the complaints traced to it beside the cards its people wrote."""

    department: object
    cards: int  # inside cards written by its people (the map's row total)
    open: int  # complaints traced to it still open
    recent: int  # complaints traced to it received in the last TRACED_RECENT_DAYS days

    @property
    def traced(self):
        return bool(self.open or self.recent)

    @property
    def stands_out(self):
        """Complaints start here, and nobody here has written who they serve."""
        return self.traced and not self.cards


def traced_providers(campaign, service_map):
    """
    Every internal provider (and any other department complaints were traced to) with its open and
    recent traced complaints and its inside cards from `service_map`: those with traced complaints
    and no card first, then by open complaints. One query (the counts), whatever the feedback.
    """
    counts = Feedback.objects.traced_counts(campaign, since=campaign.today() - timedelta(days=TRACED_RECENT_DAYS))
    providers = [
        TracedProvider(row.department, row.total, *counts.get(row.department.pk, (0, 0)))
        for row in service_map.rows
        if row.department.kind == Department.Kind.INTERNAL_PROVIDER or row.department.pk in counts
    ]
    return sorted(
        providers,
        key=lambda p: (not p.stands_out, -p.open, -p.recent, p.department.name.lower()),
    )


def providers_behind_complaints(campaign):
    """
    The campaign's departments with complaints traced to them (open, or received in the last
    TRACED_RECENT_DAYS days), each annotated with `traced` (how many) and `has_cards` (whether its
    people wrote any inside card, as the service map counts them), by name: one query, for the checkup
    (a campaign has tens of departments, each a short read of the `feedback_traced` index).
    """
    since = campaign.today() - timedelta(days=TRACED_RECENT_DAYS)
    traced = (
        Feedback.objects.filter(
            campaign=campaign, kind=Kind.COMPLAINT, traced_to__isnull=False, traced_to=OuterRef("pk")
        )
        .filter(Q(status__in=OPEN_STATUSES) | Q(received_on__gte=since))
        .order_by()
        .values("traced_to")
        .annotate(n=Count("*"))
        .values("n")
    )
    cards = PersonaCard.objects.filter(
        campaign=campaign,
        scope=PersonaCard.Scope.INSIDE,
        department_served__isnull=False,
        writer_ally__department=OuterRef("pk"),
    )
    departments = (
        Department.objects.filter(campaign=campaign)
        .annotate(traced=Coalesce(Subquery(traced, output_field=IntegerField()), 0), has_cards=Exists(cards))
        .order_by("name")
    )
    # Kept here rather than in a WHERE clause, which would repeat the count's subquery per department.
    return [department for department in departments if department.traced]
