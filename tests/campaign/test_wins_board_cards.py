"""The board's cards (templates/campaign/_board_cards.jinja): every kind reads right, every value escaped."""

import re

import pytest
from django.urls import reverse

from campaign.models import ServiceProblem
from tests.factories import AllyFactory, DepartmentFactory, GoalFactory, ServiceProblemFactory, UserFactory

S = ServiceProblem.Status
STORY = {"story_what": "Fixed the form", "story_before": "Calls", "story_after": "No calls"}


def squash(html):
    """Whitespace between tags and runs of it inside text do not change the page."""
    return re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html))).strip()


def cards_of(campaign, status):
    cards = list(ServiceProblem.objects.column(campaign, status))
    for card in cards:
        card.detail_url = reverse("campaign:problem-detail", kwargs={"slug": campaign.slug, "pk": card.pk})
        card.move_url = reverse("campaign:problem-move", kwargs={"slug": campaign.slug, "pk": card.pk})
    return cards


@pytest.fixture
def every_kind_of_card(campaign):
    goal = GoalFactory(campaign=campaign, title='Win back "Harbour" & <Co>')
    department = DepartmentFactory(campaign=campaign, name="Billing & Accounts")
    named = UserFactory(username="nia", first_name="Nia", last_name="O'Neil")
    nameless = UserFactory(username="x<y>", first_name="", last_name="")
    people = ServiceProblemFactory(campaign=campaign, title="<b>Bold</b> 'quoted' & \"double\"", owner=named)
    people.people.add(*[p.pk for p in _allies(campaign, 2)])
    one = ServiceProblemFactory(campaign=campaign, title="One person", difficulty="hard", impact="high")
    one.people.add(_allies(campaign, 1)[0].pk)
    ServiceProblemFactory(campaign=campaign, title="Aimed", goal=goal, department=department, owner=nameless)
    ServiceProblemFactory(campaign=campaign, title="Roadblocked", is_roadblock=True, roadblock_ask="Budget")
    ServiceProblemFactory(campaign=campaign, title="Started", status=S.IN_PROGRESS, started_on="2026-11-01")
    ServiceProblemFactory(campaign=campaign, status=S.WON, won_on="2026-11-02", celebrated_on="2026-11-03", **STORY)
    ServiceProblemFactory(campaign=campaign, status=S.WON, won_on="2026-11-04", goal=goal, **STORY)
    ServiceProblemFactory(campaign=campaign, status=S.DROPPED, dropped_on="2026-11-05")
    return campaign


def _allies(campaign, n):
    return [AllyFactory(campaign=campaign) for _ in range(n)]


def board(client, campaign):
    return client.get(reverse("campaign:board", kwargs={"slug": campaign.slug})).content.decode()


def test_every_kind_of_card_reads_right_and_escapes_its_values(client_for, viewer, every_kind_of_card):
    page = squash(board(client_for(viewer), every_kind_of_card))
    assert "<b>Bold</b>" not in page
    assert "&lt;b&gt;Bold&lt;/b&gt; &#39;quoted&#39; &amp; &#34;double&#34;" in page
    assert "Aims at<strong>Win back &#34;Harbour&#34; &amp; &lt;Co&gt;</strong>" in page
    assert "Billing &amp; Accounts · x&lt;y&gt;" in page  # a nameless owner by username
    assert "Nia O&#39;Neil · 2 people" in page and "No owner · 1 person" in page
    assert '<span class="tag tag--hard">Hard</span>' in page
    assert '<span class="tag tag--roadblock">Roadblock</span>' in page
    assert '<span class="tag tag--celebrated">Celebrated</span>' in page
    assert '<span class="tag tag--waiting">Not celebrated yet</span>' in page
    assert page.count('<p class="card__flag">Suggested next</p>') == 3
    assert 'class="card__moves"' not in page and 'name="to"' not in page  # a viewer gets no move buttons


def test_the_board_draws_cards_with_move_forms_for_a_champion(client_for, champion, every_kind_of_card):
    campaign = every_kind_of_card
    problem = ServiceProblem.objects.get(title="Started")
    page = client_for(champion).get(reverse("campaign:board", kwargs={"slug": campaign.slug})).content.decode()
    move_url = reverse("campaign:problem-move", kwargs={"slug": campaign.slug, "pk": problem.pk})
    assert f'action="{move_url}"' in page
    assert 'aria-label="Won: Started"' in page
    assert page.count('name="csrfmiddlewaretoken"') >= 8
    assert "&lt;b&gt;Bold&lt;/b&gt;" in page


def test_a_columns_move_forms_share_one_csrf_token_that_moves_a_card(client, champion, every_kind_of_card):
    """Each column's cards carry the token masked once (masking it afresh for every card cost 0.1 ms a card)."""
    campaign = every_kind_of_card
    client.force_login(champion)
    page = board(client, campaign)
    backlog = page[page.index('id="problem-') : page.index("Started")]
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', backlog)
    assert len(tokens) >= 4 and len(set(tokens)) == 1
    problem = ServiceProblem.objects.get(title="Aimed")
    client.handler.enforce_csrf_checks = True
    move = reverse("campaign:problem-move", kwargs={"slug": campaign.slug, "pk": problem.pk})
    assert client.post(move, {"to": S.IN_PROGRESS, "csrfmiddlewaretoken": tokens[0]}).status_code == 302
    problem.refresh_from_db()
    assert problem.status == S.IN_PROGRESS


def test_the_roadblock_panel_links_each_roadblock_and_its_clear_form(client_for, champion, every_kind_of_card):
    campaign = every_kind_of_card
    problem = ServiceProblem.objects.get(title="Roadblocked")
    page = client_for(champion).get(reverse("campaign:board", kwargs={"slug": campaign.slug})).content.decode()
    detail = reverse("campaign:problem-detail", kwargs={"slug": campaign.slug, "pk": problem.pk})
    clear = reverse("campaign:problem-roadblock-clear", kwargs={"slug": campaign.slug, "pk": problem.pk})
    assert f'<a href="{detail}">Roadblocked</a>' in page
    assert f'action="{clear}" hx-post="{clear}"' in page
    assert "The ask: Budget" in page


def test_a_column_narrowed_from_the_boards_query_is_the_column(every_kind_of_card):
    campaign = every_kind_of_card
    cards = ServiceProblem.objects.filter(campaign=campaign).for_cards()
    for status in S.values:
        assert list(cards.in_column(status)) == list(ServiceProblem.objects.column(campaign, status))
