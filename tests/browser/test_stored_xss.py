"""
Stored XSS: a corpus of payloads sent through forms and the API and planted in every free-text field of a
campaign, then rendered in every campaign page, its htmx partials, the leaders' pages, the HTML emails and
the Django admin, in Chromium with the CSP switched off (so escaping, not the CSP, has to stop them):
no dialog may fire, and no link may point anywhere but http(s) or the site itself.
"""

from datetime import date
from itertools import cycle

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.db import IntegrityError, models, transaction
from django.db.models import Value
from django.db.models.functions import Cast, Concat, Left
from django.urls import reverse

from allies import checkin
from allies.models import CheckinInvite, CheckinRound
from campaign.models import Campaign, Level, Membership, Role
from leadership import signing, summaries
from leadership.models import PackDelivery, SummaryDelivery
from tests.browser.conftest import log_in
from tests.factories import (
    AllyFactory,
    ApiTokenFactory,
    BriefingPackFactory,
    ClippingFactory,
    DepartmentFactory,
    LeaderFactory,
    SummaryDeliveryFactory,
    UserFactory,
)
from tests.matrix import all_pages

CORPUS = [
    "<script>alert('xss-script')</script>",
    '"><img src=x onerror=alert("xss-img")>',
    "'><svg onload=alert('xss-svg')>",
    "javascript:alert('xss-link')",
    '</textarea></title><script>alert("xss-close")</script>',
    "{{ 7*7 }}<iframe src=javascript:alert('xss-frame')>",
]
APPS = ("campaign", "allies", "personas", "leadership")
BAD_LINKS = """() => [...document.querySelectorAll('a[href], area[href], iframe[src], form[action]')]
    .map((el) => el.getAttribute('href') || el.getAttribute('src') || el.getAttribute('action'))
    .filter((url) => /^\\s*(javascript|data|vbscript):/i.test(url))"""


def plant(campaign):
    """Every free-text field of every row in the campaign takes one of the payloads."""
    payloads = cycle(CORPUS)
    Campaign.objects.filter(pk=campaign.pk).update(
        why=CORPUS[0], how=CORPUS[1], what=CORPUS[2], service_focus=CORPUS[4]
    )
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            if model is Campaign or "campaign" not in {f.name for f in model._meta.get_fields()}:
                continue
            # A field in a unique constraint is a key (the activity rollup's source), not free text.
            keys = {name for c in model._meta.constraints for name in getattr(c, "fields", ())}
            for field in model._meta.concrete_fields:
                plain_text = isinstance(field, models.CharField | models.TextField) and not isinstance(
                    field, models.SlugField | models.EmailField
                )
                if plain_text and not field.choices and not field.unique and field.name not in ("token_hash", *keys):
                    # The row's id keeps names unique where the campaign wants them so.
                    value = Concat(Value(next(payloads)), Cast("pk", models.CharField()))
                    if field.max_length and field.max_length < 100:
                        value = Left(value, field.max_length)  # a short field (a token's hint) holds what fits
                    model.objects.filter(campaign=campaign).update(**{field.name: value})


def post_through_forms_and_the_api(client, campaign, admin_user):
    """The corpus through real forms and the API, so what the forms store is what is rendered."""
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")
    slug = campaign.slug
    for n, payload in enumerate(CORPUS[:3]):
        client.post(
            reverse("campaign:settings-departments", kwargs={"slug": slug}),
            {"name": f"{payload}{n}", "kind": "customer_facing"},
        )
        client.post(
            reverse("campaign:problem-new", kwargs={"slug": slug}),
            {"title": payload, "description": payload, "difficulty": "easy", "impact": "medium"},
        )
        client.post(
            reverse("leadership:leader-new", kwargs={"slug": slug}),
            {"name": payload, "email": f"l{n}@example.com", "title": payload, "level": "senior", "stance": "neutral"},
        )
        client.post(
            reverse("leadership:clipping-list", kwargs={"slug": slug}),
            {"title": payload, "source": CORPUS[3], "summary": payload},
        )
    cache.clear()
    token = ApiTokenFactory(campaign=campaign)
    items = [
        {
            "external_id": f"X-{n}",
            "kind": "complaint",
            "severity": "high",
            "received_on": "2026-01-02",
            "summary": p,
            "customer": p,
        }
        for n, p in enumerate(CORPUS)
    ]
    response = client.post(
        f"/api/v1/campaigns/{slug}/feedback",
        {"items": items},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token.raw}"},
    )
    assert response.status_code == 201, response.content
    client.logout()


def checkin_answered_by_a_hostile_middle_manager(client, campaign):
    """The middle's check-in: a middle manager with a hostile name answers all three questions with payloads."""
    middle = AllyFactory(campaign=campaign, level=Level.MIDDLE, name=CORPUS[1])
    # A period of its own, far from the matrix's round, open whatever today is.
    round_ = CheckinRound.objects.create(campaign=campaign, period_start=date(2000, 1, 1), period_end=date(2999, 1, 1))
    invite = CheckinInvite.objects.create(round=round_, ally=middle, name=middle.name, department=middle.department)
    urls = [round_.get_absolute_url(), checkin.unsubscribe_url(invite).removeprefix(settings.SITE_URL)]
    for question, payload in zip(checkin.Question.values, CORPUS, strict=False):
        answer = checkin.answer_url(invite, question).removeprefix(settings.SITE_URL)
        client.post(answer, {"person": payload, "text": payload})
        urls.append(answer)
    assert invite.answers.count() == 3
    return urls


def test_no_payload_fires_anywhere_it_is_rendered(page, live_server, campaign, client):
    staff = UserFactory(username="root", is_staff=True, is_superuser=True)
    Membership.objects.create(campaign=campaign, user=staff, role=Role.ADMIN)
    post_through_forms_and_the_api(client, campaign, staff)

    pages = all_pages()
    urls = []
    for name, entry in pages.items():
        if entry.read:
            try:
                with transaction.atomic():
                    kwargs = entry.kwargs(campaign)
            except IntegrityError:
                continue
            url = reverse(name, kwargs={"slug": campaign.slug, **kwargs})
            if not url.endswith((".csv", ".zip")):  # downloads, not pages (their escaping is the CSV writer's)
                urls.append(url)
    leader = LeaderFactory(campaign=campaign)
    pack = BriefingPackFactory(campaign=campaign)
    pack.clippings.add(ClippingFactory(campaign=campaign))
    pack_delivery = PackDelivery.objects.create(pack=pack, leader=leader)
    summary_delivery = SummaryDeliveryFactory(summary__campaign=campaign, leader=leader)
    DepartmentFactory(campaign=campaign)
    plant(campaign)
    urls += checkin_answered_by_a_hostile_middle_manager(client, campaign)
    # The summary's stored content is built from the planted rows, as the real send does.
    _period, content = summaries.summary_preview(campaign=campaign)
    summary_delivery.summary.snapshot = content
    summary_delivery.summary.save()
    urls += [
        signing.pack_web_url(pack_delivery).removeprefix(signing.settings.SITE_URL),
        reverse("leadership:summary-web", kwargs={"token": signing.summary_web_token(summary_delivery)}),
        reverse("leadership:summary-unsubscribe", kwargs={"token": signing.unsubscribe_token(leader)}),
    ]
    for model, _model_admin in admin.site._registry.items():
        if model._meta.app_label in APPS:
            prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
            urls.append(reverse(f"{prefix}_changelist"))
            first = model.objects.order_by("pk").first()
            if first is not None:
                urls.append(reverse(f"{prefix}_change", args=[first.pk]))
    assert SummaryDelivery.objects.exists()

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(f"{page.url}: {dialog.message}"), dialog.dismiss()))
    log_in(page, staff.username)
    # htmx swaps: the pages that answer an htmx request with a partial, loaded as the partial alone.
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    answers = {url: client.get(url, headers={"HX-Request": "true"}) for url in urls}
    # A file (a recognition photo, an export) streams: it is no partial of a page.
    partials = [url for url, answer in answers.items() if not answer.streaming and b"<html" not in answer.content]
    bad_links = []
    for htmx, batch in ((False, urls), (True, partials)):
        page.context.set_extra_http_headers({"HX-Request": "true"} if htmx else {})
        for url in batch:
            page.goto(url, wait_until="load")
            bad_links += [f"{url}: {link}" for link in page.evaluate(BAD_LINKS)]
    assert not dialogs, f"payloads ran: {dialogs}"
    assert not bad_links, f"links that are not http(s): {bad_links}"
    assert len(urls) > 100
    assert len(partials) > 10
