from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from allies.models import COMMITTED_OR_BETTER, Ally, JoinLink, StageChange, Touchpoint
from campaign.models import Campaign, Department


@pytest.fixture(autouse=True)
def _debug_on(settings):
    settings.DEBUG = True


def snapshot(campaign):
    return (
        sorted(Ally.objects.filter(campaign=campaign).values_list("name", "stage", "level", "department__name")),
        StageChange.objects.filter(ally__campaign=campaign).count(),
        Touchpoint.objects.filter(campaign=campaign).count(),
        list(JoinLink.objects.filter(campaign=campaign).values_list("token", "active")),
    )


def test_the_demo_allies_are_deterministic_and_idempotent(db):
    call_command("seed_demo")
    campaign = Campaign.objects.get(slug="demo")
    first = snapshot(campaign)
    call_command("seed_demo")
    assert snapshot(campaign) == first


def test_the_demo_has_the_shape_the_coverage_checks_look_for(db):
    call_command("seed_demo")
    campaign = Campaign.objects.get(slug="demo")
    allies = Ally.objects.filter(campaign=campaign)
    assert 55 <= allies.count() <= 65
    per_department = Counter(allies.values_list("department__name", flat=True))
    assert per_department["Customer Support"] == max(per_department.values())
    assert {"Legal", "Facilities"}.isdisjoint(per_department)
    committed = set(allies.filter(stage__in=COMMITTED_OR_BETTER).values_list("department__name", flat=True))
    assert {"IT", "HR", "Data Management"}.isdisjoint(committed)
    levels = Counter(allies.values_list("level", flat=True))
    assert 0 < levels["middle"] < levels["frontline"]
    assert set(allies.values_list("stage", flat=True)) >= {"identified", "approached", "committed", "champion"}
    assert allies.filter(source="sent").exists()
    assert allies.filter(awaiting_review=True).count() == 2
    assert Ally.objects.stale(campaign).exclude(stage="identified").count() >= 5
    assert Department.objects.filter(campaign=campaign, headcount__isnull=False).count() >= 6
    assert JoinLink.objects.filter(campaign=campaign, active=True).count() == 1
    champion = campaign.memberships.get(user__username="demo-champion").user
    assert Ally.objects.follow_ups_due(champion, campaign).count() >= 3
    assert Ally.objects.follow_ups_upcoming(champion, campaign).exists()
    # Committed allies reached that stage over several weeks, so growth per week has a shape.
    weeks = {
        (timezone.localdate() - change.changed_at.date()).days // 7
        for change in StageChange.objects.filter(ally__campaign=campaign, to_stage="committed")
    }
    assert len(weeks) >= 4
