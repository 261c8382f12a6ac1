"""
Pages leaders reach from their email without logging in: the signed link is the credential.

A tampered or expired link is a 404 (see leadership.signing), the same answer as a link to
something that no longer exists, so a guesser learns nothing.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET

from leadership import emails, services, signing
from leadership.models import Event, Leader, PackDelivery
from leadership.views.briefings import EMAIL_PAGE_CSP


@require_GET
@never_cache
@csp_override(EMAIL_PAGE_CSP)
def pack_web(request, token):
    payload = signing.load(token, salt=signing.PACK_SALT, max_age=signing.PACK_MAX_AGE)
    delivery = PackDelivery.objects.select_related("pack", "leader").filter(pk=payload.get("d")).first()
    if delivery is None:
        raise Http404("This briefing no longer exists.")
    return HttpResponse(emails.pack_web_html(delivery))


@require_GET
@never_cache
def event_answer(request, token):
    # A GET that writes, on purpose: the email promises one click. Answering is idempotent (one
    # engagement per leader and invitation), and clicking the other answer later replaces it.
    payload = signing.load(token, salt=signing.ANSWER_SALT, max_age=signing.ANSWER_MAX_AGE)
    event = Event.objects.select_related("campaign").filter(pk=payload.get("e")).first()
    leader = Leader.objects.filter(pk=payload.get("l"), campaign_id=getattr(event, "campaign_id", None)).first()
    if event is None or leader is None:
        raise Http404("This invitation no longer exists.")
    engagement = services.event_answer(event=event, leader=leader, accepted=bool(payload.get("a")))
    context = {"event": event, "leader": leader, "engagement": engagement, "campaign": event.campaign}
    context["other_url"] = signing.answer_url(event=event, leader=leader, accepted=not payload.get("a"))
    return render(request, "leadership/event_answer.html", context)
