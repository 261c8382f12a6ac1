"""Accepting a volunteer: someone keeps in touch with them, and the waiting banner follows."""

from django.urls import reverse

from allies.models import Ally
from campaign.models import Role
from tests.factories import AllyFactory, MembershipFactory, UserFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def accept_url(ally):
    return reverse("allies:ally-accept", kwargs={"slug": ally.campaign.slug, "pk": ally.pk})


def follow_ups_url(campaign):
    return reverse("allies:follow-ups", kwargs={"slug": campaign.slug})


def test_accepting_makes_the_accepting_champion_the_owner(client_for, champion, campaign, department):
    ally = AllyFactory(campaign=campaign, department=department, awaiting_review=True, recruited_by=None)
    response = client_for(champion).post(accept_url(ally), follow=True)
    ally.refresh_from_db()
    assert (ally.awaiting_review, ally.recruited_by) == (False, champion)
    assert "you keep in touch" in response.text


def test_accepting_with_a_chosen_owner_gives_them_the_volunteer(client_for, champion, admin_user, campaign, department):
    ally = AllyFactory(campaign=campaign, department=department, awaiting_review=True, recruited_by=None)
    client_for(champion).post(accept_url(ally), {"owner": admin_user.pk})
    ally.refresh_from_db()
    assert ally.recruited_by == admin_user


def test_a_volunteer_who_already_had_an_owner_keeps_them(client_for, champion, admin_user, campaign, department):
    ally = AllyFactory(campaign=campaign, department=department, awaiting_review=True, recruited_by=admin_user)
    client_for(champion).post(accept_url(ally))
    ally.refresh_from_db()
    assert ally.recruited_by == admin_user


def test_an_owner_from_outside_the_campaign_is_refused_and_nothing_changes(
    client_for, champion, outsider, campaign, department
):
    ally = AllyFactory(campaign=campaign, department=department, awaiting_review=True, recruited_by=None)
    response = client_for(champion).post(accept_url(ally), {"owner": outsider.pk}, follow=True)
    ally.refresh_from_db()
    assert (ally.awaiting_review, ally.recruited_by) == (True, None)
    assert "Choose someone who is a member of this campaign." in response.text


def test_the_ally_page_offers_a_labelled_owner_choice_of_campaign_members(
    client_for, champion, admin_user, outsider, campaign, department
):
    ally = AllyFactory(campaign=campaign, department=department, awaiting_review=True)
    page = client_for(champion).get(ally.get_absolute_url()).text
    assert '<label for="id_owner">Who keeps in touch' in page
    assert f'<option value="{admin_user.pk}">' in page
    assert f'<option value="{outsider.pk}">' not in page


def test_an_accepted_volunteer_shows_in_the_accepting_champions_follow_ups(client_for, champion, campaign, department):
    ally = AllyFactory(
        campaign=campaign, department=department, name="Vi Volunteer", awaiting_review=True, recruited_by=None
    )
    client = client_for(champion)
    assert "Vi Volunteer" not in client.get(follow_ups_url(campaign)).text
    client.post(accept_url(ally))
    Ally.objects.filter(pk=ally.pk).update(follow_up_on="2020-01-01")
    assert "Vi Volunteer" in client.get(follow_ups_url(campaign)).text


def test_an_htmx_accept_returns_the_row_and_the_banner_counted_afresh(client_for, champion, campaign, department):
    first, second = AllyFactory.create_batch(2, campaign=campaign, department=department, awaiting_review=True)
    client = client_for(champion)
    listing = client.get(reverse("allies:ally-list", kwargs={"slug": campaign.slug})).text
    assert '<div id="awaiting-banner">' in listing
    assert "2 volunteers joined" in listing

    response = client.post(accept_url(first), **HTMX)
    assert response.text.lstrip().startswith(f'<tr id="ally-{first.pk}"')
    assert '<div id="awaiting-banner" hx-swap-oob="true">' in response.text
    assert "1 volunteer joined" in response.text

    last = client.post(accept_url(second), **HTMX).text
    assert '<div id="awaiting-banner" hx-swap-oob="true">' in last
    assert "joined through the join link" not in last


def test_accepting_holds_its_query_count(client_for, champion, campaign, department, django_assert_max_num_queries):
    for _ in range(20):
        MembershipFactory(campaign=campaign, role=Role.CHAMPION)
    AllyFactory.create_batch(30, campaign=campaign, department=department, awaiting_review=True)
    ally = Ally.objects.filter(awaiting_review=True).first()
    client = client_for(champion)
    with django_assert_max_num_queries(12):
        assert client.post(accept_url(ally), **HTMX).status_code == 200


def test_viewers_cannot_accept_and_another_campaigns_volunteer_is_404(
    client_for, viewer, champion, campaign, other_campaign, department
):
    ally = AllyFactory(campaign=campaign, department=department, awaiting_review=True)
    assert client_for(viewer).post(accept_url(ally)).status_code == 403
    foreign = AllyFactory(campaign=other_campaign, awaiting_review=True)
    url = reverse("allies:ally-accept", kwargs={"slug": campaign.slug, "pk": foreign.pk})
    assert client_for(champion).post(url).status_code == 404
    ally.refresh_from_db()
    foreign.refresh_from_db()
    assert ally.awaiting_review and foreign.awaiting_review


def test_a_member_who_left_cannot_be_chosen(client_for, champion, campaign, department):
    gone = UserFactory()
    ally = AllyFactory(campaign=campaign, department=department, awaiting_review=True, recruited_by=None)
    client_for(champion).post(accept_url(ally), {"owner": gone.pk})
    ally.refresh_from_db()
    assert ally.awaiting_review
