"""The board's rules, the backlog order and the bull's-eye check on goal measures."""

import pytest

from campaign import rules
from campaign.bullseye import check_measure, matching_rules
from campaign.models import ServiceProblem
from tests.campaign.board_figures import figures
from tests.factories import GoalFactory, ServiceProblemFactory

D, Impact, S = ServiceProblem.Difficulty, ServiceProblem.Impact, ServiceProblem.Status

# --- backlog order -----------------------------------------------------------------


def test_backlog_is_easy_first_then_high_impact_then_oldest(campaign):
    make = ServiceProblemFactory
    hard_high = make(campaign=campaign, title="hard high", difficulty=D.HARD, impact=Impact.HIGH)
    easy_low = make(campaign=campaign, title="easy low", difficulty=D.EASY, impact=Impact.LOW)
    medium_high = make(campaign=campaign, title="medium high", difficulty=D.MEDIUM, impact=Impact.HIGH)
    easy_high_new = make(campaign=campaign, title="easy high new", impact=Impact.HIGH, opened_on="2026-11-10")
    easy_high_old = make(campaign=campaign, title="easy high old", impact=Impact.HIGH, opened_on="2026-10-01")
    easy_medium = make(campaign=campaign, title="easy medium", impact=Impact.MEDIUM)
    make(campaign=campaign, title="in progress", status=S.IN_PROGRESS)

    ordered = list(ServiceProblem.objects.column(campaign, S.BACKLOG))

    assert ordered == [easy_high_old, easy_high_new, easy_medium, easy_low, medium_high, hard_high]


def test_backlog_order_keeps_to_the_campaign(campaign, other_campaign):
    mine = ServiceProblemFactory(campaign=campaign)
    ServiceProblemFactory(campaign=other_campaign)
    assert list(ServiceProblem.objects.column(campaign, S.BACKLOG)) == [mine]


# --- rules ---------------------------------------------------------------------------


def test_restrain_the_urge_applies_to_hard_work_while_easy_waits_and_few_wins():
    finding = rules.restrain_the_urge(figures(hard_in_progress=1, easy_waiting=4, won=1))
    assert finding.applies
    assert finding.number == 1
    assert "1 hard problem is in progress while 4 easy ones wait and only 1 win is in" in finding.sentence


@pytest.mark.parametrize(
    "changes",
    [
        {"hard_in_progress": 0, "easy_waiting": 4, "won": 0},  # nothing hard started
        {"hard_in_progress": 2, "easy_waiting": 0, "won": 0},  # no easy ones waiting
        {"hard_in_progress": 2, "easy_waiting": 4, "won": rules.FEW_WINS},  # enough wins in
    ],
    ids=["no-hard", "no-easy-waiting", "enough-wins"],
)
def test_restrain_the_urge_is_quiet_without_its_condition(changes):
    assert not rules.restrain_the_urge(figures(**changes)).applies


def test_won_without_story_counts_the_wins_missing_their_story():
    finding = rules.won_without_story(figures(won=3, won_without_story=2))
    assert finding.applies
    assert finding.sentence.startswith("2 wins have no story yet.")


def test_won_without_story_is_quiet_when_every_story_is_written():
    finding = rules.won_without_story(figures(won=3))
    assert not finding.applies
    assert finding.sentence == "Every win has its story written."


def test_wins_not_celebrated_counts_them():
    finding = rules.wins_not_celebrated(figures(won=4, won_uncelebrated=1))
    assert finding.applies
    assert finding.sentence.startswith("1 win has not been celebrated.")


def test_wins_not_celebrated_is_quiet_when_all_are():
    assert not rules.wins_not_celebrated(figures(won=4)).applies
    assert rules.wins_not_celebrated(figures()).sentence == "No wins to celebrate yet."


def test_unaimed_share_applies_above_the_limit():
    finding = rules.unaimed_share(figures(won=10, won_unaimed=3))
    assert finding.applies
    assert finding.number == 30
    assert finding.sentence.startswith("3 of 10 wins (30%) serve no bull's-eye goal.")


def test_unaimed_share_is_quiet_at_or_below_the_limit():
    finding = rules.unaimed_share(figures(won=10, won_unaimed=2))
    assert not finding.applies
    assert finding.sentence == "2 of 10 wins (20%) serve no bull's-eye goal."
    assert not rules.unaimed_share(figures(won=5)).applies
    assert not rules.unaimed_share(figures()).applies


def test_board_figures_count_in_the_database(campaign, other_campaign, django_assert_num_queries):
    goal = GoalFactory(campaign=campaign)
    story = {"story_what": "Did it", "story_before": "slow", "story_after": "fast"}
    won = {"status": S.WON, "won_on": "2026-11-01"}
    ServiceProblemFactory(campaign=campaign, goal=goal, celebrated_on="2026-11-02", **won, **story)
    ServiceProblemFactory(campaign=campaign, **won, **story)  # unaimed, uncelebrated
    ServiceProblemFactory(campaign=campaign, goal=goal, **won)  # no story
    ServiceProblemFactory(campaign=campaign, difficulty=D.HARD, status=S.IN_PROGRESS, is_roadblock=True)
    ServiceProblemFactory(campaign=campaign)
    ServiceProblemFactory(campaign=campaign, status=S.DROPPED, is_roadblock=True)  # dropped: no longer open
    ServiceProblemFactory(campaign=other_campaign)

    with django_assert_num_queries(1):
        result = ServiceProblem.objects.board_figures(campaign)

    assert result == {
        "backlog": 1,
        "in_progress": 1,
        "won": 3,
        "dropped": 1,
        "easy_waiting": 1,
        "hard_in_progress": 1,
        "won_without_story": 1,
        "won_uncelebrated": 2,
        "won_unaimed": 1,
        "open_roadblocks": 1,
    }


# --- bull's-eye check ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("measure", "rule"),
    [
        ("Number of classes held per quarter", "teaching"),
        ("Course evaluation scores above 9 out of 10", "evaluations"),
        ("Emails sent to staff each month", "messages sent"),
        ("Intranet page views", "views"),
        ("Attendance at service workshops", "attendance"),
        ("Trainings delivered", "teaching"),
        ("Team meetings held", "meetings held"),
    ],
)
def test_activity_measures_get_a_hint(measure, rule):
    hint = check_measure(measure)
    assert hint is not None
    assert rule in hint.rules
    assert "a different bull's-eye" in hint.text


@pytest.mark.parametrize(
    "measure",
    [
        "Net promoter score from trade customers",
        "Share of regional trade orders per quarter",
        "Lapsed accounts ordering again",
        "Customer complaints per thousand orders",
        "Customer emails answered within a day",
        "Repeat orders per quarter",
        "",
    ],
)
def test_outcome_measures_get_no_hint(measure):
    assert check_measure(measure) is None
    assert matching_rules(measure) == []


def test_goal_carries_its_hint(campaign):
    assert GoalFactory(campaign=campaign, measure="Training sessions attended").bullseye_hint
    assert GoalFactory(campaign=campaign, measure="Repeat orders").bullseye_hint is None
