"""Sessions and logins beyond tests/campaign/test_accounts.py: replayed cookies, deactivation, the failure message."""

import re

from django.test import Client
from django.urls import reverse

PASSWORD = "correct-horse-battery"


def logged_in(user):
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_session_cookie_kept_from_before_logout_no_longer_opens_anything(champion, campaign):
    client = logged_in(champion)
    stolen = client.cookies["sessionid"].value
    client.post(reverse("logout"))
    replay = Client()
    replay.cookies["sessionid"] = stolen
    response = replay.get(campaign.get_absolute_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_deactivating_an_account_ends_its_open_sessions(champion, campaign):
    client = logged_in(champion)
    assert client.get(campaign.get_absolute_url()).status_code == 200
    champion.is_active = False
    champion.save()
    response = client.get(campaign.get_absolute_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_changing_the_password_ends_the_accounts_other_sessions(champion, campaign):
    elsewhere = logged_in(champion)
    here = logged_in(champion)
    new = "a-much-longer-new-passphrase-42"
    response = here.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert here.get(campaign.get_absolute_url()).status_code == 200
    assert elsewhere.get(campaign.get_absolute_url()).status_code == 302


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(client, champion):
    known = client.post(reverse("login"), {"username": champion.username, "password": "wrong password!"})
    unknown = client.post(reverse("login"), {"username": "nobody-at-all", "password": "wrong password!"})
    assert known.status_code == unknown.status_code == 200

    def errors(response):
        return re.findall(r'<ul class="errorlist[^"]*"[^>]*>.*?</ul>', response.text, flags=re.S)

    assert errors(known) == errors(unknown) != []


def test_the_session_cookie_is_httponly_and_samesite(champion):
    client = logged_in(champion)
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] in ("Lax", "Strict")
