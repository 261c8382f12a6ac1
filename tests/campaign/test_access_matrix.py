"""
The role × page matrix: every campaign page, every persona.

Each app lists its pages in tests/<app>/pages*.py (see tests/campaign/pages.py).
`test_every_campaign_url_is_in_the_matrix` fails when a URL under /c/<slug>/
is added without an entry there.
"""

import pytest
from django.urls import get_resolver, reverse

from campaign.models import Role
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from tests.matrix import all_pages

PAGES = all_pages()

PERSONAS = ["anonymous", "outsider", Role.VIEWER, Role.CHAMPION, Role.ADMIN]


def url_for(name, campaign):
    """The page's address in `campaign`, with an object of that campaign where the URL needs one."""
    return reverse(name, kwargs={"slug": campaign.slug, **PAGES[name].kwargs(campaign)})


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
@pytest.mark.parametrize("name", [n for n, page in PAGES.items() if page.read], ids=str)
def test_reading_a_page(client, campaign, other_campaign, name, persona):
    url = url_for(name, campaign)
    response = persona_client(client, persona, campaign, other_campaign).get(url)
    assert response.status_code == expected_status(persona, PAGES[name].read)
    if persona == "anonymous":
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", PERSONAS, ids=str)
@pytest.mark.parametrize("name", [n for n, page in PAGES.items() if page.write], ids=str)
def test_writing_to_a_page(client, campaign, other_campaign, name, persona):
    url = url_for(name, campaign)
    response = persona_client(client, persona, campaign, other_campaign).post(url, {})
    expected = expected_status(persona, PAGES[name].write)
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


@pytest.mark.parametrize("name", [n for n, page in PAGES.items() if page.read and not page.write], ids=str)
def test_read_only_pages_refuse_unsafe_methods(client_for, admin_user, campaign, name):
    response = client_for(admin_user).post(url_for(name, campaign), {})
    assert response.status_code in (403, 405)


# --- What each role sees of a leader ------------------------------------------------
# A leader's stance, what they value and the objections they raised are champions' and admins' working
# notes (docs/privacy.md, "Who sees what about leaders"): a viewer reads the leader pages without them.
OPINION_PAGES = {
    "leadership:leader-list": lambda leader: {},
    "leadership:leader-detail": lambda leader: {"pk": leader.pk},
}
OPINIONS = ["Skeptic", "Only the numbers count", "Efficiency targets", "Service is a cost", "Lead with what is going"]


@pytest.fixture
def opinionated_leader(campaign):
    from tests.factories import LeaderFactory, ObjectionFactory

    leader = LeaderFactory(
        campaign=campaign, stance="skeptic", wiifm=["efficiency"], wiifm_note="Only the numbers count"
    )
    leader.objections.add(ObjectionFactory(campaign=campaign, objection="Service is a cost"))
    return leader


@pytest.mark.parametrize("persona", [Role.VIEWER, Role.CHAMPION, Role.ADMIN], ids=str)
@pytest.mark.parametrize("name", sorted(OPINION_PAGES), ids=str)
def test_a_leaders_stance_wiifm_and_objections_are_for_champions_and_admins(
    client, campaign, other_campaign, opinionated_leader, name, persona
):
    url = reverse(name, kwargs={"slug": campaign.slug, **OPINION_PAGES[name](opinionated_leader)})
    page = persona_client(client, persona, campaign, other_campaign).get(url).content.decode()
    assert opinionated_leader.name in page
    shown = [opinion for opinion in OPINIONS if opinion in page]
    if persona == Role.VIEWER:
        assert shown == []
    else:
        assert "Skeptic" in shown and "Efficiency targets" in shown


def test_a_viewer_cannot_open_the_briefing_composer_and_its_leader_choices(client, campaign, other_campaign):
    from tests.factories import BriefingPackFactory

    pack = BriefingPackFactory(campaign=campaign)
    url = reverse("leadership:pack-compose", kwargs={"slug": campaign.slug, "pk": pack.pk})
    viewer_client = persona_client(client, Role.VIEWER, campaign, other_campaign)
    assert viewer_client.get(url, headers={"HX-Request": "true", "HX-Target": "recipient-choices"}).status_code == 403
