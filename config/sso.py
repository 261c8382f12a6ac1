"""
Company sign-in, read from the environment (config/settings.py imports `sso_settings`).

OpenID Connect providers are listed by id in SSO_OIDC_PROVIDERS; each id has its own variables:

    SSO_OIDC_PROVIDERS=entra
    SSO_OIDC_ENTRA_ISSUER=https://login.microsoftonline.com/<tenant>/v2.0
    SSO_OIDC_ENTRA_CLIENT_ID=…
    SSO_OIDC_ENTRA_SECRET=…
    SSO_OIDC_ENTRA_NAME=Contoso (Microsoft)

SAML 2.0 identity providers likewise in SSO_SAML_PROVIDERS, each with SSO_SAML_<ID>_ENTITY_ID (the IdP's),
SSO_SAML_<ID>_METADATA_URL or SSO_SAML_<ID>_METADATA_FILE, and SSO_SAML_<ID>_NAME. SSO_SAML_SP_CERT_FILE and
SSO_SAML_SP_KEY_FILE, our own certificate and key, sign the LogoutRequests of SP-initiated logout.

PASSWORD_LOGIN=false takes the password form away from everyone except BREAK_GLASS_USERNAME, who always
needs a second factor. docs/sso.md has worked examples.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

SAML_PROVIDER_CLASS = "campaign.sso.SAMLProvider"
_ID = re.compile(r"^[a-z][a-z0-9-]{0,39}$")


def _ids(name):
    raw = os.environ.get(name, "")
    ids = [item.strip().lower() for item in raw.split(",") if item.strip()]
    for provider_id in ids:
        if not _ID.match(provider_id):
            raise ImproperlyConfigured(
                f"{name}: {provider_id!r} is not a provider id: use lower-case letters, digits and hyphens."
            )
    if len(set(ids)) != len(ids):
        raise ImproperlyConfigured(f"{name} names a provider twice.")
    return ids


def _required(name):
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} is not set (company sign-in needs it; see docs/sso.md).")
    return value


def _domains(name):
    return [item.strip().lower() for item in os.environ.get(name, "").split(",") if item.strip()]


def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _var(kind, provider_id, field):
    return f"SSO_{kind}_{provider_id.upper().replace('-', '_')}_{field}"


def oidc_app(provider_id):
    """One allauth OpenID Connect app from SSO_OIDC_<ID>_* variables."""
    issuer = _required(_var("OIDC", provider_id, "ISSUER")).rstrip("/")
    if not issuer.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise ImproperlyConfigured(f"{_var('OIDC', provider_id, 'ISSUER')} must be an https:// address.")
    return {
        "provider_id": provider_id,
        "name": os.environ.get(_var("OIDC", provider_id, "NAME"), "").strip() or provider_id,
        "client_id": _required(_var("OIDC", provider_id, "CLIENT_ID")),
        "secret": _required(_var("OIDC", provider_id, "SECRET")),
        "settings": {
            "server_url": issuer,
            # PKCE on every authorisation request, whatever the provider asks for.
            "oauth_pkce_enabled": True,
            # Providers that send no email_verified (Entra ID): addresses at the domains the tenant owns count
            # as verified. Unset, only the provider's own email_verified says so.
            **(
                {"verified_email": domains} if (domains := _domains(_var("OIDC", provider_id, "EMAIL_DOMAINS"))) else {}
            ),
        },
    }


def _metadata_from_file(path, entity_id):
    """The IdP's endpoints and certificate from a metadata file, in the shape allauth's SAML app takes."""
    from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

    try:
        xml = Path(path).read_text()
    except OSError as error:
        raise ImproperlyConfigured(f"SAML metadata file {path!r} cannot be read: {error.strerror}.") from None
    parsed = OneLogin_Saml2_IdPMetadataParser.parse(xml, entity_id=entity_id).get("idp", {})
    if not parsed.get("singleSignOnService", {}).get("url") or not parsed.get("x509cert"):
        raise ImproperlyConfigured(f"SAML metadata file {path!r} has no sign-in address or certificate for {entity_id}")
    idp = {
        "entity_id": parsed["entityId"],
        "sso_url": parsed["singleSignOnService"]["url"],
        "x509cert": parsed["x509cert"],
    }
    if parsed.get("singleLogoutService", {}).get("url"):
        idp["slo_url"] = parsed["singleLogoutService"]["url"]
    return idp


def _sp_key_pair():
    """Our SP certificate and private key (PEM files), for signing logout messages; {} when neither is set."""
    names = ("SSO_SAML_SP_CERT_FILE", "SSO_SAML_SP_KEY_FILE")
    paths = [os.environ.get(name, "").strip() for name in names]
    if not any(paths):
        return {}
    if not all(paths):
        raise ImproperlyConfigured("Set both SSO_SAML_SP_CERT_FILE and SSO_SAML_SP_KEY_FILE, or neither.")
    pems = []
    for name, path in zip(names, paths, strict=True):
        try:
            pems.append(Path(path).read_text())
        except OSError as error:
            raise ImproperlyConfigured(f"{name}: {path!r} cannot be read: {error.strerror}.") from None
    cert, key = pems
    if "BEGIN CERTIFICATE" not in cert or "PRIVATE KEY" not in key:
        raise ImproperlyConfigured(
            "SSO_SAML_SP_CERT_FILE must hold a PEM certificate and SSO_SAML_SP_KEY_FILE its key."
        )
    # With a key our LogoutRequests (SP-initiated logout) and LogoutResponses are signed.
    return {"x509cert": cert, "private_key": key, "logout_request_signed": True, "logout_response_signed": True}


def saml_app(provider_id):
    """One allauth SAML app from SSO_SAML_<ID>_* variables; signed assertions and logout requests required."""
    entity_id = _required(_var("SAML", provider_id, "ENTITY_ID"))
    metadata_url = os.environ.get(_var("SAML", provider_id, "METADATA_URL"), "").strip()
    metadata_file = os.environ.get(_var("SAML", provider_id, "METADATA_FILE"), "").strip()
    if bool(metadata_url) == bool(metadata_file):
        raise ImproperlyConfigured(
            f"Set one of {_var('SAML', provider_id, 'METADATA_URL')} or {_var('SAML', provider_id, 'METADATA_FILE')}."
        )
    if metadata_url:
        idp = {"entity_id": entity_id, "metadata_url": metadata_url, "metadata_request_timeout": 5}
    else:
        idp = _metadata_from_file(metadata_file, entity_id)
    return {
        "provider_id": provider_id,
        "name": os.environ.get(_var("SAML", provider_id, "NAME"), "").strip() or provider_id,
        # allauth names a SAML app's addresses after its client id: /accounts/saml/<id>/acs/ and so on.
        "client_id": provider_id,
        "settings": {
            "idp": idp,
            # SAML has no email_verified claim: the addresses a company IdP asserts come from its own
            # directory. SSO_SAML_<ID>_EMAIL_DOMAINS narrows that trust to the domains it really owns.
            "verified_email": _domains(_var("SAML", provider_id, "EMAIL_DOMAINS")) or True,
            "attribute_mapping": {
                "uid": "urn:oid:0.9.2342.19200300.100.1.1",
                "email": "urn:oid:0.9.2342.19200300.100.1.3",
                "first_name": "urn:oid:2.5.4.42",
                "last_name": "urn:oid:2.5.4.4",
            },
            "advanced": {
                "strict": True,
                "want_assertion_signed": True,
                # A LogoutRequest from the IdP ends a session only when it is signed.
                "want_message_signed": True,
                "reject_idp_initiated_sso": True,
                "allow_single_label_domains": True,
                **_sp_key_pair(),
            },
        },
    }


def sso_settings():
    """The settings company sign-in adds: allauth's provider apps, the password switch and the break-glass name."""
    password_login = os.environ.get("PASSWORD_LOGIN", "true").strip().lower()
    if password_login not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
        raise ImproperlyConfigured(f"PASSWORD_LOGIN={password_login!r} is not a boolean: use true or false.")
    oidc = [oidc_app(provider_id) for provider_id in _ids("SSO_OIDC_PROVIDERS")]
    saml = [saml_app(provider_id) for provider_id in _ids("SSO_SAML_PROVIDERS")]
    if password_login in ("false", "0", "no", "off") and not (oidc or saml):
        raise ImproperlyConfigured(
            "PASSWORD_LOGIN=false leaves nobody a way to sign in: configure SSO_OIDC_PROVIDERS or SSO_SAML_PROVIDERS."
        )
    clash = {app["provider_id"] for app in oidc} & {app["provider_id"] for app in saml}
    if clash:
        raise ImproperlyConfigured(f"Provider ids must differ between OIDC and SAML: {', '.join(sorted(clash))}.")
    origins = [_origin(app["settings"]["server_url"]) for app in oidc]
    for app in saml:
        idp = app["settings"]["idp"]
        origins.append(_origin(idp.get("metadata_url") or idp["sso_url"]))
    return {
        "SSO_ORIGINS": sorted(set(origins)),
        "SOCIALACCOUNT_PROVIDERS": {
            "openid_connect": {"APPS": oidc, "OAUTH_PKCE_ENABLED": True},
            # Our SAML provider class keeps the NameID and SessionIndex for SP-initiated logout.
            "saml": {"APPS": saml, "provider_class": SAML_PROVIDER_CLASS},
        },
        "PASSWORD_LOGIN": password_login in ("true", "1", "yes", "on"),
        "BREAK_GLASS_USERNAME": os.environ.get("BREAK_GLASS_USERNAME", "").strip(),
    }
