import pytest
from django.urls import reverse

from personas.models import PersonaCard
from tests.factories import AllyFactory, DepartmentFactory, PersonaCardFactory


def url(name, campaign, **kwargs):
    return reverse(f"personas:{name}", kwargs={"slug": campaign.slug, **kwargs})


def card_data(**overrides):
    return {
        "persona_name": "Jack",
        "role": "VP of Sales for the North-East",
        "wants": "the monthly sales report",
        "so_that": "present it to my team on the 15th",
        "rhythm": "by the 10th of each month",
        "scope": "outside",
        "department_served": "",
        "writer_ally": "",
        **overrides,
    }


@pytest.fixture
def sales(campaign):
    return DepartmentFactory(campaign=campaign, name="Sales")


def test_champion_writes_a_card_of_their_own(client_for, campaign, champion):
    response = client_for(champion).post(url("card-new", campaign), card_data())
    assert response.status_code == 302
    card = PersonaCard.objects.get()
    assert (card.campaign, card.writer_member, card.writer_ally) == (campaign, champion, None)
    assert (card.persona_name, card.rhythm) == ("Jack", "by the 10th of each month")


def test_champion_writes_a_card_for_an_ally_serving_a_department(client_for, campaign, champion, sales):
    ally = AllyFactory(campaign=campaign)
    data = card_data(writer_ally=ally.pk, scope="inside", department_served=sales.pk)
    client_for(champion).post(url("card-new", campaign), data)
    card = PersonaCard.objects.get()
    assert (card.writer_ally, card.department_served, card.scope) == (ally, sales, "inside")


def test_required_fields_have_their_own_messages(client_for, campaign, champion):
    data = card_data(role="  ", wants="", so_that="")
    response = client_for(champion).post(url("card-new", campaign), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Say what this person does" in errors["role"][0]
    assert errors["wants"] == ["Say what you provide for this person."]
    assert errors["so_that"] == ["Say how this person uses what you provide."]
    assert not PersonaCard.objects.exists()


def test_an_inside_card_needs_the_department_served(client_for, campaign, champion):
    response = client_for(champion).post(url("card-new", campaign), card_data(scope="inside"))
    assert response.context["form"].errors["department_served"] == ["Choose the department this person works in."]


def test_an_outside_card_drops_a_department_sent_with_it(client_for, campaign, champion, sales):
    client_for(champion).post(url("card-new", campaign), card_data(scope="outside", department_served=sales.pk))
    assert PersonaCard.objects.get().department_served is None


def test_a_persona_with_no_name_is_saved_all_the_same(client_for, campaign, champion):
    client_for(champion).post(url("card-new", campaign), card_data(persona_name=""))
    assert PersonaCard.objects.get().persona_name == ""


def test_lengths_are_limited(client_for, campaign, champion):
    response = client_for(champion).post(url("card-new", campaign), card_data(role="x" * 161, wants="y" * 601))
    errors = response.context["form"].errors
    assert "role" in errors and "wants" in errors


def test_another_campaigns_ally_or_department_cannot_be_attached(client_for, campaign, other_campaign, champion):
    foreign_ally = AllyFactory(campaign=other_campaign)
    foreign_department = DepartmentFactory(campaign=other_campaign)
    data = card_data(writer_ally=foreign_ally.pk, scope="inside", department_served=foreign_department.pk)
    response = client_for(champion).post(url("card-new", campaign), data)
    errors = response.context["form"].errors
    assert "writer_ally" in errors and "department_served" in errors
    assert not PersonaCard.objects.exists()


def test_html_in_a_card_is_shown_escaped(client_for, campaign, viewer):
    card = PersonaCardFactory(campaign=campaign, persona_name="<script>alert(1)</script>")
    response = client_for(viewer).get(url("card-detail", campaign, pk=card.pk))
    assert b"<script>alert(1)" not in response.content
    assert b"&lt;script&gt;alert(1)" in response.content


def test_a_card_reads_as_its_four_sentences(client_for, campaign, viewer):
    card = PersonaCardFactory(campaign=campaign, persona_name="Jack", role="VP of Sales", rhythm="by the 10th")
    text = client_for(viewer).get(url("card-detail", campaign, pk=card.pk)).content.decode()
    for part in ("My name is", "Jack", "And I am", "VP of Sales", "I want", card.wants, "So I can", "by the 10th"):
        assert part in text


def test_champion_edits_a_card(client_for, campaign, champion):
    card = PersonaCardFactory(campaign=campaign, writer_member=champion)
    response = client_for(champion).post(url("card-edit", campaign, pk=card.pk), card_data(role="Buyer"))
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.role == "Buyer"
    assert card.writer_member == champion


def test_viewer_cannot_edit_or_delete_a_card(client_for, campaign, viewer):
    card = PersonaCardFactory(campaign=campaign)
    client = client_for(viewer)
    assert client.post(url("card-edit", campaign, pk=card.pk), card_data()).status_code == 403
    assert client.post(url("card-delete", campaign, pk=card.pk)).status_code == 403
    assert client.get(url("card-new", campaign)).status_code == 403
    assert PersonaCard.objects.filter(pk=card.pk, role=card.role).exists()


def test_viewer_sees_no_edit_links(client_for, campaign, viewer):
    card = PersonaCardFactory(campaign=campaign)
    response = client_for(viewer).get(url("card-list", campaign))
    assert url("card-edit", campaign, pk=card.pk).encode() not in response.content


def test_deleting_asks_first_then_removes(client_for, campaign, champion):
    card = PersonaCardFactory(campaign=campaign)
    client = client_for(champion)
    confirm = client.get(url("card-delete", campaign, pk=card.pk))
    assert b"Yes, remove" in confirm.content
    assert PersonaCard.objects.filter(pk=card.pk).exists()
    response = client.post(url("card-delete", campaign, pk=card.pk))
    assert response.status_code == 302
    assert not PersonaCard.objects.filter(pk=card.pk).exists()


def test_another_campaigns_card_is_404_even_for_its_writer(client_for, campaign, other_campaign, champion):
    foreign = PersonaCardFactory(campaign=other_campaign, role="Secret buyer")
    client = client_for(champion)
    assert client.get(url("card-detail", campaign, pk=foreign.pk)).status_code == 404
    assert client.post(url("card-edit", campaign, pk=foreign.pk), card_data()).status_code == 404
    assert client.post(url("card-delete", campaign, pk=foreign.pk)).status_code == 404
    foreign.refresh_from_db()
    assert foreign.role == "Secret buyer"


def test_hint_endpoint_returns_hints_for_the_text_so_far(client_for, campaign, champion):
    response = client_for(champion).get(
        url("card-hints", campaign), {"persona_name": "", "wants": "more support", "so_that": "work"}
    )
    text = response.content.decode()
    assert "Give the persona a name" in text
    assert "Say what you hand over" in text


def test_hint_endpoint_says_nothing_for_a_good_card(client_for, campaign, champion):
    data = {"persona_name": "Jack", "wants": "the monthly report by the 10th", "so_that": "brief my team"}
    response = client_for(champion).get(url("card-hints", campaign), data)
    assert response.status_code == 200
    assert response.content.strip() == b""


def test_the_outside_card_constraint_is_kept_by_the_database(campaign):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        PersonaCardFactory(campaign=campaign, scope="outside", department_served=DepartmentFactory(campaign=campaign))


def test_a_refused_card_shows_its_hints_beside_the_errors(client_for, campaign, champion):
    response = client_for(champion).post(url("card-new", campaign), card_data(persona_name="", role=""))
    assert [hint.field for hint in response.context["hints"]] == ["persona_name"]
    assert "Give the persona a name" in response.content.decode()


def test_editing_a_card_shows_the_hints_for_it_as_saved(client_for, campaign, champion):
    card = PersonaCardFactory(campaign=campaign, persona_name="", wants="more support", rhythm="")
    response = client_for(champion).get(url("card-edit", campaign, pk=card.pk))
    assert [hint.field for hint in response.context["hints"]] == ["persona_name", "wants"]


def test_a_new_card_starts_inside_the_organisation(client_for, campaign, champion):
    response = client_for(champion).get(reverse("personas:card-new", kwargs={"slug": campaign.slug}))
    assert response.context["form"]["scope"].value() == "inside"


def test_write_a_card_from_an_ally_page_names_the_ally_as_writer(client_for, campaign, champion):
    ally = AllyFactory(campaign=campaign, name="Fay")
    page = client_for(champion).get(reverse("allies:ally-detail", kwargs={"slug": campaign.slug, "pk": ally.pk}))
    link = f"/c/{campaign.slug}/personas/new/?writer_ally={ally.pk}"
    assert f'href="{link}"' in page.text
    response = client_for(champion).get(link)
    assert str(response.context["form"]["writer_ally"].value()) == str(ally.pk)


def test_an_ally_page_offers_viewers_no_card_writing(client_for, campaign, viewer):
    ally = AllyFactory(campaign=campaign)
    page = client_for(viewer).get(reverse("allies:ally-detail", kwargs={"slug": campaign.slug, "pk": ally.pk}))
    assert "Write a card for" not in page.text


def test_the_card_form_finds_the_writer_instead_of_listing_every_ally(
    client_for, champion, campaign, sales, django_assert_max_num_queries
):
    # A division's campaign has thousands of allies: the form carries the chosen one, not all of them.
    from allies.models import Ally

    Ally.objects.bulk_create(
        Ally(campaign=campaign, name=f"Ally {i:04d}", department=sales, email=f"ally{i}@example.com")
        for i in range(600)
    )
    client = client_for(champion)
    with django_assert_max_num_queries(10):
        response = client.get(url("card-new", campaign))
    assert "Ally 0" not in response.text
    chosen = Ally.objects.get(name="Ally 0123")
    card = PersonaCardFactory(campaign=campaign, writer_ally=chosen)
    edit = client.get(url("card-edit", campaign, pk=card.pk)).text
    assert f'<input type="radio" name="writer_ally" value="{chosen.pk}" checked> Ally 0123 (Sales)' in edit
    assert edit.count("Ally 0") == 1
