from django.urls import reverse

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
