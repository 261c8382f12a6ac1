"""The summaries pages, the schedule settings, and query ceilings with 100k feedback rows."""

from datetime import UTC, date, datetime, timedelta

import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leadership.models import DeliveryStatus, Feedback, SummaryDelivery, SummarySchedule, SummaryTestCopy
from leadership.services import summaries_dispatch_due
from tests.factories import (
    DepartmentFactory,
    FeedbackFactory,
    FeedbackThemeFactory,
    LeaderFactory,
    SummaryScheduleFactory,
)

MONDAY_9 = datetime(2026, 11, 16, 9, tzinfo=UTC)


def url(name, campaign, **kwargs):
    return reverse(f"leadership:{name}", kwargs={"slug": campaign.slug, **kwargs})


def schedule_data(**fields):
    return {
        "enabled": "on",
        "cadence": "weekly",
        "weekday": "0",
        "day_of_month": "1",
        "hour": "8",
        "all_leaders": "on",
        **fields,
    }


def test_the_summaries_page_without_a_schedule_says_how_to_start(client_for, admin_user, campaign):
    text = client_for(admin_user).get(url("summary-list", campaign)).text
    assert "Summaries are not scheduled" in text and "Set a schedule" in text
    assert "No summary has gone out yet" in text


def test_the_summaries_page_lists_each_summary_with_delivery_counts(client_for, viewer, campaign):
    SummaryScheduleFactory(campaign=campaign)
    LeaderFactory.create_batch(3, campaign=campaign)
    [summary] = summaries_dispatch_due(now=MONDAY_9)
    first = summary.deliveries.first()
    SummaryDelivery.objects.filter(pk=first.pk).update(status=DeliveryStatus.SENT, opened_at=MONDAY_9)
    response = client_for(viewer).get(url("summary-list", campaign))
    row = response.context["page"].object_list[0]
    assert (row.recipient_count, row.sent_count, row.opened_count, row.failed_count) == (3, 1, 1, 0)
    assert "9 Nov – 15 Nov 2026" in response.text
    assert "Next summary:" in response.text


def test_a_summary_shows_each_recipients_state_and_opening(client_for, viewer, campaign):
    SummaryScheduleFactory(campaign=campaign)
    LeaderFactory(campaign=campaign, name="Opened Olga")
    LeaderFactory(campaign=campaign, name="Failed Fred")
    [summary] = summaries_dispatch_due(now=MONDAY_9)
    summary.deliveries.filter(leader__name="Opened Olga").update(status="sent", sent_at=MONDAY_9, opened_at=MONDAY_9)
    summary.deliveries.filter(leader__name="Failed Fred").update(
        status="failed", last_error="SMTPRecipientsRefused: 550"
    )
    text = client_for(viewer).get(url("summary-detail", campaign, pk=summary.pk)).text
    assert "Opened Olga" in text and "Yes, 16 Nov 2026" in text
    assert "Failed Fred" in text and "550" in text
    assert "Send a test to me" not in text  # champions and admins only


def test_an_admin_sends_a_test_of_a_sent_summary_to_their_own_address(
    client_for, admin_user, campaign, django_capture_on_commit_callbacks, tasks_run_here
):
    SummaryScheduleFactory(campaign=campaign)
    LeaderFactory(campaign=campaign)
    [summary] = summaries_dispatch_due(now=MONDAY_9)
    client = client_for(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("summary-test", campaign, pk=summary.pk))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[admin_user.email]]
    assert summary.deliveries.count() == 1
    assert SummaryTestCopy.objects.get().period_start == summary.period_start


def test_a_champion_can_send_a_test_of_a_sent_summary_and_a_viewer_cannot(client_for, champion, viewer, campaign):
    SummaryScheduleFactory(campaign=campaign)
    [summary] = summaries_dispatch_due(now=MONDAY_9)
    assert "Send a test to me" in client_for(champion).get(url("summary-detail", campaign, pk=summary.pk)).text
    assert client_for(champion).post(url("summary-test", campaign, pk=summary.pk)).status_code == 302
    assert client_for(viewer).post(url("summary-test", campaign, pk=summary.pk)).status_code == 403
    assert SummaryTestCopy.objects.count() == 1


def test_another_campaigns_summary_is_404(client_for, admin_user, campaign, other_campaign):
    SummaryScheduleFactory(campaign=other_campaign)
    [foreign] = summaries_dispatch_due(now=MONDAY_9)
    client = client_for(admin_user)
    assert client.get(url("summary-detail", campaign, pk=foreign.pk)).status_code == 404
    assert client.post(url("summary-test", campaign, pk=foreign.pk)).status_code == 404


def test_the_preview_shows_the_period_in_progress(client_for, viewer, campaign):
    FeedbackFactory(campaign=campaign, summary="Logged this week", action="Calling them back")
    response = client_for(viewer).get(url("summary-preview", campaign))
    assert "Logged this week" in response.text and "Calling them back" in response.text


def test_saving_the_schedule_shows_the_next_summary_in_the_campaign_time_zone(client_for, admin_user, campaign):
    campaign.time_zone = "Europe/Paris"
    campaign.save()
    client = client_for(admin_user)
    with time_machine.travel(datetime(2026, 11, 18, 12, tzinfo=UTC), tick=False):
        response = client.post(url("settings-summaries", campaign), schedule_data(), follow=True)
    schedule = SummarySchedule.objects.get(campaign=campaign)
    assert schedule.enabled and schedule.active_since == datetime(2026, 11, 18, 12, tzinfo=UTC)
    assert "Monday 23 November 2026 at 08:00 (Europe/Paris)" in response.text


def test_turning_the_schedule_on_does_not_send_a_past_period(client_for, admin_user, campaign):
    LeaderFactory(campaign=campaign)
    with time_machine.travel(datetime(2026, 11, 18, 12, tzinfo=UTC), tick=False):
        client_for(admin_user).post(url("settings-summaries", campaign), schedule_data())
        assert summaries_dispatch_due() == []


def test_the_schedule_refuses_chosen_recipients_left_empty(client_for, admin_user, campaign):
    data = schedule_data()
    del data["all_leaders"]
    response = client_for(admin_user).post(url("settings-summaries", campaign), data)
    assert "Choose at least one leader" in response.text
    assert not SummarySchedule.objects.exists()


def test_the_schedule_refuses_an_hour_out_of_range(client_for, admin_user, campaign):
    response = client_for(admin_user).post(url("settings-summaries", campaign), schedule_data(hour="24"))
    assert "hour" in response.context["form"].errors
    assert not SummarySchedule.objects.exists()


def test_the_schedule_offers_only_this_campaigns_leaders(client_for, admin_user, campaign, other_campaign):
    foreign = LeaderFactory(campaign=other_campaign)
    data = schedule_data(recipients=[foreign.pk])
    del data["all_leaders"]
    response = client_for(admin_user).post(url("settings-summaries", campaign), data)
    assert "recipients" in response.context["form"].errors


def test_pages_answer_in_a_fixed_number_of_queries_with_100k_feedback_rows(client_for, admin_user, campaign):
    """One data set, every page that reads feedback: the log, the preview, the summaries list and a summary."""
    departments = DepartmentFactory.create_batch(5, campaign=campaign)
    themes = FeedbackThemeFactory.create_batch(4, campaign=campaign)
    today = timezone.localdate()
    Feedback.objects.bulk_create(
        (
            Feedback(
                campaign=campaign,
                kind="complaint" if n % 4 else "compliment",
                severity=("", "low", "medium", "high")[n % 4],
                received_on=today - timedelta(days=n % 120),
                department=departments[n % 5],
                theme=themes[n % 4],
                summary=f"Feedback number {n}",
            )
            for n in range(100_000)
        ),
        batch_size=5000,
    )
    SummaryScheduleFactory(campaign=campaign)
    LeaderFactory.create_batch(10, campaign=campaign)
    summaries = [summaries_dispatch_due(now=timezone.now() - timedelta(weeks=week)) for week in range(3)]
    summary = summaries[0][0]
    client = client_for(admin_user)
    ceilings = {
        url("feedback-list", campaign) + "?kind=complaint&severity=high&page=3": 11,
        # The preview computes a summary, whose momentum line adds one grouped query per source.
        url("summary-preview", campaign): 23,
        url("summary-list", campaign): 8,
        url("summary-detail", campaign, pk=summary.pk): 8,
    }
    for address, ceiling in ceilings.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(address)
        assert response.status_code == 200, address
        assert len(queries) <= ceiling, (address, len(queries), [q["sql"][:100] for q in queries])


def test_the_snapshot_period_is_named_in_the_email_subject(campaign):
    SummaryScheduleFactory(campaign=campaign)
    [summary] = summaries_dispatch_due(now=MONDAY_9)
    assert summary.period_start == date(2026, 11, 9)


def test_an_admin_sends_the_failed_deliveries_again(
    client_for, admin_user, campaign, django_capture_on_commit_callbacks
):
    SummaryScheduleFactory(campaign=campaign)
    LeaderFactory.create_batch(2, campaign=campaign)
    [summary] = summaries_dispatch_due(now=MONDAY_9)
    failed, sent = summary.deliveries.all()
    SummaryDelivery.objects.filter(pk=failed.pk).update(status="failed", attempts=5, last_error="550 no such user")
    SummaryDelivery.objects.filter(pk=sent.pk).update(status="sent")
    client = client_for(admin_user)
    assert "Send the failed ones again" in client.get(url("summary-detail", campaign, pk=summary.pk)).text
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(url("summary-retry", campaign, pk=summary.pk))
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("queued", 0)
    assert SummaryDelivery.objects.get(pk=sent.pk).status == "sent"
    assert len(callbacks) == 1


def test_a_champion_cannot_resend_failed_deliveries(client_for, champion, campaign):
    SummaryScheduleFactory(campaign=campaign)
    [summary] = summaries_dispatch_due(now=MONDAY_9)
    assert client_for(champion).post(url("summary-retry", campaign, pk=summary.pk)).status_code == 403


# --- the next summary's period, in its preview and in Settings ---------------------------------


def test_the_preview_of_a_period_that_has_ended_says_it_goes_out_today(client_for, viewer, campaign):
    # Wednesday 2 December, 10:00; the weekly summary goes out on Wednesdays at 17:00.
    SummaryScheduleFactory(campaign=campaign, weekday=2, hour=17)
    with time_machine.travel(datetime(2026, 12, 2, 10, tzinfo=UTC), tick=False):
        text = client_for(viewer).get(url("summary-preview", campaign)).text
    assert "period in progress" not in text
    assert "ended on Tuesday 1 December" in text
    assert "Its summary goes out today at 17:00 (UTC)" in text
    assert "Wednesday 25 November to Tuesday 1 December 2026, compared with 18–24 November" in text
    assert "What is logged today goes into the summary after it." in text


def test_the_preview_of_a_period_in_progress_says_when_it_goes_out(client_for, viewer, campaign):
    SummaryScheduleFactory(campaign=campaign, weekday=2, hour=9)
    with time_machine.travel(datetime(2026, 12, 2, 10, tzinfo=UTC), tick=False):
        text = client_for(viewer).get(url("summary-preview", campaign)).text
    assert "The period in progress, Wednesday 2 December to Tuesday 8 December 2026" in text
    assert "goes out on Wednesday 9 December at 09:00 (UTC)" in text


def test_the_preview_without_a_schedule_does_not_promise_a_send(client_for, viewer, campaign):
    with time_machine.travel(datetime(2026, 12, 2, 10, tzinfo=UTC), tick=False):
        text = client_for(viewer).get(url("summary-preview", campaign)).text
    assert "Summaries are off, so none goes out." in text
    assert "goes out on" not in text


def test_the_preview_counts_days_open_to_today_not_to_the_send_day(client_for, viewer, campaign):
    SummaryScheduleFactory(campaign=campaign)  # Mondays at 08:00: the next one on Monday 7 December
    FeedbackFactory(campaign=campaign, received_on=date(2026, 11, 30), summary="Open since Monday")
    with time_machine.travel(datetime(2026, 12, 2, 10, tzinfo=UTC), tick=False):
        response = client_for(viewer).get(url("summary-preview", campaign))
    [item] = response.context["s"]["open_complaints"]
    assert item["days_open"] == 2
    assert "open 2 days" in response.text


def test_a_summary_sent_late_counts_days_open_to_the_day_it_is_sent(campaign):
    SummaryScheduleFactory(campaign=campaign)
    FeedbackFactory(campaign=campaign, received_on=date(2026, 11, 10))
    # Due Monday 16 November; the dispatcher only ran again on Wednesday 18th (still that period's turn).
    [summary] = summaries_dispatch_due(now=datetime(2026, 11, 18, 9, tzinfo=UTC))
    assert summary.snapshot["open_complaints"][0]["days_open"] == 8
    assert summary.snapshot["as_of"] == "2026-11-18"


def test_settings_say_which_days_the_next_summary_covers(client_for, admin_user, campaign):
    SummaryScheduleFactory(campaign=campaign, weekday=2, hour=17)
    with time_machine.travel(datetime(2026, 12, 2, 10, tzinfo=UTC), tick=False):
        text = client_for(admin_user).get(url("settings-summaries", campaign)).text
    assert "Next summary at Wednesday 2 December 2026, 17:00 (UTC)" in text
    assert "It covers Wednesday 25 November to Tuesday 1 December 2026, compared with 18–24 November." in text
    after = "What is logged on Wednesday 2 December itself goes into the summary after it, on Wednesday 9 December."
    assert after in text


def test_saving_a_monthly_schedule_says_the_days_and_the_month_compared_with(client_for, admin_user, campaign):
    data = schedule_data(cadence="monthly", day_of_month="1")
    with time_machine.travel(datetime(2026, 11, 18, 12, tzinfo=UTC), tick=False):
        text = client_for(admin_user).post(url("settings-summaries", campaign), data, follow=True).text
    assert "covers Sunday 1 November to Monday 30 November 2026, compared with October." in text
