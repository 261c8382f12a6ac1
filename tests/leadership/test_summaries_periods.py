"""Due-period arithmetic: local send times across time zones and daylight-saving changes."""

from datetime import UTC, date, datetime, timedelta

import pytest

from leadership.models import SummarySchedule
from leadership.models.summaries import Cadence, Weekday
from tests.factories import CampaignFactory


def schedule(time_zone="Europe/London", **fields):
    campaign = CampaignFactory.build(time_zone=time_zone)
    return SummarySchedule(
        campaign=campaign, **{"cadence": Cadence.WEEKLY, "weekday": Weekday.MONDAY, "hour": 8, **fields}
    )


def at(*args):
    return datetime(*args, tzinfo=UTC)


def test_a_weekly_summary_covers_the_seven_days_before_the_send_day():
    period = schedule().latest_due_period(at(2026, 11, 18, 12))  # a Wednesday
    assert (period.start, period.end, period.last_day) == (date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 15))
    assert period.due_at == at(2026, 11, 16, 8)  # London is on GMT in November


def test_the_send_hour_is_read_in_the_campaigns_time_zone():
    period = schedule("America/New_York").latest_due_period(at(2026, 11, 18, 12))
    assert period.due_at == at(2026, 11, 16, 13)  # 08:00 EST


def test_the_period_is_not_due_one_minute_before_its_hour():
    s = schedule()
    assert s.latest_due_period(at(2026, 11, 16, 7, 59)).end == date(2026, 11, 9)
    assert s.latest_due_period(at(2026, 11, 16, 8, 0)).end == date(2026, 11, 16)


def test_a_local_date_that_differs_from_utc_decides_the_send_day():
    # 23:30 UTC on Sunday is already Monday 08:30 in Tokyo.
    period = schedule("Asia/Tokyo").latest_due_period(at(2026, 11, 15, 23, 30))
    assert period.end == date(2026, 11, 16)
    assert period.due_at == at(2026, 11, 15, 23)


def test_the_send_hour_stays_at_8_local_across_the_spring_change():
    s = schedule()
    before = s.period_ending(date(2026, 3, 23))
    after = s.period_ending(date(2026, 3, 30))  # clocks went forward on 29 March
    assert before.due_at == at(2026, 3, 23, 8)
    assert after.due_at == at(2026, 3, 30, 7)  # 08:00 BST
    assert after.due_at - before.due_at == timedelta(hours=167)


def test_the_send_hour_stays_at_8_local_across_the_autumn_change():
    s = schedule()
    before = s.period_ending(date(2026, 10, 19))
    after = s.period_ending(date(2026, 10, 26))  # clocks went back on 25 October
    assert after.due_at - before.due_at == timedelta(hours=169)


def test_an_hour_skipped_by_the_clocks_is_read_as_the_moment_after_the_jump():
    s = schedule(hour=1, weekday=Weekday.SUNDAY)
    assert s.period_ending(date(2026, 3, 29)).due_at == at(2026, 3, 29, 1)  # 02:00 BST


def test_a_monthly_summary_covers_the_month_before_the_send_day():
    s = schedule(cadence=Cadence.MONTHLY, day_of_month=1)
    period = s.latest_due_period(at(2026, 3, 20, 12))
    assert (period.start, period.end) == (date(2026, 2, 1), date(2026, 3, 1))


def test_a_monthly_summary_before_its_day_is_last_months():
    s = schedule(cadence=Cadence.MONTHLY, day_of_month=15)
    period = s.latest_due_period(at(2026, 1, 10, 12))
    assert (period.start, period.end) == (date(2025, 11, 15), date(2025, 12, 15))


def test_the_next_summary_follows_the_latest_one():
    s = schedule()
    nxt = s.next_due_period(at(2026, 11, 18, 12))
    assert (nxt.start, nxt.end, nxt.due_at) == (date(2026, 11, 16), date(2026, 11, 23), at(2026, 11, 23, 8))


@pytest.mark.parametrize("weekday", list(Weekday))
def test_every_weekday_gives_a_period_ending_on_that_weekday(weekday):
    period = schedule(weekday=weekday).latest_due_period(at(2026, 11, 18, 12))
    assert period.end.weekday() == weekday
    assert period.due_at <= at(2026, 11, 18, 12) < period.due_at + timedelta(days=7)
