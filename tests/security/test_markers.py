"""
Markers never cross: two demo campaigns, every text field of each marked with its own string; no page,
htmx partial, CSV export, API list, summary email or briefing pack email of one contains the other's marker.
"""

import io
import zipfile
from datetime import date
from importlib import import_module

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command
from django.db import IntegrityError, models, transaction
from django.db.models import Value
from django.db.models.functions import Concat
from django.test import Client
from django.urls import reverse

from campaign.management.commands.seed_demo import DEMO_SEEDERS
from campaign.models import Campaign, Membership, Role
from leadership import emails as leadership_emails
from leadership import summaries
from leadership.models import Clipping, ExecutiveSummary, Leader, PackDelivery
from tests.factories import ApiTokenFactory, BriefingPackFactory, ExecutiveSummaryFactory, UserFactory
from tests.matrix import all_pages
from tests.security.helpers import APPS

PAGES = all_pages()
MARKERS = {"demo": "MKAAQ7", "rival": "MKBBZ9"}
UNMARKED = (models.SlugField, models.EmailField, models.URLField)


def mark(campaign, marker):
    """Append the marker to every free-text field of every row that belongs to the campaign."""
    Campaign.objects.filter(pk=campaign.pk).update(name=Concat("name", Value(f" {marker}")))
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            names = {field.name for field in model._meta.get_fields()}
            if "campaign" not in names or model is Campaign:
                continue
            fields = [
                field.name
                for field in model._meta.concrete_fields
                if isinstance(field, models.CharField | models.TextField)
                and not isinstance(field, UNMARKED)
                and not field.choices
                and not field.unique
                # Codes, not text anyone writes: a check-in round's cadence is copied from its campaign's setting.
                and field.name not in ("token_hash", "hint", "external_id", "time_zone", "cadence")
            ]
            if fields:
                updates = {name: Concat(name, Value(f" {marker}")) for name in fields}
                model.objects.filter(campaign=campaign).update(**updates)


@pytest.fixture
def two_campaigns(db, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.DEMO_PASSWORD = "demo-password-for-tests"
    call_command("seed_demo", "--force", stdout=io.StringIO())
    demo = Campaign.objects.get(slug="demo")
    rival = Campaign.objects.create(slug="rival", name="Rival Freight", service_focus="Serve each other well.")
    for department in demo.departments.all():
        rival.departments.create(name=department.name, kind=department.kind, headcount=department.headcount)
    for goal in demo.goals.all():
        rival.goals.create(title=goal.title, kind=goal.kind, measure=goal.measure)
    for membership in Membership.objects.filter(campaign=demo):
        Membership.objects.create(campaign=rival, user=membership.user, role=membership.role)
    for module in DEMO_SEEDERS:
        import_module(module).seed(rival)
    for campaign in (demo, rival):
        mark(campaign, MARKERS[campaign.slug])
    admins = {}
    for campaign in (demo, rival):
        user = UserFactory(username=f"{campaign.slug}-only-admin")
        Membership.objects.create(campaign=campaign, user=user, role=Role.ADMIN)
        admins[campaign.slug] = user
    return {"demo": demo, "rival": rival}, admins


def other(slug):
    return MARKERS["rival" if slug == "demo" else "demo"]


def response_text(response):
    """A page's text; for a zip download (the campaign export), every file inside it; none for a photo."""
    if response.get("Content-Type", "").startswith("image/"):
        return ""  # a recognition photo's bytes: no text in them to leak (access is the matrix's test)
    if not response.streaming:
        return response.content.decode()
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        return "".join(archive.read(name).decode() for name in archive.namelist())


def check_pages(admins, slug):
    campaign = Campaign.objects.get(slug=slug)
    client = Client()
    client.force_login(admins[slug], backend="django.contrib.auth.backends.ModelBackend")
    leaks, skipped, own_seen = [], [], 0
    for name, page in PAGES.items():
        if not page.read:
            continue
        try:
            with transaction.atomic():
                kwargs = page.kwargs(campaign)
        except IntegrityError:
            # The matrix's own object clashes with a demo row (e.g. a summary for the same period).
            skipped.append(name)
            continue
        url = reverse(name, kwargs={"slug": slug, **kwargs})
        for headers in ({}, {"HX-Request": "true"}):
            body = response_text(client.get(url, headers=headers))
            own_seen += MARKERS[slug] in body
            if other(slug) in body:
                leaks.append(f"{name} {'(htmx)' if headers else ''}")
    assert not leaks, f"{slug}: the other campaign's marker shows on {leaks}"
    assert len(skipped) <= 2, skipped
    assert own_seen > 20, "the markers should show on the campaign's own pages"


def check_api(client, slug):
    cache.clear()
    campaign = Campaign.objects.get(slug=slug)
    ExecutiveSummaryFactory(campaign=campaign, period_start=date(2001, 1, 1), snapshot={"note": MARKERS[slug]})
    token = ApiTokenFactory(campaign=campaign)
    for route in ("api-v1:feedback_list", "api-v1:summary_list"):
        url = reverse(route, kwargs={"slug": slug})
        body = client.get(url, headers={"Authorization": f"Bearer {token.raw}"}).content.decode()
        assert MARKERS[slug] in body
        assert other(slug) not in body, route


def check_emails(slug):
    campaign = Campaign.objects.get(slug=slug)
    _period, content = summaries.summary_preview(campaign=campaign)
    summary = ExecutiveSummary.objects.filter(campaign=campaign).first()
    summary.snapshot = content
    leader = Leader.objects.filter(campaign=campaign).first()
    message = leadership_emails.summary_message(
        summary=summary, to=leader.email, leader=leader, web_url="https://x.test/"
    )
    pack = BriefingPackFactory(campaign=campaign)
    pack.stories.set(campaign.problems.all()[:3])
    pack.clippings.set(Clipping.objects.filter(campaign=campaign)[:3])
    delivery = PackDelivery.objects.create(pack=pack, leader=leader)
    for email in (message, leadership_emails.pack_message(delivery)):
        whole = email.message().as_string() + email.body + "".join(part for part, _ in email.alternatives)
        assert MARKERS[slug] in whole
        assert other(slug) not in whole


def test_markers_never_cross_in_pages_partials_exports_api_lists_or_emails(client, two_campaigns):
    _campaigns, admins = two_campaigns
    for slug in MARKERS:
        check_pages(admins, slug)
        check_api(client, slug)
        check_emails(slug)
