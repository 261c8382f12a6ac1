"""What allies brings to the campaign's pages (see `campaign.registry`): its activity and home's movement checks."""

import operator
from functools import reduce

from django.db.models import Q

from allies.coverage import movement_checks
from allies.models import LADDER, Stage, StageChange, Touchpoint
from campaign import registry


def moved_up():
    """A StageChange that climbs the ladder (a higher rung than before; joining counts, declining does not)."""
    steps = [
        Q(to_stage=stage, from_stage__in=["", Stage.DECLINED, *LADDER[:rank]]) for rank, stage in enumerate(LADDER)
    ]
    return reduce(operator.or_, steps)


registry.activity_source(
    key="allies_moved_up",
    label="allies moved up",
    model=StageChange,
    rows=lambda campaign: StageChange.objects.filter(moved_up(), campaign=campaign),
    date_field="changed_at",
    order=10,
)
registry.activity_source(
    key="touchpoints",
    label="touchpoints",
    model=Touchpoint,
    rows=lambda campaign: Touchpoint.objects.filter(campaign=campaign),
    date_field="happened_on",
    order=20,
)
registry.movement(movement_checks)
