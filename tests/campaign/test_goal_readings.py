"""Goals that are measured: baseline and target, readings (page, CSV, API), the chart, the checkup, the summary."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaign import checkup, readings
from campaign.forms import GoalForm
from campaign.models import Goal, GoalReading, ServiceProblem
from leadership.summaries import summary_content
from tests.factories import ApiTokenFactory, GoalFactory, ServiceProblemFactory


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def today(campaign):
    return campaign.today()


@pytest.fixture
def goal(campaign, today):
    """Repeat orders, measured: 40% a year ago, 50% a year from now, up is better, monthly readings."""
    return GoalFactory(
        campaign=campaign,
        title="Repeat orders",
        unit="%",
        direction=Goal.Direction.UP,
        baseline_value=Decimal("40"),
        baseline_on=today - timedelta(days=365),
        target_value=Decimal("50"),
        target_on=today + timedelta(days=365),
        cadence=Goal.Cadence.MONTHLY,
    )


def goal_url(goal, name="campaign:goal-detail"):
    return reverse(name, kwargs={"slug": goal.campaign.slug, "pk": goal.pk})


def read(goal, day, value):
    return GoalReading.objects.create(goal=goal, taken_on=day, value=Decimal(str(value)))


def goal_form(campaign, **fields):
    data = {"title": "Complaints per 1000 orders", "kind": "reputation", "measure": "complaints per 1000 orders"}
    data.update({"direction": "up", "cadence": "monthly", **fields})
    return GoalForm(data, campaign=campaign)


# --- the line and the standing ----------------------------------------------------------------


def test_the_line_runs_from_baseline_to_target_and_holds_at_each_end(goal, today):
    assert readings.line_value(goal, today) == Decimal("45")
    assert readings.line_value(goal, goal.baseline_on - timedelta(days=9)) == Decimal("40")
    assert readings.line_value(goal, goal.target_on + timedelta(days=9)) == Decimal("50")


def test_a_reading_below_the_line_is_behind_when_up_is_better_and_ahead_when_down_is(goal, today):
    assert readings.is_behind(goal, Decimal("44"), today)
    assert not readings.is_behind(goal, Decimal("45"), today)
    goal.direction, goal.baseline_value, goal.target_value = Goal.Direction.DOWN, Decimal("50"), Decimal("40")
    assert not readings.is_behind(goal, Decimal("44"), today)
    assert readings.is_behind(goal, Decimal("46"), today)


def test_values_are_written_as_people_write_them():
    assert readings.format_value(Decimal("42.5000"), "%") == "42.5%"
    assert readings.format_value(Decimal("120"), "£k") == "£120k"
    assert readings.format_value(Decimal("31.00"), "NPS points") == "31 NPS points"
    assert readings.format_value(Decimal("100"), "") == "100"


def test_goal_progress_gives_each_goals_latest_reading_against_its_line_in_one_query(
    campaign, goal, today, django_assert_max_num_queries
):
    read(goal, today - timedelta(days=40), 43)
    read(goal, today - timedelta(days=10), 44)
    GoalFactory(campaign=campaign, title="Zz unmeasured")
    with django_assert_max_num_queries(1):
        progress = readings.goal_progress(campaign, today=today)
    first, second = progress
    assert (first.goal, first.status, first.latest_value) == (goal, readings.BEHIND, Decimal("44"))
    assert first.expected < Decimal("45") and first.expected > Decimal("44")
    assert "behind the line" in first.sentence
    assert second.status == readings.UNMEASURED


def test_a_goal_without_a_reading_for_longer_than_its_cadence_is_stale(goal, today):
    read(goal, today - timedelta(days=45), 49)
    [progress] = readings.goal_progress(goal.campaign, today=today)
    assert progress.status == readings.STALE
    assert "No reading for 45 days, longer than its monthly cadence." in progress.sentence


# --- the settings form: bad input with clear messages -----------------------------------------


def test_a_target_equal_to_the_baseline_is_refused(campaign, today):
    form = goal_form(
        campaign, baseline_value="12", baseline_on=today, target_value="12", target_on=today + timedelta(days=90)
    )
    assert not form.is_valid()
    assert form.errors["target_value"] == ["The target equals the baseline: set where the measure should get to."]


def test_the_target_date_must_come_after_the_baseline_date(campaign, today):
    form = goal_form(campaign, baseline_value="12", baseline_on=today, target_value="9", target_on=today,
                     direction="down")  # fmt: skip
    assert not form.is_valid()
    assert form.errors["target_on"] == ["The target date must come after the baseline date."]


def test_a_baseline_without_a_target_is_refused_and_a_target_against_the_direction_too(campaign, today):
    half = goal_form(campaign, baseline_value="12", baseline_on=today)
    assert not half.is_valid()
    assert "a line needs a baseline and a target" in half.errors["target_value"][0]
    wrong_way = goal_form(
        campaign, baseline_value="12", baseline_on=today, target_value="9", target_on=today + timedelta(days=30)
    )
    assert not wrong_way.is_valid()
    assert wrong_way.errors["direction"] == ["The target is below the baseline, yet up is better."]


def test_an_admin_sets_a_goals_baseline_and_target_in_settings(client_for, admin_user, campaign, today):
    url = reverse("campaign:settings-goals", kwargs={"slug": campaign.slug})
    data = {"title": "Complaints", "kind": "reputation", "measure": "complaints per 1000 orders", "unit": "per 1000",
            "direction": "down", "baseline_value": "8.5", "baseline_on": today.isoformat(), "target_value": "4",
            "target_on": (today + timedelta(days=180)).isoformat(), "cadence": "weekly"}  # fmt: skip
    response = client_for(admin_user).post(url, data)
    assert response.status_code == 302
    goal = Goal.objects.get(campaign=campaign)
    assert (goal.baseline_value, goal.target_value, goal.cadence) == (Decimal("8.5"), Decimal("4"), "weekly")


# --- the goal's page ------------------------------------------------------------------------------


def test_a_goal_page_without_readings_shows_its_empty_states(client_for, viewer, campaign):
    goal = GoalFactory(campaign=campaign, title="Market share")
    response = client_for(viewer).get(goal_url(goal))
    assert response.status_code == 200
    assert "No readings yet." in response.text
    assert "This goal has no baseline and target yet" in response.text
    assert "No win is aimed at this goal yet." in response.text
    assert "Add a reading" not in response.text  # a viewer reads only


def test_the_page_draws_readings_against_the_line_with_the_wins_marked(client_for, viewer, goal, today):
    read(goal, today - timedelta(days=60), 42)
    read(goal, today - timedelta(days=30), 44)
    ServiceProblemFactory(
        campaign=goal.campaign, goal=goal, title="Call-backs within a day", status=ServiceProblem.Status.WON,
        won_on=today - timedelta(days=20), story_what="x", story_before="y", story_after="z",
    )  # fmt: skip
    response = client_for(viewer).get(goal_url(goal))
    html = response.text
    assert 'role="img"' in html and "<desc" in html
    assert html.count('class="goal-chart__point') == 2
    assert html.count('class="goal-chart__win"') == 1
    assert 'class="goal-chart__line"' in html
    assert "Call-backs within a day" in html
    assert "<td>44%</td>" in html  # the table behind the chart
    assert "Behind its line" in html


def test_a_champion_adds_a_reading_and_the_same_date_updates_it(client_for, champion, goal, today):
    client = client_for(champion)
    day = (today - timedelta(days=3)).isoformat()
    response = client.post(goal_url(goal), {"date": day, "value": "45.5", "note": "Q3 survey"})
    assert response.status_code == 302
    client.post(goal_url(goal), {"date": day, "value": "46", "note": ""})
    [reading] = GoalReading.objects.filter(goal=goal)
    assert reading.value == Decimal("46")
    assert "Updated the reading" in client.get(goal_url(goal)).text


def test_a_reading_in_the_future_is_refused_with_a_message(client_for, champion, goal, today):
    response = client_for(champion).post(
        goal_url(goal), {"date": (today + timedelta(days=1)).isoformat(), "value": "4"}
    )
    assert response.status_code == 200
    assert "is in the future: a reading is of a day gone by." in response.text
    assert not GoalReading.objects.exists()


def test_a_viewer_cannot_add_a_reading(client_for, viewer, goal, today):
    response = client_for(viewer).post(goal_url(goal), {"date": today.isoformat(), "value": "4"})
    assert response.status_code == 403
    assert not GoalReading.objects.exists()


def test_another_campaigns_goal_is_404(client_for, outsider, champion, goal, today):
    assert client_for(outsider).get(goal_url(goal)).status_code == 404
    assert client_for(outsider).post(goal_url(goal), {"date": today.isoformat(), "value": "4"}).status_code == 404
    assert not GoalReading.objects.exists()


def test_removing_a_reading_asks_first(client_for, champion, goal, today):
    reading = read(goal, today, 44)
    url = reverse(
        "campaign:goal-reading-delete", kwargs={"slug": goal.campaign.slug, "pk": goal.pk, "reading_pk": reading.pk}
    )
    client = client_for(champion)
    assert "Remove" in client.get(url).text
    assert GoalReading.objects.exists()
    assert client.post(url).status_code == 302
    assert not GoalReading.objects.exists()


def test_the_goal_page_queries_do_not_grow_with_readings_and_wins(
    client_for, champion, goal, today, django_assert_max_num_queries
):
    GoalReading.objects.bulk_create(
        GoalReading(goal=goal, taken_on=today - timedelta(days=n), value=Decimal(40 + n % 7)) for n in range(730)
    )
    ServiceProblem.objects.bulk_create(
        ServiceProblem(campaign=goal.campaign, title=f"Win {n}", goal=goal, status="won",
                       opened_on=today - timedelta(days=n), won_on=today - timedelta(days=n))
        for n in range(300)
    )  # fmt: skip
    client = client_for(champion)
    # Session, user, memberships, the goal, its readings, its wins.
    with django_assert_max_num_queries(7):
        response = client.get(goal_url(goal))
    assert response.status_code == 200
    assert response.text.count('class="goal-chart__point') == 500
    assert "The latest 500 readings." in response.text
    assert "The latest 200 wins." in response.text


def test_hostile_goal_titles_and_notes_are_escaped(client_for, viewer, campaign, today):
    goal = GoalFactory(campaign=campaign, title="<script>alert(1)</script>", unit="<b>%</b>")
    GoalReading.objects.create(goal=goal, taken_on=today, value=1, note="<img src=x onerror=alert(2)>")
    html = client_for(viewer).get(goal_url(goal)).text + client_for(viewer).get(campaign.get_absolute_url()).text
    assert "<script>alert(1)" not in html and "<img src=x" not in html and "<b>%</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- CSV import --------------------------------------------------------------------------------


def upload(client, goal, content, **extra):
    file = SimpleUploadedFile("readings.csv", content.encode(), content_type="text/csv")
    return client.post(goal_url(goal, "campaign:goal-readings-import"), {"file": file, **extra})


def test_a_csv_import_previews_then_stores_every_row(client_for, champion, goal, today):
    client = client_for(champion)
    content = f"date,value,note\n{today - timedelta(days=62)},41.5,Survey\n{today - timedelta(days=31)},42%,\n"
    preview = upload(client, goal, content)
    assert "Preview: 2 readings ready" in preview.text
    assert not GoalReading.objects.exists()
    response = client.post(goal_url(goal, "campaign:goal-readings-import"), {"content": content, "confirm": "1"})
    assert response.status_code == 302
    assert sorted(GoalReading.objects.values_list("value", flat=True)) == [Decimal("41.5"), Decimal("42")]
    # The same file again updates by date and adds nothing.
    client.post(goal_url(goal, "campaign:goal-readings-import"), {"content": content, "confirm": "1"})
    assert GoalReading.objects.count() == 2


def test_a_csv_import_reports_every_bad_row_with_its_line_and_stores_none(client_for, champion, goal, today):
    future = today + timedelta(days=5)
    content = f"date,value\n2026-01-31,41\n2026-01-31,42\n{future},43\nyesterday,abc\n"
    response = upload(client_for(champion), goal, content, confirm="1")
    html = response.text
    assert "nothing was imported" in html
    assert "Line 3, date: 31 January 2026 is given twice; give each date once." in html
    assert "Line 4, date:" in html and "is in the future" in html
    assert "Line 5, date: “yesterday” is not a date" in html and "Line 5, value: “abc” is not a number" in html
    assert not GoalReading.objects.exists()


def test_a_csv_without_the_columns_is_refused(client_for, champion, goal):
    response = upload(client_for(champion), goal, "when,figure\n2026-01-31,4\n")
    assert "missing: date, value" in response.text


# --- the checkup ----------------------------------------------------------------------------------


def test_the_checkup_says_which_goal_is_behind_its_line_and_which_is_overdue(campaign, goal, today):
    late = GoalFactory(campaign=campaign, title="Accounts won back", baseline_value=10, baseline_on=goal.baseline_on,
                       target_value=30, target_on=goal.target_on, cadence="weekly")  # fmt: skip
    read(goal, today - timedelta(days=3), 41)  # behind a line at about 45
    read(late, today - timedelta(days=20), 29)  # ahead, but three weeks old on a weekly cadence
    item = checkup.check_goal_readings(campaign, readings.goal_progress(campaign, today=today))
    assert (item.key, item.status, item.number) == ("goal-readings", "amber", "0 of 2")
    assert "“Repeat orders” is behind its line." in item.summary
    assert "No reading for longer than its cadence: “Accounts won back”." in item.summary
    assert item.url == goal.get_absolute_url()


def test_the_checkup_is_green_when_every_measured_goal_is_on_track_and_current(campaign, goal, today):
    read(goal, today - timedelta(days=3), 47)
    item = checkup.check_goal_readings(campaign, readings.goal_progress(campaign, today=today))
    assert (item.status, item.number) == ("green", "1 of 1")


def test_the_checkup_waits_for_a_baseline_and_target(campaign):
    GoalFactory(campaign=campaign)
    item = checkup.check_goal_readings(campaign, readings.goal_progress(campaign))
    assert item.status == "none" and item.for_admins


def test_home_shows_each_goals_standing(client_for, viewer, goal, today):
    read(goal, today - timedelta(days=3), 41)
    html = client_for(viewer).get(goal.campaign.get_absolute_url()).text
    assert 'id="check-goal-readings"' in html
    assert f'href="{goal.get_absolute_url()}">Repeat orders</a>' in html
    assert "Behind its line</span>: 41% on" in html


# --- the API ----------------------------------------------------------------------------------------


def api_post(client, token, goal, payload, slug=None):
    return client.post(
        f"/api/v1/campaigns/{slug or goal.campaign.slug}/goals/{goal.pk}/readings",
        json.dumps(payload),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token.raw}"},
    )


def test_the_api_takes_a_batch_of_readings_idempotent_on_the_date(client, campaign, goal, today):
    token = ApiTokenFactory(campaign=campaign)
    batch = {"items": [{"date": "2026-01-31", "value": 41.5}, {"date": "2026-02-28", "value": "42", "note": "Feb"}]}
    first = api_post(client, token, goal, batch)
    assert first.status_code == 201
    assert first.json() == {"created": ["2026-01-31", "2026-02-28"], "updated": []}
    again = api_post(client, token, goal, {"date": "2026-02-28", "value": "43"})  # one reading, not a batch
    assert again.status_code == 200 and again.json() == {"created": [], "updated": ["2026-02-28"]}
    assert GoalReading.objects.get(goal=goal, taken_on=date(2026, 2, 28)).value == Decimal("43")
    listed = client.get(
        f"/api/v1/campaigns/{campaign.slug}/goals/{goal.pk}/readings", headers={"Authorization": f"Bearer {token.raw}"}
    ).json()
    assert [(r["date"], r["value"]) for r in listed["items"]] == [("2026-01-31", "41.5"), ("2026-02-28", "43")]
    goals = client.get(f"/api/v1/campaigns/{campaign.slug}/goals", headers={"Authorization": f"Bearer {token.raw}"})
    assert goals.json()[0]["latest"] == "43" and goals.json()[0]["id"] == goal.pk


def test_the_api_refuses_a_batch_with_a_future_reading_naming_it(client, campaign, goal, today):
    token = ApiTokenFactory(campaign=campaign)
    batch = {
        "items": [{"date": "2026-01-31", "value": 41}, {"date": (today + timedelta(days=2)).isoformat(), "value": 1}]
    }
    response = api_post(client, token, goal, batch)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["index"], error["field"]) == (1, "date") and "in the future" in error["message"]
    assert not GoalReading.objects.exists()


def test_the_api_answers_404_for_another_campaigns_goal(client, campaign, other_campaign, today):
    token = ApiTokenFactory(campaign=campaign)
    foreign = GoalFactory(campaign=other_campaign)
    assert api_post(client, token, foreign, {"date": "2026-01-31", "value": 1}, slug=campaign.slug).status_code == 404
    assert api_post(client, token, foreign, {"date": "2026-01-31", "value": 1}).status_code == 404
    assert not GoalReading.objects.exists()


def test_the_openapi_document_describes_the_readings_endpoint(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "post" in spec["paths"]["/api/v1/campaigns/{slug}/goals/{goal_id}/readings"]


# --- the executive summary ------------------------------------------------------------------------


def test_the_summary_says_whether_we_are_hitting_the_bullseye(campaign, goal, today):
    from leadership.emails import summary_shared
    from leadership.models import ExecutiveSummary

    start = today - timedelta(days=30)
    period = _period(start, today)
    read(goal, start - timedelta(days=3), 43)
    read(goal, today - timedelta(days=2), 44)
    read(goal, today, 99)  # taken on the period's end: after it, so not in this summary
    ServiceProblemFactory(
        campaign=campaign, goal=goal, title="Same-day call-backs", status="won",
        won_on=today - timedelta(days=5), story_what="x", story_before="y", story_after="z",
    )  # fmt: skip
    content = summary_content(campaign=campaign, period=period, as_of=today)
    [entry] = content["bullseye"]
    assert (entry["title"], entry["status"], entry["latest"]) == ("Repeat orders", "behind", "44%")
    assert (entry["wins_count"], entry["wins"]) == (1, ["Same-day call-backs"])
    summary = ExecutiveSummary(campaign=campaign, period_start=start, snapshot=content)
    shared = summary_shared(summary)
    text, html = "".join(shared["text"].values()), "".join(shared["html"].values())
    assert "ARE WE HITTING THE BULL'S-EYE?" in text
    assert "1 win aimed at it this period: Same-day call-backs." in text
    assert "Are we hitting the bull's-eye?" in html
    assert "Repeat orders" in html and "44%" in html
    assert ExecutiveSummary.objects.count() == 0  # rendering stores nothing


def _period(start, end):
    from datetime import UTC, datetime

    from leadership.models.summaries import Period

    return Period(start=start, end=end, due_at=datetime(end.year, end.month, end.day, 8, tzinfo=UTC))
