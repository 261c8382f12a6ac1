"""
Mass assignment: `campaign`, `role`, `owner`, `is_staff` and friends posted through forms, htmx endpoints and
the API change nothing they should not. Fields a form does not list are ignored; fields it lists (owner,
department) only take the campaign's own objects.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from allies.models import Ally
from campaign.models import Membership, Role, ServiceProblem
from leadership.models import Feedback, Leader
from tests.factories import ApiTokenFactory, DepartmentFactory, MembershipFactory
from tests.matrix import all_pages
from tests.security.helpers import fingerprint

PAGES = all_pages()
WRITE_PAGES = [name for name, page in PAGES.items() if page.write]


def smuggled(other_campaign, outsider):
    return {
        "campaign": other_campaign.pk,
        "campaign_id": other_campaign.pk,
        "slug": other_campaign.slug,
        "role": Role.ADMIN,
        "owner": outsider.pk,
        "user": outsider.pk,
        "created_by": outsider.pk,
        "is_staff": "on",
        "is_superuser": "on",
        "is_active": "on",
    }


def other_campaigns_rows(other_campaign):
    """Every row that carries the other campaign's id (and the campaign's own row), by table."""

    def theirs(label, row):
        if label == "campaign.campaign":
            return row["id"] == other_campaign.pk
        return row.get("campaign_id") == other_campaign.pk

    return {label: [row for row in rows if theirs(label, row)] for label, rows in fingerprint().items()}


@pytest.mark.parametrize("name", WRITE_PAGES, ids=str)
def test_smuggled_fields_on_any_write_change_no_account_role_or_other_campaign(
    client_for, campaign, other_campaign, champion, outsider, name
):
    user = MembershipFactory(campaign=campaign, role=PAGES[name].write).user
    url = reverse(name, kwargs={"slug": campaign.slug, **PAGES[name].kwargs(campaign)})
    before = other_campaigns_rows(other_campaign)
    client = client_for(user)
    for headers in ({}, {"HX-Request": "true"}):
        client.post(url, smuggled(other_campaign, outsider), headers=headers)
    user.refresh_from_db()
    assert not user.is_staff and not user.is_superuser
    assert Membership.objects.get(user=user, campaign=campaign).role == PAGES[name].write
    assert not Membership.objects.filter(user=outsider, campaign=campaign).exists()
    assert Membership.objects.get(user=outsider, campaign=other_campaign).role == Role.ADMIN
    assert other_campaigns_rows(other_campaign) == before


def test_a_new_problem_cannot_be_filed_in_or_owned_by_another_campaign(
    client_for, campaign, other_campaign, champion, outsider
):
    url = reverse("campaign:problem-new", kwargs={"slug": campaign.slug})
    data = {"title": "Slow refunds", "difficulty": "easy", "impact": "medium", **smuggled(other_campaign, outsider)}
    response = client_for(champion).post(url, data)
    assert response.status_code == 200  # the owner is not a member here: the form says so
    assert "owner" in response.context["form"].errors
    data["owner"] = champion.pk
    client_for(champion).post(url, data)
    problem = ServiceProblem.objects.get(title="Slow refunds")
    assert problem.campaign == campaign
    assert problem.owner == champion


def test_a_new_ally_lands_in_the_campaign_of_the_address(client_for, campaign, other_campaign, champion, outsider):
    url = reverse("allies:ally-new", kwargs={"slug": campaign.slug})
    ours = DepartmentFactory(campaign=campaign)
    data = {
        "name": "Priya Patel",
        "level": "frontline",
        "stage": "identified",
        "source": "volunteered",
        "department": ours.pk,
    }
    response = client_for(champion).post(
        url, {**data, **smuggled(other_campaign, outsider), "recruited_by": champion.pk}
    )
    assert response.status_code == 302, response.context["form"].errors
    ally = Ally.objects.get(name="Priya Patel")
    assert ally.campaign == campaign
    assert not Ally.objects.filter(campaign=other_campaign).exists()


def test_a_leader_cannot_be_given_another_campaigns_department(
    client_for, campaign, other_campaign, champion, outsider
):
    theirs = DepartmentFactory(campaign=other_campaign)
    url = reverse("leadership:leader-new", kwargs={"slug": campaign.slug})
    data = {"name": "Lena Boss", "email": "lena@example.com", "level": "senior", "stance": "neutral"}
    response = client_for(champion).post(url, {**data, **smuggled(other_campaign, outsider), "department": theirs.pk})
    assert "department" in response.context["form"].errors
    assert not Leader.objects.filter(name="Lena Boss").exists()


def test_the_api_ignores_a_campaign_named_in_the_body(client, campaign, other_campaign):
    cache.clear()
    token = ApiTokenFactory(campaign=campaign)
    item = {"external_id": "A-1", "kind": "compliment", "received_on": "2026-01-02", "summary": "Thanks!"}
    body = {"items": [{**item, "campaign": other_campaign.slug, "campaign_id": other_campaign.pk, "source": "csv"}]}
    url = reverse("api-v1:feedback_create", kwargs={"slug": campaign.slug})
    response = client.post(url, body, content_type="application/json", headers={"Authorization": f"Bearer {token.raw}"})
    assert response.status_code == 201
    stored = Feedback.objects.get(external_id="A-1")
    assert stored.campaign == campaign
    assert stored.source == "api"


def test_accepting_an_invitation_cannot_make_a_staff_account_or_choose_the_role(
    client, campaign, other_campaign, outsider
):
    from campaign.models import Invitation

    invitation = Invitation(campaign=campaign, email="new@example.com", role=Role.VIEWER)
    token = invitation.issue_token()
    invitation.save()
    password = "a-long-enough-passphrase-77"
    data = {"username": "newbie", "first_name": "New", "last_name": "Bie", "password1": password, "password2": password}
    client.post(reverse("invitation-accept", kwargs={"token": token}), {**data, **smuggled(other_campaign, outsider)})
    membership = Membership.objects.get(user__username="newbie")
    assert (membership.campaign, membership.role) == (campaign, Role.VIEWER)
    assert not membership.user.is_staff and not membership.user.is_superuser
    assert not Membership.objects.filter(user=membership.user, campaign=other_campaign).exists()
