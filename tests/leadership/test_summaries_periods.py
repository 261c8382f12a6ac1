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


# --- the period before: what every figure is compared with ---------------------------------


def monthly(day_of_month=1, **fields):
    return schedule(cadence=Cadence.MONTHLY, day_of_month=day_of_month, **fields)


def test_a_30_day_month_is_compared_with_the_whole_31_day_month_before():
    # November's summary, sent on 1 December: the period before is 1–31 October, not 2–31 October.
    period = monthly().period_ending(date(2026, 12, 1))
    assert (period.start, period.last_day) == (date(2026, 11, 1), date(2026, 11, 30))
    assert period.previous_bounds() == (date(2026, 10, 1), date(2026, 11, 1))
    assert (period.label, period.previous_label) == ("November", "October")


def test_a_31_day_month_is_compared_with_the_30_day_month_before():
    period = monthly().period_ending(date(2026, 11, 1))
    assert period.previous_bounds() == (date(2026, 9, 1), date(2026, 10, 1))
    assert (period.label, period.previous_label) == ("October", "September")


def test_march_is_compared_with_february_and_february_with_january():
    march = monthly().period_ending(date(2026, 4, 1))
    assert march.previous_bounds() == (date(2026, 2, 1), date(2026, 3, 1))  # 28 days, not the 31 before 1 March
    february = monthly().period_ending(date(2026, 3, 1))
    assert february.previous_bounds() == (date(2026, 1, 1), date(2026, 2, 1))  # not drifting into 29 December
    leap = monthly().period_ending(date(2028, 4, 1))
    assert leap.previous_bounds() == (date(2028, 2, 1), date(2028, 3, 1))


def test_a_monthly_period_from_the_15th_is_compared_with_the_15th_to_the_14th_before():
    period = monthly(15).period_ending(date(2026, 3, 15))
    assert (period.start, period.end) == (date(2026, 2, 15), date(2026, 3, 15))
    assert period.previous_bounds() == (date(2026, 1, 15), date(2026, 2, 15))
    assert (period.label, period.previous_label) == ("15 February – 14 March", "15 January – 14 February")


def test_january_is_compared_with_december_of_the_year_before():
    period = monthly().period_ending(date(2027, 2, 1))
    assert period.previous_bounds() == (date(2026, 12, 1), date(2027, 1, 1))
    assert (period.label, period.previous_label) == ("January", "December 2026")


def test_a_week_is_compared_with_the_week_before_across_the_year_boundary():
    period = schedule().period_ending(date(2027, 1, 11))
    assert period.previous_bounds() == (date(2026, 12, 28), date(2027, 1, 4))
    assert (period.label, period.previous_label) == ("4–10 January", "28 December 2026 – 3 January 2027")


def test_a_week_of_last_year_is_named_with_its_year():
    period = schedule(weekday=Weekday.FRIDAY).period_ending(date(2027, 1, 8))
    assert (period.label, period.previous_label) == ("1–7 January", "25–31 December 2026")


def test_a_week_across_a_daylight_saving_change_is_compared_with_the_seven_days_before():
    # Clocks go back on 25 October: the period is 169 hours, the one before it 168, both seven whole days.
    period = schedule().period_ending(date(2026, 10, 26))
    assert period.previous_bounds() == (date(2026, 10, 12), date(2026, 10, 19))
    assert (period.label, period.previous_label) == ("19–25 October", "12–18 October")
    nxt = schedule().period_ending(date(2026, 11, 2))
    assert nxt.previous_label == "19–25 October" and nxt.label == "26 October – 1 November"


def test_the_snapshot_names_the_period_and_the_one_before():
    assert monthly().period_ending(date(2026, 12, 1)).as_json() == {
        "start": "2026-11-01",
        "last_day": "2026-11-30",
        "label": "November",
        "previous": {"start": "2026-10-01", "last_day": "2026-10-31", "label": "October"},
    }


# --- the period a preview and the settings talk about ---------------------------------------


def test_on_the_send_day_before_its_hour_the_next_period_has_ended():
    s = schedule(weekday=Weekday.WEDNESDAY, hour=17)
    now = at(2026, 12, 2, 10)  # Wednesday, before 17:00
    period = s.current_period(now)
    assert (period.start, period.end) == (date(2026, 11, 25), date(2026, 12, 2))
    assert period.has_ended(s.today(now))
    assert s.period_after(period).start == date(2026, 12, 2)  # the send day goes into the next one


def test_after_the_send_hour_the_next_period_is_in_progress():
    s = schedule(weekday=Weekday.WEDNESDAY, hour=9)
    now = at(2026, 12, 2, 10)
    period = s.current_period(now)
    assert (period.start, period.end) == (date(2026, 12, 2), date(2026, 12, 9))
    assert not period.has_ended(s.today(now))
