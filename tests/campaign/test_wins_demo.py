"""The demo's easy wins: about 25 problems with a shape, and the same rows on every run."""

import pytest
from django.core.management import call_command

from campaign import demo, momentum
from campaign.models import Campaign, ServiceProblem
from leadership import demo_complaints
from tests.factories import AllyFactory, LeaderFactory

S = ServiceProblem.Status


@pytest.fixture(autouse=True)
def _debug_on(settings):
    settings.DEBUG = True


def snapshot(campaign):
    return sorted(
        campaign.problems.values_list("title", "status", "goal__title", "won_on", "celebrated_on", "is_roadblock")
    )


def test_demo_problems_cover_the_board_and_are_idempotent(db):
    call_command("seed_demo")
    campaign = Campaign.objects.get(slug="demo")
    first = snapshot(campaign)
    call_command("seed_demo")
    assert snapshot(campaign) == first

    figures = ServiceProblem.objects.board_figures(campaign)
    assert 20 <= len(first) <= 30
    # Two put to leaders by champions, two asks the middle raised in its check-in (allies.demo_checkin).
    assert figures["open_roadblocks"] == 4
    assert campaign.problems.filter(is_roadblock=True, from_the_middle=True).count() == 2
    assert figures["won"] >= 8 and figures["won_without_story"] == 0
    assert figures["won_unaimed"] >= 1 and figures["won_uncelebrated"] >= 1
    assert figures["backlog"] and figures["in_progress"] and figures["dropped"]
    won = campaign.problems.filter(status=S.WON)
    assert won.filter(difficulty="easy").count() > won.exclude(difficulty="easy").count()
    weeks_with_activity = [week for week in momentum.series(campaign) if week.total]
    assert len(weeks_with_activity) >= 6


def test_demo_uses_the_campaigns_allies_and_leaders(campaign):
    allies = [AllyFactory(campaign=campaign) for _ in range(4)]
    leader = LeaderFactory(campaign=campaign)
    demo.seed(campaign)
    worked = ServiceProblem.people.through.objects.filter(serviceproblem__campaign=campaign)
    assert {row.ally_id for row in worked} <= {ally.pk for ally in allies}
    assert worked.exists()
    assert campaign.problems.filter(roadblock_leader=leader).count() == 2


def test_the_demos_celebrations_are_on_the_leaders_engagement_logs_once_across_runs(db):
    call_command("seed_demo")
    call_command("seed_demo")
    campaign = Campaign.objects.get(slug="demo")
    celebrated = campaign.problems.filter(celebrated_by__isnull=False)
    logged = campaign.engagements.filter(problem__isnull=False)
    assert celebrated.exists()
    assert sorted(logged.values_list("problem_id", "leader_id", "happened_on")) == sorted(
        celebrated.values_list("pk", "celebrated_by_id", "celebrated_on")
    )


def test_one_demo_win_began_as_a_complaint_and_keeps_it_across_runs(db):
    call_command("seed_demo")
    call_command("seed_demo")
    campaign = Campaign.objects.get(slug="demo")
    problem = campaign.problems.get(title=demo_complaints.PROBLEM)
    assert problem.feedback.summary == demo_complaints.COMPLAINT
    assert problem.feedback.status == "resolved"
    assert campaign.feedback.filter(service_problem__isnull=False).count() == 1


def test_the_demo_goals_have_a_year_of_readings_one_behind_one_ahead_one_overdue(db):
    from campaign import readings

    call_command("seed_demo")
    call_command("seed_demo")
    campaign = Campaign.objects.get(slug="demo")
    standing = {p.goal.title.split()[0]: p for p in readings.goal_progress(campaign)}
    assert (standing["Win"].status, standing["Be"].status, standing["Recover"].status) == (
        "behind",
        "on_track",
        "stale",
    )
    share = campaign.goals.get(title__startswith="Win back share")
    assert share.readings.count() == 12
    first, last = share.readings.order_by("taken_on")[0], share.readings.order_by("-taken_on")[0]
    assert (last.taken_on - first.taken_on).days >= 330
