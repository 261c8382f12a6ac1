"""
Rising Tide configured with the test identity providers (tests/sso/idps.py starts them), and the steps a
browser takes through their pages, done with requests so most sign-in tests need no browser.
"""

import re
import subprocess
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

HERE = Path(__file__).resolve().parent
OIDC_PROVIDER_ID = "idp"
OIDC_CLIENT = {"client_id": "rising-tide", "secret": "rising-tide-test-secret"}


def oidc_app(issuer, **overrides):
    return {
        "provider_id": OIDC_PROVIDER_ID,
        "name": "Test IdP",
        **OIDC_CLIENT,
        "settings": {"server_url": issuer, "oauth_pkce_enabled": True},
        **overrides,
    }


@pytest.fixture
def oidc_settings(settings, oidc_idp):
    """Rising Tide configured with the test provider as its one OpenID Connect provider."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {"APPS": [oidc_app(oidc_idp)], "OAUTH_PKCE_ENABLED": True},
        "saml": {"APPS": []},
    }
    settings.SECURE_CSP = {**settings.SECURE_CSP, "form-action": ["'self'", oidc_idp]}
    return settings


def _form_action(html, base):
    match = re.search(r'<form[^>]*action="([^"]+)"', html)
    assert match, f"no form on the provider's page:\n{html[:500]}"
    return urljoin(base, match.group(1).replace("&amp;", "&"))


def idp_sign_in(authorize_url, login, *, stop_at="http://testserver/"):
    """
    Go through the provider's own login and consent pages as a browser would (any password), following
    its redirects until one leaves for `stop_at`; returns that address (our callback with code and state).
    """
    session = requests.Session()
    url, data = authorize_url, None
    for _ in range(12):
        response = (
            session.post(url, data=data, allow_redirects=False) if data else session.get(url, allow_redirects=False)
        )
        data = None
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            if url.startswith(stop_at):
                return url
            continue
        assert response.status_code == 200, response.text[:500]
        action = _form_action(response.text, url)
        if 'value="login"' in response.text:
            data = {"prompt": "login", "login": login, "password": "any"}
        else:
            data = {"prompt": "consent"}
        url = action
    raise AssertionError("the provider never sent the browser back")


def start_sign_in(client, provider_id=OIDC_PROVIDER_ID):
    """Press "Sign in with …": returns the provider's authorisation address we were sent to."""
    response = client.post(f"/accounts/sso/{provider_id}/start/")
    assert response.status_code == 302, response.content[:300]
    return response["Location"]


def callback_path(url):
    return url.removeprefix("http://testserver")


SAML_PROVIDER_ID = "acme"


@pytest.fixture(scope="session")
def sp_key_pair(tmp_path_factory):
    """Our SP certificate and key (PEM files), made once: they sign the LogoutRequests we send."""
    folder = tmp_path_factory.mktemp("saml-sp-keys")
    key, cert = folder / "sp.key", folder / "sp.crt"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=rising-tide-sp"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def configure_saml(settings, monkeypatch, saml_idp, sp_key_pair, *, metadata_url=None):
    """Rising Tide configured, through config/sso.py, with the test IdP as its one SAML provider."""
    from django.core.cache import cache
    from django.test import Client

    from config.sso import SAML_PROVIDER_CLASS, saml_app

    monkeypatch.setenv("SSO_SAML_ACME_ENTITY_ID", f"{saml_idp}/metadata")
    monkeypatch.setenv("SSO_SAML_ACME_METADATA_URL", metadata_url or f"{saml_idp}/metadata")
    monkeypatch.setenv("SSO_SAML_ACME_NAME", "Acme SAML")
    monkeypatch.setenv("SSO_SAML_ACME_EMAIL_DOMAINS", "example.com,acme.test")
    monkeypatch.setenv("SSO_SAML_SP_CERT_FILE", str(sp_key_pair[0]))
    monkeypatch.setenv("SSO_SAML_SP_KEY_FILE", str(sp_key_pair[1]))
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {"APPS": []},
        "saml": {"APPS": [saml_app(SAML_PROVIDER_ID)], "provider_class": SAML_PROVIDER_CLASS},
    }
    settings.SECURE_CSP = {**settings.SECURE_CSP, "form-action": ["'self'", saml_idp]}
    cache.clear()  # allauth caches the IdP's metadata
    register_sp(Client(HTTP_HOST="testserver"), saml_idp)
    return settings


@pytest.fixture
def saml_settings(settings, saml_idp, sp_key_pair, monkeypatch, db):
    return configure_saml(settings, monkeypatch, saml_idp, sp_key_pair)


def register_sp(client, saml_idp):
    """Hand our SP metadata to the IdP, as an IdP admin would when adding the app."""
    metadata = client.get(f"/accounts/saml/{SAML_PROVIDER_ID}/metadata/")
    assert metadata.status_code == 200, metadata.content[:300]
    requests.post(f"{saml_idp}/sp", data=metadata.content, timeout=5).raise_for_status()


def hidden_inputs(html):
    return dict(re.findall(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))


def saml_idp_page(client, browser=requests):
    """Press "Sign in with Acme SAML": the IdP's page, its login form or (while its session lasts) its answer."""
    response = client.post(f"/accounts/saml/{SAML_PROVIDER_ID}/login/")
    assert response.status_code == 302, response.content[:300]
    idp_page = browser.get(response["Location"], timeout=5)
    assert idp_page.status_code == 200, idp_page.text[:300]
    return idp_page


def saml_assertion(client, login, browser=requests):
    """
    Press "Sign in with Acme SAML", sign in on the IdP's page; returns the form the IdP posts back.
    `browser` (a requests.Session) keeps the IdP's session cookie, as a browser would.
    """
    login_page = saml_idp_page(client, browser)
    fields = hidden_inputs(login_page.text)
    answer = browser.post(_form_action(login_page.text, login_page.url), data={**fields, "login": login}, timeout=5)
    assert answer.status_code == 200, answer.text[:500]
    action = _form_action(answer.text, login_page.url)
    return action.removeprefix("http://testserver"), hidden_inputs(answer.text)


def post_assertion(client, acs, form):
    """What the browser does with the IdP's answer: post it to our ACS, then follow to the finish step."""
    response = client.post(acs, form)
    if response.status_code == 302 and "/acs/finish/" in response["Location"]:
        response = client.get(response["Location"])
    return response
