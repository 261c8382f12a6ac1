"""Momentum: the weekly series from the database, and its trend on crafted series."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from allies.models import Stage, StageChange
from campaign import momentum
from campaign.models import ServiceProblem
from tests.factories import (
    AllyFactory,
    FeedbackFactory,
    PersonaCardFactory,
    ServiceProblemFactory,
    TouchpointFactory,
)

TODAY = date(2026, 11, 18)  # a Wednesday: its week starts on Monday 16 November


# --- the trend, on crafted series (full weeks, oldest first) ------------------------------


def test_rising_series_is_rising():
    result = momentum.trend([1, 1, 2, 2, 2, 3, 4, 5, 6])
    assert result.state == "rising"


def test_flat_series_is_flat():
    result = momentum.trend([4, 5, 4, 4, 5, 4, 5, 4, 4])
    assert result.state == "flat"
    assert result.reason == "Steady at about 4.3 a week lately."


def test_three_falls_in_a_row_is_fading():
    result = momentum.trend([4, 4, 5, 4, 9, 7, 5, 3])
    assert result.state == "fading"
    assert result.reason == "Activity has fallen three weeks in a row."


def test_two_falls_in_a_row_is_not_fading():
    assert momentum.trend([4, 4, 5, 4, 4, 6, 5, 4]).state == "flat"


def test_far_below_the_earlier_average_is_fading():
    result = momentum.trend([8, 9, 10, 8, 9, 2, 3, 2])
    assert result.state == "fading"
    assert "far below the 8.8 a week before them" in result.reason


def test_weeks_before_the_campaign_got_going_are_not_its_earlier_average():
    # Eight silent weeks then a steady start: not "far below" anything.
    assert momentum.trend([0] * 8 + [3, 3, 3]).state == "flat"


def test_a_quiet_earlier_spell_is_not_a_standard_to_fall_from():
    assert momentum.trend([1, 0, 1, 0, 0, 0]).state == "flat"


def test_nothing_at_all_is_quiet():
    assert momentum.trend([0] * 11).state == "quiet"


# --- the series, from the database -------------------------------------------------------


def _at(day):
    return timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=10)))


def test_series_counts_each_source_per_week(campaign, other_campaign):
    this_week, last_week = date(2026, 11, 16), date(2026, 11, 9)
    ally = AllyFactory(campaign=campaign)
    StageChange.objects.create(ally=ally, from_stage=Stage.IDENTIFIED, to_stage=Stage.INTERESTED, changed_at=_at(TODAY))
    StageChange.objects.create(ally=ally, from_stage=Stage.INTERESTED, to_stage=Stage.DECLINED, changed_at=_at(TODAY))
    TouchpointFactory(campaign=campaign, happened_on=last_week + timedelta(days=2))
    TouchpointFactory(campaign=campaign, happened_on=last_week)
    TouchpointFactory(campaign=other_campaign, happened_on=last_week)
    card = PersonaCardFactory(campaign=campaign)
    PersonaCardFactory._meta.model.objects.filter(pk=card.pk).update(created_at=_at(last_week))
    ServiceProblemFactory(
        campaign=campaign, status=ServiceProblem.Status.WON, started_on=last_week, won_on=TODAY, story_what="x"
    )
    ServiceProblemFactory(campaign=campaign, started_on=TODAY - timedelta(days=200))  # outside the window
    FeedbackFactory(campaign=campaign, received_on=TODAY)
    FeedbackFactory(campaign=other_campaign, received_on=TODAY)
    # Logged this week, received last week: it counts where it was received.
    FeedbackFactory(campaign=campaign, received_on=last_week + timedelta(days=4), created_at=_at(TODAY))

    weeks = momentum.series(campaign, today=TODAY)

    assert len(weeks) == momentum.WEEKS
    assert weeks[-1].start == this_week and weeks[-1].is_current
    assert weeks[-2].start == last_week and not weeks[-2].is_current
    assert weeks[-1].counts == {
        "allies moved up": 1,
        "touchpoints": 0,
        "persona cards": 0,
        "problems started": 0,
        "problems won": 1,
        "feedback logged": 1,
    }
    assert weeks[-2].counts == {
        "allies moved up": 0,
        "touchpoints": 2,
        "persona cards": 1,
        "problems started": 1,
        "problems won": 0,
        "feedback logged": 1,
    }
    assert sum(week.total for week in weeks[:-2]) == 0


def test_another_source_is_one_line(campaign):
    ServiceProblemFactory(campaign=campaign, opened_on=TODAY)
    opened = momentum.Source("problems opened", lambda c: ServiceProblem.objects.filter(campaign=c), "opened_on")
    weeks = momentum.series(campaign, today=TODAY, sources=[*momentum.SOURCES, opened])
    assert weeks[-1].counts["problems opened"] == 1


def test_series_is_two_queries_whatever_the_sources(campaign, django_assert_num_queries):
    # One query counts every week of every source reached through a (campaign, date) index; one more
    # reads the stage changes' window (they reach their campaign through the ally).
    TouchpointFactory._meta.model.objects.bulk_create(
        [TouchpointFactory.build(campaign=campaign, happened_on=TODAY - timedelta(days=d)) for d in range(365)]
    )
    with django_assert_num_queries(2):
        weeks = momentum.series(campaign, today=TODAY)
    assert sum(week.total for week in weeks) == 7 * 11 + 3  # eleven full weeks and Monday to Wednesday


def test_weeks_end_at_monday_midnight_in_the_campaign_time_zone(campaign):
    # Sunday 23:30 in Auckland is last week there; Monday 00:30 there is this week, though still Sunday in UTC.
    campaign.time_zone = "Pacific/Auckland"
    campaign.save()
    tz = ZoneInfo("Pacific/Auckland")
    card = PersonaCardFactory(campaign=campaign)
    late_sunday = datetime(2026, 11, 15, 23, 30, tzinfo=tz)
    early_monday = datetime(2026, 11, 16, 0, 30, tzinfo=tz)
    PersonaCardFactory._meta.model.objects.filter(pk=card.pk).update(created_at=late_sunday)
    PersonaCardFactory._meta.model.objects.filter(pk=PersonaCardFactory(campaign=campaign).pk).update(
        created_at=early_monday
    )
    # A touchpoint dated after the current week (typed in ahead) is not this week's.
    TouchpointFactory(campaign=campaign, happened_on=TODAY + timedelta(days=7))

    result = momentum.momentum(campaign, today=TODAY)

    assert result.weeks[-1].counts["persona cards"] == 1
    assert result.weeks[-2].counts["persona cards"] == 1
    assert sum(week.counts["touchpoints"] for week in result.weeks) == 0


def test_momentum_judges_full_weeks_only(campaign):
    # Steady three a week, and nothing yet this week: the empty current week must not read as a fall.
    problems = [
        ServiceProblemFactory.build(
            campaign=campaign, opened_on=TODAY, started_on=date(2026, 11, 9) - timedelta(weeks=w)
        )
        for w in range(11)
        for _ in range(3)
    ]
    ServiceProblem.objects.bulk_create(problems)
    result = momentum.momentum(campaign, today=TODAY)
    assert result.trend.state == "flat"
    assert result.last_full_week.total == 3


@pytest.mark.parametrize("state", ["rising", "fading"])
def test_chart_bars_have_titles_and_scale_to_the_peak(campaign, state):
    counts = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] if state == "rising" else [9, 9, 9, 9, 9, 9, 9, 9, 6, 4, 2]
    start = momentum.week_start(TODAY)
    problems = []
    for index, count in enumerate(counts):
        day = start - timedelta(weeks=len(counts) - index)
        problems += [ServiceProblemFactory.build(campaign=campaign, started_on=day) for _ in range(count)]
    ServiceProblem.objects.bulk_create(problems)

    result = momentum.momentum(campaign, today=TODAY)
    bars = momentum.chart_bars(result)

    assert result.trend.state == state
    assert len(bars) == momentum.WEEKS
    tallest = max(bars, key=lambda bar: bar["height"])
    assert tallest["height"] == momentum.CHART_HEIGHT and tallest["y"] == 0
    assert bars[-1]["title"].startswith("Week of 16 Nov (so far): 0")


def test_weeks_start_on_monday_in_the_campaigns_time_zone(campaign):
    campaign.time_zone = "Asia/Tokyo"
    ally = AllyFactory(campaign=campaign)
    # Sunday 15 November, 20:00 UTC is already Monday 16 November in Tokyo.
    sunday_evening_utc = datetime(2026, 11, 15, 20, 0, tzinfo=UTC)
    StageChange.objects.create(ally=ally, from_stage="", to_stage=Stage.IDENTIFIED, changed_at=sunday_evening_utc)
    result = momentum.momentum(campaign, today=TODAY)
    assert result.weeks[-1].counts["allies moved up"] == 1
    assert result.weeks[-2].counts["allies moved up"] == 0


def test_feedback_logged_keeps_a_campaign_from_reading_as_quiet(campaign):
    for back in range(1, 6):
        FeedbackFactory(campaign=campaign, received_on=TODAY - timedelta(weeks=back))
    result = momentum.momentum(campaign, today=TODAY)
    assert "feedback logged" in result.labels
    assert result.trend.state == "flat"
    assert [week.counts["feedback logged"] for week in result.weeks[-6:]] == [1, 1, 1, 1, 1, 0]
