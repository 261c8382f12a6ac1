"""
Complaints traced to the inside, where personas shows them: on the service map, each internal provider's
traced complaints beside the "who I serve" cards its people wrote; on home's checkup, a question to the
providers complaints start in that have written none.
"""

from datetime import timedelta

import pytest
from django.urls import reverse

from campaign import checkup
from leadership.models import Feedback
from personas.contributions import check_traced_providers
from tests.factories import AllyFactory, DepartmentFactory, FeedbackFactory, PersonaCardFactory
from tests.personas.helpers import bulk_cards


def map_url(campaign):
    return reverse("personas:service-map", kwargs={"slug": campaign.slug})


@pytest.fixture
def inside(campaign):
    """Support (the front line); Logistics and IT serve it, only Logistics has written cards; Legal is quiet."""
    support = DepartmentFactory(campaign=campaign, name="Customer Support", kind="customer_facing")
    logistics = DepartmentFactory(campaign=campaign, name="Logistics")
    it = DepartmentFactory(campaign=campaign, name="IT")
    legal = DepartmentFactory(campaign=campaign, name="Legal")
    writer = AllyFactory(campaign=campaign, department=logistics)
    PersonaCardFactory.create_batch(2, campaign=campaign, writer_ally=writer, department_served=support)
    # An IT ally's card about a customer outside: not a "who I serve" card inside, so IT has none on the map.
    PersonaCardFactory(campaign=campaign, writer_ally=AllyFactory(campaign=campaign, department=it), scope="outside")
    return {"support": support, "logistics": logistics, "it": it, "legal": legal}


def traced(campaign, department, n=1, **fields):
    return FeedbackFactory.create_batch(n, campaign=campaign, traced_to=department, **fields)


# --- the service map ------------------------------------------------------------------------------


def test_the_map_counts_complaints_traced_to_each_provider_beside_its_cards(client_for, viewer, campaign, inside):
    traced(campaign, inside["logistics"], 3)
    traced(campaign, inside["logistics"], status="resolved", resolved_on=campaign.today())
    traced(campaign, inside["it"], 2)
    old = campaign.today() - timedelta(days=200)
    traced(campaign, inside["it"], status="resolved", resolved_on=old, received_on=old)
    FeedbackFactory(campaign=campaign, department=inside["support"])  # arrived, not traced
    response = client_for(viewer).get(map_url(campaign))
    rows = [(p.department.name, p.open, p.recent, p.cards, p.stands_out) for p in response.context["providers"]]
    # IT stands out (traced complaints, no card) and comes first; the customer-facing front line is not listed.
    assert rows == [("IT", 2, 2, 0, True), ("Logistics", 3, 4, 2, False), ("Legal", 0, 0, 0, False)]
    text = response.text
    log = reverse("leadership:feedback-list", kwargs={"slug": campaign.slug})
    assert f'href="{log}?traced_to={inside["it"].pk}"' in text
    assert "No cards yet" in text and "ask them to write who they serve" in text
    assert f"?writer_department={inside['logistics'].pk}" in text


def test_a_customer_facing_department_complaints_were_traced_to_is_listed_too(client_for, viewer, campaign, inside):
    traced(campaign, inside["support"])
    names = [p.department.name for p in client_for(viewer).get(map_url(campaign)).context["providers"]]
    assert "Customer Support" in names


def test_the_map_says_when_nothing_is_traced_yet(client_for, viewer, campaign, inside):
    text = client_for(viewer).get(map_url(campaign)).text
    assert "No complaint has been traced to where it started yet" in text
    assert "No cards yet" not in text


def test_the_map_says_when_no_department_is_an_internal_provider(client_for, viewer, campaign):
    DepartmentFactory(campaign=campaign, name="Sales", kind="customer_facing")
    text = client_for(viewer).get(map_url(campaign)).text
    assert "No department is marked as an internal service provider yet" in text


def test_the_map_shows_another_campaigns_traced_complaints_to_nobody(
    client_for, viewer, outsider, campaign, other_campaign, inside
):
    theirs = DepartmentFactory(campaign=other_campaign, name="Logistics")
    traced(other_campaign, theirs, 5)
    providers = client_for(viewer).get(map_url(campaign)).context["providers"]
    assert all(not p.traced for p in providers)
    assert client_for(outsider).get(map_url(campaign)).status_code == 404


def test_the_map_with_many_cards_and_traced_complaints_takes_fixed_queries(
    client_for, campaign, viewer, django_assert_max_num_queries
):
    departments, _writers = bulk_cards(campaign, 2000, departments=12)
    Feedback.objects.bulk_create(
        Feedback(campaign=campaign, summary=f"Late {n}", severity="high", traced_to=departments[n % 12])
        for n in range(600)
    )
    client = client_for(viewer)
    # Session, user, membership, the campaign switcher; departments; the grouped card counts; the traced counts.
    with django_assert_max_num_queries(7):
        response = client.get(map_url(campaign))
    assert sum(p.open for p in response.context["providers"]) == 600


# --- the checkup ----------------------------------------------------------------------------------


def test_the_checkup_says_nothing_while_no_complaint_is_traced(campaign, inside):
    FeedbackFactory(campaign=campaign, department=inside["support"])
    assert check_traced_providers(campaign) is None


def test_the_checkup_asks_a_provider_with_traced_complaints_and_no_cards_to_write_them(campaign, inside):
    traced(campaign, inside["it"], 2)
    traced(campaign, inside["logistics"])
    item = check_traced_providers(campaign)
    assert (item.status, item.number) == (checkup.AMBER, "1 of 2")
    assert item.summary == "2 recent or open complaints were traced to IT, which has no “who I serve” card yet."
    assert item.next_step == "Ask IT to write who they serve."
    assert item.url == reverse("personas:workshop-list", kwargs={"slug": campaign.slug})


def test_the_checkup_names_every_provider_without_cards(campaign, inside):
    traced(campaign, inside["it"])
    traced(campaign, inside["legal"])
    item = check_traced_providers(campaign)
    assert "traced to IT and Legal, which have no" in item.summary
    assert item.next_step == "Ask IT to write who they serve."


def test_the_checkup_is_green_once_every_such_provider_has_cards(campaign, inside):
    traced(campaign, inside["logistics"], 2)
    item = check_traced_providers(campaign)
    assert (item.status, item.number) == (checkup.GREEN, "1 of 1")


def test_old_resolved_traced_complaints_are_not_asked_about(campaign, inside):
    old = campaign.today() - timedelta(days=200)
    traced(campaign, inside["it"], status="resolved", resolved_on=old, received_on=old)
    assert check_traced_providers(campaign) is None


def test_home_shows_the_question_with_a_link_to_the_workshops(client_for, viewer, campaign, inside):
    traced(campaign, inside["it"])
    response = client_for(viewer).get(reverse("campaign:home", kwargs={"slug": campaign.slug}))
    page = response.text
    assert 'id="check-traced-providers"' in page
    item = page.split('id="check-traced-providers"')[1].split("</li>")[0]
    assert "Ask IT to write who they serve." in item
    assert reverse("personas:workshop-list", kwargs={"slug": campaign.slug}) in item


def test_home_with_many_traced_complaints_adds_one_query(
    client_for, viewer, campaign, inside, django_assert_max_num_queries
):
    Feedback.objects.bulk_create(
        Feedback(campaign=campaign, summary=f"Late {n}", severity="high", traced_to=inside["it" if n % 2 else "legal"])
        for n in range(400)
    )
    client = client_for(viewer)
    client.get(reverse("campaign:home", kwargs={"slug": campaign.slug}))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("campaign:home", kwargs={"slug": campaign.slug}))
    assert "Ask IT to write who they serve." in response.text
