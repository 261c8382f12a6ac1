"""The outbox: every email sent to leaders, for campaign admins, each shown as rendered."""

from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET

from campaign.access import campaign_view
from campaign.models import Role
from leadership import selectors
from leadership.models import DeliveryStatus
from leadership.views.briefings import EMAIL_PAGE_CSP
from leadership.views.leaders import PER_PAGE

admin_only = campaign_view(read=Role.ADMIN, write=Role.ADMIN)


@require_GET
@admin_only
def outbox_list(request):
    status = request.GET.get("status", "")
    status = status if status in DeliveryStatus.values else ""
    page = Paginator(selectors.outbox_entries(request.campaign, status=status), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"campaign": request.campaign, "page": page, "status": status, "statuses": DeliveryStatus.choices}
    return render(request, "leadership/outbox_list.html", context)


def _message(request, kind, pk):
    """The delivery and its message as built for sending; 404 for an unknown kind or another campaign's row."""
    source = selectors.OUTBOX_KINDS.get(kind)
    if source is None:
        raise Http404("No such kind of mail.")
    try:
        delivery = source.get(request.campaign, pk)
    except ObjectDoesNotExist:
        raise Http404("No such mail in this campaign.") from None
    return source, delivery, source.build(delivery)


@require_GET
@admin_only
def outbox_message(request, kind, pk):
    source, delivery, message = _message(request, kind, pk)
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
@admin_only
@csp_override(EMAIL_PAGE_CSP)
def outbox_message_html(request, kind, pk):
    _source, _delivery, message = _message(request, kind, pk)
    return HttpResponse(message.alternatives[0].content)
