"""Pickers that search (campaign/pickers.py) and the allies' search endpoint behind them."""

import pytest
from django.urls import reverse

from allies.models import Ally
from campaign.models import ServiceProblem
from tests.factories import AllyFactory, DepartmentFactory, ServiceProblemFactory


def pick_url(campaign):
    return reverse("allies:ally-pick", kwargs={"slug": campaign.slug})


def problem_new(campaign):
    return reverse("campaign:problem-new", kwargs={"slug": campaign.slug})


@pytest.fixture
def many_allies(campaign):
    """600 allies in Sales, "Ally 0000" to "Ally 0599", and a Priya in Finance."""
    sales = DepartmentFactory(campaign=campaign, name="Sales")
    Ally.objects.bulk_create(
        Ally(campaign=campaign, name=f"Ally {i:04d}", department=sales, email=f"a{i}@example.com") for i in range(600)
    )
    return AllyFactory(
        campaign=campaign, name="Priya Shah", department=DepartmentFactory(campaign=campaign, name="R&D")
    )


def test_the_search_answers_the_first_matches_with_their_department(client_for, champion, campaign, many_allies):
    html = (
        client_for(champion).get(pick_url(campaign), {"field": "people", "multiple": "1", "people_q": "ally 01"}).text
    )
    assert html.count('type="checkbox" name="people"') == 20
    assert "Ally 0100 (Sales)" in html and "Ally 0119 (Sales)" in html and "Ally 0120" not in html
    assert "The first 20 matches" in html


def test_the_search_keeps_the_chosen_ticked_above_the_matches(client_for, champion, campaign, many_allies):
    params = {"field": "people", "multiple": "1", "people_q": "priya", "people": [str(many_allies.pk)]}
    html = client_for(champion).get(pick_url(campaign), params).text
    assert f'value="{many_allies.pk}" checked> Priya Shah (R&amp;D)' in html
    assert html.count("Priya Shah") == 1  # chosen, so not offered again
    assert "Nobody matches" not in html


def test_a_short_or_unmatched_search_says_so(client_for, champion, campaign, many_allies):
    client = client_for(champion)
    assert 'name="people"' not in client.get(pick_url(campaign), {"field": "people", "people_q": "a"}).text
    html = client.get(pick_url(campaign), {"field": "people", "people_q": "<zed>"}).text
    assert "Nobody matches “&lt;zed&gt;”." in html


def test_the_search_never_finds_another_campaigns_allies(client_for, champion, campaign, other_campaign):
    AllyFactory(campaign=other_campaign, name="Foreign Fiona")
    foreign = AllyFactory(campaign=other_campaign, name="Foreign Fred")
    params = {"field": "people", "multiple": "1", "people_q": "foreign", "people": [str(foreign.pk)]}
    html = client_for(champion).get(pick_url(campaign), params).text
    assert "Nobody matches “foreign”." in html
    assert "Fiona" not in html and "Fred" not in html and "checked" not in html


def test_the_search_asks_for_a_field_name_it_can_use(client_for, champion, campaign):
    assert client_for(champion).get(pick_url(campaign), {"field": '"><script>'}).status_code == 400


def test_the_search_is_for_champions_of_the_campaign(client_for, viewer, outsider, campaign):
    params = {"field": "people", "people_q": "ally"}
    assert client_for(viewer).get(pick_url(campaign), params).status_code == 403
    assert client_for(outsider).get(pick_url(campaign), params).status_code == 404


def test_the_search_reads_a_fixed_number_of_queries(
    client_for, champion, campaign, many_allies, django_assert_max_num_queries
):
    client = client_for(champion)
    chosen = [str(pk) for pk in Ally.objects.filter(campaign=campaign).values_list("pk", flat=True)[:50]]
    with django_assert_max_num_queries(6):  # session, user, memberships; chosen; matches
        response = client.get(pick_url(campaign), {"field": "people", "people_q": "ally", "people": chosen})
    assert response.status_code == 200


def test_the_problem_form_carries_no_list_of_allies(
    client_for, champion, campaign, many_allies, django_assert_max_num_queries
):
    client = client_for(champion)
    with django_assert_max_num_queries(12):
        html = client.get(problem_new(campaign)).text
    assert "Ally 0" not in html
    assert '<label for="id_people_q" class="picker__label">Find by name</label>' in html
    assert f'hx-get="{pick_url(campaign)}?field=people&amp;multiple=1"' in html


def test_find_without_javascript_shows_the_matches_and_saves_nothing(client_for, champion, campaign, many_allies):
    data = {"title": "Slow refunds", "difficulty": "easy", "impact": "medium", "people_q": "priya", "_pick": "people"}
    response = client_for(champion).post(problem_new(campaign), data)
    assert response.status_code == 200
    assert not ServiceProblem.objects.filter(title="Slow refunds").exists()
    assert f'name="people" value="{many_allies.pk}"> Priya Shah (R&amp;D)' in response.text
    assert 'value="Slow refunds"' in response.text  # what was typed stays
    assert "errorlist" not in response.text


def test_the_chosen_people_are_saved_and_a_foreign_ally_is_refused(client_for, champion, campaign, other_campaign):
    mine, foreign = AllyFactory(campaign=campaign), AllyFactory(campaign=other_campaign)
    client = client_for(champion)
    data = {"title": "Slow refunds", "difficulty": "easy", "impact": "medium", "people": [mine.pk, foreign.pk]}
    refused = client.post(problem_new(campaign), data)
    assert refused.status_code == 200 and "is not one of the available choices" in refused.text
    data["people"] = [mine.pk]
    assert client.post(problem_new(campaign), data).status_code == 302
    assert list(ServiceProblem.objects.get(title="Slow refunds").people.all()) == [mine]


def test_the_story_form_shows_the_people_already_on_the_problem(client_for, champion, campaign):
    ally = AllyFactory(campaign=campaign, name="Sam <Ops>")
    problem = ServiceProblemFactory(campaign=campaign, status=ServiceProblem.Status.IN_PROGRESS)
    problem.people.add(ally)
    html = client_for(champion).get(reverse("campaign:problem-story", args=[campaign.slug, problem.pk])).text
    assert f'<input type="checkbox" name="people" value="{ally.pk}" checked> Sam &lt;Ops&gt;' in html


def test_the_edit_form_ticks_exactly_the_people_on_the_problem(client_for, champion, campaign, many_allies):
    chosen = list(Ally.objects.filter(name__in=["Ally 0007", "Ally 0420"]).order_by("name"))
    problem = ServiceProblemFactory(campaign=campaign)
    problem.people.set(chosen)
    html = client_for(champion).get(reverse("campaign:problem-edit", args=[campaign.slug, problem.pk])).text
    assert html.count('name="people"') == 2 and html.count(" checked>") == 2
    assert f'<input type="checkbox" name="people" value="{chosen[0].pk}" checked> Ally 0007 (Sales)' in html
