"""
Password sign-in with a second factor (TOTP and recovery codes), PASSWORD_LOGIN=false with its break-glass
account, a campaign that requires a second factor, the campaign's allowed-domain settings and /healthz.
"""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse

from campaign.models import AuditEntry, Role
from tests.factories import MembershipFactory, UserFactory

PASSWORD = "correct-horse-battery"


def current_code(secret):
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def with_totp(user):
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    codes = RecoveryCodes.activate(user).get_unused_codes()
    return secret, codes


def password_login(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def signed_in(client):
    return "_auth_user_id" in client.session


def test_account_with_an_authenticator_needs_its_code(client, champion, campaign):
    secret, _codes = with_totp(champion)

    response = password_login(client, "chris")

    assert response["Location"] == reverse("signin-mfa")
    assert not signed_in(client)
    wrong = client.post(reverse("signin-mfa"), {"code": "000000" if current_code(secret) != "000000" else "111111"})
    assert b"That code is not right" in wrong.content
    assert not signed_in(client)
    right = client.post(reverse("signin-mfa"), {"code": current_code(secret)})
    assert right.status_code == 302
    assert signed_in(client)


def test_a_recovery_code_works_once(client, champion):
    _secret, codes = with_totp(champion)
    password_login(client, "chris")
    client.post(reverse("signin-mfa"), {"code": codes[0]})
    assert signed_in(client)
    client.post(reverse("logout"))

    password_login(client, "chris")
    response = client.post(reverse("signin-mfa"), {"code": codes[0]})

    assert b"That code is not right" in response.content
    assert not signed_in(client)


def test_five_wrong_codes_start_sign_in_over(client, champion):
    with_totp(champion)
    password_login(client, "chris")
    for _ in range(5):
        response = client.post(reverse("signin-mfa"), {"code": "abcdef"})

    assert response["Location"] == reverse("login")
    assert client.get(reverse("signin-mfa"))["Location"] == reverse("login")


def test_setting_up_an_authenticator_shows_recovery_codes(client_for, champion):
    client = client_for(champion)
    page = client.get(reverse("signin-mfa-setup"))
    assert page.status_code == 200
    secret = re.search(rb"<code>([A-Z2-7]+)</code>", page.content).group(1).decode()

    response = client.post(reverse("signin-mfa-setup"), {"code": current_code(secret)})

    assert b"Your recovery codes" in response.content
    assert Authenticator.objects.filter(user=champion, type=Authenticator.Type.TOTP).exists()
    assert len(re.findall(rb"<li><code>", response.content)) == len(RecoveryCodes.activate(champion).get_unused_codes())


def test_setup_refuses_a_wrong_code(client_for, champion):
    response = client_for(champion).post(reverse("signin-mfa-setup"), {"code": "12345"})

    assert b"That code is not right" in response.content
    assert not Authenticator.objects.filter(user=champion).exists()


def test_campaign_requiring_mfa_sends_members_without_it_to_set_it_up(client_for, champion, campaign):
    campaign.require_mfa = True
    campaign.save()

    response = client_for(champion).get(campaign.get_absolute_url())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("signin-mfa-setup"))


def test_campaign_requiring_mfa_opens_after_a_code_sign_in(client, champion, campaign):
    campaign.require_mfa = True
    campaign.save()
    secret, _ = with_totp(champion)
    password_login(client, "chris")
    client.post(reverse("signin-mfa"), {"code": current_code(secret)})

    assert client.get(campaign.get_absolute_url()).status_code == 200


@pytest.fixture
def password_login_off(settings):
    """PASSWORD_LOGIN=false with "keeper" as the break-glass account."""
    settings.PASSWORD_LOGIN = False
    settings.BREAK_GLASS_USERNAME = "keeper"
    return settings


def test_password_login_off_hides_the_form_and_refuses_everyone_but_break_glass(client, password_login_off, champion):
    page = client.get(reverse("login"))
    assert b'name="password"' not in page.content
    assert b"Administrator password sign-in" in page.content

    response = password_login(client, "chris")

    assert b"Password sign-in is turned off here" in response.content
    assert not signed_in(client)


def test_break_glass_always_needs_a_second_factor(client, password_login_off, campaign):
    keeper = UserFactory(username="keeper")
    MembershipFactory(user=keeper, campaign=campaign, role=Role.ADMIN)
    assert b'name="password"' in client.get(reverse("login") + "?password=1").content

    password_login(client, "keeper")
    response = client.get(campaign.get_absolute_url())

    assert response["Location"].startswith(reverse("signin-mfa-setup"))
    secret, _ = with_totp(keeper)
    client.post(reverse("logout"))
    assert password_login(client, "keeper")["Location"] == reverse("signin-mfa")
    client.post(reverse("signin-mfa"), {"code": current_code(secret)})
    assert client.get(campaign.get_absolute_url()).status_code == 200


def test_admin_login_form_goes_through_ours(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response["Location"] == reverse("login") + "?next=/admin/"


def test_lockout_still_counts_failed_passwords(client, champion, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        password_login(client, "chris", "wrong-password")

    response = password_login(client, "chris")

    assert response.status_code == 429
    assert not signed_in(client)


def test_settings_page_saves_allowed_domains_and_role(client_for, admin_user, campaign):
    url = reverse("campaign:settings", kwargs={"slug": campaign.slug})
    page = client_for(admin_user).get(url)
    assert b'<label for="id_sso_domains">' in page.content
    data = {
        "name": campaign.name,
        "slug": campaign.slug,
        "status": "active",
        "start_date": "2026-01-05",
        "time_zone": "UTC",
        "sso_domains": "Acme.test,  acme.example ,acme.test",
        "sso_default_role": "champion",
        "require_mfa": "on",
    }

    response = client_for(admin_user).post(url, data, follow=True)

    assert b"Campaign settings saved." in response.content
    campaign.refresh_from_db()
    assert (campaign.sso_domains, campaign.sso_default_role, campaign.require_mfa) == (
        "acme.test, acme.example",
        "champion",
        True,
    )
    assert AuditEntry.objects.filter(campaign=campaign, action="Campaign settings changed").exists()


@pytest.mark.parametrize("bad", ["@acme.test", "*.acme.test", "acme", "rita@acme.test"])
def test_settings_page_refuses_what_is_not_a_domain(client_for, admin_user, campaign, bad):
    url = reverse("campaign:settings", kwargs={"slug": campaign.slug})
    data = {"name": campaign.name, "slug": campaign.slug, "status": "active", "start_date": "2026-01-05"}
    response = client_for(admin_user).post(url, {**data, "time_zone": "UTC", "sso_domains": bad})

    assert response.status_code == 200
    assert b"is not a domain" in response.content
    campaign.refresh_from_db()
    assert campaign.sso_domains == ""


def test_admin_role_is_not_offered_for_allowed_domains(client_for, admin_user, campaign):
    url = reverse("campaign:settings", kwargs={"slug": campaign.slug})
    data = {"name": campaign.name, "slug": campaign.slug, "status": "active", "start_date": "2026-01-05"}
    response = client_for(admin_user).post(url, {**data, "time_zone": "UTC", "sso_default_role": "admin"})

    assert b"Select a valid choice" in response.content


def test_viewer_cannot_change_allowed_domains(client_for, viewer, campaign):
    url = reverse("campaign:settings", kwargs={"slug": campaign.slug})
    response = client_for(viewer).post(url, {"sso_domains": "evil.test"})

    assert response.status_code == 403


def test_healthz_reports_a_misconfigured_provider(client, db, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "gone",
                    "name": "Gone",
                    "client_id": "x",
                    "secret": "y",
                    "settings": {"server_url": "http://127.0.0.1:9"},
                }
            ]
        },
        "saml": {"APPS": []},
    }

    body = client.get("/healthz").json()

    assert body["idp:gone"]["ok"] is False
    assert "unreachable" in body["idp:gone"]["error"]


def test_no_campaign_page_reads_the_same_with_many_campaigns(client_for, db, django_assert_max_num_queries):
    from tests.factories import CampaignFactory

    CampaignFactory.create_batch(30, sso_domains="elsewhere.test")
    client = client_for(UserFactory(username="lonely"))

    with django_assert_max_num_queries(4):
        response = client.get(reverse("signin-no-campaign"))

    assert b"No campaign yet" in response.content


def test_unreachable_provider_gets_a_clear_page_not_a_server_error(client, db, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "gone",
                    "name": "Gone",
                    "client_id": "x",
                    "secret": "y",
                    "settings": {"server_url": "http://127.0.0.1:9"},
                }
            ]
        },
        "saml": {
            "APPS": [
                {
                    "provider_id": "lost",
                    "name": "Lost",
                    "client_id": "lost",
                    "settings": {"idp": {"entity_id": "x", "metadata_url": "http://127.0.0.1:9/metadata"}},
                }
            ]
        },
    }

    oidc = client.post("/accounts/oidc/gone/login/")
    saml = client.post("/accounts/saml/lost/login/", HTTP_HOST="testserver")

    for response in (oidc, saml):
        assert response.status_code == 502
        assert b"Company sign-in is unavailable" in response.content
