"""The handbook's answers backed by the campaign's own numbers: the evidence, the leader's page, the handbook form."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from campaign.models import Campaign
from leadership import evidence
from leadership.models import EvidenceKind, LeadsWith, Objection
from leadership.services import objections_prefill
from leadership.starter import STARTER_EVIDENCE_KINDS
from tests.factories import (
    ClippingFactory,
    FeedbackFactory,
    GoalFactory,
    LeaderFactory,
    ObjectionFactory,
    ServiceProblemFactory,
)

TODAY = date(2026, 11, 20)


def won(campaign, title, benefits, **story):
    return ServiceProblemFactory(
        campaign=campaign, title=title, status="won", won_on=TODAY - timedelta(days=10), benefits=benefits, **story
    )


# --- The evidence itself ---------------------------------------------------------------------------


def test_cost_evidence_lists_wins_that_saved_time_or_money_with_their_figures_first(campaign, other_campaign):
    won(campaign, "Invoices keyed once", ["cost_saved"], story_before="keyed twice", story_after="keyed once")
    won(campaign, "Shorter queue", ["time_saved"], story_figure="40 min → 5 min")
    won(campaign, "No figures yet", ["time_saved"])
    won(campaign, "A happier team", ["team"])  # speaks to morale, not cost
    won(other_campaign, "Someone else's win", ["cost_saved"])
    ClippingFactory(campaign=campaign, title="Airline cuts rework", benefits=["cost_saved"])
    ClippingFactory(campaign=campaign, title="Brand loved", benefits=["reputation"])

    found = evidence.evidence(campaign, EvidenceKind.COST, today=TODAY)

    # Those with figures first (a before and after counts), then the newest (here: the last recorded).
    assert [win.title for win in found.wins] == ["Shorter queue", "Invoices keyed once", "No figures yet"]
    assert found.wins_total == 3
    assert {win.title for win in found.wins}.isdisjoint({"A happier team", "Someone else's win"})
    assert [clipping.title for clipping in found.clippings] == ["Airline cuts rework"]
    shorter = next(win for win in found.wins if win.title == "Shorter queue")
    assert shorter.figure == "40 min → 5 min" and shorter.benefits == ["Time saved"]


def test_scores_evidence_counts_the_trend_by_month_and_open_complaints_by_age(campaign, other_campaign):
    FeedbackFactory(campaign=campaign, received_on=TODAY - timedelta(days=2), action="Calling them back")
    FeedbackFactory(campaign=campaign, received_on=TODAY - timedelta(days=10))
    FeedbackFactory(campaign=campaign, received_on=TODAY - timedelta(days=40), action="New courier from Monday")
    FeedbackFactory(campaign=campaign, received_on=TODAY - timedelta(days=120), summary="Lost parcel, still open")
    FeedbackFactory(campaign=campaign, received_on=TODAY - timedelta(days=5), status="resolved", resolved_on=TODAY)
    FeedbackFactory(campaign=campaign, kind="compliment", severity="", received_on=TODAY - timedelta(days=1))
    FeedbackFactory(campaign=other_campaign, received_on=TODAY - timedelta(days=3))

    found = evidence.evidence(campaign, EvidenceKind.SCORES, today=TODAY)

    assert [m.month for m in found.trend] == [date(2026, month, 1) for month in range(6, 12)]
    november = found.trend[-1]
    assert (november.complaints, november.compliments) == (3, 1)  # 2, 10 and 5 days ago; the 40-day one is October
    assert found.trend[-2].complaints == 1
    assert found.ages == [("Under a week", 1), ("1 to 4 weeks", 1), ("1 to 3 months", 1), ("Over 3 months", 1)]
    assert found.open_total == 4 and found.open_without_action == 2
    assert found.oldest[0].summary == "Lost parcel, still open"
    assert found.oldest[0].days_open == 120
    assert len(found.listed_complaints_without_action) == 2


def test_bottom_line_evidence_shows_revenue_wins_and_the_goals_they_serve(campaign):
    goal = GoalFactory(campaign=campaign, title="Keep our trade customers")
    won(campaign, "Quotes in a day", ["revenue"], goal=goal)
    won(campaign, "Saved the Acme account", ["retention"], goal=goal)
    won(campaign, "Tidier forms", ["time_saved"])
    GoalFactory(campaign=campaign, title="Be known for fixing things")

    found = evidence.evidence(campaign, EvidenceKind.BOTTOM_LINE, today=TODAY)

    assert {win.title for win in found.wins} == {"Quotes in a day", "Saved the Acme account"}
    assert [(g.title, g.win_count) for g in found.goals] == [
        ("Keep our trade customers", 2),
        ("Be known for fixing things", 0),
    ]


def test_bottom_line_evidence_says_where_a_measured_goals_latest_reading_stands_against_its_line(
    campaign, django_assert_num_queries
):
    from decimal import Decimal

    from campaign.models import Goal, GoalReading

    measured = GoalFactory(
        campaign=campaign,
        title="Repeat orders",
        unit="%",
        direction=Goal.Direction.UP,
        baseline_value=Decimal("40"),
        baseline_on=TODAY - timedelta(days=365),
        target_value=Decimal("50"),
        target_on=TODAY + timedelta(days=365),
    )
    GoalReading.objects.create(goal=measured, taken_on=TODAY - timedelta(days=10), value=Decimal("38"))
    GoalFactory(campaign=campaign, title="Be known for fixing things")

    with django_assert_num_queries(1):
        goals = evidence._goals(campaign, TODAY)

    readings = {goal.title: goal.reading for goal in goals}
    assert "behind" in readings["Repeat orders"].lower()
    assert readings["Be known for fixing things"] == ""


def test_empty_evidence_says_it_is_empty(campaign):
    for kind in (EvidenceKind.COST, EvidenceKind.SCORES, EvidenceKind.BOTTOM_LINE):
        assert evidence.evidence(campaign, kind, today=TODAY).is_empty


def test_each_block_is_one_query_however_many_rows(campaign, django_assert_num_queries):
    for n in range(40):
        won(campaign, f"Win {n}", ["cost_saved", "revenue"], story_figure=f"{n} hours saved")
        ClippingFactory(campaign=campaign, benefits=["revenue", "cost_saved", "reputation"])
        FeedbackFactory(campaign=campaign, received_on=TODAY - timedelta(days=n * 5))
        GoalFactory(campaign=campaign)
    # cost: wins, clippings; scores: trend, ages, oldest, clippings; bottom line: wins, goals, clippings.
    with django_assert_num_queries(9):
        found = evidence.evidence_for(campaign, ["cost", "scores", "bottom_line", "none", "cost"], today=TODAY)
    assert len(found["cost"].wins) == evidence.WINS_SHOWN and found["cost"].wins_total == 40
    assert len(found["bottom_line"].goals) == evidence.GOALS_SHOWN
    assert len(found["scores"].clippings) == evidence.CLIPPINGS_SHOWN


def test_the_starter_objections_come_with_their_kind_of_evidence(db):
    campaign = Campaign.objects.create(name="Fresh", slug="fresh")
    objections_prefill(campaign=campaign)
    kinds = dict(Objection.objects.filter(campaign=campaign).values_list("objection", "evidence_kind"))
    for text, kind in STARTER_EVIDENCE_KINDS.items():
        assert kinds[text] == kind
    assert "none" in kinds.values()  # the one answered with words only


# --- The handbook form -----------------------------------------------------------------------------


def test_a_custom_objection_can_be_given_a_kind_of_evidence(client_for, champion, campaign):
    url = reverse("leadership:objection-list", kwargs={"slug": campaign.slug})
    data = {"objection": "Our margins are thin.", "response": "Wins here cost little.", "evidence_kind": "cost"}
    assert client_for(champion).post(url, data).status_code == 302
    assert Objection.objects.get(campaign=campaign, objection="Our margins are thin.").evidence_kind == "cost"


def test_an_unknown_kind_of_evidence_is_refused_with_a_clear_message(client_for, champion, campaign):
    url = reverse("leadership:objection-list", kwargs={"slug": campaign.slug})
    data = {"objection": "Our margins are thin.", "response": "Wins here cost little.", "evidence_kind": "vibes"}
    response = client_for(champion).post(url, data)
    assert response.status_code == 200
    assert "Choose one of the listed kinds of numbers, or none." in response.text
    assert not Objection.objects.filter(campaign=campaign, objection="Our margins are thin.").exists()


# --- The leader's page -----------------------------------------------------------------------------


def leader_url(leader, name="leader-detail"):
    return reverse(f"leadership:{name}", kwargs={"slug": leader.campaign.slug, "pk": leader.pk})


@pytest.fixture
def skeptic(campaign):
    """A leader who said service is a cost and that the scores are good."""
    leader = LeaderFactory(campaign=campaign, name="Rupert Vance", stance="skeptic")
    leader.objections.add(
        ObjectionFactory(campaign=campaign, objection="Service is a cost.", evidence_kind="cost"),
        ObjectionFactory(campaign=campaign, objection="Our scores are good.", evidence_kind="scores"),
        ObjectionFactory(campaign=campaign, objection="We tried it before.", evidence="The 2019 pilot."),
    )
    return leader


def test_the_leaders_page_answers_each_objection_with_its_current_evidence(client_for, champion, campaign, skeptic):
    won(campaign, "Invoices keyed once", ["cost_saved"], story_figure="2 hours a day saved")
    FeedbackFactory(campaign=campaign, summary="Waited a week for a callback", action="")

    html = client_for(champion).get(leader_url(skeptic)).text

    assert "Answers to what they raised" in html
    assert "“Service is a cost.”" in html and "Invoices keyed once" in html and "2 hours a day saved" in html
    assert "Open complaints by age" in html and "Waited a week for a callback" in html
    assert "nothing recorded yet" in html
    assert "The 2019 pilot." in html  # the written evidence of an answer without numbers


def test_a_leader_with_no_objections_gets_an_empty_state(client_for, champion, campaign):
    leader = LeaderFactory(campaign=campaign, name="Margaret Hale")
    html = client_for(champion).get(leader_url(leader)).text
    assert "No objections noted for Margaret Hale, so nothing to answer yet." in html


def test_evidence_with_no_figures_yet_says_what_would_fill_it(client_for, champion, campaign, skeptic):
    html = client_for(champion).get(leader_url(skeptic)).text
    assert "No figures to back it yet" in html


def test_a_viewer_reads_the_leaders_page_without_their_objections_or_preference(client_for, viewer, skeptic):
    html = client_for(viewer).get(leader_url(skeptic)).text
    assert skeptic.name in html
    assert "Service is a cost." not in html and "Answers to what they raised" not in html
    assert "How they like to be told" not in html


def test_the_leaders_page_stays_within_its_queries_with_many_rows(
    client_for, champion, campaign, skeptic, django_assert_max_num_queries
):
    skeptic.objections.add(
        ObjectionFactory(campaign=campaign, objection="The bottom line?", evidence_kind="bottom_line")
    )
    for n in range(30):
        won(campaign, f"Win {n}", ["cost_saved", "revenue"], story_figure=f"{n} hours")
        FeedbackFactory(campaign=campaign, received_on=campaign.today() - timedelta(days=n * 4))
        ClippingFactory(campaign=campaign, benefits=["reputation", "revenue", "cost_saved"])
        GoalFactory(campaign=campaign)
        skeptic.objections.add(ObjectionFactory(campaign=campaign))
    client = client_for(champion)
    # The page's 12 reads, and nine for the three kinds of evidence (each kind once, however many objections).
    with django_assert_max_num_queries(21):
        response = client.get(leader_url(skeptic))
    assert response.status_code == 200
    assert response.text.count('class="answer"') == 34


def test_another_campaigns_leader_is_404(client_for, champion, other_campaign):
    foreign = LeaderFactory(campaign=other_campaign)
    assert client_for(champion).get(leader_url(foreign)).status_code == 404
    response = client_for(champion).post(leader_url(foreign, "leader-leads-with"), {"leads_with": "wrong"})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.leads_with == LeadsWith.WELL


# --- How they like to be told ----------------------------------------------------------------------


def test_a_new_leader_hears_what_is_going_well_first(campaign):
    assert LeaderFactory(campaign=campaign).leads_with == LeadsWith.WELL


def test_a_champion_sets_how_a_leader_likes_to_be_told_on_their_page(client_for, champion, skeptic):
    response = client_for(champion).post(leader_url(skeptic, "leader-leads-with"), {"leads_with": "wrong"})
    assert response.status_code == 302
    skeptic.refresh_from_db()
    assert skeptic.leads_with == LeadsWith.WRONG
    assert "Lead with what is going wrong." in client_for(champion).get(leader_url(skeptic)).text


def test_the_preference_switch_answers_htmx_with_its_panel(client_for, champion, skeptic):
    response = client_for(champion).post(
        leader_url(skeptic, "leader-leads-with"), {"leads_with": "wrong"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section class="panel" id="leads-with"')
    assert "<html" not in response.text


def test_a_bad_preference_is_refused_with_a_clear_message(client_for, champion, skeptic):
    response = client_for(champion).post(
        leader_url(skeptic, "leader-leads-with"), {"leads_with": "sideways"}, headers={"HX-Request": "true"}
    )
    assert "Choose one of the two: lead with what is going well, or with what is going wrong." in response.text
    skeptic.refresh_from_db()
    assert skeptic.leads_with == LeadsWith.WELL


def test_a_viewer_cannot_change_the_preference(client_for, viewer, skeptic):
    response = client_for(viewer).post(leader_url(skeptic, "leader-leads-with"), {"leads_with": "wrong"})
    assert response.status_code == 403
    skeptic.refresh_from_db()
    assert skeptic.leads_with == LeadsWith.WELL


def test_the_leader_form_keeps_the_preference_and_can_change_it(client_for, champion, skeptic):
    url = leader_url(skeptic, "leader-edit")
    data = {"name": skeptic.name, "email": skeptic.email, "level": "top", "stance": "skeptic", "leads_with": "wrong"}
    assert client_for(champion).post(url, data).status_code == 302
    skeptic.refresh_from_db()
    assert skeptic.leads_with == LeadsWith.WRONG
    del data["leads_with"]  # left out: unchanged
    assert client_for(champion).post(url, data).status_code == 302
    skeptic.refresh_from_db()
    assert skeptic.leads_with == LeadsWith.WRONG


def test_the_handbook_says_which_answers_carry_live_numbers(client_for, viewer, campaign):
    ObjectionFactory(campaign=campaign, objection="Service is a cost.", evidence_kind="cost")
    ObjectionFactory(campaign=campaign, objection="Words only.")
    html = client_for(viewer).get(reverse("leadership:objection-list", kwargs={"slug": campaign.slug})).text
    assert html.count("With our numbers") == 1
    assert "Service is a cost: won stories, their before and after, what they saved" in html
