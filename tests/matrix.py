"""The role × page matrix's entry type and the collection of every app's entries."""

from importlib import import_module
from pathlib import Path
from typing import NamedTuple

from campaign.models import Role

TESTS = Path(__file__).resolve().parent


def _no_kwargs(campaign):
    return {}


class Page(NamedTuple):
    read: Role | None  # weakest role that may GET it; None when it answers no GET
    write: Role | None  # weakest role that may POST to it; None when it is read-only
    kwargs: object = _no_kwargs  # campaign -> the URL's arguments besides `slug`


def all_pages():
    """Every app's PAGES, from tests/<app>/pages*.py."""
    pages = {}
    for path in sorted(TESTS.glob("*/pages*.py")):
        module = import_module(f"tests.{path.parent.name}.{path.stem}")
        pages.update(module.PAGES)
    return pages


# --- Everything outside /c/<slug>/ --------------------------------------------------


# The token-authenticated API, per route name: the methods it answers. tests/security/test_access_complete.py
# checks each one: no token → 401, another campaign's token → 404 and nothing stored, its own token → 2xx.
# A route whose address names an object beyond `slug` adds a function making those arguments (an
# object of the campaign given), and a POST route whose body is not a feedback item adds its body.
def _goal_kwargs(campaign):
    from tests.factories import GoalFactory

    return {"goal_id": GoalFactory(campaign=campaign).pk}


API_ROUTES = {
    "api-v1:feedback_create": ("POST",),
    "api-v1:feedback_list": ("GET",),
    "api-v1:summary_list": ("GET",),
    "api-v1:goal_list": ("GET",),
    "api-v1:goal_readings_list": ("GET", _goal_kwargs),
    "api-v1:goal_readings_create": ("POST", _goal_kwargs, {"date": "2026-01-02", "value": "4"}),
}

# Pages that are not a campaign's: who may open them, and why they need no membership.
PUBLIC_PAGES = {
    "healthz": "the load balancer's health check; says nothing about campaigns",
    "login": "the login form",
    "logout": "POST only; ends the session",
    "password_change": "login required (Django's own view)",
    "password_change_done": "login required (Django's own view)",
    "password_reset": "answers the same for known and unknown addresses",
    "password_reset_done": "static text",
    "password_reset_confirm": "Django's signed, single-use token",
    "password_reset_complete": "static text",
    "invitation-accept": "a hashed single-use token",
    "campaign:list": "login required; lists only the user's own campaigns",
    "campaign:new": "login required; the creator becomes the new campaign's admin",
    "campaign:privacy": "login required; searches only the campaigns the user administers",
    "campaign:notifications-off": "a signed token for one member; can only switch that member's notifications off",
    "allies:join": "a campaign's join link token; creates a volunteer ally only",
    "allies:join-thanks": "a campaign's join link token; static thanks",
    "leadership:pack-web": "a signed, expiring token for one delivery",
    "leadership:event-answer": "a signed, expiring token for one leader and invitation",
    "leadership:moment-photo-signed": "a signed, expiring token for one photo; nothing once its consent is withdrawn",
    "leadership:summary-web": "a signed, expiring token for one delivery",
    "leadership:summary-unsubscribe": "a signed token for one leader; can only switch summaries off",
    "leadership:summary-test-web": "a signed, expiring token for one member's test copy",
    "leadership:summary-test-unsubscribe": "a signed, expiring token for one test copy; unsubscribes nobody",
    "allies:checkin-answer": "a signed token for one question of one round; single use, until the round closes",
    "allies:checkin-unsubscribe": "a signed token for one ally or member; can only switch the check-in off",
    "signin-mfa": "only with a password just checked (a pending sign-in in the session)",
    "signin-mfa-setup": "login required; the user's own authenticator",
    "signin-no-campaign": "login required; static text",
    "signin-sso-start": "POST starts a sign-in (with a nonce) at a configured provider; 404 for any other id",
    "openid_connect_login": "POST starts a sign-in at a configured provider; 404 for any other id",
    "openid_connect_callback": "the provider's answer, checked (state, PKCE, signature, audience) by allauth",
    "saml_login": "starts a sign-in at a configured SAML provider",
    "saml_acs": "the IdP's signed assertion, checked by python3-saml",
    "saml_finish_acs": "allauth's second half of the assertion check",
    "saml_sls": "the IdP's signed logout request or response; unsigned ones are refused",
    "saml_metadata": "the service provider's public metadata",
    "socialaccount_login_cancelled": "static text",
    "socialaccount_login_error": "static text",
    "socialaccount_signup": "static text: sign-up beyond the automatic one is closed",
    "api-v1:openapi-json": "the API's public description",
    "api-v1:api-root": "the API's root; every route under it needs a token",
}


def all_url_names():
    """(route, name) for every named URL pattern in the project, admin's excepted (Django's, staff only)."""

    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                inner = pattern.namespace or None
                full = f"{namespace}:{inner}" if namespace and inner else inner or namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), full)
            elif pattern.name:
                yield prefix + str(pattern.pattern), f"{namespace}:{pattern.name}" if namespace else pattern.name

    from django.urls import get_resolver

    return [(route, name) for route, name in walk(get_resolver().url_patterns) if not route.startswith("admin/")]
