"""
Company sign-in with SAML 2.0 against a real IdP (pysaml2, tests/sso/saml_idp.py) on 127.0.0.1: a
signed assertion makes the account and its memberships; unsigned, wrongly signed, expired and replayed
assertions are refused; a signed IdP-initiated logout ends the session and an unsigned one does not.
"""

import html
from datetime import timedelta
from urllib.parse import urlencode

import pytest
import requests
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from campaign.models import Invitation, Membership, Role
from tests.factories import UserFactory
from tests.sso.conftest import SAML_PROVIDER_ID, post_assertion, saml_assertion

pytestmark = pytest.mark.usefixtures("saml_settings")
User = get_user_model()
REFUSED = b"Company sign-in did not work"


@pytest.fixture
def client():
    """A test client that names its host, as every browser does (python3-saml reads HTTP_HOST)."""
    from django.test import Client

    return Client(HTTP_HOST="testserver")


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def unescaped(form):
    return {key: html.unescape(value) for key, value in form.items()}


def test_signed_assertion_signs_in_and_turns_the_invitation_into_a_membership(client, campaign):
    invitation = Invitation(campaign=campaign, email="sara@example.com", role=Role.VIEWER)
    invitation.issue_token()
    invitation.save()

    acs, form = saml_assertion(client, "sara@example.com")
    response = post_assertion(client, acs, unescaped(form))

    assert response.status_code == 302
    assert response["Location"] == campaign.get_absolute_url()
    user = signed_in_user(client)
    assert (user.email, user.first_name, user.last_name) == ("sara@example.com", "Sara", "Tester")
    assert Membership.objects.get(user=user, campaign=campaign).role == Role.VIEWER


def test_allowed_domain_joins_through_saml(client, campaign):
    campaign.sso_domains = "acme.test"
    campaign.sso_default_role = Role.CHAMPION
    campaign.save()

    acs, form = saml_assertion(client, "ari@acme.test")
    post_assertion(client, acs, unescaped(form))

    assert Membership.objects.get(user=signed_in_user(client), campaign=campaign).role == Role.CHAMPION


@pytest.mark.parametrize("login", ["unsigned:uma@example.com", "wrongkey:uma@example.com"])
def test_unsigned_or_wrongly_signed_assertion_is_refused(client, db, login):
    acs, form = saml_assertion(client, login)

    response = post_assertion(client, acs, unescaped(form))

    assert REFUSED in response.content
    assert signed_in_user(client) is None
    assert not User.objects.filter(email="uma@example.com").exists()


def test_expired_assertion_is_refused(client, db):
    acs, form = saml_assertion(client, "eli@example.com")

    with time_machine.travel(timezone.now() + timedelta(minutes=30)):
        response = post_assertion(client, acs, unescaped(form))

    assert REFUSED in response.content
    assert signed_in_user(client) is None


def test_replayed_assertion_is_refused(client, campaign):
    acs, form = saml_assertion(client, "rob@example.com")
    post_assertion(client, acs, unescaped(form))
    client.post("/accounts/logout/")

    response = post_assertion(client, acs, unescaped(form))

    # The request it answered was used up by the first sign-in, so allauth refuses it outright.
    assert response.status_code == 403
    assert signed_in_user(client) is None


def test_address_outside_the_trusted_domains_never_links_to_an_existing_account(client, db):
    UserFactory(username="mo", email="mo@elsewhere.test")

    acs, form = saml_assertion(client, "mo@elsewhere.test")
    response = post_assertion(client, acs, unescaped(form))

    assert response.status_code == 403
    assert signed_in_user(client) is None


def _idp_logout(client, saml_idp, *, signed):
    query = {
        "sls": f"http://testserver/accounts/saml/{SAML_PROVIDER_ID}/sls/",
        "sp": f"http://testserver/accounts/saml/{SAML_PROVIDER_ID}/metadata/",
        "name_id": "lia@example.com",
    }
    if not signed:
        query["unsigned"] = "1"
    redirect = requests.get(f"{saml_idp}/logout?{urlencode(query)}", allow_redirects=False, timeout=5)
    assert redirect.status_code == 302, redirect.text
    return client.get(redirect.headers["Location"].removeprefix("http://testserver"))


def test_signed_logout_request_from_the_idp_ends_the_session(client, campaign, saml_idp):
    campaign.sso_domains = "example.com"
    campaign.save()
    acs, form = saml_assertion(client, "lia@example.com")
    post_assertion(client, acs, unescaped(form))
    assert signed_in_user(client) is not None

    _idp_logout(client, saml_idp, signed=True)

    assert signed_in_user(client) is None
    assert client.get(campaign.get_absolute_url()).status_code == 302


def test_unsigned_logout_request_is_refused(client, campaign, saml_idp):
    campaign.sso_domains = "example.com"
    campaign.save()
    acs, form = saml_assertion(client, "lia@example.com")
    post_assertion(client, acs, unescaped(form))

    response = _idp_logout(client, saml_idp, signed=False)

    assert response.status_code == 400
    assert signed_in_user(client) is not None


def test_healthz_has_a_line_for_the_saml_provider(client, db):
    assert client.get("/healthz").json()["idp:acme"] == {"name": "Acme SAML", "kind": "saml", "ok": True}
