"""CSRF: with enforced checks every unsafe request without a token is refused (no GET changes data: test_headers)."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.matrix import all_pages

PAGES = all_pages()
WRITE_PAGES = [name for name, page in PAGES.items() if page.write]

# Views that may skip CSRF, each with its reason. Anything else marked csrf_exempt fails the test below.
CSRF_EXEMPT = {
    # django-ninja: bearer-token authentication, no cookies, so no cross-site forgery to defend against.
    "api-v1:",
    # RFC 8058 one-click unsubscribe: mail clients POST with no cookie and no token; the signed token in the
    # address is the authorisation and it can only switch summaries off.
    "leadership:summary-unsubscribe",
    # The same one-click unsubscribe on a member's test copy: it records the click on that copy, nothing else.
    "leadership:summary-test-unsubscribe",
    # The same for a member's notifications: a signed token for one member that can only switch them off.
    "campaign:notifications-off",
    # The same one-click unsubscribe on the middle's check-in: it can only switch the check-in off.
    "allies:checkin-unsubscribe",
    # SAML's POST binding: the IdP's page posts the assertion cross-site; its signature (checked by
    # python3-saml, with replay and audience checks) is the authorisation, never the cookie.
    "saml_acs",
    "saml_sls",
}


@pytest.fixture
def csrf_client(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.mark.parametrize("name", WRITE_PAGES, ids=str)
def test_a_post_without_a_csrf_token_is_refused(csrf_client, campaign, name):
    url = reverse(name, kwargs={"slug": campaign.slug, **PAGES[name].kwargs(campaign)})
    for headers in ({}, {"HX-Request": "true"}):
        response = csrf_client.post(url, {"name": "Forged", "title": "Forged", "status": "won"}, headers=headers)
        assert response.status_code == 403, f"{name}: {response.status_code}"


def test_logging_in_without_a_csrf_token_is_refused(db):
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403


def test_the_campaign_creation_form_needs_a_token(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("campaign:new"), {"name": "Forged", "slug": "forged"})
    assert response.status_code == 403


def _views():
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                yield from walk(
                    pattern.url_patterns, f"{namespace}:{inner}" if namespace and inner else inner or namespace
                )
            elif isinstance(pattern, URLPattern):
                yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern.callback

    return list(walk(get_resolver().url_patterns))


def test_csrf_exempt_only_where_a_token_in_the_request_is_the_authorisation():
    exempt = sorted(str(name) for name, view in _views() if getattr(view, "csrf_exempt", False))
    unexplained = [name for name in exempt if not any(name == ok or name.startswith(ok) for ok in CSRF_EXEMPT)]
    assert not unexplained, f"csrf_exempt without a reason in CSRF_EXEMPT: {unexplained}"
    assert any(name.startswith("api-v1:") for name in exempt)
