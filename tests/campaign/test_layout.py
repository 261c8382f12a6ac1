"""The layout every campaign page shares: one query for the access check and the switcher, the nav's links."""

import re

import pytest
from django.db import connection
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign.access import campaign_view
from campaign.models import Role
from tests.factories import CampaignFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@campaign_view()
def _page(request):
    return HttpResponse(request.campaign.slug)


def _get(user, slug):
    request = RequestFactory().get(f"/c/{slug}/")
    request.user = user
    return request, _page(request, slug)


def test_the_access_check_and_the_switcher_are_one_query(viewer, campaign):
    MembershipFactory(user=viewer, campaign=CampaignFactory(name="Anchor Bay", slug="anchor"), role=Role.ADMIN)
    with CaptureQueriesContext(connection) as queries:
        request, response = _get(viewer, campaign.slug)
    assert len(queries) == 1
    assert response.content == b"harbour"
    assert request.membership.role == Role.VIEWER
    assert request.campaign == campaign
    assert [c.name for c in request.switcher_campaigns] == ["Anchor Bay", "Harbour Line"]


def test_a_campaign_the_user_is_not_in_is_not_found(viewer, other_campaign):
    with pytest.raises(Http404):
        _get(viewer, other_campaign.slug)
    with pytest.raises(Http404):
        _get(viewer, "no-such-campaign")


def _nav(html):
    return re.search(r'<nav class="campaign-nav".*?</nav>', html, re.S).group(0)


def _current(html):
    return re.findall(r'<a href="([^"]+)" aria-current="page">', _nav(html))


@pytest.mark.parametrize(
    ("page", "current"),
    [
        ("campaign:home", "/c/harbour/"),
        ("campaign:board", "/c/harbour/wins/"),
        ("campaign:stories", "/c/harbour/wins/stories/"),
        ("allies:ally-list", "/c/harbour/allies/"),
        ("leadership:summary-list", "/c/harbour/summaries/"),
    ],
)
def test_the_nav_marks_only_the_current_page(client_for, viewer, campaign, page, current):
    response = client_for(viewer).get(reverse(page, kwargs={"slug": campaign.slug}))
    assert _current(response.text) == [current]


def test_the_nav_links_every_section_and_settings_only_for_an_admin(client_for, viewer, admin_user, campaign):
    home = reverse("campaign:home", kwargs={"slug": campaign.slug})
    labels = re.findall(r">([^<]+)</a></li>", _nav(client_for(viewer).get(home).text))
    assert labels == [
        "Home", "Allies", "Who I serve", "Easy wins", "Stories", "Leaders", "Briefings", "Feedback", "Summaries",
    ]  # fmt: skip
    admin_nav = _nav(client_for(admin_user).get(home).text)
    settings_url = reverse("campaign:settings", kwargs={"slug": campaign.slug})
    assert f'<li><a href="{settings_url}">Settings</a></li>' in admin_nav


def test_the_switcher_lists_the_users_campaigns_and_marks_this_one(client_for, viewer, campaign, other_campaign):
    MembershipFactory(user=viewer, campaign=CampaignFactory(name="Anchor Bay & Co", slug="anchor"))
    html = client_for(viewer).get(reverse("campaign:home", kwargs={"slug": campaign.slug})).text
    menu = re.search(r'<ul class="switcher__menu">.*?</ul>', html, re.S).group(0)
    assert re.findall(r'<li><a href="([^"]+)"( aria-current="true")?>([^<]+)</a></li>', menu) == [
        ("/c/anchor/", "", "Anchor Bay &amp; Co"),
        ("/c/harbour/", ' aria-current="true"', "Harbour Line"),
    ]
    assert "Other Co" not in html


def test_a_page_outside_a_campaign_still_has_the_switcher(client_for, viewer, campaign):
    html = client_for(viewer).get(reverse("campaign:list")).text
    assert '<li><a href="/c/harbour/">Harbour Line</a></li>' in html
    assert 'aria-current="true"' not in html
    assert 'class="campaign-nav"' not in html
