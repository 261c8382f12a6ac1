import pytest
from django.db import connection
from django.urls import reverse

from personas.selectors import service_map
from tests.factories import AllyFactory, DepartmentFactory, PersonaCardFactory
from tests.personas.helpers import bulk_cards


@pytest.fixture
def crafted(campaign, other_campaign, champion):
    """Five departments; who serves whom is written out card by card below."""
    dept = {
        name: DepartmentFactory(campaign=campaign, name=name)
        for name in ("Finance", "Sales", "IT", "Legal", "Facilities")
    }
    ally = {name: AllyFactory(campaign=campaign, department=department) for name, department in dept.items()}

    def card(writer, served=None, **kwargs):
        scope = "inside" if served else "outside"
        PersonaCardFactory(campaign=campaign, writer_ally=writer, scope=scope, department_served=served, **kwargs)

    card(ally["Finance"], dept["Sales"])
    card(ally["Finance"], dept["Sales"])
    card(ally["Sales"], dept["Finance"])
    card(ally["IT"], dept["Sales"])
    card(ally["IT"], dept["Finance"])
    card(ally["Facilities"])  # outside: not on the map
    card(None, dept["Legal"], writer_member=champion)  # a member's card: Legal is served, but from where is unknown
    foreign = DepartmentFactory(campaign=other_campaign, name="Finance")
    PersonaCardFactory(
        campaign=other_campaign,
        writer_ally=AllyFactory(campaign=other_campaign, department=foreign),
        department_served=foreign,
    )
    return dept


def counts(the_map):
    return {
        (row.department.name, cell.served.name): cell.cards for row in the_map.rows for cell in row.cells if cell.cards
    }


def test_service_map_counts_inside_cards_by_writer_and_served_department(campaign, crafted):
    the_map = service_map(campaign)
    assert counts(the_map) == {
        ("Finance", "Sales"): 2,
        ("Sales", "Finance"): 1,
        ("IT", "Sales"): 1,
        ("IT", "Finance"): 1,
    }
    assert [d.name for d in the_map.departments] == ["Facilities", "Finance", "IT", "Legal", "Sales"]
    assert the_map.column_totals == [0, 2, 0, 0, 3]
    assert [row.total for row in the_map.rows] == [0, 2, 2, 0, 1]
    assert (the_map.total, the_map.unplaced) == (5, 1)


def test_service_map_lists_the_unserved_servers_and_the_departments_nobody_wrote_for(campaign, crafted):
    the_map = service_map(campaign)
    assert [d.name for d in the_map.serve_unserved] == ["IT"]
    # Legal is served by a member's card; Facilities wrote only about an outside customer.
    assert [d.name for d in the_map.not_written_for] == ["Facilities"]


def test_the_busiest_pair_is_shaded_darkest(campaign, crafted):
    cells = {
        (row.department.name, cell.served.name): cell.heat for row in service_map(campaign).rows for cell in row.cells
    }
    assert cells["Finance", "Sales"] == 4
    assert cells["Sales", "Finance"] == 2
    assert cells["Legal", "Legal"] == 0


def test_service_map_page_shows_the_matrix_as_a_table(client_for, campaign, viewer, crafted):
    text = client_for(viewer).get(reverse("personas:service-map", kwargs={"slug": campaign.slug})).content.decode()
    assert "<caption>" in text and 'scope="row"' in text
    assert "5 cards in all" in text
    assert "1 more inside card is not on the map" in text
    assert "Serve others, served by nobody on record" in text


def test_each_number_on_the_map_opens_the_cards_behind_it(client_for, campaign, viewer, crafted):
    client = client_for(viewer)
    text = client.get(reverse("personas:service-map", kwargs={"slug": campaign.slug})).content.decode()
    finance, sales = crafted["Finance"], crafted["Sales"]
    gallery = reverse("personas:card-list", kwargs={"slug": campaign.slug})
    link = f"{gallery}?writer_department={finance.pk}&amp;served={sales.pk}"
    assert f'<a href="{link}">2<span class="visually-hidden"> cards: Finance serves Sales</span></a>' in text
    response = client.get(gallery, {"writer_department": finance.pk, "served": sales.pk})
    assert response.context["page_obj"].paginator.count == 2


def test_map_cells_say_one_card_zero_and_escape_department_names(client_for, campaign, viewer, crafted):
    crafted["IT"].name = "R&D <IT>"
    crafted["IT"].save()
    text = client_for(viewer).get(reverse("personas:service-map", kwargs={"slug": campaign.slug})).content.decode()
    assert '1<span class="visually-hidden"> card: R&amp;D &lt;IT&gt; serves Sales</span>' in text
    assert "<IT>" not in text
    assert '<td class="heat-0"><span class="visually-hidden">0</span></td>' in text


def test_service_map_without_departments_says_what_to_do(client_for, campaign, viewer):
    text = client_for(viewer).get(reverse("personas:service-map", kwargs={"slug": campaign.slug})).content.decode()
    assert "no departments yet" in text


def test_service_map_queries_stay_fixed_with_thousands_of_cards(
    client_for, campaign, viewer, django_assert_max_num_queries
):
    bulk_cards(campaign, 4000, departments=12)
    client = client_for(viewer)
    # Session, user, membership, the campaign switcher; departments; the grouped counts.
    with django_assert_max_num_queries(6):
        response = client.get(reverse("personas:service-map", kwargs={"slug": campaign.slug}))
    assert response.context["map"].total == sum(1 for i in range(4000) if i % 3)


@pytest.mark.needs_postgres
def test_the_writers_department_is_in_an_index_of_the_campaigns_allies(db):
    """
    The map's count joins the campaign's allies by id for their department: with all three in one index, the
    join reads no ally rows (on the bench, an index-only scan of 20,000 allies: 102 buffers, not 581). Which
    join a planner picks depends on the table's size, so this checks the index itself.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'ally_campaign_department'")
        (definition,) = cursor.fetchone()
    assert "ON public.allies_ally USING btree (campaign_id, id, department_id)" in definition
