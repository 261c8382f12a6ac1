"""
The layout's links (templates/base.html), reversed once per campaign rather than a dozen `{% url %}` per page.

A campaign's nav addresses depend only on its slug (and the script prefix), so they are reversed once and
kept; each page then only works out which link is the current one. The links' markup is in base.html.
"""

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse

register = template.Library()

# (label, url name, how the current page is recognised). "exact": the path is the link; "in": the link
# is part of the path; "in-not-stories": as "in", except on the stories page (it lives under the board).
NAV = (
    ("Home", "campaign:home", "exact"),
    ("Allies", "allies:ally-list", "in"),
    ("Who I serve", "personas:card-list", "in"),
    ("Easy wins", "campaign:board", "in-not-stories"),
    ("Stories", "campaign:stories", "in"),
    ("Leaders", "leadership:leader-list", "in"),
    ("Briefings", "leadership:pack-list", "in"),
    ("Feedback", "leadership:feedback-list", "in"),
    ("Summaries", "leadership:summary-list", "in"),
)
SETTINGS = ("Settings", "campaign:settings", "in")


@lru_cache(maxsize=64)
def _plain_url(prefix, name):
    return reverse(name)


@lru_cache(maxsize=1024)
def _campaign_urls(prefix, slug):
    names = {name for _, name, _ in (*NAV, SETTINGS)}
    return {name: reverse(name, kwargs={"slug": slug}) for name in names}


def campaign_url(name, slug):
    """The address of campaign page `name` for `slug`, reversed once (nav pages and the campaign home)."""
    return _campaign_urls(get_script_prefix(), slug)[name]


@register.simple_tag
def layout_url(name):
    """`{% url name %}` for an address without arguments, reversed once."""
    return _plain_url(get_script_prefix(), name)


def _is_current(path, url, rule, urls):
    if rule == "exact":
        return path == url
    if rule == "in-not-stories":
        return url in path and urls["campaign:stories"] not in path
    return url in path


@register.simple_tag(takes_context=True)
def campaign_nav_links(context, campaign, membership):
    """The campaign nav's links as (label, url, is_current): `{% campaign_nav_links campaign membership as links %}`."""
    path = context["request"].path
    urls = _campaign_urls(get_script_prefix(), campaign.slug)
    entries = list(NAV)
    if membership.role == "admin":
        entries.append(SETTINGS)
    return [(label, urls[name], _is_current(path, urls[name], rule, urls)) for label, name, rule in entries]


@register.simple_tag
def switcher_links(campaigns, current):
    """The campaign switcher's links as (name, url, is_current), current being the campaign of the page."""
    current_pk = current.pk if current else None
    return [
        (c.name, campaign_url("campaign:home", c.slug), current_pk is not None and c.pk == current_pk)
        for c in campaigns
    ]
