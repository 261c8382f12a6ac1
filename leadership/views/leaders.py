"""Leaders, their engagement log, the objection handbook, clippings and benchmarking visits."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from campaign.access import campaign_view
from campaign.confirm import confirm_removal
from campaign.models import Role
from leadership import evidence, selectors, services
from leadership.forms import ClippingForm, EngagementForm, LeaderForm, LeadsWithForm, ObjectionForm, VisitForm
from leadership.models import BenchmarkVisit, Clipping, Engagement, Leader, Objection, VisitAction
from leadership.models.leaders import READING_DAYS, campaign_today

PER_PAGE = 25
# Forms and confirmations: a viewer has nothing to do there, so they are not shown one.
champion_only = campaign_view(read=Role.CHAMPION)
QUIET_DAYS = (30, 60, 90)
COMING_UP = 10  # invitations a leader has accepted, listed above their log


def _url(name, request, **kwargs):
    return reverse(f"leadership:{name}", kwargs={"slug": request.campaign.slug, **kwargs})


def _confirm_delete(request, item, noun, back_url):
    """GET: ask first; POST: delete, say so, go back."""
    if request.method == "POST":
        item.delete()
        messages.success(request, f"Removed {noun} “{item}”.")
        return redirect(back_url)
    return confirm_removal(request, item=item, noun=noun, back_url=back_url)


@require_GET
@campaign_view()
def leader_list(request):
    leaders = Leader.objects.for_list(request.campaign).with_reading()
    quiet = request.GET.get("quiet", "")
    if quiet.isdigit() and int(quiet) in QUIET_DAYS:
        leaders = leaders.not_engaged_since(int(quiet), campaign=request.campaign)
    reading = request.GET.get("reading", "")
    if reading == "never":
        leaders = leaders.never_open()
    else:
        reading = ""
    page = Paginator(leaders, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "campaign": request.campaign,
        "page": page,
        "quiet": quiet,
        "reading": reading,
        "reading_days": READING_DAYS,
        "quiet_days": QUIET_DAYS,
        "see_opinions": _sees_opinions(request),
    }
    return render(request, "leadership/leader_list.html", context)


def _sees_opinions(request):
    """Stance, what they value, objections raised: champions and admins only (docs/privacy.md)."""
    return request.membership.role_enum.allows(Role.CHAMPION)


@champion_only
def leader_new(request):
    form = LeaderForm(request.POST or None, campaign=request.campaign)
    if request.method == "POST" and form.is_valid():
        leader = form.save()
        messages.success(request, f"Added {leader}.")
        return redirect(leader)
    return render(request, "leadership/leader_form.html", {"campaign": request.campaign, "form": form})


@require_GET
@campaign_view()
def leader_detail(request, pk):
    leaders = Leader.objects.for_list(request.campaign).with_reading().prefetch_related("objections")
    leader = get_object_or_404(leaders, pk=pk)
    return render(
        request,
        "leadership/leader_detail.html",
        _detail_context(request, leader, EngagementForm(campaign=request.campaign)),
    )


def _detail_context(request, leader, form, leads_with_form=None):
    # The log holds what has happened; accepted invitations to events still to come are listed apart.
    today = campaign_today(request.campaign)
    logged = leader.engagements.select_related("event", "recorded_by")
    engagements = Paginator(logged.filter(happened_on__lte=today), PER_PAGE)
    see_opinions = _sees_opinions(request)
    return {
        "campaign": request.campaign,
        "leader": leader,
        "see_opinions": see_opinions,
        # The answers to what they raised, with the campaign's numbers now: opinions, so champions and admins only.
        "answers": evidence.answers_with_evidence(request.campaign, leader.objections.all(), today=today)
        if see_opinions
        else [],
        "leads_with_form": leads_with_form or LeadsWithForm(instance=leader),
        "engagements": engagements.get_page(request.GET.get("page")),
        "coming_up": list(logged.filter(happened_on__gt=today).order_by("happened_on", "pk")[:COMING_UP]),
        "form": form,
        "reading": selectors.leader_reading(leader),
        "reading_days": READING_DAYS,
    }


@require_POST
@campaign_view()
def leader_leads_with(request, pk):
    """Choose how the leader likes to be told (their page's switch); htmx swaps the panel in place."""
    leader = get_object_or_404(Leader.objects.for_list(request.campaign).prefetch_related("objections"), pk=pk)
    form = LeadsWithForm(request.POST, instance=leader)
    if form.is_valid():
        form.save()
        messages.success(request, f"{leader}: {leader.get_leads_with_display().lower()}.")
        if not request.htmx:
            return redirect(leader)
    elif not request.htmx:
        context = _detail_context(request, leader, EngagementForm(campaign=request.campaign), form)
        return render(request, "leadership/leader_detail.html", context)
    context = {"campaign": request.campaign, "leader": leader, "leads_with_form": form, "see_opinions": True}
    return render(request, "leadership/leader_detail.html#leads-with", context)


@champion_only
def leader_edit(request, pk):
    leader = get_object_or_404(Leader.objects.filter(campaign=request.campaign), pk=pk)
    form = LeaderForm(request.POST or None, instance=leader, campaign=request.campaign)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved {leader}.")
        return redirect(leader)
    return render(
        request, "leadership/leader_form.html", {"campaign": request.campaign, "form": form, "leader": leader}
    )


@champion_only
def leader_delete(request, pk):
    leader = get_object_or_404(Leader.objects.filter(campaign=request.campaign), pk=pk)
    return _confirm_delete(request, leader, "leader", _url("leader-list", request))


@require_POST
@campaign_view()
def engagement_add(request, pk):
    leader = get_object_or_404(Leader.objects.for_list(request.campaign).with_reading(), pk=pk)
    form = EngagementForm(request.POST, campaign=request.campaign)
    if form.is_valid():
        form.instance.leader = leader
        form.instance.recorded_by = request.user
        engagement = form.save()
        messages.success(
            request, f"Logged: {engagement.get_kind_display()}, {engagement.get_outcome_display().lower()}."
        )
        if not request.htmx:
            return redirect(leader)
        form = EngagementForm(campaign=request.campaign)
        leader = get_object_or_404(Leader.objects.for_list(request.campaign).with_reading(), pk=pk)
    template = "leadership/leader_detail.html#engagement-log" if request.htmx else "leadership/leader_detail.html"
    return render(request, template, _detail_context(request, leader, form))


@champion_only
def engagement_delete(request, pk, engagement_pk):
    engagements = Engagement.objects.filter(campaign=request.campaign, leader_id=pk).select_related("leader")
    engagement = get_object_or_404(engagements, pk=engagement_pk)
    return _confirm_delete(request, engagement, "log entry", engagement.leader.get_absolute_url())


# --- Objection handbook, clippings: a list with an add form, edit and delete pages ------------------


def _list_with_add(request, *, items, form_class, template, noun):
    form = form_class(request.POST or None, campaign=request.campaign)
    if request.method == "POST" and form.is_valid():
        if hasattr(form.instance, "created_by_id"):
            form.instance.created_by = request.user
        item = form.save()
        messages.success(request, f"Added {noun} “{item}”.")
        return redirect(request.path)
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, template, {"campaign": request.campaign, "page": page, "form": form})


def _edit(request, *, item, form_class, noun, back_url):
    form = form_class(request.POST or None, instance=item, campaign=request.campaign)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved {noun} “{item}”.")
        return redirect(back_url)
    context = {"campaign": request.campaign, "form": form, "item": item, "noun": noun, "back_url": back_url}
    return render(request, "leadership/item_edit.html", context)


def _library_views(*, model, form_class, noun, list_name, template):
    """
    The three pages of one kind of campaign library item (objections, clippings): the list with its
    add form, editing one item and deleting one. Returns the (list, edit, delete) views.
    """

    def items(request):
        return model.objects.filter(campaign=request.campaign)

    @campaign_view()
    def list_view(request):
        return _list_with_add(request, items=items(request), form_class=form_class, template=template, noun=noun)

    @champion_only
    def edit_view(request, pk):
        item = get_object_or_404(items(request), pk=pk)
        return _edit(request, item=item, form_class=form_class, noun=noun, back_url=_url(list_name, request))

    @champion_only
    def delete_view(request, pk):
        item = get_object_or_404(items(request), pk=pk)
        return _confirm_delete(request, item, noun, _url(list_name, request))

    return list_view, edit_view, delete_view


objection_list, objection_edit, objection_delete = _library_views(
    model=Objection,
    form_class=ObjectionForm,
    noun="objection",
    list_name="objection-list",
    template="leadership/objection_list.html",
)
clipping_list, clipping_edit, clipping_delete = _library_views(
    model=Clipping,
    form_class=ClippingForm,
    noun="clipping",
    list_name="clipping-list",
    template="leadership/clipping_list.html",
)


# --- Benchmarking visits -----------------------------------------------------------------------------


def _visits(request):
    actions = VisitAction.objects.select_related("problem")
    return BenchmarkVisit.objects.filter(campaign=request.campaign).prefetch_related(
        Prefetch("actions", queryset=actions)
    )


@require_GET
@campaign_view()
def visit_list(request):
    page = Paginator(_visits(request), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "leadership/visit_list.html", {"campaign": request.campaign, "page": page})


@champion_only
def visit_new(request):
    return _visit_form(request, BenchmarkVisit(campaign=request.campaign))


@champion_only
def visit_edit(request, pk):
    return _visit_form(request, get_object_or_404(_visits(request), pk=pk))


def _visit_form(request, visit):
    form = VisitForm(request.POST or None, instance=visit, campaign=request.campaign)
    if request.method == "POST" and form.is_valid():
        visit = services.visit_save(visit=form.save(commit=False), actions_text=form.cleaned_data["actions_text"])
        messages.success(request, f"Saved the report on {visit.organisation}.")
        return redirect(visit)
    return render(request, "leadership/visit_form.html", {"campaign": request.campaign, "form": form, "visit": visit})


@require_GET
@campaign_view()
def visit_detail(request, pk):
    visit = get_object_or_404(_visits(request), pk=pk)
    return render(request, "leadership/visit_detail.html", {"campaign": request.campaign, "visit": visit})


@champion_only
def visit_delete(request, pk):
    visit = get_object_or_404(_visits(request), pk=pk)
    return _confirm_delete(request, visit, "benchmarking visit", _url("visit-list", request))


@require_POST
@campaign_view()
def visit_action_promote(request, pk):
    action = get_object_or_404(VisitAction.objects.filter(visit__campaign=request.campaign), pk=pk)
    problem = services.visit_action_promote(action=action, by=request.user)
    messages.success(request, f"“{problem}” is on the wins board's backlog.")
    visit = get_object_or_404(_visits(request), pk=action.visit_id)
    if request.htmx:
        return render(
            request, "leadership/visit_detail.html#visit-actions", {"campaign": request.campaign, "visit": visit}
        )
    return redirect(visit)
