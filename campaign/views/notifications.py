"""
A member's notification settings: which campaign events email them, at once or in a digest
(campaign.notifications), and the one-click link in every such email that switches them off.
"""

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from campaign import notifications
from campaign.access import campaign_view
from campaign.event_kinds import NOTIFY_KINDS
from campaign.forms import NotificationSettingsForm
from campaign.models import Membership, Role


@campaign_view(read=Role.VIEWER, write=Role.VIEWER)
def notification_settings(request):
    membership = request.membership
    choices = notifications.choices_for(membership)
    form = NotificationSettingsForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        notifications.notification_settings_save(membership=membership, choices=form.cleaned_data)
        messages.success(request, "Your notification settings are saved.")
        return redirect("campaign:notifications", slug=request.campaign.slug)
    context = {"campaign": request.campaign, "form": form, "has_choices": bool(choices)}
    return render(request, "campaign/notification_settings.html", context)


@csrf_exempt  # RFC 8058: a mail client's one-click POST has no cookie; the signed token is the authorisation
@require_http_methods(["GET", "POST"])
@never_cache
def notifications_off(request, token):
    try:
        membership, kind = notifications.off_token_read(token)
    except (signing.BadSignature, Membership.DoesNotExist, KeyError, TypeError):
        raise Http404("This link is not valid any more.") from None
    label = "any of these emails" if kind == notifications.EVERYTHING else NOTIFY_KINDS[kind].notify.lower()
    context = {"membership": membership, "campaign": membership.campaign, "label": label}
    if request.method == "POST":
        notifications.notifications_off(membership=membership, kind=kind)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse("Notifications switched off.", content_type="text/plain")
    return render(request, "campaign/notifications_off.html", {**context, "done": request.method == "POST"})
