"""The demo shows the middle's check-in: a closed round and an open one, with answers and what they became."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from allies.models import CheckinAnswer, CheckinRound
from campaign.models import Campaign, MemberDelivery, Nomination

User = get_user_model()


@pytest.fixture(autouse=True)
def _debug_on(settings):
    settings.DEBUG = True


def snapshot(campaign):
    return (
        list(CheckinRound.objects.filter(campaign=campaign).values_list("period_start", "period_end")),
        sorted(CheckinAnswer.objects.filter(invite__round__campaign=campaign).values_list("question", "text")),
        sorted(Nomination.objects.filter(campaign=campaign).values_list("person", "status")),
        campaign.problems.filter(from_the_middle=True).count(),
        MemberDelivery.objects.filter(campaign=campaign, template="middle-checkin").count(),
    )


def test_the_demo_has_a_middle_round_with_answers_and_is_idempotent(db, client):
    call_command("seed_demo")
    campaign = Campaign.objects.get(slug="demo")
    first = snapshot(campaign)
    call_command("seed_demo")
    assert snapshot(campaign) == first
    rounds, answers, nominations, from_the_middle, _mails = first
    assert len(rounds) == 2
    assert {question for question, _text in answers} == {"praise", "suggestion", "roadblock"}
    assert {status for _person, status in nominations} == {"candidate", "planned", "celebrated"}
    assert from_the_middle >= 3
    assert campaign.problems.filter(from_the_middle=True, is_roadblock=True).exists()
    assert not MemberDelivery.objects.filter(template="middle-checkin").exclude(status="sent").exists()
    champion = User.objects.get(username="demo-champion")
    client.force_login(champion, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("allies:checkin-list", kwargs={"slug": "demo"}))
    assert page.status_code == 200 and "Closed" in page.text and "Open" in page.text
    board = client.get(reverse("campaign:board", kwargs={"slug": "demo"}))
    assert "Rosa Ito" in board.text
