import random
from datetime import timedelta

import pytest
from django.utils import timezone

from allies.models import Ally, Stage, StageChange, Touchpoint
from allies.services import refresh_last_touch
from campaign.models import Level
from tests.factories import DepartmentFactory


@pytest.fixture
def department(campaign):
    """Customer Support, a department of the campaign."""
    return DepartmentFactory(campaign=campaign, name="Customer Support", kind="customer_facing")


@pytest.fixture
def many_allies(campaign, champion):
    """300 allies in 6 departments with 3,000 touchpoints (some with several allies) and a stage history each."""
    rng = random.Random(7)
    today = timezone.localdate()
    departments = [DepartmentFactory(campaign=campaign, name=f"Team {n}") for n in range(6)]
    allies = Ally.objects.bulk_create(
        Ally(
            campaign=campaign,
            name=f"Ally {n:03}",
            email=f"ally{n}@example.com",
            department=departments[n % 6],
            level=rng.choice(Level.values),
            stage=rng.choice(Stage.values),
            recruited_by=champion if n % 3 == 0 else None,
            follow_up_on=today + timedelta(days=rng.randint(-10, 10)),
        )
        for n in range(300)
    )
    StageChange.objects.bulk_create(StageChange(ally=ally, campaign=campaign, to_stage=ally.stage) for ally in allies)
    touchpoints = Touchpoint.objects.bulk_create(
        Touchpoint(campaign=campaign, happened_on=today - timedelta(days=rng.randint(0, 90)), logged_by=champion)
        for _ in range(3000)
    )
    through = Touchpoint.allies.through
    links = set()
    for index, touchpoint in enumerate(touchpoints):
        links.add((touchpoint.pk, allies[index % 300].pk))
        if index % 5 == 0:
            links.add((touchpoint.pk, rng.choice(allies).pk))
    through.objects.bulk_create(through(touchpoint_id=t, ally_id=a) for t, a in links)
    refresh_last_touch(ally.pk for ally in allies)  # bulk_create of link rows sends no m2m_changed
    return allies
