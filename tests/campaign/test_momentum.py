"""Momentum: the weekly series from the database, and its trend on crafted series."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from allies.models import Stage, StageChange
from campaign import momentum, registry
from campaign.activity import activity_recount_all
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


# --- edges: the sentence names the figures the reader sees beside it ----------------------


def test_a_first_week_is_said_as_a_first_week_not_as_steady():
    result = momentum.trend([0] * 10 + [6])
    assert result.state == "starting"
    assert result.reason == "6 logged last week, the first week with any activity."
    assert result.figure == 6


def test_a_sudden_burst_last_week_is_rising_with_both_weeks_named():
    # Three weeks of one, then 27: the three-week average (9.7) would hide the week that matters.
    result = momentum.trend([0, 0, 0, 1, 1, 1, 27])
    assert result.state == "rising"
    assert result.reason == "27 last week, up from 1 the week before."


def test_a_drop_last_week_is_falling_not_steady():
    # Ten a week, then two: the three-week average (7.3) is not far below, but the last bar is.
    result = momentum.trend([10, 10, 10, 10, 10, 10, 2])
    assert result.state == "falling"
    assert result.reason == "2 last week, down from 10 the week before."


def test_a_step_of_one_or_two_is_not_a_burst_or_a_drop():
    assert momentum.trend([4, 5, 4, 4, 5, 4, 5, 4, 6]).state == "flat"
    assert momentum.trend([4, 5, 4, 4, 5, 4, 5, 4, 2]).state == "flat"


@pytest.mark.parametrize(
    ("now", "before", "state", "reason"),
    [
        (32, 0, "starting", "32 this period, after nothing the period before."),
        (27, 1, "rising", "27 this period, up from 1 the period before."),
        (52, 69, "falling", "52 this period, down from 69 the period before."),
        (10, 9, "flat", "10 this period, about level with 9 the period before."),
        (0, 0, "quiet", "Nothing logged this period or the period before."),
    ],
)
def test_comparing_two_counts_reads_them_both(now, before, state, reason):
    assert momentum.compare(now, before) == (state, reason, now)


def _weekly_touchpoints(campaign, counts, today=TODAY):
    """`counts` touchpoints a week, oldest first, the last entry being the week in progress."""
    start = momentum.week_start(today)
    rows = []
    for index, count in enumerate(counts):
        day = start - timedelta(weeks=len(counts) - 1 - index)
        rows += [TouchpointFactory.build(campaign=campaign, happened_on=day) for _ in range(count)]
    TouchpointFactory._meta.model.objects.bulk_create(rows)
    activity_recount_all(campaign)  # as every bulk write does (bulk writes send no signals)


def test_a_burst_this_week_is_not_called_steady(campaign):
    # Home once said "Steady at about 1.0 a week" beside 27 this week against 1 the week before.
    _weekly_touchpoints(campaign, [1, 1, 1, 27])
    result = momentum.momentum(campaign, today=TODAY)
    assert result.trend.state == "rising"
    assert result.trend.reason == "27 this week so far, up from 1 last week."
    assert result.trend.figure == 27


def test_a_campaigns_first_week_in_progress_is_a_start_not_quiet(campaign):
    _weekly_touchpoints(campaign, [5])
    result = momentum.momentum(campaign, today=TODAY)
    assert result.trend.state == "starting"
    assert result.trend.reason == "5 logged this week so far, the first week with any activity."


def test_a_first_week_with_one_thing_so_far_is_a_start_not_quiet(campaign):
    _weekly_touchpoints(campaign, [1])
    result = momentum.momentum(campaign, today=TODAY)
    assert (result.trend.state, result.trend.figure) == ("starting", 1)


def test_a_quiet_start_to_this_week_is_never_read_as_a_fall(campaign):
    _weekly_touchpoints(campaign, [6, 6, 6, 6, 1])
    assert momentum.momentum(campaign, today=TODAY).trend.state == "flat"


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
    activity_recount_all(campaign)  # the card's date was set behind the ORM's back: the beat task's recount

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


def test_another_source_is_one_registration(campaign, monkeypatch):
    monkeypatch.setattr(registry, "_activity_sources", dict(registry._activity_sources))
    registry.activity_source(
        key="problems_opened",
        label="problems opened",
        model=ServiceProblem,
        date_field="opened_on",
    )
    ServiceProblemFactory(campaign=campaign, opened_on=TODAY)
    weeks = momentum.series(campaign, today=TODAY)
    assert weeks[-1].counts["problems opened"] == 1
    assert list(weeks[-1].counts)[-1] == "problems opened"  # after the built-in sources


def test_series_is_one_query_whatever_the_sources(campaign, django_assert_num_queries):
    # Twelve weeks of every source are the rollup's rows of 84 days: one query, however many rows behind them.
    TouchpointFactory._meta.model.objects.bulk_create(
        [TouchpointFactory.build(campaign=campaign, happened_on=TODAY - timedelta(days=d)) for d in range(365)]
    )
    activity_recount_all(campaign)
    with django_assert_num_queries(1):
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
    activity_recount_all(campaign)  # the cards' moments were set behind the ORM's back

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
    activity_recount_all(campaign)
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
    activity_recount_all(campaign)

    result = momentum.momentum(campaign, today=TODAY)
    bars = momentum.chart_bars(result)

    assert result.trend.state == state
    assert len(bars) == momentum.WEEKS
    tallest = max(bars, key=lambda bar: bar["height"])
    assert tallest["height"] == momentum.CHART_HEIGHT and tallest["y"] == 0
    assert bars[-1]["title"].startswith("Week of 16 Nov (so far): 0")


def test_weeks_start_on_monday_in_the_campaigns_time_zone(campaign):
    campaign.time_zone = "Asia/Tokyo"
    campaign.save()
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


def test_home_says_rising_beside_a_burst_this_week(client_for, viewer, campaign):
    _weekly_touchpoints(campaign, [1, 1, 1, 27])
    with time_machine.travel(datetime(2026, 11, 18, 12, tzinfo=UTC), tick=False):
        text = client_for(viewer).get(campaign.get_absolute_url()).text
    assert "<strong>Rising.</strong> 27 this week so far, up from 1 last week." in text
    assert "Steady" not in text
