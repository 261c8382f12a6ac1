"""Leaders, the engagement log, the objection handbook, clippings and benchmarking visits."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import ServiceProblem
from campaign.services import campaign_create
from leadership.models import Engagement, Leader, Objection, VisitAction
from leadership.services import objections_prefill, visit_action_promote
from leadership.starter import STARTER_OBJECTIONS
from tests.factories import (
    BenchmarkVisitFactory,
    EngagementFactory,
    LeaderFactory,
    ObjectionFactory,
    UserFactory,
)


def url(name, campaign, **kwargs):
    return reverse(f"leadership:{name}", kwargs={"slug": campaign.slug, **kwargs})


def leader_data(**overrides):
    data = {
        "name": "Rupert Vance",
        "email": "rupert@example.com",
        "title": "CFO",
        "level": "top",
        "stance": "skeptic",
        "wiifm": ["budget", "efficiency"],
        "wiifm_note": "Must pay back within the year",
    }
    return {**data, **overrides}


# --- Leaders ---------------------------------------------------------------------------------------


def test_champion_adds_a_leader_with_what_they_value(client_for, champion, campaign):
    response = client_for(champion).post(url("leader-new", campaign), leader_data())
    leader = Leader.objects.get(campaign=campaign)
    assert response.status_code == 302
    assert response.url == leader.get_absolute_url()
    assert leader.wiifm == ["budget", "efficiency"]
    assert leader.wiifm_labels() == ["Budget", "Efficiency targets"]


def test_an_invalid_email_is_refused_with_a_message_beside_the_field(client_for, champion, campaign):
    response = client_for(champion).post(url("leader-new", campaign), leader_data(email="not-an-email"))
    assert response.status_code == 200
    assert "Enter a valid email address." in response.text
    assert not Leader.objects.exists()


def test_a_second_leader_with_the_same_email_is_refused_whatever_the_case(client_for, champion, campaign):
    LeaderFactory(campaign=campaign, email="rupert@example.com")
    response = client_for(champion).post(url("leader-new", campaign), leader_data(email="Rupert@Example.com"))
    assert "already has this email address" in response.text
    assert Leader.objects.count() == 1


def test_the_same_email_may_be_a_leader_in_another_campaign(client_for, champion, campaign, other_campaign):
    LeaderFactory(campaign=other_campaign, email="rupert@example.com")
    response = client_for(champion).post(url("leader-new", campaign), leader_data())
    assert response.status_code == 302


def test_an_unknown_wiifm_value_is_refused(client_for, champion, campaign):
    response = client_for(champion).post(url("leader-new", campaign), leader_data(wiifm=["golf"]))
    assert response.status_code == 200
    assert "Select a valid choice" in response.text


def test_the_owner_must_be_a_member_of_the_campaign(client_for, champion, campaign):
    stranger = UserFactory()
    response = client_for(champion).post(url("leader-new", campaign), leader_data(owner=stranger.pk))
    assert response.status_code == 200
    assert not Leader.objects.exists()


def test_html_in_a_leader_name_is_escaped_on_the_list(client_for, viewer, campaign):
    LeaderFactory(campaign=campaign, name="<script>alert(1)</script>")
    response = client_for(viewer).get(url("leader-list", campaign))
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_the_list_shows_stance_wiifm_and_last_engaged(client_for, champion, campaign):
    leader = LeaderFactory(campaign=campaign, name="Margaret Hale", stance="supporter", wiifm=["reputation"])
    EngagementFactory(leader=leader, happened_on=timezone.localdate() - timedelta(days=3))
    EngagementFactory(leader=leader, happened_on=timezone.localdate() - timedelta(days=40))
    response = client_for(champion).get(url("leader-list", campaign))
    page_leader = response.context["page"].object_list[0]
    assert page_leader.last_engaged == timezone.localdate() - timedelta(days=3)
    assert "Supporter" in response.text
    assert "Reputation" in response.text


def test_not_engaged_filter_keeps_leaders_quiet_for_that_long_or_never_engaged(client_for, viewer, campaign):
    recent = LeaderFactory(campaign=campaign, name="Recent")
    EngagementFactory(leader=recent, happened_on=timezone.localdate() - timedelta(days=5))
    quiet = LeaderFactory(campaign=campaign, name="Quiet")
    EngagementFactory(leader=quiet, happened_on=timezone.localdate() - timedelta(days=45))
    never = LeaderFactory(campaign=campaign, name="Never")
    response = client_for(viewer).get(url("leader-list", campaign), {"quiet": "30"})
    assert {leader.pk for leader in response.context["page"].object_list} == {quiet.pk, never.pk}
    response = client_for(viewer).get(url("leader-list", campaign))
    assert len(response.context["page"].object_list) == 3
    assert recent.pk in {leader.pk for leader in response.context["page"].object_list}


def test_leader_list_queries_stay_flat_with_many_leaders(client_for, viewer, campaign, django_assert_max_num_queries):
    objection = ObjectionFactory(campaign=campaign)
    owner = UserFactory()
    for _ in range(30):
        leader = LeaderFactory(campaign=campaign, owner=owner)
        leader.objections.add(objection)
        EngagementFactory(leader=leader)
    client = client_for(viewer)
    with django_assert_max_num_queries(9):
        response = client.get(url("leader-list", campaign))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 25


def test_another_campaigns_leader_is_404(client_for, admin_user, campaign, other_campaign):
    foreign = LeaderFactory(campaign=other_campaign)
    client = client_for(admin_user)
    assert client.get(url("leader-detail", campaign, pk=foreign.pk)).status_code == 404
    assert client.post(url("leader-edit", campaign, pk=foreign.pk), leader_data()).status_code == 404
    assert client.post(url("engagement-add", campaign, pk=foreign.pk), {}).status_code == 404


def test_viewer_cannot_add_a_leader(client_for, viewer, campaign):
    assert client_for(viewer).post(url("leader-new", campaign), leader_data()).status_code == 403
    assert not Leader.objects.exists()


def test_removing_a_leader_asks_first(client_for, champion, campaign):
    leader = LeaderFactory(campaign=campaign)
    client = client_for(champion)
    response = client.get(url("leader-delete", campaign, pk=leader.pk))
    assert "This cannot be undone." in response.text
    assert Leader.objects.exists()
    client.post(url("leader-delete", campaign, pk=leader.pk))
    assert not Leader.objects.exists()


# --- Engagement log ---------------------------------------------------------------------------------


def test_logging_an_engagement_with_htmx_returns_the_log(client_for, champion, campaign):
    leader = LeaderFactory(campaign=campaign)
    data = {"kind": "recognition", "recognition": "handshake", "happened_on": "2026-11-01", "outcome": "attended"}
    response = client_for(champion).post(url("engagement-add", campaign, pk=leader.pk), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="engagement-log"' in response.text
    assert "<html" not in response.text
    engagement = Engagement.objects.get()
    assert (engagement.leader, engagement.campaign, engagement.recorded_by) == (leader, campaign, champion)


def test_logging_an_engagement_without_htmx_redirects_to_the_leader(client_for, champion, campaign):
    leader = LeaderFactory(campaign=campaign)
    data = {"kind": "pitch", "happened_on": "2026-11-01", "outcome": "accepted"}
    response = client_for(champion).post(url("engagement-add", campaign, pk=leader.pk), data)
    assert response.status_code == 302
    assert response.url == leader.get_absolute_url()


def test_a_recognition_detail_on_another_kind_is_refused(client_for, champion, campaign):
    leader = LeaderFactory(campaign=campaign)
    data = {"kind": "pitch", "recognition": "photo", "happened_on": "2026-11-01", "outcome": "accepted"}
    response = client_for(champion).post(url("engagement-add", campaign, pk=leader.pk), data, HTTP_HX_REQUEST="true")
    assert "Only a recognition moment" in response.text
    assert not Engagement.objects.exists()


# --- Objection handbook -----------------------------------------------------------------------------


def test_a_new_campaign_starts_with_the_five_starter_objections(db):
    campaign = campaign_create(name="Fresh", slug="fresh", creator=UserFactory())
    objections = list(Objection.objects.filter(campaign=campaign))
    assert len(objections) == len(STARTER_OBJECTIONS) == 5
    assert all(objection.response and objection.evidence for objection in objections)


def test_prefilling_twice_adds_nothing_and_keeps_the_campaigns_own(campaign):
    ObjectionFactory(campaign=campaign, objection="Our service is excellent.", response="Our own answer")
    objections_prefill(campaign=campaign)
    objections_prefill(campaign=campaign)
    assert Objection.objects.filter(campaign=campaign).count() == 5
    assert Objection.objects.get(campaign=campaign, objection__iexact="our service is excellent.").response == (
        "Our own answer"
    )


def test_champion_extends_the_handbook(client_for, champion, campaign):
    data = {"objection": "We tried this in 2019.", "response": "What we learned then helps us now.", "evidence": ""}
    response = client_for(champion).post(url("objection-list", campaign), data)
    assert response.status_code == 302
    assert Objection.objects.filter(campaign=campaign, objection="We tried this in 2019.").exists()


def test_a_duplicate_objection_is_refused(client_for, champion, campaign):
    ObjectionFactory(campaign=campaign, objection="Service is a cost.")
    data = {"objection": "service is a cost.", "response": "Another answer."}
    response = client_for(champion).post(url("objection-list", campaign), data)
    assert "already answers this objection" in response.text


# --- Clippings and benchmarking visits --------------------------------------------------------------


def test_champion_adds_a_clipping_tagged_with_what_it_speaks_to(client_for, champion, campaign):
    data = {
        "title": "Parcel firm loses its biggest client",
        "source": "https://example.com/news",
        "kind": "disaster",
        "summary": "Invoices nobody understood.",
        "benefits": ["cost_saved"],
    }
    response = client_for(champion).post(url("clipping-list", campaign), data)
    assert response.status_code == 302
    clipping = campaign.clippings.get()
    assert clipping.benefits == ["cost_saved"]
    assert clipping.created_by == champion


def test_a_visit_report_keeps_its_will_apply_items_in_order(client_for, champion, campaign):
    data = {
        "organisation": "Harbour Foods",
        "visited_on": "2026-10-01",
        "who_went": "Two champions",
        "saw": "Dispatch and support at one desk.",
        "learned": "One view of late loads.",
        "actions_text": "Share the dispatch board\n\nText customers about late loads\n",
    }
    response = client_for(champion).post(url("visit-new", campaign), data)
    visit = campaign.benchmark_visits.get()
    assert response.url == visit.get_absolute_url()
    assert [a.text for a in visit.actions.all()] == ["Share the dispatch board", "Text customers about late loads"]


def test_editing_a_visit_keeps_items_already_on_the_wins_board(client_for, champion, campaign):
    visit = BenchmarkVisitFactory(campaign=campaign)
    kept = visit.actions.create(text="Share the dispatch board")
    visit_action_promote(action=kept, by=champion)
    visit.actions.create(text="Dropped idea", position=1)
    data = {
        "organisation": visit.organisation,
        "visited_on": "2026-10-01",
        "who_went": "x",
        "saw": "x",
        "learned": "x",
        "actions_text": "A new idea",
    }
    client_for(champion).post(url("visit-edit", campaign, pk=visit.pk), data)
    assert set(visit.actions.values_list("text", flat=True)) == {"Share the dispatch board", "A new idea"}


def test_a_will_apply_item_becomes_a_backlog_problem_once(client_for, champion, campaign):
    visit = BenchmarkVisitFactory(campaign=campaign, organisation="Harbour Foods")
    action = visit.actions.create(text="Share the dispatch board")
    client = client_for(champion)
    response = client.post(url("visit-action-promote", campaign, pk=action.pk), HTTP_HX_REQUEST="true")
    assert 'id="visit-actions"' in response.text
    client.post(url("visit-action-promote", campaign, pk=action.pk))
    problem = ServiceProblem.objects.get(campaign=campaign)
    assert problem.status == ServiceProblem.Status.BACKLOG
    assert "Harbour Foods" in problem.description
    assert VisitAction.objects.get(pk=action.pk).problem == problem


def test_another_campaigns_visit_item_cannot_be_promoted(client_for, admin_user, campaign, other_campaign):
    action = BenchmarkVisitFactory(campaign=other_campaign).actions.create(text="Theirs")
    response = client_for(admin_user).post(url("visit-action-promote", campaign, pk=action.pk))
    assert response.status_code == 404
    assert not ServiceProblem.objects.exists()


@pytest.mark.parametrize("name", ["objection-list", "clipping-list", "visit-list", "leader-list"])
def test_empty_pages_say_what_to_do(client_for, viewer, campaign, name):
    Objection.objects.filter(campaign=campaign).delete()
    response = client_for(viewer).get(url(name, campaign))
    assert 'class="empty"' in response.text


def test_a_mistaken_log_entry_can_be_removed_after_confirming(client_for, champion, campaign):
    engagement = EngagementFactory(leader=LeaderFactory(campaign=campaign))
    path = url("engagement-delete", campaign, pk=engagement.leader_id, engagement_pk=engagement.pk)
    client = client_for(champion)
    assert "This cannot be undone." in client.get(path).text
    response = client.post(path)
    assert response.url == engagement.leader.get_absolute_url()
    assert not Engagement.objects.exists()


def test_another_leaders_log_entry_is_404_under_this_leader(client_for, champion, campaign):
    engagement = EngagementFactory(leader=LeaderFactory(campaign=campaign))
    other = LeaderFactory(campaign=campaign)
    path = url("engagement-delete", campaign, pk=other.pk, engagement_pk=engagement.pk)
    assert client_for(champion).post(path).status_code == 404
