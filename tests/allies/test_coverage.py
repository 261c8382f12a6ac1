"""The coverage grid, the six movement checks (each with and without its warning), the funnel and growth."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from allies.coverage import (
    CUSTOMER_FACING_SHARE_LIMIT,
    EARLY_STAGE_COMMITTED,
    EARLY_STAGE_DAYS,
    allies_needed,
    ally_counts,
    ally_figures,
    committed_growth,
    coverage_grid,
    movement_checks,
    recruitment_funnel,
)
from allies.models import Ally, Stage, StageChange
from campaign.models import Department, Level
from tests.factories import AllyFactory, DepartmentFactory, TouchpointFactory

TODAY = date(2026, 11, 18)  # a Wednesday
FACING = Department.Kind.CUSTOMER_FACING
INTERNAL = Department.Kind.INTERNAL_PROVIDER


def committed(campaign, department, level=Level.FRONTLINE, **kwargs):
    return AllyFactory(campaign=campaign, department=department, level=level, stage=Stage.COMMITTED, **kwargs)


def check(campaign, key, today=TODAY):
    return next(c for c in movement_checks(campaign, today=today) if c.key == key)


@pytest.fixture
def support(campaign):
    return DepartmentFactory(campaign=campaign, name="Support", kind=FACING, headcount=70)


@pytest.fixture
def finance(campaign):
    return DepartmentFactory(campaign=campaign, name="Finance", kind=INTERNAL)


@pytest.fixture
def everywhere(campaign, support, finance):
    """One committed ally at every level in both departments: every shape check passes."""
    for department in (support, finance):
        for level in Level.values:
            committed(campaign, department, level)


# --- the grid -----------------------------------------------------------------------------------


def test_grid_counts_committed_or_better_allies_per_department_and_level(campaign, support, finance):
    committed(campaign, support, Level.FRONTLINE)
    AllyFactory(campaign=campaign, department=support, level=Level.FRONTLINE, stage=Stage.CHAMPION)
    committed(campaign, support, Level.MIDDLE)
    committed(campaign, finance, Level.TOP)
    for stage in (Stage.IDENTIFIED, Stage.APPROACHED, Stage.INTERESTED, Stage.DECLINED):
        AllyFactory(campaign=campaign, department=finance, level=Level.MIDDLE, stage=stage)
    AllyFactory(campaign=DepartmentFactory().campaign, stage=Stage.COMMITTED)  # another campaign's

    grid = coverage_grid(campaign)

    assert [group.kind for group in grid.groups] == [FACING, INTERNAL]
    support_row, finance_row = grid.rows
    assert [(cell.level, cell.count) for cell in support_row.cells] == [("top", 0), ("middle", 1), ("frontline", 2)]
    assert [cell.count for cell in finance_row.cells] == [1, 0, 0]
    assert [cell.count for cell in grid.level_totals] == [1, 1, 2]
    assert grid.total == 4
    assert grid.groups[0].total == 3


def test_grid_compares_a_department_with_its_target_when_its_headcount_is_known(campaign, support, finance):
    committed(campaign, support)
    committed(campaign, support)

    support_row, finance_row = coverage_grid(campaign).rows

    assert support_row.needed == 5  # 70 people, one per 15, rounded up
    assert support_row.under_covered
    assert support_row.state == "under"
    assert support_row.people_per_ally == 35
    assert finance_row.needed is None
    assert not finance_row.under_covered
    assert finance_row.state == "empty"


def test_a_department_meeting_its_target_is_covered(campaign, support):
    campaign.people_per_ally = 35
    campaign.save()
    committed(campaign, support)
    committed(campaign, support)

    (row,) = coverage_grid(campaign).rows

    assert row.needed == 2
    assert row.state == "covered"


def test_allies_needed_rounds_up_and_knows_an_unknown_headcount():
    assert allies_needed(None, 15) is None
    assert allies_needed(0, 15) == 0
    assert allies_needed(15, 15) == 1
    assert allies_needed(16, 15) == 2


# --- (a) departments with nobody committed ------------------------------------------------------


def test_departments_with_nobody_committed_are_named(campaign, support, finance):
    committed(campaign, support)
    AllyFactory(campaign=campaign, department=finance, stage=Stage.INTERESTED)

    result = check(campaign, "empty-departments")

    assert not result.ok
    assert result.level == "amber"
    assert result.number == 1
    assert result.sentence == "1 of 2 departments has nobody committed: Finance."
    assert "Finance" in result.next_step
    assert f"department={finance.pk}" in result.url


def test_no_department_committed_anywhere_is_red(campaign, support, finance):
    assert check(campaign, "empty-departments").level == "red"


def test_every_department_with_a_committed_ally_passes(campaign, support, finance):
    committed(campaign, support)
    committed(campaign, finance)

    result = check(campaign, "empty-departments")

    assert result.ok
    assert result.level == "green"
    assert result.number == 0
    assert result.sentence == "Every department has a committed ally: all 2 of them."


def test_a_single_department_reads_in_the_singular(campaign, finance):
    assert check(campaign, "empty-departments").sentence == "1 of 1 department has nobody committed: Finance."
    committed(campaign, finance)
    assert check(campaign, "empty-departments").sentence == "Every department has a committed ally: the campaign's one."


def test_a_campaign_without_departments_is_sent_to_add_them(campaign):
    result = check(campaign, "empty-departments")

    assert not result.ok
    assert result.url.endswith("/settings/departments/")


# --- (b) a level with nobody committed ----------------------------------------------------------


def test_a_level_with_nobody_committed_is_red(campaign, support):
    committed(campaign, support, Level.TOP)
    committed(campaign, support, Level.FRONTLINE)

    result = check(campaign, "missing-level")

    assert not result.ok
    assert result.level == "red"
    assert result.number == 1
    assert result.sentence == "Nobody at the middle level has committed yet."
    assert "level=middle" in result.url


def test_every_level_committed_passes_the_level_check(campaign, everywhere):
    result = check(campaign, "missing-level")

    assert result.ok
    assert result.number == 0


# --- (c) the middle thinner than the others -----------------------------------------------------


def test_a_middle_thinner_than_top_and_frontline_is_flagged(campaign, support):
    for _ in range(2):
        committed(campaign, support, Level.TOP)
        committed(campaign, support, Level.FRONTLINE)
    committed(campaign, support, Level.MIDDLE)

    result = check(campaign, "thin-middle")

    assert not result.ok
    assert result.level == "amber"
    assert result.number == 1
    assert "(2)" in result.sentence


def test_a_middle_as_strong_as_the_thinner_other_level_passes(campaign, support):
    committed(campaign, support, Level.TOP)
    committed(campaign, support, Level.MIDDLE)
    for _ in range(5):
        committed(campaign, support, Level.FRONTLINE)

    assert check(campaign, "thin-middle").ok


def test_the_middle_check_stays_quiet_when_nobody_has_committed(campaign, support):
    assert check(campaign, "thin-middle").ok


# --- (d) concentrated in customer-facing departments --------------------------------------------


def test_allies_concentrated_in_customer_facing_departments_are_flagged(campaign, support, finance):
    for _ in range(8):
        committed(campaign, support)
    committed(campaign, finance)
    committed(campaign, finance)

    result = check(campaign, "customer-facing-share")

    assert CUSTOMER_FACING_SHARE_LIMIT < 0.8
    assert not result.ok
    assert result.number == 80
    assert result.sentence == "80% of committed allies are in customer-facing departments."
    assert "Finance" in result.next_step
    assert f"department={finance.pk}" in result.url


def test_a_share_at_the_limit_passes(campaign, support, finance):
    for _ in range(7):
        committed(campaign, support)
    for _ in range(3):
        committed(campaign, finance)

    result = check(campaign, "customer-facing-share")

    assert result.ok
    assert result.number == 70


# --- (e) no touchpoint in stale_after_days ------------------------------------------------------


def on_the_list_for_months(campaign):
    """Staleness only counts allies who have been on the list longer than the window (as the ally list does)."""
    Ally.objects.filter(campaign=campaign).update(created_at=timezone.now() - timedelta(days=120))


def test_allies_without_a_recent_touchpoint_are_counted(campaign, support):
    in_touch = [AllyFactory(campaign=campaign, department=support) for _ in range(3)]
    old, _never, declined = (
        AllyFactory(campaign=campaign, department=support, stage=stage)
        for stage in (Stage.COMMITTED, Stage.INTERESTED, Stage.DECLINED)
    )
    TouchpointFactory(campaign=campaign, allies=in_touch, happened_on=TODAY - timedelta(days=30))
    TouchpointFactory(campaign=campaign, allies=[old, declined], happened_on=TODAY - timedelta(days=31))
    on_the_list_for_months(campaign)
    AllyFactory(campaign=campaign, department=support)  # added today: not stale yet, though never touched

    result = check(campaign, "stale-allies")

    # `declined` is off the ladder and not counted; `never` has no touchpoint at all.
    assert not result.ok
    assert result.number == 2
    assert result.level == "amber"
    assert result.sentence == "2 of 6 allies have had no touchpoint in 30 days."
    assert "stale=1" in result.url


def test_staleness_follows_the_campaign_setting_and_turns_red_for_half_the_allies(campaign, support):
    campaign.stale_after_days = 7
    campaign.save()
    ally = AllyFactory(campaign=campaign, department=support)
    TouchpointFactory(campaign=campaign, allies=[ally], happened_on=TODAY - timedelta(days=8))
    on_the_list_for_months(campaign)

    result = check(campaign, "stale-allies")

    assert result.level == "red"
    assert "7 days" in result.sentence


def test_allies_all_in_touch_pass_the_staleness_check(campaign, support):
    ally = AllyFactory(campaign=campaign, department=support)
    TouchpointFactory(campaign=campaign, allies=[ally], happened_on=TODAY)

    result = check(campaign, "stale-allies")

    assert result.ok
    assert result.number == 0


# --- (f) stuck in the mud ----------------------------------------------------------------------


def young(campaign):
    campaign.start_date = TODAY - timedelta(days=EARLY_STAGE_DAYS - 1)
    campaign.save()


def test_an_early_campaign_with_more_sent_than_volunteers_is_warned(campaign, support):
    young(campaign)
    for _ in range(3):
        AllyFactory(campaign=campaign, department=support, source=Ally.Source.SENT)
    AllyFactory(campaign=campaign, department=support, source=Ally.Source.VOLUNTEERED)

    result = check(campaign, "stuck-in-the-mud")

    assert not result.ok
    assert result.level == "amber"
    assert result.number == 3
    assert result.sentence.startswith("3 allies were sent by a manager and only 1 volunteered")
    assert "source=volunteered" in result.url


def test_an_early_campaign_led_by_volunteers_passes(campaign, support):
    young(campaign)
    AllyFactory(campaign=campaign, department=support, source=Ally.Source.SENT)
    AllyFactory(campaign=campaign, department=support, source=Ally.Source.VOLUNTEERED)

    assert check(campaign, "stuck-in-the-mud").ok


def test_sent_allies_no_longer_warn_once_the_campaign_is_established(campaign, support):
    campaign.start_date = TODAY - timedelta(days=EARLY_STAGE_DAYS)
    campaign.save()
    for _ in range(EARLY_STAGE_COMMITTED):
        committed(campaign, support, source=Ally.Source.SENT)

    result = check(campaign, "stuck-in-the-mud")

    assert result.ok
    assert "Past the early stage" in result.sentence


def test_an_old_campaign_with_few_committed_allies_is_still_early(campaign, support):
    campaign.start_date = TODAY - timedelta(days=400)
    campaign.save()
    committed(campaign, support, source=Ally.Source.SENT)

    assert not check(campaign, "stuck-in-the-mud").ok


# --- all checks at once -------------------------------------------------------------------------


def test_movement_checks_return_six_checks_in_two_queries(campaign, support, finance, django_assert_num_queries):
    with django_assert_num_queries(2):
        checks = movement_checks(campaign, today=TODAY)

    assert [c.key for c in checks] == [
        "empty-departments",
        "missing-level",
        "thin-middle",
        "customer-facing-share",
        "stale-allies",
        "stuck-in-the-mud",
    ]
    assert all(c.level in ("green", "amber", "red") for c in checks)
    assert all(c.ok == (c.level == "green") for c in checks)


def test_movement_checks_given_the_departments_are_one_query(campaign, support, finance, django_assert_num_queries):
    # The home page lists the departments anyway: with them, the grid and the figures share one pass.
    departments = list(campaign.departments.all())
    with django_assert_num_queries(1):
        checks = movement_checks(campaign, today=TODAY, departments=departments)
    assert checks == movement_checks(campaign, today=TODAY)


def test_grid_and_figures_from_one_pass_match_their_own_queries(campaign, support, finance):
    committed(campaign, support, level=Level.TOP)
    committed(campaign, finance, level=Level.MIDDLE, source=Ally.Source.SENT)
    AllyFactory(campaign=campaign, department=finance, stage=Stage.DECLINED)
    AllyFactory(campaign=campaign, department=support, stage=Stage.APPROACHED, level=Level.TOP)
    counts = ally_counts(campaign, TODAY)

    assert coverage_grid(campaign, counts=counts) == coverage_grid(campaign)
    figures = ally_figures(campaign, TODAY, counts=counts)
    assert figures == ally_figures(campaign, TODAY)
    assert figures.by_stage[Stage.DECLINED] == 1 and figures.committed == 2 and figures.active == 3


def test_ally_counts_fold_stage_source_and_staleness_per_department_and_level(campaign, support, finance):
    # The database groups by stage and source too; each (department, level) row folds them back together.
    mixed = [
        (support, Level.TOP, Stage.CHAMPION, Ally.Source.SENT),
        (support, Level.TOP, Stage.COMMITTED, Ally.Source.VOLUNTEERED),
        (support, Level.TOP, Stage.DECLINED, Ally.Source.SENT),
        (support, Level.TOP, Stage.IDENTIFIED, Ally.Source.VOLUNTEERED),
        (finance, Level.MIDDLE, Stage.INTERESTED, Ally.Source.SENT),
        (finance, Level.MIDDLE, Stage.DECLINED, Ally.Source.VOLUNTEERED),
    ]
    for department, level, stage, source in mixed:
        AllyFactory(campaign=campaign, department=department, level=level, stage=stage, source=source)
    on_the_list_for_months(campaign)

    rows = {(row["department_id"], row["level"]): row for row in ally_counts(campaign, TODAY).rows}

    assert set(rows) == {(support.pk, Level.TOP), (finance.pk, Level.MIDDLE)}
    top = rows[(support.pk, Level.TOP)]
    assert (top["committed"], top["active"], top["sent"], top["volunteered"], top["stale"]) == (2, 3, 1, 2, 3)
    assert (top["stage_champion"], top["stage_declined"], top["stage_approached"]) == (1, 1, 0)
    middle = rows[(finance.pk, Level.MIDDLE)]
    assert (middle["committed"], middle["active"], middle["sent"], middle["volunteered"], middle["stale"]) == (
        0,
        1,
        1,
        0,
        1,
    )
    assert middle["stage_interested"] == 1 and middle["stage_declined"] == 1


# --- funnel and growth --------------------------------------------------------------------------


def test_funnel_counts_allies_per_rung_with_declined_apart(campaign, support):
    for stage, n in [(Stage.IDENTIFIED, 4), (Stage.INTERESTED, 2), (Stage.CHAMPION, 1), (Stage.DECLINED, 3)]:
        for _ in range(n):
            AllyFactory(campaign=campaign, department=support, stage=stage)

    funnel = recruitment_funnel(ally_figures(campaign, TODAY))

    assert [(bar.key, bar.count) for bar in funnel.bars] == [
        ("identified", 4),
        ("approached", 0),
        ("interested", 2),
        ("committed", 0),
        ("champion", 1),
    ]
    assert funnel.declined == 3
    assert funnel.total == 7
    assert funnel.bars[0].size == 300
    assert funnel.bars[1].size == 0
    assert funnel.bars[2].size == 150


def moved(ally, from_stage, to_stage, day):
    return StageChange.objects.create(
        ally=ally,
        from_stage=from_stage,
        to_stage=to_stage,
        changed_at=datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo("UTC")) + timedelta(hours=12),
    )


def test_growth_counts_committed_allies_at_the_end_of_each_week_from_the_history(campaign, support):
    a, b, c = (AllyFactory(campaign=campaign, department=support) for _ in range(3))
    monday = TODAY - timedelta(days=TODAY.weekday())
    moved(a, Stage.INTERESTED, Stage.COMMITTED, monday - timedelta(weeks=20))  # before the window
    moved(b, "", Stage.COMMITTED, monday - timedelta(weeks=3))  # imported straight in as committed
    moved(b, Stage.COMMITTED, Stage.CHAMPION, monday - timedelta(weeks=2))  # still committed or better
    moved(c, Stage.APPROACHED, Stage.INTERESTED, monday - timedelta(weeks=2))  # not a commitment
    moved(a, Stage.COMMITTED, Stage.DECLINED, monday - timedelta(weeks=1))
    moved(c, Stage.INTERESTED, Stage.COMMITTED, monday + timedelta(days=2))
    other = AllyFactory(stage=Stage.COMMITTED)
    moved(other, Stage.INTERESTED, Stage.COMMITTED, monday)

    growth = committed_growth(campaign, today=TODAY)

    assert len(growth.weeks) == 12
    assert growth.weeks[-1].starts_on == monday
    assert growth.weeks[0].starts_on == monday - timedelta(weeks=11)
    assert growth.before == 1
    assert [week.committed for week in growth.weeks[-5:]] == [1, 2, 2, 1, 2]
    assert [week.change for week in growth.weeks[-5:]] == [0, 1, 0, -1, 1]
    assert growth.latest == 2
    assert growth.gained == 1
    assert max(week.size for week in growth.weeks) == 100


def test_growth_groups_by_week_in_the_campaigns_time_zone(campaign, support):
    campaign.time_zone = "Pacific/Auckland"
    campaign.save()
    ally = AllyFactory(campaign=campaign, department=support)
    monday = TODAY - timedelta(days=TODAY.weekday())
    # Sunday 20:00 UTC is already Monday morning in Auckland: this week, not last.
    StageChange.objects.create(
        ally=ally,
        from_stage=Stage.INTERESTED,
        to_stage=Stage.COMMITTED,
        changed_at=datetime.combine(monday - timedelta(days=1), datetime.min.time(), tzinfo=ZoneInfo("UTC"))
        + timedelta(hours=20),
    )

    growth = committed_growth(campaign, today=TODAY)

    assert [week.change for week in growth.weeks[-2:]] == [0, 1]


def test_growth_with_no_history_is_flat_at_zero(campaign):
    growth = committed_growth(campaign, today=TODAY)

    assert [week.committed for week in growth.weeks] == [0] * 12
    assert growth.gained == 0
