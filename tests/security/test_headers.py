"""Security headers on every HTML response, and production cookie flags."""

import json

import pytest
from django.urls import reverse

from tests.campaign.test_settings_module import PRODUCTION, run_manage
from tests.matrix import all_pages
from tests.security.helpers import changed_tables, fingerprint

PAGES = all_pages()
READ_PAGES = [name for name, page in PAGES.items() if page.read]


def assert_security_headers(response, where):
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives, f"{where}: no Content-Security-Policy"
    # Scripts: only ours. An email preview may allow inline styles (emails need them) when nothing else loads.
    scripts = directives.get("script-src", directives.get("default-src"))
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in csp, f"{where}: {csp}"
    if "'unsafe-inline'" in csp:
        assert directives["default-src"] == ["'none'"] and "script-src" not in directives, f"{where}: {csp}"
    assert directives.get("object-src", directives["default-src"]) == ["'none'"], f"{where}: {csp}"
    assert directives.get("base-uri") == ["'none'"], f"{where}: {csp}"
    assert directives.get("frame-ancestors") == ["'none'"], f"{where}: {csp}"
    assert "default-src" in directives, f"{where}: {csp}"
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") == "same-origin", where
    assert response.headers.get("Cross-Origin-Opener-Policy") == "same-origin", where


@pytest.mark.parametrize("name", READ_PAGES, ids=str)
def test_every_campaign_page_sends_the_security_headers_and_no_store_and_its_get_changes_nothing(
    client_for, campaign, admin_user, name
):
    url = reverse(name, kwargs={"slug": campaign.slug, **PAGES[name].kwargs(campaign)})
    client = client_for(admin_user)
    before = fingerprint()
    response = client.get(url)
    client.get(url, headers={"HX-Request": "true"})
    assert changed_tables(before, fingerprint()) == [], f"a GET of {name} changed data"
    assert response.status_code == 200
    if response.headers["Content-Type"].startswith("text/html"):
        assert_security_headers(response, name)
    # Exports (CSV) hold campaign data too: no shared cache, no back-button copy.
    assert "no-store" in response.headers.get("Cache-Control", ""), f"{name}: {response.headers.get('Cache-Control')}"


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/password_reset/", "/no-such-page/"])
def test_public_html_pages_send_the_security_headers(client, db, path):
    assert_security_headers(client.get(path), path)


def test_an_htmx_partial_sends_the_security_headers(client_for, campaign, admin_user):
    url = reverse("campaign:golden-circle", kwargs={"slug": campaign.slug})
    response = client_for(admin_user).get(url, headers={"HX-Request": "true"})
    assert_security_headers(response, "the Golden Circle partial")
    assert "no-store" in response.headers["Cache-Control"]


def test_production_cookies_are_secure_httponly_and_samesite():
    script = (
        "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k) for k in "
        "['SESSION_COOKIE_SECURE','SESSION_COOKIE_HTTPONLY','SESSION_COOKIE_SAMESITE','CSRF_COOKIE_SECURE',"
        "'SECURE_HSTS_SECONDS','SECURE_SSL_REDIRECT']}))"
    )
    result = run_manage("shell", "-c", script, env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 180
    assert values["SECURE_SSL_REDIRECT"] is True
