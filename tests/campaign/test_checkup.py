"""The campaign checkup: each item green, amber or red on its own condition, and the home page showing it."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from allies.coverage import MovementCheck, movement_checks
from allies.models import Stage
from campaign import checkup, momentum
from campaign.activity import activity_recount_all
from campaign.models import Department, Level, ServiceProblem
from tests.campaign.board_figures import figures
from tests.factories import AllyFactory, DepartmentFactory, GoalFactory, ServiceProblemFactory

S = ServiceProblem.Status


def result_for(totals):
    """A Momentum over crafted weekly totals (oldest first; the last is the current week)."""
    start = date(2026, 8, 31)
    weeks = [
        momentum.Week(start + timedelta(weeks=i), {"touchpoints": t}, t, i == len(totals) - 1)
        for i, t in enumerate(totals)
    ]
    return momentum.Momentum(weeks, momentum.trend(totals[:-1]), ["touchpoints"], max([*totals, 1]))


# --- why -------------------------------------------------------------------------------


def test_why_is_green_when_the_golden_circle_is_written(campaign):
    item = checkup.check_why(campaign)
    assert (item.status, item.number) == ("green", "3 of 3")


def test_why_is_red_without_a_why_and_amber_with_only_a_why(campaign):
    campaign.why, campaign.how, campaign.what = "", "", ""
    assert checkup.check_why(campaign).status == "red"
    campaign.why = "Because customers wait on us."
    item = checkup.check_why(campaign)
    assert (item.status, item.number) == ("amber", "1 of 3")


# --- coverage ----------------------------------------------------------------------------


def movement(*levels):
    """Movement checks as allies.coverage gives them, one per level given ("green", "amber", "red")."""
    return [
        MovementCheck(key=f"check-{n}", ok=level == "green", level=level, sentence=f"Check {n} says {level}.",
                      number=n, next_step=f"Step {n}.", url=f"/step/{n}/")
        for n, level in enumerate(levels)
    ]  # fmt: skip


def test_coverage_is_green_when_every_movement_check_passes(campaign):
    item = checkup.check_coverage(campaign, movement("green", "green", "green"))
    assert (item.status, item.number) == ("green", "3 of 3")
    assert item.url == reverse("allies:coverage", kwargs={"slug": campaign.slug})


def test_coverage_speaks_with_the_most_urgent_failing_check(campaign):
    item = checkup.check_coverage(campaign, movement("green", "amber", "red", "amber"))
    assert (item.status, item.number) == ("red", "1 of 4")
    assert item.summary == "Check 2 says red. 2 more checks on the coverage page."
    assert (item.next_step, item.url) == ("Step 2.", "/step/2/")


def test_coverage_takes_the_first_amber_when_nothing_is_red(campaign):
    item = checkup.check_coverage(campaign, movement("amber", "green"))
    assert (item.status, item.summary) == ("amber", "Check 0 says amber.")


def test_coverage_on_a_real_campaign_names_the_department_with_nobody(campaign):
    covered = DepartmentFactory(campaign=campaign, name="IT")
    DepartmentFactory(campaign=campaign, name="Legal")
    for level in Level.values:
        AllyFactory(campaign=campaign, department=covered, stage=Stage.COMMITTED, level=level)
    item = checkup.check_coverage(campaign, movement_checks(campaign))
    assert item.status != "green"
    assert "Legal" in item.summary


# --- easy wins, bull's-eye, celebration, momentum ------------------------------------------------


def test_easy_wins_is_red_when_the_urge_is_not_restrained(campaign):
    item = checkup.check_easy_wins(campaign, figures(hard_in_progress=1, easy_waiting=2, in_progress=1, backlog=2))
    assert item.status == "red"
    assert item.url == reverse("campaign:board", kwargs={"slug": campaign.slug})


def test_easy_wins_is_amber_with_no_wins_and_green_with_some(campaign):
    assert checkup.check_easy_wins(campaign, figures()).summary == "No service problems on the board yet."
    assert checkup.check_easy_wins(campaign, figures(backlog=2)).status == "amber"
    item = checkup.check_easy_wins(campaign, figures(won=2))
    assert (item.status, item.number) == ("green", "2")


def test_bullseye_is_red_without_goals(campaign):
    assert checkup.check_bullseye(campaign, figures(), []).status == "red"


def test_bullseye_is_amber_for_drift_or_an_activity_measure(campaign):
    outcome = GoalFactory(campaign=campaign, measure="Repeat orders")
    activity = GoalFactory(campaign=campaign, title="Trained staff", measure="Number of classes held")
    drift = checkup.check_bullseye(campaign, figures(won=4, won_unaimed=2), [outcome])
    assert (drift.status, drift.number) == ("amber", "50% unaimed")
    measured = checkup.check_bullseye(campaign, figures(won=4), [outcome, activity])
    assert measured.status == "amber"
    assert "“Trained staff” is measured by internal activity." in measured.summary
    assert measured.url == reverse("campaign:settings-goals", kwargs={"slug": campaign.slug})


def test_bullseye_is_green_when_wins_are_aimed_and_goals_are_outcomes(campaign):
    goal = GoalFactory(campaign=campaign, measure="Repeat orders")
    assert checkup.check_bullseye(campaign, figures(won=4), [goal]).status == "green"


def test_celebration_colours(campaign):
    assert checkup.check_celebration(campaign, figures(won=4)).status == "green"
    assert checkup.check_celebration(campaign, figures(won=4, won_uncelebrated=1)).status == "amber"
    assert checkup.check_celebration(campaign, figures(won=4, won_uncelebrated=3)).status == "red"


@pytest.mark.parametrize(
    ("totals", "status"),
    [
        ([2, 3, 3, 4, 5, 6, 6, 7, 8, 9, 10, 1], "green"),  # rising; the partial current week is not judged
        ([4, 5, 4, 4, 5, 4, 5, 4, 4, 5, 4, 0], "green"),  # flat
        ([6, 6, 7, 6, 6, 6, 9, 8, 6, 4, 2, 0], "red"),  # fading
        ([0] * 12, "amber"),  # quiet
    ],
    ids=["rising", "flat", "fading", "quiet"],
)
def test_momentum_item(campaign, totals, status):
    item = checkup.check_momentum(campaign, result_for(totals))
    assert item.status == status
    assert item.number == str(totals[-2])


def test_momentum_item_shows_the_count_its_sentence_is_about(campaign):
    # A burst this week: the sentence is about this week's 27, so the figure beside it is 27, not last week's 1.
    totals = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 27]
    result = result_for(totals)
    result = result._replace(trend=momentum._with_current_week(result.trend, result.weeks))
    item = checkup.check_momentum(campaign, result)
    assert (item.status, item.number) == ("green", "27")
    assert item.summary == "27 this week so far, up from 1 last week."


def test_a_drop_last_week_is_amber(campaign):
    item = checkup.check_momentum(campaign, result_for([10, 10, 10, 10, 10, 10, 2, 0]))
    assert (item.status, item.number) == ("amber", "2")
    assert item.summary == "2 last week, down from 10 the week before."


# --- on the home page ------------------------------------------------------------------------


def test_home_shows_the_checkup_and_momentum(client_for, viewer, campaign):
    ServiceProblemFactory(campaign=campaign, status=S.IN_PROGRESS, started_on=date.today())
    response = client_for(viewer).get(campaign.get_absolute_url())
    assert [item.key for item in response.context["checkup"]] == [
        "why",
        "coverage",
        "easy-wins",
        "bullseye",
        "goal-readings",
        "celebration",
        "momentum",
    ]
    assert "Campaign checkup" in response.text
    assert 'role="img"' in response.text and "Weekly figures" in response.text
    assert "1 problems started" in response.text


def test_home_builds_the_departments_and_weekly_rows_in_python_with_names_escaped(client_for, viewer, campaign):
    DepartmentFactory(campaign=campaign, name="R&D <Lab>", kind=Department.Kind.INTERNAL_PROVIDER)
    DepartmentFactory(campaign=campaign, name="Support", kind=Department.Kind.CUSTOMER_FACING)
    ServiceProblemFactory(campaign=campaign, status=S.IN_PROGRESS, started_on=date.today())

    html = client_for(viewer).get(campaign.get_absolute_url()).text

    assert (
        '<li>R&amp;D &lt;Lab&gt; <span class="tag tag--internal_provider">Internal service provider</span></li>'
    ) in html
    assert '<li>Support <span class="tag tag--customer_facing">Customer-facing</span></li>' in html
    assert "<Lab>" not in html
    current = momentum.week_start(date.today())
    # This week's row: the date as "j M", "(so far)", a cell per source (one problem started), the total.
    assert f'<tr><th scope="row">{current.day} {current:%b} (so far)</th>' in html
    assert "<td>0</td><td>0</td><td>0</td><td>1</td><td>0</td><td>0</td><td>1</td></tr>" in html


def test_home_warns_when_momentum_is_fading(client_for, viewer, campaign):
    start = momentum.week_start(date.today())
    counts = [8, 8, 8, 8, 8, 8, 8, 6, 4, 2, 1]
    problems = []
    for index, count in enumerate(counts):
        day = start - timedelta(weeks=len(counts) - index)
        problems += [ServiceProblemFactory.build(campaign=campaign, started_on=day) for _ in range(count)]
    ServiceProblem.objects.bulk_create(problems)
    activity_recount_all(campaign)  # as every bulk write does
    response = client_for(viewer).get(campaign.get_absolute_url())
    assert "<strong>Fading.</strong> Activity has fallen three weeks in a row." in response.text
    assert response.context["checkup"][-1].status == "red"


def test_home_shows_the_bullseye_hint_on_an_activity_goal(client_for, viewer, campaign):
    GoalFactory(campaign=campaign, measure="Course evaluation scores")
    response = client_for(viewer).get(campaign.get_absolute_url())
    assert "That is activity inside the campaign" in response.text


def test_goal_settings_hint_when_an_activity_measure_is_written(client_for, admin_user, campaign):
    url = reverse("campaign:settings-goals", kwargs={"slug": campaign.slug})
    client = client_for(admin_user)
    response = client.post(
        url, {"title": "", "kind": "other", "measure": "Emails sent each week"}, HTTP_HX_REQUEST="true"
    )
    assert "counts messages the campaign sent out" in response.text  # beside the form, though it has errors
    response = client.post(url, {"title": "Be heard", "kind": "other", "measure": "Emails sent each week"})
    assert response.status_code == 302  # a hint, never a block
    assert "counts messages the campaign sent out" in client.get(url).text


def test_only_admins_are_sent_to_the_goal_settings_others_are_told_to_ask(client_for, admin_user, champion, campaign):
    goals_url = reverse("campaign:settings-goals", kwargs={"slug": campaign.slug})
    assert checkup.check_bullseye(campaign, figures(), []).for_admins
    as_champion = client_for(champion).get(campaign.get_absolute_url()).text
    assert f'href="{goals_url}"' not in as_champion
    assert "Goals are set by an admin of the campaign: ask one." in as_champion
    as_admin = client_for(admin_user).get(campaign.get_absolute_url()).text
    assert f'<a href="{goals_url}">Set two or three goals measured by what customers do.</a>' in as_admin


# --- a new campaign: nothing to judge is not "on track" ------------------------------------------


def test_celebration_with_no_wins_is_not_on_track(campaign):
    item = checkup.check_celebration(campaign, figures())
    assert item.status == "none"
    assert item.status_label == "Nothing yet"
    assert item.summary == "No wins to celebrate yet."


def test_bullseye_with_goals_but_no_wins_is_not_on_track(campaign):
    goal = GoalFactory(campaign=campaign, measure="Repeat orders")
    item = checkup.check_bullseye(campaign, figures(), [goal])
    assert item.status == "none"
    assert item.number == "No wins"


def test_coverage_with_no_allies_counts_no_check_as_passing(campaign):
    DepartmentFactory(campaign=campaign, name="IT")
    DepartmentFactory(campaign=campaign, name="Sales", kind=Department.Kind.CUSTOMER_FACING)
    item = checkup.check_coverage(campaign, movement_checks(campaign))
    assert item.number == "0 of 6"
    assert item.status == "red"


def test_coverage_with_committed_allies_still_counts_the_checks_they_pass(campaign):
    it = DepartmentFactory(campaign=campaign, name="IT")
    for level in Level.values:
        AllyFactory(campaign=campaign, department=it, stage=Stage.COMMITTED, level=level)
    checks = movement_checks(campaign)
    assert all(check.judged for check in checks)
    item = checkup.check_coverage(campaign, checks)
    assert item.number == f"{sum(check.ok for check in checks)} of 6"


def test_a_new_campaign_home_shows_no_false_on_track(client_for, admin_user, campaign):
    DepartmentFactory(campaign=campaign)
    GoalFactory(campaign=campaign, measure="Repeat orders")
    response = client_for(admin_user).get(campaign.get_absolute_url())
    celebration = response.text.split('id="check-celebration"')[1].split("</li>")[0]
    assert "On track" not in celebration
    assert "Nothing yet" in celebration
    coverage = response.text.split('id="check-coverage"')[1].split("</li>")[0]
    assert "4 of 6" not in coverage
    assert "0 of 6" in coverage


def test_the_urge_with_no_wins_says_no_win_is_in_yet(campaign):
    item = checkup.check_easy_wins(campaign, figures(hard_in_progress=1, easy_waiting=2, in_progress=1, backlog=2))
    assert "only 0" not in item.summary
    assert "and no win is in yet." in item.summary


# --- the apps' own checks, through the registry ---------------------------------------


def test_an_apps_registered_check_joins_the_checkup_in_its_order_and_silent_ones_are_left_out(
    client_for, viewer, campaign, monkeypatch
):
    from campaign import registry

    monkeypatch.setattr(registry, "_checkup_checks", dict(registry._checkup_checks))

    def late(campaign):
        return checkup.CheckItem("late", "Late check", checkup.AMBER, "2", "Said second.", "Do it.", "")

    def early(campaign):
        return [checkup.CheckItem("early", f"Early check for {campaign.name}", checkup.GREEN, "1", "", "", "")]

    registry.checkup_check("test-late", late, order=900)
    registry.checkup_check("test-early", early, order=800)
    registry.checkup_check("test-silent", lambda campaign: None, order=850)

    keys = [item.key for item in registry.checkup_items(campaign)]
    assert keys.index("early") < keys.index("late")
    response = client_for(viewer).get(reverse("campaign:home", args=[campaign.slug]))
    page = response.content.decode()
    assert page.index(f"Early check for {campaign.name}") < page.index("Late check")
