import pytest
from django.urls import reverse

from campaign.models import Campaign, Membership, Role
from tests.factories import CampaignFactory, DepartmentFactory, GoalFactory, MembershipFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_campaign_list_shows_only_my_campaigns(client_for, champion, campaign, other_campaign):
    response = client_for(champion).get("/")
    assert response.status_code == 200
    assert "Harbour Line" in response.text
    assert "Other Co" not in response.text


def test_campaign_list_empty_state_explains_what_to_do(client_for, db):
    lonely = MembershipFactory(campaign=CampaignFactory()).user
    Membership.objects.filter(user=lonely).delete()
    response = client_for(lonely).get("/")
    assert "You are not in a campaign yet" in response.text
    assert "ask a campaign admin to add you" in response.text
    assert reverse("campaign:new") not in response.text


def test_campaign_list_empty_state_offers_to_start_one_to_staff(client_for, db):
    staff = MembershipFactory(campaign=CampaignFactory(), user__is_staff=True).user
    Membership.objects.filter(user=staff).delete()
    response = client_for(staff).get("/")
    assert reverse("campaign:new") in response.text


def test_creating_a_campaign_makes_the_creator_its_admin(client_for, champion):
    champion.is_staff = True
    champion.save()
    response = client_for(champion).post(
        reverse("campaign:new"),
        {"name": "Tide Turners", "slug": "tide-turners", "start_date": "2026-11-01", "time_zone": "Europe/Paris"},
    )
    campaign = Campaign.objects.get(slug="tide-turners")
    assert response.status_code == 302
    assert response.url == campaign.get_absolute_url()
    assert Membership.objects.get(campaign=campaign, user=champion).role == Role.ADMIN


def test_new_campaign_with_a_taken_slug_or_no_name_is_refused(client_for, admin_user, campaign):
    response = client_for(admin_user).post(
        reverse("campaign:new"), {"name": "  ", "slug": "harbour", "start_date": "2026-11-01", "time_zone": "UTC"}
    )
    assert response.status_code == 200
    assert "This field is required." in response.text or "Give the campaign a name." in response.text
    assert "Another campaign already uses this web address" in response.text
    assert Campaign.objects.count() == 1


def test_new_campaign_rejects_an_unknown_time_zone(client_for, admin_user):
    response = client_for(admin_user).post(
        reverse("campaign:new"), {"name": "X", "slug": "x", "start_date": "2026-11-01", "time_zone": "Mars/Olympus"}
    )
    assert "Select a valid choice" in response.text
    assert not Campaign.objects.filter(slug="x").exists()


def test_home_shows_the_definition_and_golden_circle(client_for, viewer, campaign):
    response = client_for(viewer).get(campaign.get_absolute_url())
    assert response.status_code == 200
    assert campaign.service_focus in response.text
    assert campaign.why in response.text
    # Viewers read; only admins see the edit control.
    assert "Edit the Golden Circle" not in response.text


def test_home_escapes_html_in_campaign_fields(client_for, admin_user, campaign):
    campaign.why = "<script>alert(1)</script>"
    campaign.save()
    response = client_for(admin_user).get(campaign.get_absolute_url())
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_home_warns_when_the_why_is_missing(client_for, admin_user, campaign):
    campaign.why = ""
    campaign.save()
    response = client_for(admin_user).get(campaign.get_absolute_url())
    assert "Everyone in the campaign should be able to say why it exists" in response.text


def test_golden_circle_edit_over_htmx_returns_the_form_fragment(client_for, admin_user, campaign):
    url = reverse("campaign:golden-circle-edit", kwargs={"slug": campaign.slug})
    response = client_for(admin_user).get(url, **HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'name="why"' in response.text


def test_golden_circle_saved_over_htmx_returns_the_updated_region(client_for, admin_user, campaign):
    url = reverse("campaign:golden-circle-edit", kwargs={"slug": campaign.slug})
    response = client_for(admin_user).post(url, {"why": "We lift every boat.", "how": "h", "what": "w"}, **HTMX)
    assert response.status_code == 200
    assert 'id="golden-circle"' in response.text
    assert "We lift every boat." in response.text
    assert "<html" not in response.text
    assert "Golden Circle is saved" in response.headers["HX-Trigger"]
    campaign.refresh_from_db()
    assert campaign.why == "We lift every boat."


def test_golden_circle_saved_without_javascript_redirects_home(client_for, admin_user, campaign):
    url = reverse("campaign:golden-circle-edit", kwargs={"slug": campaign.slug})
    response = client_for(admin_user).post(url, {"why": "Plain post", "how": "", "what": ""})
    assert response.status_code == 302
    assert response.url == campaign.get_absolute_url()


def test_settings_general_saves_and_validates(client_for, admin_user, campaign):
    url = reverse("campaign:settings", kwargs={"slug": campaign.slug})
    data = {
        "name": "Harbour Line 2",
        "slug": "harbour",
        "status": "paused",
        "start_date": "2026-01-01",
        "time_zone": "America/New_York",
        "service_focus": "",
        "why": "",
        "how": "",
        "what": "",
    }
    response = client_for(admin_user).post(url, data)
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.name, campaign.status, campaign.time_zone) == ("Harbour Line 2", "paused", "America/New_York")

    response = client_for(admin_user).post(url, {**data, "status": "exploded"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text


def test_settings_cannot_move_campaign_to_another_campaigns_slug(client_for, admin_user, campaign, other_campaign):
    url = reverse("campaign:settings", kwargs={"slug": campaign.slug})
    data = {"name": "X", "slug": "other", "status": "active", "start_date": "2026-01-01", "time_zone": "UTC"}
    response = client_for(admin_user).post(url, data)
    assert "Another campaign already uses this web address" in response.text


def test_campaign_list_queries_do_not_grow_with_campaigns(client_for, champion, django_assert_max_num_queries):
    for _ in range(30):
        c = MembershipFactory(user=champion, role=Role.VIEWER).campaign
        DepartmentFactory.create_batch(3, campaign=c)
        GoalFactory.create_batch(2, campaign=c)
    client = client_for(champion)
    with django_assert_max_num_queries(6):
        response = client.get("/")
    assert response.text.count("3 departments") == 30


def test_home_queries_do_not_grow_with_departments_and_goals(
    client_for, admin_user, campaign, django_assert_max_num_queries
):
    DepartmentFactory.create_batch(60, campaign=campaign)
    GoalFactory.create_batch(20, campaign=campaign)
    MembershipFactory.create_batch(40, campaign=campaign)
    for _ in range(10):
        MembershipFactory(user=admin_user)
    client = client_for(admin_user)
    # The checkup and momentum add a fixed few: two for momentum's sources, one pass over the allies for the
    # movement checks, one for the board's figures.
    with django_assert_max_num_queries(12):
        response = client.get(campaign.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/", "/c/harbour/", "/c/harbour/settings/"])
def test_pages_send_security_headers(client_for, admin_user, campaign, path):
    response = client_for(admin_user).get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "object-src 'none'" in csp
    assert "base-uri 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_every_script_tag_carries_the_csp_nonce(client_for, admin_user, campaign):
    response = client_for(admin_user).get(campaign.get_absolute_url())
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert response.text.count("<script") == response.text.count(f'nonce="{nonce}"') >= 2
    assert " style=" not in response.text
    assert "hx-on" not in response.text


def test_campaign_list_counts_every_member_of_each_campaign(
    client_for, champion, campaign, django_assert_max_num_queries
):
    MembershipFactory.create_batch(3, campaign=campaign)
    for _ in range(20):
        other = MembershipFactory(user=champion, role=Role.VIEWER).campaign
        MembershipFactory.create_batch(2, campaign=other)
    client = client_for(champion)
    with django_assert_max_num_queries(6):
        response = client.get("/")
    assert "4 members" in response.text
    assert response.text.count("3 members") == 20


def test_golden_circle_saved_over_htmx_refreshes_the_checkup_and_the_setup_checklist(
    client_for, admin_user, campaign, django_assert_max_num_queries
):
    campaign.why, campaign.how, campaign.what = "", "", ""
    campaign.save()
    DepartmentFactory.create_batch(20, campaign=campaign)
    GoalFactory.create_batch(5, campaign=campaign)
    url = reverse("campaign:golden-circle-edit", kwargs={"slug": campaign.slug})
    client = client_for(admin_user)
    # The save, then home's figures: the apps' checkup items (check-in, goals, recognition, traced) read once each.
    with django_assert_max_num_queries(15):
        response = client.post(url, {"why": "We lift every boat.", "how": "Together.", "what": "Calls back."}, **HTMX)
    checkup, setup = response.text.split('id="checkup"')[1], response.text.split('id="setup-checklist"')[1]
    assert checkup.startswith(' hx-swap-oob="true"')
    assert "3 of 3" in checkup.split("</li>")[0]
    assert setup.startswith(' hx-swap-oob="true"')
    assert '<li class="done">Write the why, how and what' in setup
    assert response.text.count('id="golden-circle"') == 1


def test_home_page_itself_swaps_nothing_out_of_band(client_for, admin_user, campaign):
    response = client_for(admin_user).get(campaign.get_absolute_url())
    assert 'id="checkup"' in response.text
    assert 'id="setup-checklist"' in response.text
    assert "hx-swap-oob" not in response.text


# --- who may start a campaign, and its web address -------------------------------------------------

NEW = {"name": "Tide Turners", "slug": "", "start_date": "2026-11-01", "time_zone": "UTC"}


@pytest.mark.parametrize("who", ["viewer", "champion"])
def test_a_viewer_or_champion_cannot_create_campaigns_by_default(client_for, request, who):
    user = request.getfixturevalue(who)
    client = client_for(user)
    assert reverse("campaign:new") not in client.get("/").text
    assert client.get(reverse("campaign:new")).status_code == 403
    assert client.post(reverse("campaign:new"), NEW).status_code == 403
    assert not Campaign.objects.filter(name="Tide Turners").exists()


def test_an_existing_admin_can_create_campaigns_by_default(client_for, admin_user):
    client = client_for(admin_user)
    assert reverse("campaign:new") in client.get("/").text
    assert client.post(reverse("campaign:new"), NEW).status_code == 302


@pytest.mark.parametrize(
    ("setting", "admin_may", "champion_may", "staff_may"),
    [
        ("staff", False, False, True),
        ("staff-and-admins", True, False, True),
        ("members", True, True, True),
    ],
)
def test_who_may_create_campaigns_follows_the_site_setting(
    client_for, settings, admin_user, champion, setting, admin_may, champion_may, staff_may
):
    settings.CAMPAIGN_CREATORS = setting
    staff = MembershipFactory(role=Role.VIEWER, user__is_staff=True).user
    for user, may in ((admin_user, admin_may), (champion, champion_may), (staff, staff_may)):
        assert (client_for(user).get(reverse("campaign:new")).status_code == 200) is may


def test_a_campaign_left_without_a_web_address_gets_one_from_its_name(client_for, admin_user, campaign):
    client = client_for(admin_user)
    client.post(reverse("campaign:new"), {**NEW, "name": "Harbour Line"})
    client.post(reverse("campaign:new"), {**NEW, "name": "Café Crème: Service!"})
    assert Campaign.objects.filter(name="Harbour Line").exclude(pk=campaign.pk).get().slug == "harbour-line"
    assert Campaign.objects.get(name="Café Crème: Service!").slug == "cafe-creme-service"
    client.post(reverse("campaign:new"), {**NEW, "name": "Harbour Line"})
    assert Campaign.objects.filter(name="Harbour Line").order_by("pk").last().slug == "harbour-line-2"


def test_the_new_campaign_form_suggests_the_address_from_the_name_with_a_static_script(
    client_for, admin_user, settings
):
    response = client_for(admin_user).get(reverse("campaign:new"))
    assert 'data-slug-from="id_name"' in response.text
    assert "js/app.js" in response.text
    assert "<script>" not in response.text
    script = (settings.BASE_DIR / "static" / "js" / "app.js").read_text()
    assert "data-slug-from" in script
