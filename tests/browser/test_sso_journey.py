"""
Company sign-in in Chromium: through the real OpenID Connect provider's own login page (tests/sso/idps.py
starts it), into the campaign of the invitation or of an allowed domain, refused into none otherwise,
and signed out here and at the provider.
"""

import pytest
from playwright.sync_api import expect

from campaign.models import Invitation, Role
from tests.browser.conftest import check_accessibility
from tests.sso.conftest import oidc_settings  # noqa: F401 (the provider, configured)

pytestmark = pytest.mark.usefixtures("oidc_settings")


def sign_in_at_the_idp(page, email):
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with Test IdP").click()
    # The provider's own pages: its login form, then its consent.
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill("anything")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()


def test_invited_colleague_signs_in_at_the_idp_and_lands_in_the_campaign(
    page, axe_path, live_server, campaign, oidc_idp
):
    invitation = Invitation(campaign=campaign, email="ines@example.com", role=Role.CHAMPION)
    invitation.issue_token()
    invitation.save()
    page.goto("/accounts/login/")
    check_accessibility(page, axe_path, "the login page with a provider")

    sign_in_at_the_idp(page, "ines@example.com")

    expect(page).to_have_url(f"{live_server.url}/c/{campaign.slug}/")
    expect(page.get_by_role("heading", level=1, name=campaign.name)).to_be_visible()

    page.get_by_role("button", name="Log out", include_hidden=True).dispatch_event("click")
    # The provider asks whether to end its session too, then sends the browser back to our login page.
    page.wait_for_url(lambda url: url.startswith(oidc_idp))
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    page.goto(f"/c/{campaign.slug}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/c/{campaign.slug}/")


def test_first_sign_in_with_an_allowed_domain_joins_the_campaign(page, live_server, campaign):
    campaign.sso_domains = "acme.test"
    campaign.save()

    sign_in_at_the_idp(page, "dana@acme.test")

    expect(page).to_have_url(f"{live_server.url}/c/{campaign.slug}/")


def test_neither_invitation_nor_domain_lands_on_no_campaign_yet(page, axe_path, live_server, campaign):
    sign_in_at_the_idp(page, "sam@elsewhere.test")

    expect(page).to_have_url(f"{live_server.url}/accounts/no-campaign/")
    expect(page.get_by_role("heading", level=1, name="No campaign yet")).to_be_visible()
    check_accessibility(page, axe_path, "the no-campaign page")
    page.goto(f"/c/{campaign.slug}/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text(campaign.name)
