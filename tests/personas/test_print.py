from django.urls import reverse

from personas import views
from tests.factories import PersonaCardFactory
from tests.personas.helpers import bulk_cards


def print_url(campaign):
    return reverse("personas:print", kwargs={"slug": campaign.slug})


def test_print_view_renders_the_filtered_cards_in_sheets_under_the_why(client_for, campaign, viewer):
    for index in range(8):
        PersonaCardFactory(campaign=campaign, scope="outside", persona_name=f"Outside {index}")
    PersonaCardFactory(campaign=campaign, persona_name="Insider")
    response = client_for(viewer).get(print_url(campaign), {"scope": "outside"})
    text = response.content.decode()
    assert [len(sheet) for sheet in response.context["sheets"]] == [6, 2]
    assert "Outside 7" in text and "Insider" not in text
    assert text.count(campaign.why) == 2  # once at the top of each sheet
    assert "matching the gallery's filters" in text


def test_print_view_with_nothing_to_print_says_so(client_for, campaign, viewer):
    text = client_for(viewer).get(print_url(campaign)).content.decode()
    assert "No cards to print" in text


def test_print_view_caps_a_huge_set_and_says_so(client_for, campaign, viewer, monkeypatch):
    monkeypatch.setattr(views, "PRINT_LIMIT", 12)
    PersonaCardFactory.create_batch(13, campaign=campaign)
    response = client_for(viewer).get(print_url(campaign))
    assert response.context["card_count"] == 12
    assert "Only the newest 12 cards" in response.content.decode()


def test_print_view_queries_stay_fixed(client_for, campaign, viewer, django_assert_max_num_queries):
    bulk_cards(campaign, 1200)
    client = client_for(viewer)
    with django_assert_max_num_queries(12):
        response = client.get(print_url(campaign))
    assert response.context["card_count"] == views.PRINT_LIMIT
