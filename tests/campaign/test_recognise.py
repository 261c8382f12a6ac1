"""The wins board's "Recognise" section: the people the middle named, planned and marked celebrated."""

from datetime import date

import pytest
from django.urls import reverse

from campaign.models import Nomination
from tests.factories import AllyFactory

Status = Nomination.Status


@pytest.fixture
def nomination(campaign):
    ally = AllyFactory(campaign=campaign, name="Mira Patel")
    return Nomination.objects.create(
        campaign=campaign,
        person="Sam Ortiz",
        what="Cleared the refunds queue",
        nominated_by=ally,
        department=ally.department,
    )


def act_url(nomination):
    return reverse("campaign:nomination-act", kwargs={"slug": nomination.campaign.slug, "pk": nomination.pk})


def board_url(campaign):
    return reverse("campaign:board", kwargs={"slug": campaign.slug})


def test_the_board_shows_an_empty_recognise_section(client_for, viewer, campaign):
    response = client_for(viewer).get(board_url(campaign))
    assert "Nobody to recognise yet" in response.text


def test_the_board_shows_who_to_recognise_and_a_viewer_gets_no_buttons(client_for, viewer, nomination):
    response = client_for(viewer).get(board_url(nomination.campaign))
    assert "Sam Ortiz" in response.text
    assert "Cleared the refunds queue" in response.text
    assert "Nominated by Mira Patel" in response.text
    assert act_url(nomination) not in response.text


def test_a_champion_plans_it_with_a_date_then_marks_it_celebrated(client_for, champion, nomination):
    client = client_for(champion)
    response = client.post(act_url(nomination), {"action": "plan", "planned_on": "2026-12-18"}, follow=True)
    assert "Recognising Sam Ortiz: planned." in response.text
    nomination.refresh_from_db()
    assert (nomination.status, nomination.planned_on) == (Status.PLANNED, date(2026, 12, 18))
    assert "planned for 18 Dec" in response.text
    client.post(act_url(nomination), {"action": "celebrate"})
    nomination.refresh_from_db()
    assert nomination.status == Status.CELEBRATED and nomination.celebrated_on is not None
    assert f"nomination-{nomination.pk}" not in client.get(board_url(nomination.campaign)).text


def test_an_htmx_action_returns_the_board_region(client_for, champion, nomination):
    response = client_for(champion).post(act_url(nomination), {"action": "set_aside"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="board">')
    nomination.refresh_from_db()
    assert nomination.status == Status.SET_ASIDE


def test_a_bad_action_or_a_finished_one_says_why_and_changes_nothing(client_for, champion, nomination):
    client = client_for(champion)
    response = client.post(act_url(nomination), {"action": "promote"}, follow=True)
    assert "Select a valid choice" in response.text
    nomination.status = Status.CELEBRATED
    nomination.save()
    response = client.post(act_url(nomination), {"action": "plan"}, follow=True)
    assert "Sam Ortiz is celebrated already." in response.text
    nomination.refresh_from_db()
    assert nomination.status == Status.CELEBRATED


def test_a_viewer_cannot_act_and_another_campaigns_nomination_is_404(client_for, viewer, outsider, nomination):
    assert client_for(viewer).post(act_url(nomination), {"action": "plan"}).status_code == 403
    other = reverse("campaign:nomination-act", kwargs={"slug": "other", "pk": nomination.pk})
    assert client_for(outsider).post(other, {"action": "plan"}).status_code == 404
    nomination.refresh_from_db()
    assert nomination.status == Status.CANDIDATE
