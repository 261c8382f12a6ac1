"""
The outbox: every email the campaign sends (to leaders and to members), each shown as rendered.
Admins see all of it; champions see what they sent (their packs, the member mail their actions sent).
"""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET

from campaign.access import campaign_view
from campaign.models import Role
from leadership import emails, selectors
from leadership.models import PackDeliveryStatus
from leadership.views.briefings import EMAIL_PAGE_CSP
from leadership.views.leaders import PER_PAGE

champions_read = campaign_view(read=Role.CHAMPION, write=Role.ADMIN)


def _sender(request):
    """None for an admin (the whole outbox), else the member whose own mail the outbox is limited to."""
    return None if request.membership.role_enum.allows(Role.ADMIN) else request.user


@require_GET
@champions_read
def outbox_list(request):
    status = request.GET.get("status", "")
    status = status if status in PackDeliveryStatus.values else ""
    sender = _sender(request)
    entries = selectors.outbox_entries(request.campaign, status=status, sender=sender)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "campaign": request.campaign,
        "page": page,
        "status": status,
        "statuses": PackDeliveryStatus.choices,  # every outbox's states, and scheduled packs'
        "everything": sender is None,
    }
    return render(request, "leadership/outbox_list.html", context)


def _message(request, kind, pk):
    """
    The delivery and its message as built for sending; 404 for an unknown kind or another campaign's
    row, 403 for a champion opening mail they did not send.
    """
    source = selectors.OUTBOX_KINDS.get(kind)
    if source is None:
        raise Http404("No such kind of mail.")
    try:
        delivery = source.get(request.campaign, pk)
    except ObjectDoesNotExist:
        raise Http404("No such mail in this campaign.") from None
    sender = _sender(request)
    if sender is not None and not selectors.outbox_sent_by(request.campaign, kind, pk, sender):
        raise PermissionDenied("Champions see the mail they sent; this one is someone else's.")
    return source, delivery, emails.outbox_message(kind, delivery)


@require_GET
@champions_read
def outbox_message(request, kind, pk):
    source, delivery, message = _message(request, kind, pk)
    if kind == "post":  # a post to a chat channel: its JSON body, the address and signature hidden
        context = {"campaign": request.campaign, "kind_label": source.label, "delivery": delivery, "post": message}
        return render(request, "leadership/outbox_post.html", context)
    context = {
        "campaign": request.campaign,
        "kind": kind,
        "kind_label": source.label,
        "delivery": delivery,
        "message": message,
        "html": message.alternatives[0].content if message.alternatives else "",
    }
    return render(request, "leadership/outbox_message.html", context)


@require_GET
@champions_read
@csp_override(EMAIL_PAGE_CSP)
def outbox_message_html(request, kind, pk):
    _source, _delivery, message = _message(request, kind, pk)
    if kind == "post":
        raise Http404("A post has no HTML part.")
    return HttpResponse(message.alternatives[0].content)
