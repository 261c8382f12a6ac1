import csv
import io

import pytest
from django.urls import reverse

from tests.factories import AllyFactory, DepartmentFactory, PersonaCardFactory, WorkshopFactory
from tests.personas.helpers import bulk_cards


def gallery(campaign):
    return reverse("personas:card-list", kwargs={"slug": campaign.slug})


@pytest.fixture
def crafted(campaign, champion):
    """Two departments, two allies, four cards: enough to tell every filter apart."""
    # A fixed name: the writer search matches members' names too, and a random one could contain "so".
    champion.first_name, champion.last_name = "Chris", "Tanner"
    champion.save()
    finance = DepartmentFactory(campaign=campaign, name="Finance")
    sales = DepartmentFactory(campaign=campaign, name="Sales")
    fay = AllyFactory(campaign=campaign, name="Fay", department=finance)
    sol = AllyFactory(campaign=campaign, name="Sol", department=sales)
    session = WorkshopFactory(campaign=campaign)
    cards = {
        "invoice": PersonaCardFactory(
            campaign=campaign, writer_ally=fay, persona_name="Ivy", role="Sales rep", department_served=sales
        ),
        "quote": PersonaCardFactory(
            campaign=campaign, writer_ally=sol, persona_name="Quinn", role="Buyer", scope="outside", workshop=session
        ),
        "budget": PersonaCardFactory(
            campaign=campaign, writer_ally=sol, persona_name="Bea", role="Controller", department_served=finance
        ),
        "mine": PersonaCardFactory(
            campaign=campaign, writer_member=champion, persona_name="Mo", role="Analyst", scope="outside"
        ),
    }
    return {"finance": finance, "sales": sales, "fay": fay, "sol": sol, "session": session, **cards}


def names(response):
    return sorted(card.persona_name for card in response.context["page_obj"])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Bea", "Ivy", "Mo", "Quinn"]),
        ({"writer_department": "finance"}, ["Ivy"]),
        ({"served": "finance"}, ["Bea"]),
        ({"scope": "outside"}, ["Mo", "Quinn"]),
        ({"writer": "ally-sol"}, ["Bea", "Quinn"]),
        ({"writer": "member-champion"}, ["Mo"]),
        ({"writer": "so"}, ["Bea", "Quinn"]),
        ({"writer": "FAY"}, ["Ivy"]),
        ({"writer": "zed"}, []),
        ({"workshop": "session"}, ["Quinn"]),
        ({"q": "controller"}, ["Bea"]),
        ({"q": "QUINN"}, ["Quinn"]),
        ({"scope": "inside", "writer_department": "sales"}, ["Bea"]),
    ],
)
def test_gallery_filters(client_for, campaign, viewer, champion, crafted, params, expected):
    lookup = {"finance": crafted["finance"].pk, "sales": crafted["sales"].pk, "session": crafted["session"].pk}
    lookup |= {"ally-sol": f"ally-{crafted['sol'].pk}", "member-champion": f"member-{champion.pk}"}
    query = {key: lookup.get(value, value) for key, value in params.items()}
    response = client_for(viewer).get(gallery(campaign), query)
    assert names(response) == expected


def test_an_invalid_filter_is_ignored_not_an_error(client_for, campaign, viewer, crafted):
    response = client_for(viewer).get(gallery(campaign), {"served": "999999", "writer": "x" * 101, "scope": "x"})
    assert response.status_code == 200
    assert len(names(response)) == 4


def test_another_campaigns_department_is_no_filter(client_for, campaign, other_campaign, viewer, crafted):
    foreign = DepartmentFactory(campaign=other_campaign)
    response = client_for(viewer).get(gallery(campaign), {"served": foreign.pk})
    assert len(names(response)) == 4


def test_empty_gallery_explains_the_template_with_an_example(client_for, campaign, viewer):
    text = client_for(viewer).get(gallery(campaign)).content.decode()
    assert "No cards yet" in text
    assert "My name is" in text and "So I can" in text
    assert "data manager" in text


def test_filters_that_match_nothing_say_so(client_for, campaign, viewer, crafted):
    text = client_for(viewer).get(gallery(campaign), {"q": "zebra"}).content.decode()
    assert "No card matches these filters" in text
    assert "No cards yet" not in text


def test_gallery_is_paginated_and_keeps_filters_in_page_links(client_for, campaign, viewer):
    PersonaCardFactory.create_batch(30, campaign=campaign, scope="outside")
    response = client_for(viewer).get(gallery(campaign), {"scope": "outside"})
    assert len(response.context["page_obj"]) == 24
    assert b"?scope=outside&amp;page=2" in response.content
    second = client_for(viewer).get(gallery(campaign), {"scope": "outside", "page": 2})
    assert len(second.context["page_obj"]) == 6


def test_htmx_filtering_returns_only_the_gallery(client_for, campaign, viewer, crafted):
    response = client_for(viewer).get(gallery(campaign), {"scope": "outside"}, headers={"HX-Request": "true"})
    text = response.content.decode()
    assert text.lstrip().startswith('<section id="gallery"')
    assert "<html" not in text
    assert "2 cards matching the filters" in text


def test_print_and_export_links_carry_the_filters(client_for, campaign, viewer, crafted):
    text = client_for(viewer).get(gallery(campaign), {"scope": "outside", "page": 1}).content.decode()
    assert f"/c/{campaign.slug}/personas/print/?scope=outside" in text
    assert f"/c/{campaign.slug}/personas/export.csv?scope=outside" in text


def test_gallery_queries_stay_fixed_with_thousands_of_cards(
    client_for, campaign, viewer, django_assert_max_num_queries
):
    depts, writers = bulk_cards(campaign, 3000)
    client = client_for(viewer)
    query = {"served": depts[1].pk, "writer_department": depts[2].pk, "q": "Persona", "writer": f"ally-{writers[3].pk}"}
    # Session, user, membership; departments, workshops; count, page.
    with django_assert_max_num_queries(10):
        response = client.get(gallery(campaign), query)
    assert response.status_code == 200
    with django_assert_max_num_queries(8):
        response = client.get(gallery(campaign))
    assert response.context["page_obj"].paginator.count == 3000


def test_written_by_is_a_labelled_search_field_not_a_list_of_every_writer(client_for, campaign, viewer):
    bulk_cards(campaign, 300)
    text = client_for(viewer).get(gallery(campaign)).content.decode()
    assert '<label for="id_writer">Written by' in text
    assert 'name="writer"' in text and 'type="text"' in text
    # Departments and workshops only: none of the 300 writers is offered as an option.
    assert text.count("<option") < 50


def test_written_by_matches_a_member_writers_name(client_for, campaign, viewer, champion, crafted):
    champion.first_name, champion.last_name = "Morgan", "Ray"
    champion.save()
    response = client_for(viewer).get(gallery(campaign), {"writer": "ray"})
    assert names(response) == ["Mo"]


def test_export_is_the_filtered_cards_as_csv(client_for, campaign, viewer, crafted):
    response = client_for(viewer).get(reverse("personas:export", kwargs={"slug": campaign.slug}), {"scope": "outside"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert sorted(row["My name is"] for row in rows) == ["Mo", "Quinn"]
    quinn = next(row for row in rows if row["My name is"] == "Quinn")
    assert (quinn["Written by"], quinn["Writer's department"], quinn["Served"]) == (
        "Sol",
        "Sales",
        "Outside the organisation",
    )


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_export_defuses_spreadsheet_formulas(client_for, campaign, viewer, start):
    PersonaCardFactory(campaign=campaign, role=f'{start}HYPERLINK("http://evil")', scope="outside")
    response = client_for(viewer).get(reverse("personas:export", kwargs={"slug": campaign.slug}))
    rows = list(csv.DictReader(io.StringIO(response.content.decode(), newline="")))
    assert rows[0]["And I am"] == f'\'{start}HYPERLINK("http://evil")'


def test_export_queries_stay_fixed(client_for, campaign, viewer, django_assert_max_num_queries):
    bulk_cards(campaign, 1000)
    client = client_for(viewer)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("personas:export", kwargs={"slug": campaign.slug}))
    assert response.content.count(b"\n") >= 1001


def test_a_history_restore_gets_the_whole_page(client_for, campaign, viewer, crafted):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    response = client_for(viewer).get(gallery(campaign), {"scope": "outside"}, headers=headers)
    assert b"<html" in response.content


def test_htmx_gallery_with_no_match_links_to_the_unfiltered_gallery(client_for, campaign, viewer, crafted):
    response = client_for(viewer).get(gallery(campaign), {"q": "zebra"}, headers={"HX-Request": "true"})
    assert f'<a href="{gallery(campaign)}">Clear the filters</a>' in response.content.decode()
