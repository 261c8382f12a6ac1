"""What allies brings to the campaign's pages (see `campaign.registry`): its activity and home's movement checks."""

import operator
from functools import reduce

from django.db.models import Q

from allies.checkin import checkup_middle_answered
from allies.coverage import GROWTH_GAINED, GROWTH_LOST, committed_off, committed_onto, movement_checks
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
    when=moved_up(),
    date_field="changed_at",
    order=10,
)
registry.activity_source(
    key="touchpoints",
    label="touchpoints",
    model=Touchpoint,
    date_field="happened_on",
    order=20,
)
# The coverage page's growth chart: steps onto committed or better (from below, or from nothing as an
# import records) and off it, per day. Figures of their own, not momentum's.
registry.activity_source(
    key=GROWTH_GAINED,
    label="allies onto committed",
    model=StageChange,
    date_field="changed_at",
    when=committed_onto(),
    in_momentum=False,
)
registry.activity_source(
    key=GROWTH_LOST,
    label="allies off committed",
    model=StageChange,
    date_field="changed_at",
    when=committed_off(),
    in_momentum=False,
)
registry.movement(movement_checks)
registry.checkup_check("middle-answered", checkup_middle_answered, order=20)
