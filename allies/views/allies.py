"""The ally list, the ally page, follow-ups, and the writes champions make from them."""

import json
from datetime import timedelta
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from allies import services
from allies.forms import AcceptForm, AllyFilterForm, AllyForm, StageForm, TouchpointForm
from allies.models import Ally, Stage, Touchpoint
from campaign.access import campaign_view
from campaign.fragments import render_fragment
from campaign.links import url_maker
from campaign.models import Role
from campaign.pickers import MATCHES, MIN_QUERY, picker_request

ALLIES_PER_PAGE = 25
TOUCHPOINTS_PER_PAGE = 20

champion_only = campaign_view(read=Role.CHAMPION, write=Role.CHAMPION)


def _list_url(campaign):
    return reverse("allies:ally-list", kwargs={"slug": campaign.slug})


def _next_url(request, default):
    """Where a plain (non-htmx) form goes back to: its `next`, when it is a page of this campaign."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    prefix = f"/c/{request.campaign.slug}/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts=None) and target.startswith(prefix):
        return target
    return default


def _triggered(response, event):
    """Tell the page an ally changed, so regions listening for `event` reload themselves."""
    response.headers["HX-Trigger"] = json.dumps({event: True})
    return response


def _get_ally(request, pk):
    # Through the request's campaign: another campaign's ally is a 404.
    return get_object_or_404(request.campaign.allies.all(), pk=pk)


def _row_context(request, ally):
    back = _list_url(request.campaign)
    _prepare_rows(request.campaign, [ally], back)
    return {"ally": ally, "back": back, **_row_basics(request)}


def _row_basics(request):
    """What a row of the ally list needs besides the ally, whichever view renders it."""
    today = timezone.localdate()
    window = timedelta(days=request.campaign.stale_after_days)
    return {
        "campaign": request.campaign,
        "stages": Stage.choices,
        "can_write": _can_write(request),
        "today": today,
        # Mirrors Ally.objects.stale(): on the list longer than the window, no touchpoint within it.
        "stale_before": today - window,
        "stale_since": timezone.now() - window,
    }


def _stage_options():
    """The stage select's options with each stage chosen in turn (allies/_stage_options.jinja): stage -> markup."""
    return {
        current: mark_safe(  # noqa: S308 # nosec B308 B703 - rendered by the autoescaping fragments engine
            render_fragment("allies/_stage_options.jinja", {"stages": Stage.choices, "current": current})
        )
        for current in Stage.values
    }


SOURCE_LABELS, LEVEL_LABELS, STAGE_LABELS = (
    dict(Ally._meta.get_field(name).flatchoices) for name in ("source", "level", "stage")
)


def _prepare_rows(campaign, allies, back):
    """
    Give each row of the ally list what its template would otherwise compute per row: its URLs (the
    ally page, the stage move, the accept button, the "Log" link), its stage options, its choices' labels
    (get_<field>_display() builds the field's choices dict on every call) and its id as text (the row
    prints it six times; an integer goes through number formatting each time).
    """
    detail, stage, accept = (
        url_maker(name, campaign) for name in ("allies:ally-detail", "allies:ally-stage", "allies:ally-accept")
    )
    log = reverse("allies:touchpoint-new", kwargs={"slug": campaign.slug}) + "?ally={}&next=" + quote(back, safe="/")
    options = _stage_options()
    for ally in allies:
        ally.campaign = campaign
        ally.url = detail(ally.pk)
        ally.stage_url = stage(ally.pk)
        ally.accept_url = accept(ally.pk)
        ally.log_url = log.format(ally.pk)
        ally.stage_options = options[ally.stage]
        ally.key = str(ally.pk)
        ally.source_label = SOURCE_LABELS.get(ally.source, ally.source)
        ally.level_label = LEVEL_LABELS.get(ally.level, ally.level)
        ally.stage_label = STAGE_LABELS.get(ally.stage, ally.stage)
    return allies


def _can_write(request):
    return request.membership.role_enum.allows(Role.CHAMPION)


@require_GET
@campaign_view()
def ally_list(request):
    campaign = request.campaign
    filters = AllyFilterForm(request.GET, campaign=campaign)
    chosen = filters.filters()
    allies = Ally.objects.for_list(campaign, **chosen)
    # Page through the ids alone (the default order reads them straight from an index), then fetch the
    # page's 25 rows with their joins and last touch: a deep page no longer computes them for every row it skips.
    page = Paginator(allies.values_list("pk", flat=True), ALLIES_PER_PAGE).get_page(request.GET.get("page"))
    if page.object_list:
        ids = list(page.object_list)
        rows = {ally.pk: ally for ally in allies.filter(pk__in=ids).order_by()}
        page.object_list = [rows[pk] for pk in ids if pk in rows]
    _prepare_rows(campaign, page, request.get_full_path())
    has_allies = bool(page.paginator.count) or campaign.allies.exists()
    context = {
        **_row_basics(request),
        "page": page,
        "filters": filters,
        "filtering": any(key != "sort" for key in chosen),
        # On a phone only the search shows until asked for more; a filter in use keeps them all in view.
        "more_filters": any(key != "q" for key in chosen),
        "has_allies": has_allies,
        "awaiting_count": campaign.allies.filter(awaiting_review=True).count() if has_allies else 0,
        "touchpoint_form": TouchpointForm(campaign=campaign, shown_allies=[]),
        "next": request.get_full_path(),
        "back": request.get_full_path(),
    }
    template = "allies/ally_list.html#ally-table" if request.htmx else "allies/ally_list.html"
    return render(request, template, context)


@champion_only
def ally_new(request):
    campaign = request.campaign
    form = AllyForm(request.POST or None, campaign=campaign, initial={"recruited_by": request.user})
    if request.method == "POST" and form.is_valid():
        try:
            ally = services.ally_create(campaign=campaign, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Added {ally.name}. Log your first touchpoint with them below.")
            return redirect(ally)
    return render(request, "allies/ally_form.html", {"campaign": campaign, "form": form})


class _CountedPaginator(Paginator):
    """A paginator told its count beforehand (the ally page's query counts the touchpoints): one query fewer."""

    def __init__(self, object_list, per_page, count):
        super().__init__(object_list, per_page)
        self.count = count  # takes the place of the cached COUNT(*) property


@require_GET
@campaign_view()
def ally_detail(request, pk):
    campaign = request.campaign
    ally = get_object_or_404(Ally.objects.for_page(campaign), pk=pk)
    touchpoints = _CountedPaginator(Touchpoint.objects.for_ally(ally), TOUCHPOINTS_PER_PAGE, ally.touchpoint_count)
    touchpoints = touchpoints.get_page(request.GET.get("page"))
    # The page names its own address a dozen times: reverse it once, and each "Remove" link from one pattern.
    ally.url = ally.get_absolute_url()
    remove = url_maker("allies:touchpoint-delete", campaign)
    for touchpoint in touchpoints:
        touchpoint.remove_url = f"{remove(touchpoint.pk)}?next={quote(ally.url, safe='/')}"
    context = {
        "campaign": campaign,
        "ally": ally,
        "touchpoints": touchpoints,
        "stages": Stage.choices,
        "can_write": _can_write(request),
        "touchpoint_form": TouchpointForm(campaign=campaign, shown_allies=[ally], initial={"allies": [ally]}),
        "accept_form": AcceptForm(campaign=campaign) if ally.awaiting_review and _can_write(request) else None,
        "next": ally.url,
    }
    template = "allies/ally_detail.html#ally-activity" if request.htmx else "allies/ally_detail.html"
    return render(request, template, context)


@champion_only
def ally_edit(request, pk):
    campaign = request.campaign
    ally = _get_ally(request, pk)
    form = AllyForm(request.POST or None, instance=ally, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.ally_update(ally=ally, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Saved {ally.name}.")
            return redirect(ally)
    return render(request, "allies/ally_form.html", {"campaign": campaign, "form": form, "ally": ally})


@champion_only
def ally_delete(request, pk):
    ally = _get_ally(request, pk)
    if request.method == "POST":
        services.ally_delete(ally=ally)
        messages.success(request, f"Removed {ally.name} from the ally list.")
        return redirect(_list_url(request.campaign))
    shared = ally.touchpoints.count()
    return render(
        request, "allies/ally_confirm_delete.html", {"campaign": request.campaign, "ally": ally, "touchpoints": shared}
    )


@require_POST
@campaign_view()
def ally_stage(request, pk):
    ally = _get_ally(request, pk)
    form = StageForm(request.POST)
    if form.is_valid():
        if services.ally_move_stage(ally=ally, stage=form.cleaned_data["stage"], by=request.user):
            messages.success(request, f"{ally.name} is now at “{ally.get_stage_display()}”.")
    else:
        messages.error(request, "Choose one of the stages offered.")
    if not request.htmx:
        return redirect(_next_url(request, ally.get_absolute_url()))
    ally = Ally.objects.for_list(request.campaign).get(pk=ally.pk)
    return _triggered(render(request, "allies/ally_list.html#ally-row", _row_context(request, ally)), "stage-moved")


@require_POST
@campaign_view()
def ally_accept(request, pk):
    """Accept a volunteer; the owner is the member chosen, or else the one accepting. htmx: the row and the banner."""
    campaign = request.campaign
    ally = get_object_or_404(campaign.allies.filter(awaiting_review=True), pk=pk)
    form = AcceptForm(request.POST, campaign=campaign)
    if not form.is_valid():
        messages.error(request, f"{ally.name} was not accepted: {form.errors['owner'][0]}")
        return redirect(_next_url(request, ally.get_absolute_url()))
    ally = services.ally_accept(ally=ally, by=request.user, owner=form.cleaned_data["owner"])
    owner = ally.recruited_by
    keeper = "you keep" if owner == request.user else f"{owner.get_full_name() or owner.username} keeps"
    messages.success(request, f"Welcome aboard, {ally.name}: accepted onto the ally list, and {keeper} in touch.")
    if not request.htmx:
        return redirect(_next_url(request, _list_url(campaign)))
    ally = Ally.objects.for_list(campaign).get(pk=ally.pk)
    row = render_to_string("allies/ally_list.html#ally-row", _row_context(request, ally), request=request)
    # The "N volunteers waiting" banner sits outside the row: it comes along out of band, counted afresh.
    banner_context = {
        "campaign": campaign,
        "awaiting_count": campaign.allies.filter(awaiting_review=True).count(),
        "oob": True,
    }
    banner = render_to_string("allies/ally_list.html#awaiting-banner", banner_context, request=request)
    return HttpResponse(row + banner)


@champion_only
def touchpoint_new(request):
    """Log a touchpoint: from the list (ticked rows), a row's "Log" link, or the ally page."""
    campaign = request.campaign
    wanted = [value for value in request.GET.getlist("ally")[:50] if value.isdigit()]
    shown = list(campaign.allies.filter(pk__in=wanted).order_by("name"))
    form = TouchpointForm(request.POST or None, campaign=campaign, shown_allies=shown, initial={"allies": shown})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        touchpoint = services.touchpoint_log(campaign=campaign, by=request.user, **data)
        names = ", ".join(ally.name for ally in data["allies"])
        planned = f" Next follow-up on {date_format(day, 'l j F')}." if (day := data["follow_up_on"]) else ""
        messages.success(request, f"Logged a {touchpoint.get_kind_display().lower()} with {names}.{planned}")
        if not request.htmx:
            only = data["allies"][0].get_absolute_url() if len(data["allies"]) == 1 else _list_url(campaign)
            return redirect(_next_url(request, only))
        context = {
            "campaign": campaign,
            "touchpoint": touchpoint,
            "follow_up_on": data["follow_up_on"],
            "shown_query": form.shown_query,
            "next": _next_url(request, ""),
        }
        return _triggered(
            render(request, "allies/touchpoint_form.html#touchpoint-logged", context), "touchpoint-logged"
        )
    if request.htmx and request.method == "GET":
        # Fetched by a row's "Log" button: take the keyboard to the form that just appeared.
        form.fields["kind"].widget.attrs["autofocus"] = True
    context = {"campaign": campaign, "form": form, "next": _next_url(request, ""), "standalone": not request.htmx}
    template = "allies/touchpoint_form.html#touchpoint-form" if request.htmx else "allies/touchpoint_form.html"
    return render(request, template, context)


@champion_only
def touchpoint_delete(request, pk):
    """Take back a touchpoint logged by mistake, after saying whose pages it leaves."""
    campaign = request.campaign
    touchpoint = get_object_or_404(campaign.touchpoints.select_related("logged_by").prefetch_related("allies"), pk=pk)
    back = _next_url(request, _list_url(campaign))
    if request.method == "POST":
        services.touchpoint_delete(touchpoint=touchpoint)
        day = date_format(touchpoint.happened_on, "j M Y")
        messages.success(request, f"Removed the {touchpoint.get_kind_display().lower()} of {day}.")
        return redirect(back)
    context = {"campaign": campaign, "touchpoint": touchpoint, "back": back}
    return render(request, "allies/touchpoint_confirm_delete.html", context)


@require_GET
@campaign_view()
def follow_ups(request):
    campaign = request.campaign
    context = {
        "campaign": campaign,
        "due": list(Ally.objects.follow_ups_due(request.user, campaign)),
        "upcoming": list(Ally.objects.follow_ups_upcoming(request.user, campaign)),
        "can_write": _can_write(request),
    }
    return render(request, "allies/follow_ups.html", context)


@require_GET
@champion_only
def ally_pick(request):
    """
    A picker's matches (campaign/pickers.py) for the letters typed: the first allies of the campaign whose
    name holds them, below the ones already ticked, which stay ticked. htmx asks for it as the user types.
    """
    asked = picker_request(request.GET)
    if asked is None:
        return HttpResponseBadRequest("Say which field the search is for.")
    source = Ally.objects.picker_source(request.campaign)
    chosen = source.chosen(asked["chosen"])
    context = {
        "name": asked["field"],
        "multiple": asked["multiple"],
        "empty_label": request.GET.get("empty_label", "") if not asked["multiple"] else "",
        "chosen": chosen,
        "matches": source.matches(asked["query"], exclude=[pk for pk, _label in chosen]),
        "searched": len(asked["query"].strip()) >= MIN_QUERY,
        "query": asked["query"],
        "limit": MATCHES,
    }
    return render(request, "campaign/_picker_options.html", context)
