"""config/sso.py: company sign-in read from the environment, with a clear error for each mistake."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.sso import sso_settings

OKTA = {
    "SSO_SAML_PROVIDERS": "okta",
    "SSO_SAML_OKTA_ENTITY_ID": "x",
    "SSO_SAML_OKTA_METADATA_URL": "https://okta.example.com/metadata",
}
ENTRA = {
    "SSO_OIDC_PROVIDERS": "entra",
    "SSO_OIDC_ENTRA_ISSUER": "https://login.microsoftonline.com/tenant/v2.0/",
    "SSO_OIDC_ENTRA_CLIENT_ID": "client",
    "SSO_OIDC_ENTRA_SECRET": "secret",
    "SSO_OIDC_ENTRA_NAME": "Contoso",
    "SSO_OIDC_ENTRA_EMAIL_DOMAINS": "Contoso.com",
}


def configured(monkeypatch, env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return sso_settings()


def test_nothing_set_means_passwords_and_no_providers(monkeypatch):
    monkeypatch.delenv("SSO_OIDC_PROVIDERS", raising=False)
    monkeypatch.delenv("SSO_SAML_PROVIDERS", raising=False)
    monkeypatch.delenv("PASSWORD_LOGIN", raising=False)

    result = sso_settings()

    assert result["PASSWORD_LOGIN"] is True
    assert result["SOCIALACCOUNT_PROVIDERS"]["openid_connect"]["APPS"] == []
    assert result["SSO_ORIGINS"] == []


def test_an_oidc_provider_from_the_environment(monkeypatch):
    result = configured(monkeypatch, ENTRA)

    (app,) = result["SOCIALACCOUNT_PROVIDERS"]["openid_connect"]["APPS"]
    assert app["name"] == "Contoso"
    assert app["settings"] == {
        "server_url": "https://login.microsoftonline.com/tenant/v2.0",
        "oauth_pkce_enabled": True,
        "verified_email": ["contoso.com"],
    }
    assert result["SSO_ORIGINS"] == ["https://login.microsoftonline.com"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SSO_OIDC_ENTRA_SECRET": ""}, "SSO_OIDC_ENTRA_SECRET is not set"),
        ({"SSO_OIDC_ENTRA_ISSUER": "http://idp.example.com"}, "must be an https:// address"),
        ({"SSO_OIDC_PROVIDERS": "Entra!"}, "is not a provider id"),
        ({"SSO_OIDC_PROVIDERS": "entra,entra"}, "names a provider twice"),
        ({"PASSWORD_LOGIN": "nope"}, "is not a boolean"),
        ({"PASSWORD_LOGIN": "false", "SSO_OIDC_PROVIDERS": ""}, "leaves nobody a way to sign in"),
        ({"SSO_SAML_PROVIDERS": "okta", "SSO_SAML_OKTA_ENTITY_ID": "x"}, "Set one of SSO_SAML_OKTA_METADATA_URL"),
        (
            {"SSO_SAML_PROVIDERS": "okta", "SSO_SAML_OKTA_ENTITY_ID": "x", "SSO_SAML_OKTA_METADATA_FILE": "/nowhere"},
            "cannot be read",
        ),
        ({**OKTA, "SSO_SAML_SP_CERT_FILE": "/nowhere"}, "Set both SSO_SAML_SP_CERT_FILE and SSO_SAML_SP_KEY_FILE"),
        (
            {**OKTA, "SSO_SAML_SP_CERT_FILE": "/nowhere", "SSO_SAML_SP_KEY_FILE": "/nowhere"},
            "SSO_SAML_SP_CERT_FILE: '/nowhere' cannot be read",
        ),
    ],
)
def test_mistakes_stop_start_up_naming_the_variable(monkeypatch, env, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        configured(monkeypatch, {**ENTRA, **env})
