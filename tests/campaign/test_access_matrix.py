"""
The role × page matrix: every campaign page, every persona.

Each later page joins PAGES. `test_every_campaign_url_is_in_the_matrix` fails
when a URL under /c/<slug>/ is added without an entry here.
"""

import pytest
from django.urls import get_resolver, reverse

from campaign.models import Role
from tests.factories import DepartmentFactory, GoalFactory, MembershipFactory, UserFactory

# name -> (minimum role to read, minimum role to write; None where the page is read-only or POST-only)
PAGES = {
    "campaign:home": (Role.VIEWER, None),
    "campaign:golden-circle": (Role.VIEWER, None),
    "campaign:golden-circle-edit": (Role.ADMIN, Role.ADMIN),
    "campaign:settings": (Role.ADMIN, Role.ADMIN),
    "campaign:settings-departments": (Role.ADMIN, Role.ADMIN),
    "campaign:settings-departments-row": (Role.ADMIN, None),
    "campaign:settings-departments-edit": (Role.ADMIN, Role.ADMIN),
    "campaign:settings-departments-delete": (Role.ADMIN, Role.ADMIN),
    "campaign:settings-goals": (Role.ADMIN, Role.ADMIN),
    "campaign:settings-goals-row": (Role.ADMIN, None),
    "campaign:settings-goals-edit": (Role.ADMIN, Role.ADMIN),
    "campaign:settings-goals-delete": (Role.ADMIN, Role.ADMIN),
    "campaign:settings-members": (Role.ADMIN, Role.ADMIN),
    "campaign:settings-members-role": (None, Role.ADMIN),
    "campaign:settings-members-remove": (Role.ADMIN, Role.ADMIN),
    "campaign:settings-invitations-revoke": (None, Role.ADMIN),
}

PERSONAS = ["anonymous", "outsider", Role.VIEWER, Role.CHAMPION, Role.ADMIN]


def url_for(name, campaign):
    """The page's address in `campaign`, with an object of that campaign where the URL needs one."""
    kwargs = {"slug": campaign.slug}
    if "departments-" in name:
        kwargs["pk"] = DepartmentFactory(campaign=campaign).pk
    elif "goals-" in name:
        kwargs["pk"] = GoalFactory(campaign=campaign).pk
    elif "members-" in name:
        kwargs["pk"] = MembershipFactory(campaign=campaign, role=Role.CHAMPION).pk
    elif "invitations-" in name:
        from campaign.models import Invitation

        invitation = Invitation(campaign=campaign, email="new@example.com", role=Role.VIEWER)
        invitation.issue_token()
        invitation.save()
        kwargs["pk"] = invitation.pk
    return reverse(name, kwargs=kwargs)


def persona_client(client, persona, campaign, other_campaign):
    if persona == "anonymous":
        return client
    if persona == "outsider":
        user = MembershipFactory(campaign=other_campaign, role=Role.ADMIN).user
    else:
        user = MembershipFactory(campaign=campaign, role=persona).user
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def expected_status(persona, required):
    if persona == "anonymous":
        return 302
    if persona == "outsider":
        return 404
    return 200 if Role(persona).allows(required) else 403


@pytest.mark.parametrize("persona", PERSONAS, ids=str)
@pytest.mark.parametrize("name", [n for n, (read, _) in PAGES.items() if read], ids=str)
def test_reading_a_page(client, campaign, other_campaign, name, persona):
    url = url_for(name, campaign)
    response = persona_client(client, persona, campaign, other_campaign).get(url)
    assert response.status_code == expected_status(persona, PAGES[name][0])
    if persona == "anonymous":
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", PERSONAS, ids=str)
@pytest.mark.parametrize("name", [n for n, (_, write) in PAGES.items() if write], ids=str)
def test_writing_to_a_page(client, campaign, other_campaign, name, persona):
    url = url_for(name, campaign)
    response = persona_client(client, persona, campaign, other_campaign).post(url, {})
    expected = expected_status(persona, PAGES[name][1])
    if expected == 200:
        # An allowed write either re-renders the form with its errors or redirects after acting.
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == expected


def test_another_campaigns_object_is_404_even_for_an_admin(client_for, campaign, other_campaign, admin_user):
    foreign = DepartmentFactory(campaign=other_campaign, name="Secret Dept")
    url = reverse("campaign:settings-departments-edit", kwargs={"slug": campaign.slug, "pk": foreign.pk})
    response = client_for(admin_user).post(url, {"name": "Hijacked", "kind": "customer_facing"})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.name == "Secret Dept"


def test_every_campaign_url_is_in_the_matrix():
    names = set()
    for pattern in get_resolver().url_patterns:
        for sub in getattr(pattern, "url_patterns", [pattern]):
            if "<slug:slug>" in str(sub.pattern) and sub.name:
                namespace = getattr(pattern, "namespace", None)
                names.add(f"{namespace}:{sub.name}" if namespace else sub.name)
    missing = names - set(PAGES)
    assert not missing, f"add these campaign pages to the access matrix: {sorted(missing)}"


def test_unknown_user_role_is_refused_by_the_database(campaign):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        MembershipFactory(campaign=campaign, user=UserFactory(), role="superhero")


@pytest.mark.parametrize("name", [n for n, (read, write) in PAGES.items() if read and not write], ids=str)
def test_read_only_pages_refuse_unsafe_methods(client_for, admin_user, campaign, name):
    response = client_for(admin_user).post(url_for(name, campaign), {})
    assert response.status_code in (403, 405)
