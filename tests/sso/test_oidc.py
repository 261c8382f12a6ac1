"""
Company sign-in with OpenID Connect, against a real provider (the npm oidc-provider) on 127.0.0.1:
accounts made at first sign-in, campaign access from invitations and allowed domains only, and the
protocol's checks (state, PKCE, audience) refusing what they should.
"""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.utils import timezone

from campaign.models import AuditEntry, Invitation, Membership, Role
from tests.factories import UserFactory
from tests.sso.conftest import OIDC_PROVIDER_ID, callback_path, idp_sign_in, start_sign_in

pytestmark = pytest.mark.usefixtures("oidc_settings")
User = get_user_model()


def sign_in(client, login):
    """The whole round trip: our button, the provider's pages, our callback. Returns the callback's response."""
    return client.get(callback_path(idp_sign_in(start_sign_in(client), login)))


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def invite(campaign, email, role=Role.CHAMPION):
    invitation = Invitation(campaign=campaign, email=email, role=role)
    invitation.issue_token()
    invitation.save()
    return invitation


def test_invitation_becomes_membership_at_first_sign_in(client, campaign):
    invitation = invite(campaign, "ines@example.com")

    response = sign_in(client, "ines@example.com")

    assert response.status_code == 302
    assert response["Location"] == campaign.get_absolute_url()
    user = signed_in_user(client)
    assert (user.email, user.first_name, user.last_name) == ("ines@example.com", "Ines", "Tester")
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user, campaign=campaign).role == Role.CHAMPION
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    entry = AuditEntry.objects.get(campaign=campaign, action__startswith="Member joined by company sign-in")
    assert entry.target == user.username
    assert client.get(campaign.get_absolute_url()).status_code == 200


def test_allowed_domain_joins_with_the_default_role(client, campaign, other_campaign):
    campaign.sso_domains = "acme.test"
    campaign.sso_default_role = Role.VIEWER
    campaign.save()

    response = sign_in(client, "dana@acme.test")

    user = signed_in_user(client)
    assert response["Location"] == campaign.get_absolute_url()
    assert list(Membership.objects.filter(user=user).values_list("campaign__slug", "role")) == [("harbour", "viewer")]
    assert AuditEntry.objects.filter(campaign=campaign, action__contains="allowed domain").count() == 1
    assert client.get(f"/c/{other_campaign.slug}/").status_code == 404


def test_neither_invitation_nor_domain_lands_on_no_campaign_page(client, campaign):
    campaign.sso_domains = "acme.test"
    campaign.save()

    response = sign_in(client, "sam@elsewhere.test")

    assert response["Location"] == "/accounts/no-campaign/"
    user = signed_in_user(client)
    assert not Membership.objects.filter(user=user).exists()
    page = client.get("/accounts/no-campaign/")
    assert b"ask a champion" in page.content.lower() or b"Ask a champion" in page.content
    assert client.get(campaign.get_absolute_url()).status_code == 404


def test_unverified_email_never_links_to_an_existing_account(client, db):
    rita = UserFactory(username="rita", email="rita@example.com")

    response = sign_in(client, "unverified:rita@example.com")

    assert response.status_code == 403
    assert b"did not confirm your email" in response.content
    assert signed_in_user(client) is None
    assert not SocialAccount.objects.exists()
    assert User.objects.filter(email__iexact="rita@example.com").count() == 1
    rita.refresh_from_db()
    assert rita.has_usable_password()


def test_verified_email_signs_into_the_matching_account(client, champion, campaign):
    champion.email = "chris@example.com"
    champion.save()

    sign_in(client, "chris@example.com")

    assert signed_in_user(client) == champion
    assert SocialAccount.objects.get(user=champion).uid == "chris@example.com"


def test_deactivated_user_loses_access_at_the_next_request(client, campaign):
    invite(campaign, "dora@example.com")
    sign_in(client, "dora@example.com")
    User.objects.filter(email="dora@example.com").update(is_active=False)

    response = client.get(campaign.get_absolute_url())

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_sign_out_ends_the_session_here_and_at_the_provider(client, campaign, oidc_idp):
    invite(campaign, "otto@example.com")
    sign_in(client, "otto@example.com")

    response = client.post("/accounts/logout/")

    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{oidc_idp}/session/end"
    query = parse_qs(target.query)
    assert query["client_id"] == ["rising-tide"]
    assert query["post_logout_redirect_uri"] == ["http://testserver/accounts/login/"]
    assert signed_in_user(client) is None
    # The provider answers its end-session page for that client (it asks the user to confirm).
    assert requests.get(response["Location"], timeout=5).status_code == 200


def test_wrong_state_is_refused(client, db):
    callback = idp_sign_in(start_sign_in(client), "eve@example.com")
    forged = callback.replace("state=", "state=forged")

    response = client.get(callback_path(forged))

    assert b"Company sign-in did not work" in response.content
    assert signed_in_user(client) is None
    assert not User.objects.filter(email="eve@example.com").exists()


def test_wrong_nonce_is_refused(client, db):
    callback = idp_sign_in(start_sign_in(client), "eve@example.com")
    session = client.session
    session["sso_nonce"] = "another-sign-in"
    session.save()

    response = client.get(callback_path(callback))

    assert response.status_code == 403
    assert b"does not belong to the sign-in this browser started" in response.content
    assert signed_in_user(client) is None
    assert not User.objects.filter(email="eve@example.com").exists()


def test_sign_in_started_without_a_nonce_is_refused(client, db):
    response = client.post(f"/accounts/oidc/{OIDC_PROVIDER_ID}/login/")
    callback = idp_sign_in(response["Location"], "eve@example.com")

    response = client.get(callback_path(callback))

    assert response.status_code == 403
    assert signed_in_user(client) is None


def test_wrong_pkce_verifier_is_refused_by_the_provider(client, db):
    callback = idp_sign_in(start_sign_in(client), "eve@example.com")
    session = client.session
    for state in session["socialaccount_states"].values():
        state[0]["pkce_code_verifier"] = "x" * 64
    session.save()

    response = client.get(callback_path(callback))

    assert b"Company sign-in did not work" in response.content
    assert signed_in_user(client) is None


def test_code_cannot_be_used_twice(client, campaign):
    invite(campaign, "rex@example.com")
    callback = idp_sign_in(start_sign_in(client), "rex@example.com")
    client.get(callback_path(callback))
    client.post("/accounts/logout/")

    response = client.get(callback_path(callback))

    assert signed_in_user(client) is None
    assert b"Company sign-in did not work" in response.content


def test_id_token_for_another_audience_is_refused(oidc_settings, oidc_idp, db):
    """A token the provider really signed, but for another app: our check of `aud` refuses it."""
    from allauth.socialaccount.adapter import get_adapter
    from allauth.socialaccount.providers.oauth2.client import OAuth2Error
    from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter

    id_token = _id_token_for("another-app", "another-app-test-secret", oidc_idp)
    request = RequestFactory().get("/")
    app = get_adapter().get_app(request, provider="openid_connect", client_id="rising-tide")
    adapter = OpenIDConnectOAuth2Adapter(request, OIDC_PROVIDER_ID)
    adapter.did_fetch_access_token = False  # as for a token handed over rather than fetched by us

    with pytest.raises(OAuth2Error):
        adapter._decode_id_token(app, id_token)


def _id_token_for(client_id, secret, issuer):
    import base64
    import hashlib
    import secrets

    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    redirect_uri = "http://testserver/accounts/oidc/idp/login/callback/"
    authorize = requests.Request(
        "GET",
        f"{issuer}/auth",
        params={
            "client_id": client_id,
            "response_type": "code",
            "scope": "openid email",
            "redirect_uri": redirect_uri,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "state": "s",
        },
    ).prepare()
    code = parse_qs(urlsplit(idp_sign_in(authorize.url, "mallory@example.com")).query)["code"][0]
    token = requests.post(
        f"{issuer}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        },
        auth=(client_id, secret),
        timeout=5,
    )
    token.raise_for_status()
    return token.json()["id_token"]


def test_expired_invitation_gives_no_membership(client, campaign):
    invitation = invite(campaign, "old@example.com")
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(days=1))

    response = sign_in(client, "old@example.com")

    assert response["Location"] == "/accounts/no-campaign/"


def test_login_page_offers_the_provider_and_still_the_password(client, db):
    page = client.get("/accounts/login/")

    assert b"Sign in with Test IdP" in page.content
    assert b'name="password"' in page.content


def test_healthz_has_a_line_for_the_provider(client, db):
    body = client.get("/healthz").json()

    assert body["idp:idp"] == {"name": "Test IdP", "kind": "oidc", "ok": True}


def test_signing_in_again_adds_nothing_twice(client, campaign):
    invite(campaign, "ivy@example.com")
    sign_in(client, "ivy@example.com")
    client.post("/accounts/logout/")

    response = sign_in(client, "ivy@example.com")

    assert response["Location"] == campaign.get_absolute_url()
    assert Membership.objects.filter(user__email="ivy@example.com").count() == 1
    assert User.objects.filter(email="ivy@example.com").count() == 1
    assert AuditEntry.objects.filter(campaign=campaign, action__contains="company sign-in").count() == 1
