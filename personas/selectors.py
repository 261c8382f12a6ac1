"""Reads for the personas pages that need more than one queryset method."""

from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

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
