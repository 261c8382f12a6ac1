import pytest
from django.urls import reverse

from personas.models import PersonaCard, Workshop
from tests.factories import AllyFactory, DepartmentFactory, PersonaCardFactory, WorkshopFactory

HTMX = {"HX-Request": "true"}


@pytest.fixture
def session(campaign, champion):
    return WorkshopFactory(campaign=campaign, title="Back office — who we serve", facilitator=champion)


@pytest.fixture
def fay(campaign):
    return AllyFactory(campaign=campaign, name="Fay", department=DepartmentFactory(campaign=campaign, name="Finance"))


def session_url(session):
    return reverse("personas:workshop", kwargs={"slug": session.campaign.slug, "pk": session.pk})


def card_data(ally, **overrides):
    return {
        "writer_ally": ally.pk,
        "persona_name": "Jack",
        "role": "VP of Sales",
        "wants": "the monthly report by the 10th",
        "so_that": "brief the team on the 15th",
        "scope": "outside",
        **overrides,
    }


def test_champion_starts_a_session_and_is_its_facilitator(client_for, campaign, champion):
    url = reverse("personas:workshop-list", kwargs={"slug": campaign.slug})
    response = client_for(champion).post(url, {"title": "  Front line   session ", "held_on": "2026-11-20"})
    session = Workshop.objects.get()
    assert response.url == session_url(session)
    assert (session.title, session.facilitator, session.campaign) == ("Front line session", champion, campaign)


def test_a_session_needs_a_title(client_for, campaign, champion):
    url = reverse("personas:workshop-list", kwargs={"slug": campaign.slug})
    response = client_for(champion).post(url, {"title": " ", "held_on": "2026-11-20"})
    assert response.context["form"].errors["title"] == ["Give the session a title people will recognise."]


def test_viewer_sees_sessions_but_cannot_start_or_run_one(client_for, campaign, viewer, session):
    client = client_for(viewer)
    url = reverse("personas:workshop-list", kwargs={"slug": campaign.slug})
    assert session.title in client.get(url).content.decode()
    assert client.post(url, {"title": "Mine"}).status_code == 403
    assert client.get(session_url(session)).status_code == 403


def test_saving_a_card_in_a_session_returns_a_fresh_form_and_the_card(client_for, session, fay):
    response = client_for(session.facilitator).post(session_url(session), card_data(fay), headers=HTMX)
    text = response.content.decode()
    card = PersonaCard.objects.get()
    assert (card.workshop, card.writer_ally, card.writer_member) == (session, fay, None)
    assert text.lstrip().startswith('<div id="workshop-session"')
    assert "Jack" in text  # the card in the session list
    form = response.context["form"]
    assert not form.is_bound
    assert form.initial["writer_ally"] == fay.pk  # the participant stays chosen for their next card
    assert "data-autofocus" in text
    assert "Card for Jack saved for Fay" in response.headers["HX-Trigger"]


def test_session_counts_cards_participants_and_scope(client_for, campaign, session, fay):
    sol = AllyFactory(campaign=campaign, name="Sol")
    client = client_for(session.facilitator)
    client.post(session_url(session), card_data(fay), headers=HTMX)
    client.post(session_url(session), card_data(fay, scope="inside", department_served=fay.department.pk), headers=HTMX)
    response = client.post(session_url(session), card_data(sol), headers=HTMX)
    PersonaCardFactory(campaign=campaign, writer_ally=sol)  # outside the session: not counted
    assert response.context["counts"] == {"cards": 3, "participants": 2, "inside": 1, "outside": 2}


def test_an_invalid_card_comes_back_with_its_errors_and_nothing_saved(client_for, session, fay):
    data = card_data(fay, writer_ally="", wants="")
    response = client_for(session.facilitator).post(session_url(session), data, headers=HTMX)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["writer_ally"] == ["Choose whose card this is."]
    assert "wants" in errors
    assert 'aria-invalid="true"' in response.content.decode()
    assert not PersonaCard.objects.exists()


def test_hints_follow_a_saved_card_without_blocking_it(client_for, session, fay):
    data = card_data(fay, persona_name="", wants="more support", so_that="get more support")
    response = client_for(session.facilitator).post(session_url(session), data, headers=HTMX)
    assert PersonaCard.objects.count() == 1
    fields = [hint.field for hint in response.context["saved_hints"]]
    assert fields == ["persona_name", "wants", "so_that"]


def test_without_htmx_saving_redirects_back_to_the_session(client_for, session, fay):
    response = client_for(session.facilitator).post(session_url(session), card_data(fay))
    assert response.status_code == 302
    assert response.url == session_url(session)


def test_another_campaigns_ally_cannot_be_the_participant(client_for, other_campaign, session):
    foreign = AllyFactory(campaign=other_campaign)
    response = client_for(session.facilitator).post(session_url(session), card_data(foreign), headers=HTMX)
    assert "writer_ally" in response.context["form"].errors
    assert not PersonaCard.objects.exists()


def test_another_campaigns_session_is_404(client_for, other_campaign, champion):
    foreign = WorkshopFactory(campaign=other_campaign)
    url = reverse("personas:workshop", kwargs={"slug": "harbour", "pk": foreign.pk})
    assert client_for(champion).get(url).status_code == 404


def test_session_page_queries_stay_fixed(client_for, campaign, session, django_assert_max_num_queries):
    allies = [AllyFactory(campaign=campaign) for _ in range(5)]
    for index in range(60):
        PersonaCardFactory(campaign=campaign, writer_ally=allies[index % 5], workshop=session)
    client = client_for(session.facilitator)
    with django_assert_max_num_queries(12):
        response = client.get(session_url(session))
    assert response.context["counts"]["cards"] == 60


def test_workshop_list_queries_stay_fixed(client_for, campaign, champion, django_assert_max_num_queries):
    for _ in range(25):
        PersonaCardFactory(campaign=campaign, workshop=WorkshopFactory(campaign=campaign, facilitator=champion))
    client = client_for(champion)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("personas:workshop-list", kwargs={"slug": campaign.slug}))
    assert len(response.context["page_obj"]) == 20


def test_a_refused_card_in_a_session_shows_its_hints_too(client_for, session, fay):
    data = card_data(fay, persona_name="", role="")
    response = client_for(session.facilitator).post(session_url(session), data, headers=HTMX)
    assert [hint.field for hint in response.context["hints"]] == ["persona_name"]
    assert response.context["saved_hints"] == []
