"""
The campaign's "join the movement" link: the page that shows it (champions share it, admins publish,
rotate and switch it off) and the public page behind it.
"""

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from allies import services
from allies.forms import JoinForm
from allies.models import JoinLink
from campaign.access import campaign_view
from campaign.models import Role

admin_only = campaign_view(read=Role.ADMIN, write=Role.ADMIN)
# Champions see and share the link; only admins publish a new one or switch it off.
champions_see = campaign_view(read=Role.CHAMPION, write=Role.ADMIN)

# Sign-ups per client address per window: generous for a team sharing an office address, tight for a script.
JOIN_RATE_LIMIT = 5
JOIN_RATE_WINDOW = 10 * 60


@champions_see
def join_link(request):
    """Show the campaign's join link; an admin's POST publishes a new one (rotating: the old one stops working)."""
    campaign = request.campaign
    if request.method == "POST":
        had_one = campaign.join_links.active().exists()
        services.join_link_create(campaign=campaign, by=request.user)
        if had_one:
            messages.success(request, "New join link published. The old one no longer works.")
        else:
            messages.success(request, "Join link published. Share it where colleagues will see it.")
        return redirect("allies:join-link", slug=campaign.slug)
    link = campaign.join_links.active().select_related("created_by").first()
    context = {
        "campaign": campaign,
        "link": link,
        "link_url": request.build_absolute_uri(link.get_absolute_url()) if link else "",
        "has_departments": campaign.departments.exists(),
        "can_manage": request.membership.role_enum.allows(Role.ADMIN),
    }
    return render(request, "allies/join_link.html", context)


@require_POST
@admin_only
def join_link_off(request):
    if services.join_link_switch_off(campaign=request.campaign):
        messages.success(request, "The join link is switched off. Anyone opening it now gets “not found”.")
    else:
        messages.info(request, "There was no join link to switch off.")
    return redirect("allies:join-link", slug=request.campaign.slug)


def _get_link(token):
    link = JoinLink.objects.for_token(token).first()
    if link is None:
        raise Http404("No such join link.")
    return link


def _over_rate_limit(request):
    """Count this submission against the client's address; True once it is over the limit."""
    key = f"join-rate:{request.META.get('REMOTE_ADDR', 'unknown')}"
    cache.add(key, 0, timeout=JOIN_RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=JOIN_RATE_WINDOW)
        count = 1
    return count > JOIN_RATE_LIMIT


@never_cache
def join(request, token):
    link = _get_link(token)
    campaign = link.campaign
    if request.method == "POST" and _over_rate_limit(request):
        return render(request, "allies/join_rate_limited.html", {"join_campaign": campaign}, status=429)
    form = JoinForm(request.POST or None, campaign=campaign)
    if request.method == "POST":
        # A filled honeypot is a bot: it gets the same thank-you, and nothing is stored.
        if form.is_bot:
            return redirect("allies:join-thanks", token=token)
        if form.is_valid():
            data = {key: value for key, value in form.cleaned_data.items() if key not in ("website", "started")}
            services.ally_volunteer(campaign=campaign, **data)
            return redirect("allies:join-thanks", token=token)
    return render(request, "allies/join.html", {"join_campaign": campaign, "form": form})


@never_cache
def join_thanks(request, token):
    link = _get_link(token)
    return render(request, "allies/join_thanks.html", {"join_campaign": link.campaign})
