from django.urls import reverse

from tests.factories import ApiTokenFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_an_htmx_request_after_the_session_ended_redirects_the_whole_page(client, campaign):
    response = client.get(reverse("campaign:golden-circle", kwargs={"slug": campaign.slug}), **HTMX)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"].startswith("/accounts/login/")


def test_messages_travel_in_hx_trigger_for_htmx_and_stay_for_plain_redirects(client_for, admin_user, campaign):
    client = client_for(admin_user)
    url = reverse("campaign:settings-departments", kwargs={"slug": campaign.slug})
    plain = client.post(url, {"name": "IT", "kind": "internal_provider"})
    assert "HX-Trigger" not in plain.headers
    page = client.get(url)
    assert "Added department “IT”." in page.text
    htmx = client.post(url, {"name": "HR", "kind": "internal_provider"}, **HTMX)
    assert '"messages"' in htmx.headers["HX-Trigger"]


def test_member_pages_are_never_stored_by_caches(client_for, champion, campaign):
    assert client_for(champion).get(campaign.get_absolute_url()).headers["Cache-Control"] == "no-store"


def test_django_admin_lists_every_campaign_model(client_for, admin_user):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client = client_for(admin_user)
    for model in ("campaign", "department", "goal", "membership", "invitation", "heartbeat"):
        response = client.get(f"/admin/campaign/{model}/?q=x")
        assert response.status_code == 200, model


# --- branded error pages under DEBUG (make run) ------------------------------------------------------


def test_an_unknown_address_under_debug_shows_the_branded_404(client_for, champion, settings):
    settings.DEBUG = True
    response = client_for(champion).get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "Back to your campaigns" in response.text
    assert "Using the URLconf" not in response.text
    assert "Content-Security-Policy" in response.headers


def test_another_campaigns_page_under_debug_shows_the_branded_404(client_for, outsider, campaign, settings):
    settings.DEBUG = True
    response = client_for(outsider).get(campaign.get_absolute_url())
    assert response.status_code == 404
    assert "There is nothing at this address" in response.text
    assert "Raised by" not in response.text


def test_a_failing_view_under_debug_shows_the_branded_500(client, db, settings):
    settings.DEBUG = True
    settings.ROOT_URLCONF = "tests.campaign.error_urls"
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "a bug in a view" not in response.text
    assert "Traceback" not in response.text


def test_the_technical_pages_come_back_when_asked_for(client, db, settings):
    settings.DEBUG = True
    settings.DEBUG_TECHNICAL_PAGES = True
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Using the URLconf" in response.text


def test_the_api_keeps_its_json_404_under_debug(client, campaign, other_campaign, settings):
    settings.DEBUG = True
    token = ApiTokenFactory(campaign=campaign)
    response = client.get(
        f"/api/v1/campaigns/{other_campaign.slug}/feedback", headers={"Authorization": f"Bearer {token.raw}"}
    )
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("application/json")
