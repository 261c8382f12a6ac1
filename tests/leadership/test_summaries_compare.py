"""
What a summary compares with: the calendar month or week before, named, and the same figures in the
email's two parts, the web version, a test copy, the API and the momentum line.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from allies.models import StageChange
from leadership.delivery import delivery_send
from leadership.emails import summary_delivery_message, summary_test_copy_message
from leadership.models import SummaryDelivery
from leadership.services import summaries_dispatch_due, summary_test_copy_create
from leadership.signing import summary_web_token
from leadership.tasks import send_summary_delivery
from tests.factories import (
    AllyFactory,
    ApiTokenFactory,
    FeedbackFactory,
    LeaderFactory,
    SummaryScheduleFactory,
)

DECEMBER_1 = datetime(2026, 12, 1, 9, tzinfo=UTC)


@pytest.fixture(autouse=True)
def enqueued(monkeypatch):
    """Deliveries stay off the real broker; the test sends them itself."""
    monkeypatch.setattr(send_summary_delivery, "delay", lambda pk: None)


@pytest.fixture
def november(campaign):
    """A monthly summary of November: 5 complaints, against 4 in October (on 1, 1, 2 and 31 October)."""
    SummaryScheduleFactory(campaign=campaign, cadence="monthly", day_of_month=1)
    LeaderFactory(campaign=campaign, name="Lena Boss", email="lena@example.com")
    for day in (date(2026, 10, 1), date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 31)):
        FeedbackFactory(campaign=campaign, received_on=day, severity="high")
    for day in (3, 9, 15, 22, 30):
        FeedbackFactory(campaign=campaign, received_on=date(2026, 11, day), severity="high")
    FeedbackFactory(campaign=campaign, received_on=date(2026, 9, 30))  # the day before October: not compared
    [summary] = summaries_dispatch_due(now=DECEMBER_1)
    return summary


def test_november_is_compared_with_the_whole_of_october(november):
    s = november.snapshot
    assert s["complaints"] == {"now": 5, "before": 4, "delta": 1}
    assert s["period"]["previous"] == {"start": "2026-10-01", "last_day": "2026-10-31", "label": "October"}
    assert [row["before"] for row in s["by_severity"] if row["label"] == "High"] == [4]
    assert s["momentum"]["figures"]["feedback_logged"] == {"now": 5, "before": 4}
    assert s["momentum"]["line"].endswith(": 5 in all, against 4 in October.")


def test_the_email_names_what_it_compares_with_in_both_parts(november):
    delivery = november.deliveries.get()
    delivery_send(model=SummaryDelivery, pk=delivery.pk, build=summary_delivery_message)
    [message] = mail.outbox
    html = message.alternatives[0][0]
    assert "5 received (up 1 against October: 4)" in message.body
    assert "- High: 5 (October: 4)" in message.body
    assert "compared with October" in message.body
    assert "up 1 against October: 4" in html
    assert "up 3" not in message.body and "the period before" not in message.body


def test_the_web_version_and_a_test_copy_say_the_same(client, november, admin_user):
    delivery = november.deliveries.get()
    page = client.get(reverse("leadership:summary-web", kwargs={"token": summary_web_token(delivery)})).text
    assert "up 1 against October: 4" in page
    copy = summary_test_copy_create(campaign=november.campaign, user=admin_user, summary=november)
    assert "5 received (up 1 against October: 4)" in summary_test_copy_message(copy).body


def test_the_summary_page_heads_its_columns_with_the_two_months(client_for, viewer, november, campaign):
    url = reverse("leadership:summary-detail", kwargs={"slug": campaign.slug, "pk": november.pk})
    text = client_for(viewer).get(url).text
    assert '<th scope="col">November</th><th scope="col">October</th>' in text
    assert "up 1 against October: 4" in text


def test_the_api_gives_the_same_before_figures_and_says_which_period_they_are(client, november, campaign):
    token = ApiTokenFactory(campaign=campaign)
    body = client.get(
        f"/api/v1/campaigns/{campaign.slug}/summaries", headers={"Authorization": f"Bearer {token.raw}"}
    ).json()
    content = body["items"][0]["content"]
    assert content["complaints"]["before"] == 4
    assert content["period"]["previous"]["start"] == "2026-10-01"
    assert content["period"]["previous"]["last_day"] == "2026-10-31"


def test_a_summary_stored_before_periods_were_named_still_reads(client_for, viewer, november, campaign):
    snapshot = dict(november.snapshot, period={"start": "2026-11-01", "last_day": "2026-11-30"})
    type(november).objects.filter(pk=november.pk).update(snapshot=snapshot)
    url = reverse("leadership:summary-detail", kwargs={"slug": campaign.slug, "pk": november.pk})
    text = client_for(viewer).get(url).text
    assert "up 1 on the period before" in text


def test_january_is_compared_with_december_across_the_year_boundary(campaign):
    SummaryScheduleFactory(campaign=campaign, cadence="monthly", day_of_month=1)
    FeedbackFactory.create_batch(2, campaign=campaign, received_on=date(2026, 12, 31))
    FeedbackFactory(campaign=campaign, received_on=date(2027, 1, 1))
    [summary] = summaries_dispatch_due(now=datetime(2027, 2, 1, 9, tzinfo=UTC))
    s = summary.snapshot
    assert s["complaints"] == {"now": 1, "before": 2, "delta": -1}
    assert s["period"]["previous"]["label"] == "December 2026"
    assert s["momentum"]["line"].startswith("Falling.")
    assert s["momentum"]["line"].endswith(": 1 in all, against 2 in December 2026.")


def test_a_week_across_the_clock_change_counts_moves_by_local_midnight(campaign):
    # Clocks go back in London on Sunday 25 October 2026: the week of 19–25 October is 169 hours long.
    campaign.time_zone = "Europe/London"
    campaign.save()
    SummaryScheduleFactory(campaign=campaign)
    london = ZoneInfo("Europe/London")
    ally = AllyFactory(campaign=campaign)
    moments = [
        datetime(2026, 10, 18, 23, 30, tzinfo=london),  # the week before
        datetime(2026, 10, 19, 0, 30, tzinfo=london),  # this week (still 18 October in UTC)
        datetime(2026, 10, 25, 23, 30, tzinfo=london),  # this week, after the change
        datetime(2026, 10, 26, 0, 30, tzinfo=london),  # the send day: the next summary's
    ]
    for moment in moments:
        StageChange.objects.create(ally=ally, from_stage="", to_stage="identified", changed_at=moment)
    [summary] = summaries_dispatch_due(now=datetime(2026, 10, 26, 9, tzinfo=UTC))
    s = summary.snapshot
    assert (s["period"]["start"], s["period"]["last_day"]) == ("2026-10-19", "2026-10-25")
    assert s["momentum"]["figures"]["moved_up"] == {"now": 2, "before": 1}
    assert s["momentum"]["line"].endswith(": 2 in all, against 1 in 12–18 October.")
