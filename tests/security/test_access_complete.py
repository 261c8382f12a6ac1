"""
The access matrix is complete: every URL the project answers is either a campaign page in the role × page
matrix (tests/*/pages*.py), an API route, or a public page with its reason (tests/matrix.py), and each
kind is checked here for what a stranger can do with it.
"""

import re

import pytest
from django.core import signing
from django.core.cache import cache
from django.urls import reverse

from campaign.models import GoalReading, Role
from leadership import signing as leader_signing
from leadership.models import Feedback
from tests.factories import ApiTokenFactory, DepartmentFactory, FeedbackFactory, MembershipFactory
from tests.matrix import API_ROUTES, PUBLIC_PAGES, all_pages, all_url_names
from tests.security.helpers import changed_tables, fingerprint

PAGES = all_pages()
OBJECT_PAGES = [name for name, page in PAGES.items() if page.kwargs.__name__ != "_no_kwargs"]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_every_url_is_in_the_matrix_the_api_list_or_the_public_list():
    known = set(PAGES) | set(API_ROUTES) | set(PUBLIC_PAGES)
    missing = sorted({name for _route, name in all_url_names()} - known)
    assert not missing, (
        f"add these URLs to tests/*/pages*.py, or to API_ROUTES / PUBLIC_PAGES in tests/matrix.py: {missing}"
    )


def test_the_lists_name_no_url_that_no_longer_exists():
    existing = {name for _route, name in all_url_names()}
    stale = sorted((set(API_ROUTES) | set(PUBLIC_PAGES)) - existing)
    assert not stale, f"remove these from tests/matrix.py: {stale}"


def test_every_campaign_url_is_a_campaign_view():
    from django.urls import resolve

    for route, name in all_url_names():
        if "<slug:slug>" in route and not name.startswith("api-v1:"):
            path = "/" + re.sub(r"<int:\w+>", "1", route.replace("<slug:slug>", "x"))
            path = path.replace("<slug:kind>", "pack")
            view = resolve(path).func
            assert getattr(view, "campaign_roles", None), f"{name} is not wrapped in campaign_view"


@pytest.mark.parametrize("name", OBJECT_PAGES, ids=str)
def test_another_campaigns_object_is_404_and_unchanged(client_for, campaign, other_campaign, admin_user, name):
    """An admin of this campaign, naming the other campaign's object in this campaign's address."""
    page = PAGES[name]
    kwargs = page.kwargs(other_campaign)
    url = reverse(name, kwargs={"slug": campaign.slug, **kwargs})
    client = client_for(admin_user)
    before = fingerprint()
    if page.read:
        assert client.get(url).status_code == 404
    if page.write:
        response = client.post(
            url, {"name": "Hijacked", "title": "Hijacked", "status": "won"}, headers={"HX-Request": "true"}
        )
        assert response.status_code == 404
    assert changed_tables(before, fingerprint()) == []


@pytest.mark.parametrize("name", list(API_ROUTES), ids=str)
def test_the_api_refuses_a_request_without_a_token(client, campaign, name):
    method, url, body = api_request(name, campaign, "No token")
    response = getattr(client, method)(url, body, content_type="application/json")
    assert response.status_code == 401
    assert not GoalReading.objects.exists()


def api_request(name, campaign, summary):
    """(method, url, body) for an API route in `campaign`: its extra arguments and body from API_ROUTES."""
    method, *extra = API_ROUTES[name]
    kwargs = extra[0](campaign) if extra else {}
    body = extra[1] if len(extra) > 1 else {"external_id": "X-1", "kind": "compliment", "received_on": "2026-01-02"}
    body = {**body, "summary": summary} if len(extra) <= 1 else body
    url = reverse(name, kwargs={"slug": campaign.slug, **kwargs})
    return method.lower(), url, body if method == "POST" else {}


@pytest.mark.parametrize("name", list(API_ROUTES), ids=str)
def test_the_api_answers_404_to_another_campaigns_token_and_stores_nothing(client, campaign, other_campaign, name):
    foreign = ApiTokenFactory(campaign=other_campaign)
    FeedbackFactory(campaign=campaign, summary="Ours only")
    method, url, body = api_request(name, campaign, "Planted")
    before = Feedback.objects.count(), GoalReading.objects.count()
    headers = {"Authorization": f"Bearer {foreign.raw}"}
    response = getattr(client, method)(url, body, content_type="application/json", headers=headers)
    assert response.status_code == 404
    assert "Ours only" not in response.content.decode()
    assert (Feedback.objects.count(), GoalReading.objects.count()) == before


@pytest.mark.parametrize("name", list(API_ROUTES), ids=str)
def test_the_api_answers_its_own_campaigns_token(client, campaign, name):
    token = ApiTokenFactory(campaign=campaign)
    method, url, body = api_request(name, campaign, "Kind words")
    headers = {"Authorization": f"Bearer {token.raw}"}
    response = getattr(client, method)(url, body, content_type="application/json", headers=headers)
    assert response.status_code in (200, 201)


def test_a_revoked_token_is_refused(client, campaign):
    token = ApiTokenFactory(campaign=campaign)
    from leadership.feedback.services import api_token_revoke

    api_token_revoke(token=token)
    url = reverse("api-v1:feedback_list", kwargs={"slug": campaign.slug})
    assert client.get(url, headers={"Authorization": f"Bearer {token.raw}"}).status_code == 401


SIGNED_PAGES = [
    "leadership:pack-web",
    "leadership:event-answer",
    "leadership:summary-web",
    "leadership:summary-unsubscribe",
    "leadership:summary-test-web",
    "leadership:summary-test-unsubscribe",
]


@pytest.mark.parametrize("name", SIGNED_PAGES)
@pytest.mark.parametrize(
    "token",
    [
        "forged",
        signing.dumps({"d": 1, "l": 1, "e": 1, "a": 1, "c": 1, "t": 1}, salt="someone.elses-salt", compress=True),
        signing.dumps({"d": 1, "l": 1, "e": 1, "a": 1, "c": 1, "t": 1}, key="not-our-secret", compress=True),
    ],
    ids=["garbage", "other-salt", "other-key"],
)
def test_a_leaders_page_refuses_a_token_it_did_not_sign(client, db, name, token):
    before = fingerprint()
    assert client.get(reverse(name, kwargs={"token": token})).status_code == 404
    assert client.post(reverse(name, kwargs={"token": token})).status_code in (404, 405)
    assert changed_tables(before, fingerprint()) == []


def test_an_unsubscribe_token_cannot_be_replayed_against_another_campaigns_leader(client, campaign, other_campaign):
    from tests.factories import LeaderFactory

    ours = LeaderFactory(campaign=campaign)
    theirs = LeaderFactory(campaign=other_campaign, receives_summaries=True)
    token = signing.dumps({"l": theirs.pk, "c": ours.campaign_id}, salt=leader_signing.UNSUBSCRIBE_SALT, compress=True)
    assert client.post(reverse("leadership:summary-unsubscribe", kwargs={"token": token})).status_code == 404
    theirs.refresh_from_db()
    assert theirs.receives_summaries is True


def test_the_django_admin_is_for_staff_only(client_for, campaign):
    admin_of_campaign = MembershipFactory(campaign=campaign, role=Role.ADMIN).user
    response = client_for(admin_of_campaign).get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_a_campaign_admin_cannot_reach_another_campaign_through_the_campaign_list(client_for, campaign, other_campaign):
    DepartmentFactory(campaign=other_campaign, name="Their Secret Desk")
    user = MembershipFactory(campaign=campaign, role=Role.ADMIN).user
    response = client_for(user).get(reverse("campaign:list"))
    assert other_campaign.name not in response.content.decode()
