"""
Pages leaders reach from their email without logging in: the signed link is the credential.

The web versions of a briefing pack and of an executive summary are the email's own HTML (inline
styles, so a CSP that allows those and nothing else); the answer and unsubscribe pages are plain
site pages. A tampered or expired link is a 404 (see leadership.signing), the same answer as a
link to something that no longer exists, so a guesser learns nothing.
"""

import functools

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from leadership import emails, services, signing
from leadership.models import Event, Leader, PackDelivery, SummaryDelivery, SummaryTestCopy
from leadership.views.briefings import EMAIL_PAGE_CSP


def web_version(view):
    """A leader's web version of an email: GET only, never cached, under the email's own CSP."""
    return require_GET(never_cache(csp_override(EMAIL_PAGE_CSP)(view)))


def unsubscribe_link(view):
    """
    An unsubscribe link (RFC 8058): a mail client's one-click POST comes with no cookie and no CSRF token;
    the signed token in the address is the authorisation, and it can only switch summaries off.
    """
    return csrf_exempt(require_http_methods(["GET", "POST"])(never_cache(view)))


def _signed(token, rows, *, salt, max_age, key="d", gone="This email no longer exists."):
    """The row of `rows` a signed link names (its id under `key`); 404 when the link is bad or the row is gone."""
    payload = signing.load(token, salt=salt, max_age=max_age)
    row = rows.filter(pk=payload.get(key)).first()
    if row is None:
        raise Http404(gone)
    return row


@web_version
def pack_web(request, token):
    deliveries = PackDelivery.objects.select_related("pack", "leader")
    delivery = _signed(token, deliveries, salt=signing.PACK_SALT, max_age=signing.PACK_MAX_AGE)
    # The link names the delivery, so the leader; a signed-in member opening it (from the outbox) is not them.
    if not request.user.is_authenticated:
        services.pack_delivery_mark_opened(delivery=delivery)
    return HttpResponse(emails.pack_web_html(delivery))


@require_http_methods(["GET", "POST"])
@never_cache
def event_answer(request, token):
    # The link only shows the answer with a button; the POST records it. A mail scanner or link
    # preview that follows every link in a message therefore never answers for the leader.
    # Answering is idempotent (one engagement per leader and invitation), and the other answer
    # given later replaces it.
    payload = signing.load(token, salt=signing.ANSWER_SALT, max_age=signing.ANSWER_MAX_AGE)
    event = Event.objects.select_related("campaign").filter(pk=payload.get("e")).first()
    leader = Leader.objects.filter(pk=payload.get("l"), campaign_id=getattr(event, "campaign_id", None)).first()
    if event is None or leader is None:
        raise Http404("This invitation no longer exists.")
    accepted = bool(payload.get("a"))
    if request.method == "POST" and not event.is_cancelled:
        engagement = services.event_answer(event=event, leader=leader, accepted=accepted)
    else:
        engagement = event.engagements.filter(leader=leader).first()
    context = {
        "event": event,
        "leader": leader,
        "engagement": engagement,
        "campaign": event.campaign,
        "accepting": accepted,
        "answered": request.method == "POST",
        "other_url": signing.answer_url(event=event, leader=leader, accepted=not accepted),
    }
    return render(request, "leadership/event_answer.html", context)


@web_version
def summary_web(request, token):
    deliveries = SummaryDelivery.objects.select_related("summary__campaign", "leader")
    delivery = _signed(token, deliveries, salt=signing.SUMMARY_SALT, max_age=signing.SUMMARY_MAX_AGE)
    # Leaders have no account: a signed-in member opening the link (from the outbox, say) is not the leader.
    if not request.user.is_authenticated:
        services.summary_delivery_mark_opened(delivery=delivery)
    return HttpResponse(emails.summary_web_html(delivery))


def _unsubscribe(request, unsubscribe, one_click_answer, template, context):
    """
    An unsubscribe link: GET shows the page with its button, POST does `unsubscribe()`. A mail client's
    RFC 8058 one-click POST gets `one_click_answer` as plain text rather than the page.
    """
    if request.method == "POST":
        unsubscribe()
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(one_click_answer, content_type="text/plain")
    return render(request, template, {**context, "done": request.method == "POST"})


@unsubscribe_link
def summary_unsubscribe(request, token):
    payload = signing.load(token, salt=signing.UNSUBSCRIBE_SALT, max_age=signing.UNSUBSCRIBE_MAX_AGE)
    leader = Leader.objects.select_related("campaign").filter(pk=payload.get("l"), campaign_id=payload.get("c")).first()
    if leader is None:
        raise Http404("This link is not valid.")
    context = {"leader": leader, "campaign": leader.campaign}
    unsubscribe = functools.partial(services.leader_unsubscribe, leader=leader)
    return _unsubscribe(request, unsubscribe, "Unsubscribed.", "leadership/summaries_unsubscribed.html", context)


def _signed_test_copy(token):
    """The test copy a test copy's link names; 404 when the link is bad or the copy is gone."""
    copies = SummaryTestCopy.objects.select_related("campaign")
    salt, max_age = signing.TEST_COPY_SALT, signing.TEST_COPY_MAX_AGE
    return _signed(token, copies, salt=salt, max_age=max_age, key="t", gone="This test copy no longer exists.")


@web_version
def summary_test_web(request, token):
    copy = _signed_test_copy(token)
    services.summary_test_copy_mark_opened(copy=copy)
    return HttpResponse(emails.summary_test_copy_web_html(copy))


# The test copy's unsubscribe link behaves as a leader's does (one-click POST included), on the copy alone.
@unsubscribe_link
def summary_test_unsubscribe(request, token):
    copy = _signed_test_copy(token)
    answer, template = "Test copy: nobody was unsubscribed.", "leadership/summaries_test_unsubscribed.html"
    unsubscribe = functools.partial(services.summary_test_copy_unsubscribe, copy=copy)
    return _unsubscribe(request, unsubscribe, answer, template, {"copy": copy, "campaign": copy.campaign})
