"""
Signing in and out: the password form (Django's, so django-axes counts failures), its second factor
(TOTP or a recovery code, kept by allauth.mfa), the "no campaign yet" landing page and a sign-out that
also ends the session at an OpenID Connect provider that offers RP-initiated logout, or at a SAML IdP
with a single logout service (a signed LogoutRequest).
"""

import base64
import logging
import secrets

import requests
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, validate_totp_code
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST
from onelogin.saml2.errors import OneLogin_Saml2_Error

from campaign.sso import (
    MODEL_BACKEND,
    SESSION_MFA,
    SESSION_NONCE,
    SESSION_PROVIDER,
    SESSION_SAML,
    configured_providers,
    is_oidc_provider,
    sign_in_buttons,
)

logger = logging.getLogger(__name__)
SESSION_PENDING = "signin_pending"
MAX_CODE_TRIES = 5


def is_break_glass(user):
    return bool(settings.BREAK_GLASS_USERNAME) and user.get_username() == settings.BREAK_GLASS_USERNAME


def has_totp(user):
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class LoginView(auth_views.LoginView):
    """
    The password form, with "Sign in with …" buttons. With PASSWORD_LOGIN=false only the break-glass
    account may use the form (shown at ?password=1). An account with an authenticator goes on to
    the code step instead of being signed in.
    """

    def password_form_shown(self):
        return settings.PASSWORD_LOGIN or "password" in self.request.GET or self.request.method == "POST"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_buttons"] = sign_in_buttons()
        context["password_form_shown"] = self.password_form_shown()
        context["password_login"] = settings.PASSWORD_LOGIN
        return context

    def form_valid(self, form):
        user = form.get_user()
        if not settings.PASSWORD_LOGIN and not is_break_glass(user):
            form.add_error(None, "Password sign-in is turned off here: use your company sign-in.")
            return self.form_invalid(form)
        if has_totp(user):
            self.request.session[SESSION_PENDING] = {"user": user.pk, "next": self.get_success_url(), "tries": 0}
            return redirect("signin-mfa")
        return super().form_valid(form)


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The six digits your authenticator app shows, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def _check_code(user, code):
    """Is `code` the user's current TOTP code or an unused recovery code? A recovery code is used up."""
    for authenticator in Authenticator.objects.filter(user=user):
        usable = authenticator.type in (Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES)
        if usable and authenticator.wrap().validate_code(code):
            authenticator.record_usage()
            return True
    return False


def mfa_verify(request):
    """The second step of a password sign-in: a TOTP or recovery code. Five wrong codes start sign-in over."""
    pending = request.session.get(SESSION_PENDING)
    user = get_user_model().objects.filter(pk=(pending or {}).get("user"), is_active=True).first()
    if user is None:
        return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _check_code(user, form.cleaned_data["code"].strip()):
            next_url = pending["next"]
            del request.session[SESSION_PENDING]
            login(request, user, backend=MODEL_BACKEND)
            request.session[SESSION_MFA] = True
            return HttpResponseRedirect(next_url)
        pending["tries"] += 1
        if pending["tries"] >= MAX_CODE_TRIES:
            del request.session[SESSION_PENDING]
            messages.error(request, "Too many wrong codes. Sign in again.")
            return redirect("login")
        request.session[SESSION_PENDING] = pending
        form.add_error("code", "That code is not right. Check the time on your phone and try the newest code.")
    return render(request, "registration/mfa_verify.html", {"form": form})


@login_required
def mfa_setup(request):
    """Set up an authenticator app: scan, type one code, then read the recovery codes once."""
    if has_totp(request.user):
        return render(request, "registration/mfa_setup.html", {"active": True})
    secret = request.session.get("mfa_setup_secret") or generate_totp_secret()
    request.session["mfa_setup_secret"] = secret
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if validate_totp_code(secret, form.cleaned_data["code"].strip()):
            TOTP.activate(request.user, secret)
            codes = RecoveryCodes.activate(request.user).get_unused_codes()
            del request.session["mfa_setup_secret"]
            request.session[SESSION_MFA] = True
            messages.success(request, "Authenticator app set up. Keep your recovery codes somewhere safe.")
            return render(request, "registration/mfa_recovery_codes.html", {"codes": codes, "next": _next(request)})
        form.add_error("code", "That code is not right. Scan the code again and type the newest six digits.")
    adapter = get_mfa_adapter()
    url = adapter.build_totp_url(request.user, secret)
    qr = "data:image/svg+xml;base64," + base64.b64encode(adapter.build_totp_svg(url).encode()).decode()
    return render(request, "registration/mfa_setup.html", {"form": form, "secret": secret, "qr": qr})


def _next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("campaign:list")


@require_POST
def sso_start(request, provider_id):
    """
    Start an OpenID Connect sign-in with a fresh nonce kept in the session (allauth sends none of its
    own): the provider must put it in the id_token, which campaign.sso checks.
    """
    from allauth.socialaccount.providers.openid_connect.views import login as oidc_login

    if not is_oidc_provider(provider_id):
        raise Http404("No such identity provider.")
    nonce = secrets.token_urlsafe(32)
    request.session[SESSION_NONCE] = nonce
    query = QueryDict(mutable=True)
    query["auth_params"] = urlencode({"nonce": nonce})
    request.GET = query
    return oidc_login(request, provider_id=provider_id)


def sso_cancelled(request):
    return render(request, "socialaccount/login_cancelled.html")


def sso_error(request):
    return render(request, "socialaccount/authentication_error.html", status=400)


@login_required
def no_campaign(request):
    return render(request, "registration/no_campaign.html")


def _end_session_url(request, provider_id):
    """The OIDC provider's end_session_endpoint with a way back to our login page, or None."""
    provider = next((p for p in configured_providers() if p["provider_id"] == provider_id), None)
    if provider is None or provider["kind"] != "oidc":
        return None
    from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter

    try:
        endpoint = OpenIDConnectOAuth2Adapter(request, provider_id).openid_config.get("end_session_endpoint")
    except Exception:  # noqa: BLE001 - an unreachable IdP must not stop the local sign-out
        return None
    if not endpoint:
        return None
    back = request.build_absolute_uri(reverse("login"))
    return f"{endpoint}?{urlencode({'client_id': provider['client_id'], 'post_logout_redirect_uri': back})}"


def _saml_logout_url(request, provider_id):
    """
    The SAML IdP's single logout service with our signed LogoutRequest for this session's NameID and
    SessionIndex, or None: no subject kept, no SLO address in the IdP's metadata, or no key to sign with.
    The IdP's LogoutResponse comes back to allauth's SLS view, which checks its signature.
    """
    subject = request.session.get(SESSION_SAML)
    provider = next((p for p in configured_providers() if p["provider_id"] == provider_id), None)
    if not subject or provider is None or provider["kind"] != "saml":
        return None
    if not provider["settings"].get("advanced", {}).get("logout_request_signed"):
        return None
    from allauth.socialaccount.providers.saml.utils import build_auth, get_app_or_404

    try:
        auth = build_auth(request, get_app_or_404(request, provider["client_id"]).get_provider(request))
        if not auth.get_slo_url():
            return None
        return auth.logout(return_to=request.build_absolute_uri(reverse("login")), **subject)
    except (OneLogin_Saml2_Error, requests.RequestException, OSError, ValueError, Http404):
        # An unreachable or unreadable IdP must not stop the local sign-out.
        logger.warning("sso: no SAML logout request for %s", provider_id, exc_info=True)
        return None


@require_POST
def sign_out(request):
    """End the Rising Tide session, then, when the session came from an IdP that can, the IdP's."""
    provider_id = request.session.get(SESSION_PROVIDER)
    target = (_end_session_url(request, provider_id) or _saml_logout_url(request, provider_id)) if provider_id else None
    logout(request)
    return HttpResponseRedirect(target or reverse("login"))


class SignInPolicyMiddleware:
    """
    The break-glass account gets nowhere without its second factor: until it has signed in with a code,
    every page sends it to set one up (or, when it has one, to sign in again with it).

    And an identity provider that cannot be reached or read during sign-in gets a page saying so (502),
    not a server error.
    """

    SSO_PATHS = ("/accounts/oidc/", "/accounts/saml/")

    ALLOWED = ("signin-mfa-setup", "logout", "signin-mfa")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and is_break_glass(user)
            and not request.session.get(SESSION_MFA)
            and not request.path.startswith(settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/static/")
            and request.path not in {reverse(name) for name in self.ALLOWED}
        ):
            if has_totp(user):
                logout(request)
                return redirect("login")
            return redirect(f"{reverse('signin-mfa-setup')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not request.path.startswith(self.SSO_PATHS):
            return None
        if not isinstance(exception, requests.RequestException | OSError | ValueError | OneLogin_Saml2_Error):
            return None
        logger.error("sso: identity provider failed during sign-in at %s: %r", request.path, exception)
        return render(request, "registration/sso_unavailable.html", status=502)
