"""The dispatcher: one summary per campaign and period, its snapshot and deliveries, whatever the ticks."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from celery import current_app
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from campaign.models import Campaign, ServiceProblem
from leadership import services, tasks
from leadership.models import ExecutiveSummary, SummaryDelivery
from leadership.models.summaries import Period
from leadership.services import summaries_dispatch_due, summary_create_for_period
from leadership.summaries import summary_content
from tests.factories import (
    DepartmentFactory,
    FeedbackFactory,
    FeedbackThemeFactory,
    LeaderFactory,
    ServiceProblemFactory,
    SummaryScheduleFactory,
    TouchpointFactory,
)

MONDAY_9 = datetime(2026, 11, 16, 9, tzinfo=UTC)
PERIOD = Period(start=date(2026, 11, 9), end=date(2026, 11, 16), due_at=datetime(2026, 11, 16, 8, tzinfo=UTC))


@pytest.fixture
def schedule(campaign):
    return SummaryScheduleFactory(campaign=campaign)


def test_a_due_summary_is_created_with_one_delivery_per_leader(
    schedule, django_capture_on_commit_callbacks, tasks_enqueued
):
    leaders = LeaderFactory.create_batch(2, campaign=schedule.campaign)
    with django_capture_on_commit_callbacks() as callbacks:
        created = summaries_dispatch_due(now=MONDAY_9)
    assert tasks_enqueued == []  # nothing before commit
    assert len(created) == 1
    summary = created[0]
    assert (summary.period_start, summary.period_end) == (date(2026, 11, 9), date(2026, 11, 16))
    assert set(summary.deliveries.values_list("leader", flat=True)) == {leader.pk for leader in leaders}
    # One enqueue per batch of deliveries (both fit in one), only after commit.
    [callback] = callbacks
    callback()
    [(name, (pks,))] = tasks_enqueued
    assert name == "leadership.tasks.send_summary_deliveries"
    assert sorted(pks) == sorted(summary.deliveries.values_list("pk", flat=True))


def test_the_dispatcher_twice_in_a_row_creates_nothing_new(schedule):
    LeaderFactory(campaign=schedule.campaign)
    summaries_dispatch_due(now=MONDAY_9)
    assert summaries_dispatch_due(now=MONDAY_9) == []
    assert summaries_dispatch_due(now=datetime(2026, 11, 18, tzinfo=UTC)) == []
    assert ExecutiveSummary.objects.count() == 1
    assert SummaryDelivery.objects.count() == 1


def test_a_concurrent_dispatcher_that_lost_the_race_creates_nothing(schedule, monkeypatch):
    summaries_dispatch_due(now=MONDAY_9)
    # Pretend the existence check ran before the other dispatcher committed: the constraint decides.
    monkeypatch.setattr(ExecutiveSummary.objects, "filter", lambda **kw: ExecutiveSummary.objects.none())
    assert summary_create_for_period(schedule=schedule, period=PERIOD) is None
    monkeypatch.undo()
    assert ExecutiveSummary.objects.filter(campaign=schedule.campaign).count() == 1


def test_after_downtime_only_the_latest_missed_period_is_caught_up(schedule):
    # Down from 1 November to 25 November: three Mondays passed. One summary, for the latest.
    created = summaries_dispatch_due(now=datetime(2026, 11, 25, 12, tzinfo=UTC))
    assert [s.period_start for s in created] == [date(2026, 11, 16)]
    assert summaries_dispatch_due(now=datetime(2026, 11, 25, 12, 5, tzinfo=UTC)) == []


def test_nothing_is_due_before_the_schedule_was_turned_on(campaign):
    SummaryScheduleFactory(campaign=campaign, active_since=datetime(2026, 11, 17, tzinfo=UTC))
    assert summaries_dispatch_due(now=datetime(2026, 11, 18, tzinfo=UTC)) == []
    assert len(summaries_dispatch_due(now=datetime(2026, 11, 23, 8, tzinfo=UTC))) == 1


def test_a_disabled_schedule_or_a_paused_campaign_sends_nothing(campaign, other_campaign):
    SummaryScheduleFactory(campaign=campaign, enabled=False)
    SummaryScheduleFactory(campaign=other_campaign)
    Campaign.objects.filter(pk=other_campaign.pk).update(status=Campaign.Status.PAUSED)
    assert summaries_dispatch_due(now=MONDAY_9) == []


def test_an_unsubscribed_leader_and_unchosen_leaders_get_no_delivery(schedule):
    chosen, _other = LeaderFactory.create_batch(2, campaign=schedule.campaign)
    LeaderFactory(campaign=schedule.campaign, receives_summaries=False)
    schedule.all_leaders = False
    schedule.save()
    schedule.recipients.set([chosen])
    [summary] = summaries_dispatch_due(now=MONDAY_9)
    assert list(summary.deliveries.values_list("leader", flat=True)) == [chosen.pk]


def test_a_quiet_period_still_goes_out_and_says_so(schedule):
    LeaderFactory(campaign=schedule.campaign)
    [summary] = summaries_dispatch_due(now=MONDAY_9)
    assert summary.is_empty and not summary.skipped
    assert summary.deliveries.count() == 1


def test_a_quiet_period_is_skipped_when_the_schedule_says_so(schedule):
    schedule.skip_empty = True
    schedule.save()
    LeaderFactory(campaign=schedule.campaign)
    [summary] = summaries_dispatch_due(now=MONDAY_9)
    assert summary.skipped and summary.deliveries.count() == 0
    assert summaries_dispatch_due(now=MONDAY_9) == []


def test_skip_empty_does_not_skip_a_period_with_something_to_report(schedule):
    schedule.skip_empty = True
    schedule.save()
    FeedbackFactory(campaign=schedule.campaign, received_on=date(2026, 11, 10))
    [summary] = summaries_dispatch_due(now=MONDAY_9)
    assert not summary.skipped


def test_the_command_runs_the_dispatcher_once(schedule, capsys):
    with time_machine.travel(MONDAY_9, tick=False):
        call_command("send_due_summaries")
        call_command("send_due_summaries")
    out = capsys.readouterr().out
    assert "1 summary created." in out and "0 summaries created." in out
    assert ExecutiveSummary.objects.count() == 1


# --- Content ------------------------------------------------------------------------------


@pytest.fixture
def crafted(campaign):
    """A week of feedback built so that every figure of the summary is known."""
    support = DepartmentFactory(campaign=campaign, name="Support")
    billing_dept = DepartmentFactory(campaign=campaign, name="Billing")
    billing, delivery, waiting, attitude = (
        FeedbackThemeFactory(campaign=campaign, name=name)
        for name in ("Billing", "Delivery", "Waiting time", "Attitude")
    )

    def complaint(on, severity="medium", **fields):
        return FeedbackFactory(campaign=campaign, received_on=on, severity=severity, **fields)

    # This period (9–15 Nov): 5 complaints. The period before (2–8 Nov): 2.
    complaint(date(2026, 11, 9), "critical", department=support, theme=delivery, action="Courier replaced")
    complaint(date(2026, 11, 10), "high", department=support, theme=delivery)
    complaint(
        date(2026, 11, 11),
        "low",
        department=billing_dept,
        theme=billing,
        status="resolved",
        resolved_on=date(2026, 11, 12),
        action="Refunded",
    )
    complaint(date(2026, 11, 12), "medium", department=billing_dept, theme=billing)
    complaint(date(2026, 11, 15), "medium", theme=waiting)
    complaint(date(2026, 11, 3), "high", department=support, theme=billing)
    complaint(date(2026, 11, 4), "low", department=support, theme=attitude)
    # An old open complaint, and one after the period (not counted).
    complaint(date(2026, 10, 1), "low", department=support, action="Waiting on IT")
    complaint(date(2026, 11, 16), "critical")
    FeedbackFactory(
        campaign=campaign, kind="compliment", severity="", received_on=date(2026, 11, 13), summary="Lovely driver"
    )
    FeedbackFactory(
        campaign=campaign,
        kind="compliment",
        severity="",
        received_on=date(2026, 11, 14),
        summary="Quick refund",
        featured=True,
    )
    ServiceProblemFactory(
        campaign=campaign, title="Labels printed twice", status="won", won_on=date(2026, 11, 12), story_figure="2 → 1"
    )
    ServiceProblemFactory(campaign=campaign, title="Old win", status="won", won_on=date(2026, 10, 1))
    ServiceProblemFactory(
        campaign=campaign, title="Budget for a second van", is_roadblock=True, roadblock_ask="Approve the van"
    )
    ServiceProblemFactory(campaign=campaign, title="Cleared", is_roadblock=True, roadblock_cleared_on=date(2026, 11, 1))
    ServiceProblemFactory(campaign=campaign, title="Dropped", is_roadblock=True, status=ServiceProblem.Status.DROPPED)
    TouchpointFactory(campaign=campaign, happened_on=date(2026, 11, 10))
    return campaign


def test_the_content_figures_on_a_crafted_week(crafted):
    s = summary_content(campaign=crafted, period=PERIOD, as_of=PERIOD.end)
    assert s["complaints"] == {"now": 5, "before": 2, "delta": 3}
    assert [(row["label"], row["now"], row["before"]) for row in s["by_severity"]] == [
        ("Critical", 1, 0),
        ("High", 1, 1),
        ("Medium", 2, 0),
        ("Low", 1, 1),
    ]
    assert [(row["name"], row["now"], row["before"]) for row in s["by_department"]] == [
        ("Billing", 2, 0),
        ("Support", 2, 2),
        ("No department", 1, 0),
    ]
    assert [(row["name"], row["now"], row["delta"]) for row in s["themes"]] == [
        ("Billing", 2, 1),
        ("Delivery", 2, 2),
        ("Waiting time", 1, 1),
    ]
    assert s["open_count"] == 7  # everything open received before the send day
    assert s["resolved_count"] == 1 and s["resolved"][0]["action"] == "Refunded"
    # Most severe first, then oldest.
    assert [item["severity"] for item in s["open_complaints"][:2]] == ["Critical", "High"]
    assert s["open_complaints"][0]["action"] == "Courier replaced"
    old = next(item for item in s["open_complaints"] if item["action"] == "Waiting on IT")
    assert old["days_open"] == 46
    assert [item["summary"] for item in s["compliments"]] == ["Quick refund"]  # the featured one
    assert [item["title"] for item in s["wins"]] == ["Labels printed twice"]
    assert [item["title"] for item in s["roadblocks"]] == ["Budget for a second van"]
    assert s["momentum"]["figures"]["touchpoints"] == {"now": 1, "before": 0}
    assert s["momentum"]["figures"]["problems_won"] == {"now": 1, "before": 0}
    # The verdict comes from the two totals the line gives: 9 against 2 is rising.
    assert s["momentum"]["trend"] == "rising"
    assert s["momentum"]["line"].startswith("Rising. 1 touchpoint with allies,")
    assert "7 pieces of feedback logged: 9 in all, against 2 in 2–8 November." in s["momentum"]["line"]
    assert s["is_empty"] is False


def test_without_featured_compliments_the_most_recent_are_chosen(campaign):
    for day in (10, 11, 12, 13):
        FeedbackFactory(
            campaign=campaign, kind="compliment", severity="", received_on=date(2026, 11, day), summary=f"Thanks {day}"
        )
    s = summary_content(campaign=campaign, period=PERIOD)
    assert [item["summary"] for item in s["compliments"]] == ["Thanks 13", "Thanks 12", "Thanks 11"]


def test_another_campaigns_feedback_never_enters_the_summary(campaign, other_campaign):
    FeedbackFactory(campaign=other_campaign, received_on=date(2026, 11, 10))
    s = summary_content(campaign=campaign, period=PERIOD)
    assert s["complaints"]["now"] == 0 and s["is_empty"]


@pytest.mark.parametrize(
    ("now", "before", "trend", "words"),
    [
        (32, 0, "starting", "Off to a start."),  # a first week: nothing the week before
        (27, 1, "rising", "Rising."),  # a sudden burst
        (52, 69, "falling", "Falling."),  # a drop (the demo said "Rising" here)
        (10, 9, "flat", "About level."),
        (0, 0, "quiet", "No campaign activity was recorded this period or in 2–8 November."),
    ],
)
def test_the_momentum_verdict_comes_from_the_totals_in_its_own_line(campaign, now, before, trend, words):
    # Whatever the campaign's earlier weeks did, the verdict reads the two totals the reader sees beside it.
    for week in range(2, 8):
        FeedbackFactory.create_batch(4, campaign=campaign, received_on=date(2026, 10, 26) - timedelta(weeks=week))
    TouchpointFactory.create_batch(now, campaign=campaign, happened_on=date(2026, 11, 10))
    TouchpointFactory.create_batch(before, campaign=campaign, happened_on=date(2026, 11, 3))
    s = summary_content(campaign=campaign, period=PERIOD)
    assert s["momentum"]["trend"] == trend
    assert s["momentum"]["line"].startswith(words)
    if now or before:
        assert s["momentum"]["line"].endswith(f": {now} in all, against {before} in 2–8 November.")


def test_the_momentum_line_reads_one_of_each_in_the_singular(campaign):
    FeedbackFactory(campaign=campaign, received_on=date(2026, 11, 10))
    s = summary_content(campaign=campaign, period=PERIOD)
    assert (
        "0 touchpoints with allies, 0 allies moved up the ladder, 0 problems won and 1 piece of feedback"
        in (s["momentum"]["line"])
    )


def test_a_period_still_in_progress_is_not_called_falling(campaign):
    # A preview on Wednesday: two days in, 1 against last week's 6. The days to come are not counted yet.
    FeedbackFactory.create_batch(6, campaign=campaign, received_on=date(2026, 11, 10))
    FeedbackFactory(campaign=campaign, received_on=date(2026, 11, 17))
    in_progress = Period(start=date(2026, 11, 16), end=date(2026, 11, 23), due_at=datetime(2026, 11, 23, 8, tzinfo=UTC))
    s = summary_content(campaign=campaign, period=in_progress, as_of=date(2026, 11, 18))
    assert s["momentum"]["trend"] == "so_far"
    assert s["momentum"]["line"].startswith("So far this period.")
    assert s["momentum"]["line"].endswith(": 1 in all, against 6 in 9–15 November.")
    # Sent once the period is over, the same figures are a fall.
    sent = summary_content(campaign=campaign, period=in_progress, as_of=date(2026, 11, 23))
    assert sent["momentum"]["line"].startswith("Falling.")


def test_the_content_is_computed_in_a_fixed_number_of_queries(crafted, django_assert_max_num_queries):
    FeedbackFactory.create_batch(50, campaign=crafted, received_on=date(2026, 11, 10))
    # 14 of its own (one of them where complaints started), and one grouped query per source of momentum.
    with django_assert_max_num_queries(15):
        summary_content(campaign=crafted, period=PERIOD)


def test_the_snapshot_is_stored_and_does_not_change_with_later_edits(schedule):
    item = FeedbackFactory(campaign=schedule.campaign, received_on=date(2026, 11, 10), summary="Before the edit")
    [summary] = summaries_dispatch_due(now=MONDAY_9)
    item.summary = "After the edit"
    item.save()
    summary.refresh_from_db()
    assert summary.snapshot["open_complaints"][0]["summary"] == "Before the edit"


def test_beat_runs_the_dispatcher_and_the_reapers_with_expiry_under_their_period():

    for name, task in [
        ("dispatch-due-summaries", "leadership.tasks.dispatch_due_summaries"),
        ("requeue-stale-summary-deliveries", "leadership.tasks.requeue_stale_summary_deliveries"),
        ("requeue-stale-test-copy-deliveries", "leadership.tasks.requeue_stale_test_copy_deliveries"),
        ("requeue-stale-pack-deliveries", "leadership.tasks.requeue_stale_pack_deliveries"),
    ]:
        entry = settings.CELERY_BEAT_SCHEDULE[name]
        assert entry["task"] == task
        assert task in current_app.tasks and task.rsplit(".", 1)[1] in dir(tasks)
        assert 0 < entry["options"]["expires"] < entry["schedule"]


def test_every_task_a_service_enqueues_by_name_is_a_registered_task():
    names = [services.SEND_PACK_DELIVERY, services.SEND_SUMMARY_DELIVERIES, services.SEND_TEST_COPY_DELIVERY]
    assert all(name in current_app.tasks for name in names)


def test_the_open_complaints_shown_are_the_most_severe_then_the_oldest(campaign):
    # Two critical ones fit whole; the rest of the ten are the oldest low ones, in two reads at most.
    day = date(2026, 11, 10)
    critical = [
        FeedbackFactory(campaign=campaign, severity="critical", received_on=day - timedelta(days=n)) for n in range(2)
    ]
    low = [FeedbackFactory(campaign=campaign, severity="low", received_on=day - timedelta(days=n)) for n in range(12)]
    FeedbackFactory(campaign=campaign, severity="high", status="resolved", resolved_on=day, received_on=day)
    content = summary_content(campaign=campaign, period=PERIOD)
    assert content["open_count"] == 14
    shown = [(row["severity"], row["received_on"]) for row in content["open_complaints"]]
    expected = [("Critical", item.received_on.isoformat()) for item in reversed(critical)]
    expected += [("Low", item.received_on.isoformat()) for item in reversed(low)][:8]
    assert shown == expected


def test_a_summary_rolled_back_with_its_transaction_enqueues_nothing(
    schedule, django_capture_on_commit_callbacks, tasks_enqueued
):
    LeaderFactory(campaign=schedule.campaign)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        summaries_dispatch_due(now=MONDAY_9)
        raise RuntimeError("the caller's transaction fails after the summary was created")
    assert tasks_enqueued == []
    assert not ExecutiveSummary.objects.exists()
