"""
Company sign-in: how an OpenID Connect or SAML sign-in (django-allauth) becomes a Rising Tide account.

The first sign-in makes the account from the identity provider's *verified* email and name; an address
the provider does not vouch for is refused, so nobody can claim an existing local account by typing its
email into their IdP profile. Campaign access still comes only from Rising Tide: a pending invitation for
the address, or a campaign's allowed email domains (`membership_grant_at_sign_in`). Signing in alone opens nothing.
"""

import logging

import requests
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.saml.provider import SAMLProvider as AllauthSAMLProvider
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from campaign.audit import audit_record
from campaign.models import Campaign, Invitation, Membership

logger = logging.getLogger(__name__)

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
# Session keys: which provider signed this session in (for RP-initiated logout), and whether a second
# factor was checked at sign-in.
SESSION_PROVIDER = "sso_provider"
SESSION_MFA = "signin_mfa"
# The nonce sent with an OpenID Connect sign-in started from this session; the id_token must carry it.
SESSION_NONCE = "sso_nonce"
# What SP-initiated SAML logout names in its LogoutRequest: the NameID (and its qualifiers) and the
# SessionIndex of the assertion this session was signed in with.
SESSION_SAML = "sso_saml_subject"


def configured_providers():
    """Each configured identity provider as a dict: id, name, kind ("oidc" or "saml") and the app's settings."""
    apps = settings.SOCIALACCOUNT_PROVIDERS
    providers = [{"kind": "oidc", **app} for app in apps.get("openid_connect", {}).get("APPS", [])]
    providers += [{"kind": "saml", **app} for app in apps.get("saml", {}).get("APPS", [])]
    return providers


def is_oidc_provider(provider_id):
    return any(p["kind"] == "oidc" and p["provider_id"] == provider_id for p in configured_providers())


def sign_in_buttons():
    """(name, address) for each "Sign in with …" button on the login page."""
    buttons = []
    for provider in configured_providers():
        if provider["kind"] == "oidc":
            url = reverse("signin-sso-start", kwargs={"provider_id": provider["provider_id"]})
        else:
            url = reverse("saml_login", kwargs={"organization_slug": provider["client_id"]})
        buttons.append({"name": provider["name"], "url": url})
    return buttons


def provider_health(provider):
    """Is the provider's discovery document or metadata reachable and well-formed? {"ok", "name", "error"?}."""
    result = {"name": provider["name"], "kind": provider["kind"]}
    if provider["kind"] == "oidc":
        url = provider["settings"]["server_url"] + "/.well-known/openid-configuration"
        needed = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
    else:
        url = provider["settings"]["idp"].get("metadata_url")
        if not url:  # read from a file when the settings loaded, and checked then
            return {**result, "ok": True}
        needed = ()
    try:
        response = requests.get(url, timeout=3)
        response.raise_for_status()
        if needed:
            document = response.json()
            missing = [key for key in needed if key not in document]
            if missing:
                return {**result, "ok": False, "error": f"misconfigured: discovery lacks {', '.join(missing)}"}
        elif b"IDPSSODescriptor" not in response.content:
            return {**result, "ok": False, "error": "misconfigured: metadata has no IdP descriptor"}
    except (requests.RequestException, ValueError) as error:
        logger.warning("healthz: %s metadata unreachable: %s", provider["provider_id"], error)
        return {**result, "ok": False, "error": f"metadata unreachable ({error.__class__.__name__})"}
    return {**result, "ok": True}


def _refuse(request, reason):
    raise ImmediateHttpResponse(render(request, "registration/sso_refused.html", {"reason": reason}, status=403))


def _verified_email(sociallogin):
    for address in sociallogin.email_addresses:
        if address.verified and address.email:
            return address.email.strip().lower()
    return None


@transaction.atomic
def membership_grant_at_sign_in(*, user, email):
    """
    Turn the user's pending invitations into memberships, and join campaigns whose allowed email domains
    include the address's domain (with that campaign's default role). Returns the memberships made.
    """
    made = []
    for invitation in Invitation.objects.pending().filter(email__iexact=email).select_related("campaign"):
        membership, created = Membership.objects.get_or_create(
            user=user, campaign=invitation.campaign, defaults={"role": invitation.role}
        )
        Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
        if created:
            made.append(membership)
            audit_record(
                campaign=invitation.campaign,
                actor=user,
                action="Member joined by company sign-in (invitation)",
                target=user.get_username(),
                after={"role": membership.role},
                subject="campaign.membership",
            )
    domain = email.rpartition("@")[2]
    for campaign in Campaign.objects.filter(sso_domains__icontains=domain).exclude(memberships__user=user):
        if domain not in campaign.allowed_domains:
            continue
        membership = Membership.objects.create(user=user, campaign=campaign, role=campaign.sso_default_role)
        made.append(membership)
        audit_record(
            campaign=campaign,
            actor=user,
            action="Member joined by company sign-in (allowed domain)",
            target=user.get_username(),
            after={"role": membership.role},
            subject="campaign.membership",
        )
    return made


class SAMLProvider(AllauthSAMLProvider):
    """allauth's SAML provider, keeping the assertion's subject for the LogoutRequest at sign-out."""

    def sociallogin_from_response(self, request, response):
        request._saml_subject = {
            "name_id": response.get_nameid(),
            "name_id_format": response.get_nameid_format(),
            "nq": response.get_nameid_nq(),
            "spnq": response.get_nameid_spnq(),
            "session_index": response.get_session_index(),
        }
        return super().sociallogin_from_response(request, response)


class AccountAdapter(DefaultAccountAdapter):
    """allauth's account side, narrowed: no self sign-up, no allauth login stages, ModelBackend sessions."""

    def is_open_for_signup(self, request):
        return False

    def get_login_stages(self):
        # Password sign-in and its second factor are campaign.signin's; an SSO session's factor is the IdP's.
        return []

    def login(self, request, user):
        # The first backend (django-axes) cannot load a user back from the session.
        user.backend = MODEL_BACKEND
        super().login(request, user)
        provider = getattr(request, "_sso_provider", None)
        if provider:
            request.session[SESSION_PROVIDER] = provider
        subject = getattr(request, "_saml_subject", None)
        if subject:
            request.session[SESSION_SAML] = subject

    def get_login_redirect_url(self, request):
        memberships = list(Membership.objects.filter(user=request.user).select_related("campaign")[:2])
        if not memberships:
            return reverse("signin-no-campaign")
        if len(memberships) == 1:
            return memberships[0].campaign.get_absolute_url()
        return reverse("campaign:list")

    def get_signup_redirect_url(self, request):
        return self.get_login_redirect_url(request)

    def populate_username(self, request, user):
        """A free username from the email's local part: "rita", then "rita2", …"""
        base = (user.email.partition("@")[0] or "member")[:140]
        username, n = base, 1
        while get_user_model().objects.filter(username__iexact=username).exists():
            n += 1
            username = f"{base}{n}"
        user.username = username


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        return True

    def pre_social_login(self, request, sociallogin):
        """Refuse an unverified address; link a verified one to the account of that address, if active."""
        request._sso_provider = sociallogin.account.provider
        if any(
            p["kind"] == "oidc" and p["provider_id"] == sociallogin.account.provider for p in configured_providers()
        ):
            # allauth checks state and PKCE; the nonce ties the id_token to the sign-in this session began.
            expected = request.session.pop(SESSION_NONCE, None)
            claims = sociallogin.account.extra_data.get("id_token") or {}
            if not expected or claims.get("nonce") != expected:
                logger.warning("sso: refused an id_token without this session's nonce")
                _refuse(request, "nonce")
        email = _verified_email(sociallogin)
        if email is None:
            logger.warning("sso: refused a sign-in from %s without a verified email", sociallogin.account.provider)
            _refuse(request, "unverified")
        if sociallogin.is_existing:
            if not sociallogin.user.is_active:
                _refuse(request, "inactive")
            membership_grant_at_sign_in(user=sociallogin.user, email=email)
            return
        existing = get_user_model().objects.filter(email__iexact=email).first()
        if existing is not None:
            if not existing.is_active:
                _refuse(request, "inactive")
            sociallogin.connect(request, existing)
            membership_grant_at_sign_in(user=existing, email=email)

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.email = (_verified_email(sociallogin) or "").lower()
        return user

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        provider = sociallogin.account.provider
        logger.info("sso: account %s made at first sign-in through %s", user.get_username(), provider)
        membership_grant_at_sign_in(user=user, email=user.email)
        return user

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        logger.warning("sso: sign-in through %s failed: %s %s", getattr(provider, "id", provider), error, exception)
