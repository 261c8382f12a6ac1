"""
The easy-wins board, the problems on it, their service stories and roadblocks.

Champions move cards with one click; viewers read the board, every story and the stories list.
An htmx request from the board gets the board region back (its rules and counts change with
each move); a plain request gets a redirect, so every button also works without JavaScript.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from campaign import rules, services
from campaign.access import campaign_view
from campaign.confirm import confirm_removal
from campaign.forms import CelebrationForm, MoveForm, NominationActionForm, ProblemForm, RoadblockForm, StoryForm
from campaign.links import url_maker
from campaign.models import Goal, Nomination, Role, ServiceProblem

Status = ServiceProblem.Status
# Form pages: viewers have nothing to fill in, so even reading them needs a champion.
champions_only = campaign_view(read=Role.CHAMPION, write=Role.CHAMPION)
# Cards shown per column; the rest are a click away in the paginated list ("See all N").
COLUMN_LIMIT = 12
# Open roadblocks listed on the board; the rest are in the problem list's roadblocks view.
ROADBLOCK_LIMIT = 10
# Recognition candidates listed on the board (the oldest first: nobody waits too long to be thanked).
NOMINATION_LIMIT = 10
SUGGESTED = 3
# What a board card shows (campaign/templatetags/board_cards.py): not the description or the story.
CARD_FIELDS = (
    "title",
    "difficulty",
    "impact",
    "status",
    "is_roadblock",
    "roadblock_cleared_on",
    "from_the_middle",
    "celebrated_on",
    "goal__title",
    "department__name",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
)
PER_PAGE = 20


def _problem(request, pk, *, related=(), **filters):
    """A problem of the requesting campaign (another campaign's id is a 404)."""
    problems = request.campaign.problems.select_related(
        "goal", "department", "owner", "roadblock_leader", "celebrated_by", "raised_by", "raised_by_member", *related
    )
    return get_object_or_404(problems, pk=pk, **filters)


def board_context(request, **extra):
    """Everything the board region shows: columns, rules, per-goal counts and open roadblocks."""
    campaign = request.campaign
    figures = ServiceProblem.objects.board_figures(campaign)
    columns = []
    detail, move, clear = (
        url_maker(f"campaign:{name}", campaign)
        for name in ("problem-detail", "problem-move", "problem-roadblock-clear")
    )
    board_cards = ServiceProblem.objects.filter(campaign=campaign).for_cards().only(*CARD_FIELDS)
    for status, label in Status.choices:
        cards = list(board_cards.in_column(status)[:COLUMN_LIMIT])
        for card in cards:
            card.detail_url, card.move_url = detail(card.pk), move(card.pk)
        columns.append({"status": status, "label": label, "cards": cards, "count": figures[status]})
    # The panel shows the title, the ask and the leader: not the owner, department and goal others join.
    roadblocks = ServiceProblem.objects.open_roadblocks(campaign).select_related(None)
    roadblocks = roadblocks.select_related("roadblock_leader", "raised_by", "raised_by_member")
    shown = ("title", "roadblock_ask", "roadblock_leader__name", "from_the_middle", "raised_by__name")
    who = ("raised_by_member__username", "raised_by_member__first_name", "raised_by_member__last_name")
    roadblocks = list(roadblocks.only(*shown, *who)[:ROADBLOCK_LIMIT])
    for problem in roadblocks:
        problem.detail_url = detail(problem.pk)
        problem.clear_url = clear(problem.pk)
    nominations = list(Nomination.objects.for_board(campaign)[: NOMINATION_LIMIT + 1])
    act = url_maker("campaign:nomination-act", campaign)
    for nomination in nominations:
        nomination.act_url = act(nomination.pk)
    return {
        "campaign": campaign,
        "columns": columns,
        "suggested_ids": {card.pk for card in columns[0]["cards"][:SUGGESTED]},
        "findings": rules.board_findings(figures),
        "goals": Goal.objects.with_win_counts(campaign),
        "roadblocks": roadblocks,
        "problem_list_url": reverse("campaign:problem-list", kwargs={"slug": campaign.slug}),
        "roadblock_limit": ROADBLOCK_LIMIT,
        "nominations": nominations[:NOMINATION_LIMIT],
        "more_nominations": len(nominations) > NOMINATION_LIMIT,
        "figures": figures,
        "can_write": request.membership.role_enum.allows(Role.CHAMPION),
        "column_limit": COLUMN_LIMIT,
        **extra,
    }


def _board_response(request, **extra):
    template = "campaign/wins_board.html#board" if request.htmx else "campaign/wins_board.html"
    return render(request, template, board_context(request, **extra))


@require_GET
@campaign_view()
def board(request):
    # `focus`: the card the keyboard returns to when its story form is cancelled.
    focus = request.GET.get("focus", "")
    return _board_response(request, moved_id=int(focus) if focus.isdigit() else None)


@require_GET
@campaign_view()
def problem_list(request):
    """Every problem of one status (or every open roadblock), paginated: where a full board column continues."""
    status = request.GET.get("status", Status.BACKLOG)
    if status not in Status.values:
        status = Status.BACKLOG
    roadblocks = request.GET.get("roadblocks") == "1"
    if roadblocks:
        problems = ServiceProblem.objects.open_roadblocks(request.campaign)
    else:
        problems = ServiceProblem.objects.column(request.campaign, status)
    page = Paginator(problems, PER_PAGE).get_page(request.GET.get("page"))
    context = {"campaign": request.campaign, "page": page, "status": Status(status), "statuses": Status.choices}
    context["roadblocks"] = roadblocks
    return render(request, "campaign/problem_list.html", context)


@champions_only
def problem_new(request):
    form = ProblemForm(request.POST or None, campaign=request.campaign, initial={"owner": request.user.pk})
    if request.method == "POST" and form.is_valid():
        problem = form.save()
        messages.success(request, f"Added “{problem}” to the backlog.")
        return redirect("campaign:board", slug=request.campaign.slug)
    return render(request, "campaign/problem_form.html", _form_context(request, form, "new"))


@champions_only
def problem_edit(request, pk):
    problem = _problem(request, pk)
    form = ProblemForm(request.POST or None, instance=problem, campaign=request.campaign)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved “{problem}”.")
        return redirect(problem)
    return render(request, "campaign/problem_form.html", _form_context(request, form, "edit", problem))


@require_GET
@campaign_view()
def problem_detail(request, pk):
    """The problem and, once won, its service story: readable by everyone in the campaign."""
    problem = _problem(request, pk, related=["feedback__department"])
    context = {
        "campaign": request.campaign,
        "problem": problem,
        # The complaint it was made from, on the feedback log ("turn into a service story"), if any.
        "complaint": (complaint := getattr(problem, "feedback", None)),
        "complaint_url": _log_entry_url(request.campaign, complaint) if complaint else "",
        "people": list(problem.people.select_related("department")),
        "can_write": request.membership.role_enum.allows(Role.CHAMPION),
    }
    return render(request, "campaign/problem_detail.html", context)


@require_POST
@campaign_view()
def problem_move(request, pk):
    """One click moves a card; moving to won without a story asks for the story and leaves the card put."""
    problem = _problem(request, pk)
    form = MoveForm(request.POST, problem=problem)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("to", ["Choose where the card goes."])))
    elif form.cleaned_data["to"] == Status.WON and not problem.has_story:
        messages.info(request, f"Write the story of “{problem}” to move it to won.")
        if not request.htmx:
            return redirect("campaign:problem-story", slug=request.campaign.slug, pk=problem.pk)
        story_form = StoryForm(instance=problem, campaign=request.campaign, auto_id=f"id_story_{problem.pk}_%s")
        return _story_form_in_card(request, problem, story_form)
    else:
        problem.move_to(form.cleaned_data["to"])
        problem.save()
        messages.success(request, f"Moved “{problem}” to {problem.get_status_display().lower()}.")
    if request.htmx:
        return _board_response(request, moved_id=problem.pk)
    return redirect("campaign:board", slug=request.campaign.slug)


@champions_only
def problem_story(request, pk):
    """Write (or edit) the service story; for a problem in progress, saving it is what wins it."""
    problem = _problem(request, pk, status__in=[Status.IN_PROGRESS, Status.WON])
    auto_id = f"id_story_{problem.pk}_%s" if request.htmx else "id_%s"
    form = StoryForm(request.POST or None, instance=problem, campaign=request.campaign, auto_id=auto_id)
    if request.method == "POST" and form.is_valid():
        was_won = problem.status == Status.WON
        problem = services.problem_save_story(problem=problem, **form.cleaned_data)
        messages.success(request, f"Saved the story of “{problem}”." if was_won else f"“{problem}” is won. Well done!")
        if request.htmx:
            return _board_response(request, moved_id=problem.pk)
        return redirect(problem)
    if request.htmx:
        return _story_form_in_card(request, problem, form)
    return render(request, "campaign/problem_form.html", _form_context(request, form, "story", problem))


def _log_entry_url(campaign, feedback):
    """The feedback log narrowed to the day the complaint came in, scrolled to its row."""
    day = feedback.received_on.isoformat()
    query = urlencode({"kind": feedback.kind, "since": day, "until": day})
    return f"{reverse('leadership:feedback-list', kwargs={'slug': campaign.slug})}?{query}#feedback-{feedback.pk}"


def _story_form_in_card(request, problem, form):
    """The story form in place of the card, which stays in its column until the story is saved."""
    context = {"campaign": request.campaign, "problem": problem, "form": form}
    response = render(request, "campaign/wins_board.html#story-form", context)
    return reswap(retarget(response, f"#problem-{problem.pk}"), "outerHTML")


@champions_only
def problem_celebrate(request, pk):
    problem = _problem(request, pk, status=Status.WON)
    initial = {"celebrated_on": problem.celebrated_on or timezone.localdate()}
    form = CelebrationForm(request.POST or None, instance=problem, campaign=request.campaign, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.problem_celebrate(problem=problem, by=request.user, **form.cleaned_data)
        messages.success(request, f"Recorded how “{problem}” was celebrated.")
        return redirect(problem)
    return render(request, "campaign/problem_form.html", _form_context(request, form, "celebrate", problem))


@champions_only
def problem_roadblock(request, pk):
    """Mark an open problem as a roadblock that needs a leader's decision."""
    problem = _problem(request, pk, status__in=[Status.BACKLOG, Status.IN_PROGRESS])
    form = RoadblockForm(request.POST or None, instance=problem, campaign=request.campaign)
    if request.method == "POST" and form.is_valid():
        problem = form.save(commit=False)
        problem.is_roadblock, problem.roadblock_cleared_on = True, None
        problem.save()
        messages.success(request, f"“{problem}” is listed as a roadblock for leadership.")
        return redirect("campaign:board", slug=request.campaign.slug)
    return render(request, "campaign/problem_form.html", _form_context(request, form, "roadblock", problem))


@require_POST
@campaign_view()
def problem_roadblock_clear(request, pk):
    problem = _problem(request, pk, is_roadblock=True, roadblock_cleared_on__isnull=True)
    services.problem_roadblock_clear(problem=problem, by=request.user)
    messages.success(request, f"The roadblock on “{problem}” is cleared.")
    if request.htmx:
        return _board_response(request)
    return redirect("campaign:board", slug=request.campaign.slug)


@require_POST
@campaign_view()
def nomination_act(request, pk):
    """Plan the recognition of someone the middle nominated, mark it celebrated, or set it aside."""
    nomination = get_object_or_404(request.campaign.nominations, pk=pk)
    form = NominationActionForm(request.POST, nomination=nomination)
    if not form.is_valid():
        messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
    else:
        nomination.status = NominationActionForm.ACTIONS[form.cleaned_data["action"]]
        if nomination.status == Nomination.Status.PLANNED:
            nomination.planned_on = form.cleaned_data["planned_on"]
        elif nomination.status == Nomination.Status.CELEBRATED:
            nomination.celebrated_on = timezone.localdate()
        nomination.save(update_fields=["status", "planned_on", "celebrated_on"])
        done = {"planned": "planned", "celebrated": "celebrated", "set_aside": "set aside"}[nomination.status]
        messages.success(request, f"Recognising {nomination.person}: {done}.")
    if request.htmx:
        return _board_response(request)
    return redirect(reverse("campaign:board", kwargs={"slug": request.campaign.slug}) + "#recognise-heading")


@champions_only
def problem_delete(request, pk):
    """Remove a problem added by mistake, after a confirmation; a real problem given up on is dropped instead."""
    problem = _problem(request, pk)
    board_url = reverse("campaign:board", kwargs={"slug": request.campaign.slug})
    if request.method == "POST":
        problem.delete()
        messages.success(request, f"Removed “{problem}”.")
        return redirect(board_url)
    return confirm_removal(request, item=problem, noun="service problem", back_url=problem.get_absolute_url())


@require_GET
@campaign_view()
def stories(request):
    """Won problems with their stories, newest first, paginated."""
    stories = ServiceProblem.objects.stories(request.campaign).select_related("feedback")  # the complaint it began as
    page = Paginator(stories, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "campaign/stories.html", {"campaign": request.campaign, "page": page})


FORM_PAGES = {
    "new": ("Add a service problem", "Add to the backlog"),
    "edit": ("Edit “{problem}”", "Save"),
    "story": ("The story of “{problem}”", "Save the story"),
    "celebrate": ("Celebrate “{problem}”", "Record the celebration"),
    "roadblock": ("Ask leadership about “{problem}”", "Mark as a roadblock"),
}


def _form_context(request, form, kind, problem=None):
    heading, submit = FORM_PAGES[kind]
    return {
        "campaign": request.campaign,
        "form": form,
        "kind": kind,
        "problem": problem,
        "heading": heading.format(problem=problem),
        "submit_label": "Save the story and move it to won"
        if kind == "story" and problem.status != Status.WON
        else submit,
    }
