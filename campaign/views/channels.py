"""
Chat channels (admins): the Teams, Slack and webhook addresses that get a short post for some of the
campaign's events (campaign.events, campaign.posts). Addresses and signing secrets are secrets: shown
masked, the signing secret only once, right after it is made.
"""

from django.contrib import messages
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from campaign import events
from campaign.access import campaign_view
from campaign.audit import audit_record
from campaign.confirm import confirm_removal
from campaign.event_kinds import POST_KINDS
from campaign.forms import ChannelForm
from campaign.models import Channel, ChannelDelivery, Role

admins_only = campaign_view(read=Role.ADMIN, write=Role.ADMIN)
# The session key under which a webhook's new signing secret waits to be shown once.
SHOW_SECRET = "channel-secret-{pk}"  # noqa: S105 (a session key, not a secret)


def _channel(request, pk):
    return get_object_or_404(Channel, pk=pk, campaign=request.campaign)


def _list_url(campaign):
    return reverse("campaign:settings-channels", kwargs={"slug": campaign.slug})


def _audited(channel):
    """What the audit log keeps of a channel: never its address or secret."""
    return {"name": channel.name, "kind": channel.kind, "events": channel.events, "is_active": channel.is_active}


def _saved(request, channel, action, before=None, *, show_secret=False):
    audit_record(
        campaign=request.campaign,
        actor=request.user,
        action=action,
        target=channel.name,
        before=before or {},
        after=_audited(channel),
        subject="campaign.channel",
    )
    if show_secret and channel.kind == Channel.Kind.WEBHOOK and channel.signing_secret:
        request.session[SHOW_SECRET.format(pk=channel.pk)] = channel.signing_secret


@admins_only
def channel_list(request):
    campaign = request.campaign
    form = ChannelForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        channel = form.save(commit=False)
        channel.created_by = request.user
        channel.save()
        _saved(request, channel, "Chat channel added", show_secret=True)
        messages.success(request, f"Channel “{channel}” added.")
        if channel.kind == Channel.Kind.WEBHOOK:
            return redirect("campaign:settings-channels-edit", slug=campaign.slug, pk=channel.pk)
        return redirect(_list_url(campaign))
    latest = ChannelDelivery.objects.filter(channel=OuterRef("pk")).order_by("-created_at", "-pk")
    channels = Channel.objects.filter(campaign=campaign).annotate(
        last_status=Subquery(latest.values("status")[:1]),
        last_error=Subquery(latest.values("last_error")[:1]),
        last_at=Subquery(latest.values("created_at")[:1]),
    )
    channels = list(channels)
    for channel in channels:
        channel.event_labels = [kind.label for key, kind in POST_KINDS.items() if key in channel.events]
    context = {"campaign": campaign, "channels": channels, "form": form}
    return render(request, "campaign/settings_channels.html", context)


@admins_only
def channel_edit(request, pk):
    channel = _channel(request, pk)
    before = _audited(channel)
    form = ChannelForm(request.POST or None, instance=channel, campaign=request.campaign)
    if request.method == "POST" and form.is_valid():
        new_secret = form.cleaned_data.get("new_secret") or (before["kind"] != channel.kind == Channel.Kind.WEBHOOK)
        channel = form.save()
        _saved(request, channel, "Chat channel changed", before, show_secret=new_secret)
        messages.success(request, f"Channel “{channel}” saved.")
        if new_secret:
            return redirect("campaign:settings-channels-edit", slug=request.campaign.slug, pk=channel.pk)
        return redirect(_list_url(request.campaign))
    secret = request.session.pop(SHOW_SECRET.format(pk=channel.pk), None) if request.method == "GET" else None
    context = {"campaign": request.campaign, "channel": channel, "form": form, "new_secret": secret}
    return render(request, "campaign/settings_channel_edit.html", context)


@admins_only
def channel_delete(request, pk):
    channel = _channel(request, pk)
    if request.method == "POST":
        audit_record(
            campaign=request.campaign,
            actor=request.user,
            action="Chat channel removed",
            target=channel.name,
            before=_audited(channel),
            subject="campaign.channel",
        )
        channel.delete()
        messages.success(request, f"Channel “{channel}” removed; its posts are gone from the outbox.")
        return redirect(_list_url(request.campaign))
    return confirm_removal(request, item=channel, noun="chat channel", back_url=_list_url(request.campaign))


@require_POST
@admins_only
def channel_test(request, pk):
    channel = _channel(request, pk)
    if not channel.is_configured:
        messages.error(request, f"“{channel}” has no webhook address yet: add it, then send a test post.")
        return redirect("campaign:settings-channels-edit", slug=request.campaign.slug, pk=channel.pk)
    events.channel_test_post(channel=channel, by=request.user)
    messages.success(request, f"A test post to “{channel}” is on its way; the outbox shows how it went.")
    return redirect(_list_url(request.campaign))
