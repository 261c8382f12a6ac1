"""
Company sign-in with SAML 2.0 against a real IdP (pysaml2, tests/sso/saml_idp.py) on 127.0.0.1: a
signed assertion makes the account and its memberships; unsigned, wrongly signed, expired and replayed
assertions are refused; a signed IdP-initiated logout ends the session and an unsigned one does not;
signing out of Rising Tide sends a signed LogoutRequest that ends the IdP's session too.
"""

import html
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from campaign.models import Invitation, Membership, Role
from tests.factories import UserFactory
from tests.sso.conftest import (
    SAML_PROVIDER_ID,
    configure_saml,
    hidden_inputs,
    post_assertion,
    saml_assertion,
    saml_idp_page,
)

pytestmark = pytest.mark.usefixtures("saml_settings")
User = get_user_model()
REFUSED = b"Company sign-in did not work"
IDP_LOGIN_PAGE = "Test IdP sign-in"


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


def _sign_in_with_an_idp_session(client, campaign):
    """Sign in through the IdP's login page in a browser that keeps the IdP's session cookie."""
    campaign.sso_domains = "example.com"
    campaign.save()
    browser = requests.Session()
    acs, form = saml_assertion(client, "noor@example.com", browser)
    post_assertion(client, acs, unescaped(form))
    assert signed_in_user(client) is not None
    return browser


def test_sign_out_sends_a_signed_logout_request_and_ends_the_idp_session(client, campaign, saml_idp):
    browser = _sign_in_with_an_idp_session(client, campaign)

    response = client.post("/accounts/logout/")

    assert signed_in_user(client) is None
    location = response["Location"]
    assert location.startswith(f"{saml_idp}/slo?")
    query = parse_qs(urlsplit(location).query)
    assert {"SAMLRequest", "Signature", "SigAlg"} <= query.keys()
    # The IdP checks the signature, ends its session and answers our SLS with a signed LogoutResponse.
    answer = browser.get(location, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    sls = answer.headers["Location"]
    assert sls.startswith(f"http://testserver/accounts/saml/{SAML_PROVIDER_ID}/sls/?SAMLResponse=")
    assert "Signature=" in sls
    landed = client.get(sls.removeprefix("http://testserver"))
    assert (landed.status_code, landed["Location"]) == (302, "/accounts/login/")
    # Signing in again means the IdP's login page again.
    assert IDP_LOGIN_PAGE in saml_idp_page(client, browser).text


def test_idp_logout_response_without_its_signature_is_refused(client, campaign, saml_idp):
    browser = _sign_in_with_an_idp_session(client, campaign)
    location = client.post("/accounts/logout/")["Location"]
    sls = browser.get(location, allow_redirects=False, timeout=5).headers["Location"]
    query = parse_qs(urlsplit(sls).query)

    response = client.get(f"/accounts/saml/{SAML_PROVIDER_ID}/sls/", {"SAMLResponse": query["SAMLResponse"][0]})

    assert response.status_code == 400


def test_the_idp_session_lasts_until_we_sign_out_there(client, campaign, saml_idp):
    browser = _sign_in_with_an_idp_session(client, campaign)
    client.logout()

    # No login page: the IdP answers at once while its session lasts (what SP-initiated logout ends).
    idp_page = saml_idp_page(client, browser)

    assert IDP_LOGIN_PAGE not in idp_page.text
    assert "SAMLResponse" in hidden_inputs(idp_page.text)


def test_without_a_logout_service_in_the_metadata_sign_out_stays_local(
    client, campaign, saml_idp, settings, monkeypatch, sp_key_pair
):
    configure_saml(settings, monkeypatch, saml_idp, sp_key_pair, metadata_url=f"{saml_idp}/metadata?slo=0")
    browser = _sign_in_with_an_idp_session(client, campaign)

    response = client.post("/accounts/logout/")

    assert response["Location"] == "/accounts/login/"
    assert signed_in_user(client) is None
    assert IDP_LOGIN_PAGE not in saml_idp_page(client, browser).text


def test_healthz_has_a_line_for_the_saml_provider(client, db):
    assert client.get("/healthz").json()["idp:acme"] == {"name": "Acme SAML", "kind": "saml", "ok": True}
