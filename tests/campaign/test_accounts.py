import re

from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_with_the_right_password_lands_on_the_campaign_list(client, champion):
    response = login(client, champion.username, "correct-horse-battery")
    assert response.status_code == 302
    assert response.url == reverse("campaign:list")


def test_the_session_key_changes_at_login(client, champion):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    login(client, champion.username, "correct-horse-battery")
    assert client.session.session_key != before


def test_login_page_fields_are_labelled(client, db):
    response = client.get(reverse("login"))
    assert '<label for="id_username"' in response.text
    assert '<label for="id_password"' in response.text


def test_logout_is_a_post_and_ends_the_session(client_for, champion, campaign):
    client = client_for(champion)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(campaign.get_absolute_url()).status_code == 302


def test_repeated_failures_lock_known_and_unknown_users_alike(client, champion, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        login(client, champion.username, "wrong password!")
        login(client, "nobody-at-all", "wrong password!")
    locked_known = login(client, champion.username, "correct-horse-battery")
    locked_unknown = login(client, "nobody-at-all", "correct-horse-battery")
    assert locked_known.status_code == locked_unknown.status_code == 429
    assert "Too many failed attempts" in locked_known.text
    # The same page for both (only the per-response CSP nonce and masked CSRF token differ).
    assert strip_nonces(locked_known.text) == strip_nonces(locked_unknown.text)


def strip_nonces(html):
    return re.sub(r'nonce="[^"]+"|"X-CSRFToken": "[^"]+"', "", html)


def test_password_reset_mail_goes_through_the_configured_backend(client, db):
    UserFactory(username="rita", email="rita@example.com")
    response = client.post(reverse("password_reset"), {"email": "rita@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


def test_password_reset_says_the_same_for_unknown_addresses(client, db):
    response = client.post(reverse("password_reset"), {"email": "ghost@example.com"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_password_change_enforces_the_validators(client_for, champion):
    response = client_for(champion).post(
        reverse("password_change"),
        {"old_password": "correct-horse-battery", "new_password1": "short", "new_password2": "short"},
    )
    assert "at least 12 characters" in response.text
