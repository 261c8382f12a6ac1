"""Briefing packs: list, composer, preview, send, print; and the invitations packs carry."""

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET

from campaign.access import campaign_view
from campaign.models import Role
from leadership import emails, evidence, selectors, services, tone
from leadership.forms import EventForm, PackComposeForm, PackCreateForm, PackSendForm
from leadership.models import BriefingPack, DeliveryStatus, Event, Leader, PackDelivery, PackDeliveryStatus
from leadership.views.leaders import PER_PAGE, _confirm_delete, champion_only

# Email HTML is styled inline, which the site's CSP forbids; pages that show it as the leader will
# see it allow inline styles, and nothing else: no scripts at all, no forms, no framing.
EMAIL_PAGE_CSP = {
    "default-src": ["'none'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
    "frame-ancestors": ["'none'"],
}


def _packs(request):
    return BriefingPack.objects.filter(campaign=request.campaign)


@campaign_view()
def pack_list(request):
    form = PackCreateForm(request.POST or None, campaign=request.campaign)
    if request.method == "POST" and form.is_valid():
        form.instance.created_by = request.user
        pack = form.save()
        messages.success(request, f"Draft “{pack}” created. Choose its leaders and content.")
        return redirect(pack)
    page = Paginator(selectors.pack_list(request.campaign), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "leadership/pack_list.html", {"campaign": request.campaign, "page": page, "form": form})


@campaign_view()
def pack_compose(request, pk):
    pack = get_object_or_404(_packs(request), pk=pk)
    pack.campaign = request.campaign  # the same row, already read: its reads below need not fetch it again
    if pack.is_scheduled or pack.status == BriefingPack.Status.SENT:
        return _pack_sent(request, pack)
    # The composer shows each leader's stance and what they value: champions and admins only (docs/privacy.md).
    if not request.membership.role_enum.allows(Role.CHAMPION):
        raise PermissionDenied("A viewer reads a draft in its preview.")
    if pack.is_awaiting_approval:
        # Nothing changes while someone reads it for approval: the author withdraws the request to edit.
        if request.method == "POST":
            messages.error(request, "This pack is waiting for approval: withdraw the request to change it.")
        return redirect("leadership:pack-review", slug=request.campaign.slug, pk=pack.pk)
    if request.method == "GET" and request.htmx and request.htmx.target == "story-choices":
        return _story_choices(request, pack)
    if request.method == "GET" and request.htmx and request.htmx.target == "recipient-choices":
        return _recipient_choices(request, pack)
    if request.method == "GET" and request.htmx and request.htmx.target == "tone-checks":
        return _tone_checks(request, pack)
    form = PackComposeForm(request.POST or None, instance=pack, campaign=request.campaign)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Draft saved. Suggestions now fit the leaders you chose.")
        if not request.htmx:
            return redirect(pack)
        form = PackComposeForm(instance=pack, campaign=request.campaign)
    template = "leadership/pack_compose.html#composer" if request.htmx else "leadership/pack_compose.html"
    return render(request, template, _compose_context(request, pack, form))


def _ids(values):
    """The values that are plain ids (ASCII digits, within a database integer); anything else is ignored."""
    return {int(value) for value in values if re.fullmatch(r"[0-9]{1,18}", str(value))}


def _story_search(request):
    """The composer's story search and how many stories to list, from the query string."""
    try:
        shown = int(request.GET.get("stories_shown", ""))
    except ValueError:
        shown = selectors.STORIES_SHOWN
    shown = min(max(shown, selectors.STORIES_SHOWN), selectors.STORIES_SHOWN_MAX)
    return {"story_query": request.GET.get("stories_q", "")[:100], "story_limit": shown}


def _compose_context(request, pack, form):
    selected = {name: {str(value) for value in form[name].value() or []} for name in selectors.PACK_PARTS}
    # The chosen leaders (ticked on the form, and saved) and the first few by name, or all of them once asked
    # ("show all", kept while the draft saves itself); the saved recipients are among them (one query for both).
    saved = form.choices
    show_all = request.GET.get("leaders") == "all" or request.POST.get("leaders") == "all"
    leaders = selectors.leader_choices(
        request.campaign,
        chosen=_ids(selected["recipients"]) | saved["recipients"],
        limit=None if show_all else selectors.LEADERS_SHOWN,
    )
    recipients = [leader for leader in leaders.rows if leader.pk in saved["recipients"]]
    options = selectors.composer_options(
        pack,
        leaders=recipients,
        sent=saved["sent"],
        chosen_stories=_ids(selected["stories"]),
        chosen_answers=_ids(selected["answers"]),
        **_story_search(request),
    )
    return {
        "campaign": request.campaign,
        "pack": pack,
        "form": form,
        "selected": selected,
        "options": options,
        "events": form.fields["events"].queryset,
        "leaders": leaders,
        "problems": services.pack_problems(pack, saved),
        # As the form stands (a refused save keeps what was posted); the region refreshes itself as the pack is edited.
        "tone_checks": tone.pack_tone_checks(
            pack,
            chosen={name: _ids(selected[name]) for name in selectors.PACK_PARTS},
            note=form["note"].value() or "",
            talking_points=form["talking_points"].value() or "",
        ),
    }


def _tone_checks(request, pack):
    """The composer's tone checks alone (htmx), for the choices on the form as they stand, saved or not."""
    chosen = {name: _ids(request.GET.getlist(name)) for name in selectors.PACK_PARTS}
    checks = tone.pack_tone_checks(
        pack,
        chosen=chosen,
        note=request.GET.get("note", pack.note)[:3000],
        talking_points=request.GET.get("talking_points", pack.talking_points)[:3000],
    )
    context = {"campaign": request.campaign, "pack": pack, "tone_checks": checks}
    return render(request, "leadership/pack_compose.html#tone-checks", context)


def _recipient_choices(request, pack):
    """The composer's list of leaders alone (htmx), all of them ("show all"), keeping the leaders ticked so far."""
    context = {
        "campaign": request.campaign,
        "pack": pack,
        "leaders": selectors.leader_choices(request.campaign),
        "selected": {"recipients": {str(pk) for pk in _ids(request.GET.getlist("recipients"))}},
    }
    return render(request, "leadership/pack_compose.html#recipient-choices", context)


def _story_choices(request, pack):
    """The composer's list of stories alone (htmx): a search, or "show more", keeping the stories ticked so far."""
    chosen = _ids(request.GET.getlist("stories"))
    leaders = list(pack.recipients.all())
    search = _story_search(request)
    stories = selectors.story_choices(
        request.campaign,
        leaders,
        selectors.sent_content(leaders),
        chosen=chosen,
        query=search["story_query"],
        limit=search["story_limit"],
    )
    context = {
        "campaign": request.campaign,
        "pack": pack,
        "options": {"stories": stories},
        "selected": {"stories": {str(pk) for pk in chosen}},
    }
    return render(request, "leadership/pack_compose.html#story-choices", context)


def _pack_sent(request, pack):
    """A sent or scheduled pack: where each leader's delivery is, when it goes, whether they opened it."""
    deliveries = list(selectors.pack_deliveries(pack))
    pending = any(d.status in (DeliveryStatus.QUEUED, DeliveryStatus.SENDING) for d in deliveries)
    context = {"campaign": request.campaign, "pack": pack, "deliveries": deliveries, "pending": pending}
    # The outbox shows a champion the packs they sent, an admin every pack.
    context["can_open_outbox"] = request.membership.role_enum.allows(Role.ADMIN) or pack.sent_by_id == request.user.pk
    context["can_unschedule"] = pack.is_scheduled and request.membership.role_enum.allows(Role.CHAMPION)
    context["waiting"] = sum(d.status == PackDeliveryStatus.SCHEDULED for d in deliveries)
    if request.method == "POST":
        if pack.is_scheduled:
            messages.error(request, "This pack is scheduled: unschedule it to change it.")
        else:
            messages.error(request, "This pack has been sent and can no longer be changed.")
        return redirect(pack)
    template = "leadership/pack_sent.html#delivery-states" if request.htmx else "leadership/pack_sent.html"
    return render(request, template, context)


@require_GET
@campaign_view()
@csp_override(EMAIL_PAGE_CSP)
def pack_preview(request, pk):
    pack = get_object_or_404(_packs(request), pk=pk)
    leader_id = request.GET.get("leader", "")
    if leader_id:
        leader = get_object_or_404(pack.recipients.all(), pk=leader_id if leader_id.isdigit() else 0)
    else:
        # No one chosen (or no recipients yet): preview as the first recipient, or a stand-in.
        leader = pack.recipients.first() or Leader(campaign=request.campaign, name="(the leader's name)")
    delivery = (leader.pk and PackDelivery.objects.filter(pack=pack, leader=leader).first()) or PackDelivery(
        pack=pack, leader=leader
    )
    return HttpResponse(emails.pack_web_html(delivery))


@champion_only
def pack_send(request, pk):
    """Send now or schedule; when the campaign asks for it, the same form asks a second champion's approval."""
    pack = get_object_or_404(_packs(request), pk=pk)
    needs_approval = request.campaign.packs_need_approval
    form = PackSendForm(request.POST if request.method == "POST" else None, initial=_send_initial(pack))
    if request.method == "POST" and form.is_valid():
        go = services.pack_request_approval if needs_approval else services.pack_send
        when = {"send_on": form.cleaned_data["send_on"], "send_time": form.cleaned_data["send_time"]}
        try:
            pack = go(pack=pack, by=request.user, **when)
        except ValidationError as error:
            pack.refresh_from_db()
            if not pack.is_draft:
                for problem in error.messages:
                    messages.error(request, problem)
                return redirect(pack)
            for problem in error.messages:
                form.add_error(None, problem)
        else:
            messages.success(request, _gone_message(pack, needs_approval))
            return redirect(pack)
    recipients = list(pack.recipients.select_related("campaign"))
    context = {
        "campaign": request.campaign,
        "pack": pack,
        "recipients": recipients,
        "form": form,
        "needs_approval": needs_approval,
        "problems": services.pack_problems(pack),
        "tone_checks": tone.pack_tone_checks(pack),
    }
    return render(request, "leadership/pack_send.html", context)


def _send_initial(pack):
    """A pack sent back after approval keeps the time it was asked for."""
    if pack.send_on:
        return {"when": "later", "send_on": pack.send_on, "send_time": pack.send_time}
    return {"when": "now"}


def _gone_message(pack, asked):
    count = pack.recipients.count()
    if asked:
        return f"Asked for approval of “{pack}”: the other champions and admins have been told."
    if pack.is_scheduled:
        return f"Scheduled “{pack}” for {count} leader(s): {pack_schedule_label(pack)}."
    return f"Sending “{pack}” to {count} leader(s)."


def pack_schedule_label(pack):
    """When a scheduled pack goes, in words: the same local date and time for every leader."""
    return f"{date_format(pack.send_on, 'j F Y')} at {pack.send_time.strftime('%H:%M')}, each leader's local time"


@require_GET
@campaign_view()
def pack_print(request, pk):
    pack = selectors.pack_for_reading(get_object_or_404(_packs(request), pk=pk))
    lead = "wrong" if request.GET.get("lead") == "wrong" else "well"  # anything else: the default order
    context = {
        "campaign": request.campaign,
        "pack": pack,
        "talking_points": pack.talking_point_list(),
        "lead": lead,
        "sections": tone.pack_sections(lead),
        "answers": evidence.answers_with_evidence(request.campaign, pack.answers.all()),
    }
    return render(request, "leadership/pack_print.html", context)


@champion_only
def pack_delete(request, pk):
    pack = get_object_or_404(_packs(request).filter(status=BriefingPack.Status.DRAFT), pk=pk)
    return _confirm_delete(
        request, pack, "draft", reverse("leadership:pack-list", kwargs={"slug": request.campaign.slug})
    )


@campaign_view()
def event_list(request):
    form = EventForm(request.POST or None, campaign=request.campaign)
    if request.method == "POST" and form.is_valid():
        event = form.save(commit=False)
        services.event_save(event=event)
        messages.success(request, f"Added the invitation “{event}”. Put it in a pack to send it.")
        return redirect(request.path)
    events = Event.objects.filter(campaign=request.campaign).order_by("-happens_on", "-pk")
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = selectors.event_answers(page.object_list)
    return render(request, "leadership/event_list.html", {"campaign": request.campaign, "page": page, "form": form})


@champion_only
def event_delete(request, pk):
    event = get_object_or_404(Event.objects.filter(campaign=request.campaign), pk=pk)
    return _confirm_delete(
        request, event, "invitation", reverse("leadership:event-list", kwargs={"slug": request.campaign.slug})
    )


def _event_list_url(request):
    return reverse("leadership:event-list", kwargs={"slug": request.campaign.slug})


@champion_only
def event_edit(request, pk):
    """Change an invitation; leaders who have it in their calendar get the update (services.event_save)."""
    event = get_object_or_404(Event.objects.filter(campaign=request.campaign, cancelled_at__isnull=True), pk=pk)
    form = EventForm(request.POST or None, instance=event, campaign=request.campaign)
    if request.method == "POST" and form.is_valid():
        updated = services.event_save(event=form.save(commit=False), changed=form.changed_data)
        told = f" {updated} leader(s) who have it in their calendar get the update." if updated else ""
        messages.success(request, f"Saved the invitation “{event}”.{told}")
        return redirect(_event_list_url(request))
    context = {"campaign": request.campaign, "form": form, "event": event, "back_url": _event_list_url(request)}
    return render(request, "leadership/event_edit.html", context)


@champion_only
def event_cancel(request, pk):
    """GET: ask first; POST: cancel the invitation and send leaders who have it the cancellation."""
    event = get_object_or_404(Event.objects.filter(campaign=request.campaign, cancelled_at__isnull=True), pk=pk)
    if request.method == "POST":
        event, told = services.event_cancel(event=event)
        messages.success(request, f"Cancelled “{event}”. {told} leader(s) get the cancellation in their calendar.")
        return redirect(_event_list_url(request))
    context = {
        "campaign": request.campaign,
        "event": event,
        "invited": services.invited_leader_count(event),
        "back_url": _event_list_url(request),
    }
    return render(request, "leadership/event_cancel.html", context)
