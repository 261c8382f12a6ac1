"""The feedback log, its in-place updates, the CSV import, feedback themes and API tokens."""

from datetime import timedelta

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET, require_POST

from campaign.access import campaign_view
from campaign.audit import audit_record
from campaign.confirm import confirm_removal
from campaign.forms import ComplaintStoryForm, choice_words
from campaign.fragments import ENGINE as FRAGMENTS
from campaign.inline import InlineList
from campaign.models import Role
from leadership.feedback import services
from leadership.feedback.forms import (
    ApiTokenForm,
    FeedbackFeatureForm,
    FeedbackFilterForm,
    FeedbackForm,
    FeedbackImportForm,
    FeedbackThemeForm,
    FeedbackUpdateForm,
    QuickFeedbackForm,
    campaign_today,
)
from leadership.feedback.rows import FeedbackRows, Posted
from leadership.models import ApiToken, Feedback, FeedbackTheme
from leadership.models.feedback import Channel, FeedbackStamp, Kind, Severity

PER_PAGE = 25
# The log counts (and pages through) at most this many items: counting a million rows for a heading
# took longer than the rest of the page. Beyond it, the heading reads "10,000+" and asks for filters.
COUNT_CAP = 10_000
# A text search counts at most this many matches (four pages): a short, common word matches much of the
# log, and its count reads every item until the cap is reached, about 45 items a match for a phrase in one
# complaint in 45 (the bench's "17 minutes": 5 ms at 100, 45 ms at 1,000, four times the rest of the page).
SEARCH_COUNT_CAP = 100
CHART_WEEKS = 12
CHART_DEPARTMENTS = 8
# A safety net only: every write that changes the charts moves the stamp their cache key carries.
CHARTS_CACHED_FOR = 60 * 60
LOG = "leadership/feedback_log.html"
ROWS = "leadership/_feedback_rows.jinja"


def _bars(rows, *, width=240):
    """A small bar chart's rows: label, counts and bar widths (SVG units), from `name`/complaints/compliments."""
    peak = max((row["complaints"] + row["compliments"] for row in rows), default=0) or 1
    bars = [
        {
            "label": row["name"],
            "complaints": row["complaints"],
            "compliments": row["compliments"],
            "complaints_width": round(width * row["complaints"] / peak),
            "compliments_width": round(width * row["compliments"] / peak),
            "y": index * 22,
        }
        for index, row in enumerate(rows)
    ]
    return {"rows": bars, "height": len(bars) * 22}


def _charts(campaign):
    """
    Both charts, kept in the cache under the campaign's feedback stamp (which every write that
    changes them moves on) and today's date (the window moves daily): counted once per change.
    """
    today = campaign_today(campaign)
    key = f"feedback-charts:{campaign.pk}:{today.isoformat()}:{FeedbackStamp.current(campaign.pk)}"
    charts = cache.get(key)
    if charts is None:
        charts = _count_charts(campaign, today)
        cache.set(key, charts, CHARTS_CACHED_FOR)
    return {**charts, "chart_weeks": CHART_WEEKS}


def _count_charts(campaign, today):
    """The week and department charts from one grouped query over the window (an index-only range scan)."""
    since = today - timedelta(weeks=CHART_WEEKS)
    weeks, departments = {}, {}
    for week, department, complaints, compliments in Feedback.objects.counts_by_week_and_department(
        campaign, since=since
    ):
        for totals, label in ((weeks, week), (departments, department)):
            row = totals.setdefault(label, {"complaints": 0, "compliments": 0})
            row["complaints"] += complaints
            row["compliments"] += compliments
    by_week = [{"name": f"Week of {week:%d %b}", **weeks[week]} for week in sorted(weeks)]
    busiest = sorted(
        departments.items(),
        key=lambda entry: (-(entry[1]["complaints"] + entry[1]["compliments"]), entry[0] is None, entry[0] or ""),
    )[:CHART_DEPARTMENTS]
    by_department = [{"name": name or "No department", **counts} for name, counts in busiest]
    return {"department_bars": _bars(by_department), "week_bars": _bars(by_week)}


class CappedPaginator(Paginator):
    """A paginator that counts at most `cap` items (`capped` tells whether there are more)."""

    cap = COUNT_CAP

    def __init__(self, *args, cap=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cap is not None:
            self.cap = cap

    @cached_property
    def count(self):
        return min(self.found, self.cap)

    @cached_property
    def found(self):
        """How many items there are, up to one more than the cap; an unordered LIMIT stops the count early."""
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self):
        return self.found > self.cap

    @property
    def count_label(self):
        """The count as the heading shows it: "1,204", or "10,000+" past the cap."""
        return f"{self.count:,}{'+' if self.capped else ''}"


def _log_context(request, quick_form):
    campaign = request.campaign
    filters = FeedbackFilterForm(request.GET or None, campaign=campaign)
    items = filters.filter(Feedback.objects.for_log(campaign))
    cap = SEARCH_COUNT_CAP if filters.searching else None
    page = CappedPaginator(items, PER_PAGE, cap=cap).get_page(request.GET.get("page"))
    can_write = request.membership.role_enum.allows(Role.CHAMPION)
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "campaign": campaign,
        "filters": filters,
        "page": page,
        "rows": FeedbackRows(campaign, page.object_list, can_write),
        "query": query.urlencode(),
        "quick_form": quick_form,
        "can_write": can_write,
    }


def _row(request, item, *, posted=None):
    """One row of the log, answered alone to an htmx update (it replaces the row it came from)."""
    rows = FeedbackRows(request.campaign, [item], can_write=True, posted=posted)
    return render(request, ROWS, {"rows": rows}, using=FRAGMENTS)


@campaign_view()
def feedback_list(request):
    """The log (GET, with filters) and the quick entry form (POST)."""
    form = QuickFeedbackForm(request.POST or None, campaign=request.campaign, auto_id="id_quick_%s")
    if request.method == "POST" and form.is_valid():
        feedback = form.save(commit=False)
        feedback.logged_by = request.user
        feedback.save()
        messages.success(request, f"{feedback.get_kind_display()} logged.")
        if not request.htmx:
            return redirect(request.get_full_path())
        form = QuickFeedbackForm(campaign=request.campaign, auto_id="id_quick_%s")
    context = _log_context(request, form)
    if request.htmx:
        return render(request, f"{LOG}#log", context)
    return render(request, LOG, {**context, **_charts(request.campaign)})


@campaign_view(read=Role.CHAMPION)
def feedback_edit(request, pk):
    feedback = get_object_or_404(Feedback.objects.filter(campaign=request.campaign), pk=pk)
    form = FeedbackForm(request.POST or None, instance=feedback, campaign=request.campaign)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Feedback saved.")
        return redirect("leadership:feedback-list", slug=request.campaign.slug)
    return render(
        request, "leadership/feedback_edit.html", {"campaign": request.campaign, "form": form, "item": feedback}
    )


@require_POST
@campaign_view()
def feedback_update(request, pk):
    """
    Status and action in place: an htmx POST answers the row (with the errors in it, when refused);
    a plain one goes back to the log, or, when refused, shows a page with the row and its errors.
    """
    item = get_object_or_404(Feedback.objects.for_log(request.campaign), pk=pk)
    form = FeedbackUpdateForm(request.POST, instance=item, campaign=request.campaign)
    if form.is_valid():
        item = form.save()
        messages.success(request, "Status and action saved.")
        if not request.htmx:
            return redirect("leadership:feedback-list", slug=request.campaign.slug)
        return _row(request, item)
    # The row as saved (the refused form has copied what it could onto `item`), with what was typed.
    posted = Posted.from_form(form)
    item = get_object_or_404(Feedback.objects.for_log(request.campaign), pk=pk)
    if request.htmx:
        return _row(request, item, posted=posted)
    rows = FeedbackRows(request.campaign, [item], can_write=True, posted=posted)
    context = {"campaign": request.campaign, "rows": rows, "departments": request.campaign.departments.all()}
    return render(request, "leadership/feedback_update.html", context)


@require_POST
@campaign_view()
def feedback_feature(request, pk):
    """Feature a compliment for the executive summary, or stop: an htmx POST answers the row."""
    item = get_object_or_404(Feedback.objects.for_log(request.campaign).filter(kind=Kind.COMPLIMENT), pk=pk)
    form = FeedbackFeatureForm(request.POST, instance=item)
    if form.is_valid():  # a checkbox: any submission is valid
        item = form.save()
        if item.featured:
            messages.success(request, "Compliment featured: leaders will read it in the next summary.")
        else:
            messages.success(request, "Compliment no longer featured.")
    if not request.htmx:
        return redirect("leadership:feedback-list", slug=request.campaign.slug)
    return _row(request, item)


@campaign_view(read=Role.CHAMPION)
def feedback_story(request, pk):
    """
    "Turn into a service story": the story form, filled in from a resolved complaint. Nothing is made
    until it is saved; then the won problem goes on the board, linked to the complaint.
    """
    items = Feedback.objects.filter(campaign=request.campaign).select_related("department", "service_problem")
    feedback = get_object_or_404(items, pk=pk)
    if feedback.service_problem_id:
        messages.info(request, f"This complaint is already the service story “{feedback.service_problem}”.")
        return redirect("campaign:problem-detail", slug=request.campaign.slug, pk=feedback.service_problem_id)
    if not feedback.can_become_story:
        messages.error(request, "Only a resolved complaint can become a service story.")
        return redirect("leadership:feedback-list", slug=request.campaign.slug)
    initial = services.feedback_story_initial(feedback)
    form = ComplaintStoryForm(request.POST or None, campaign=request.campaign, initial=initial)
    if request.method == "POST" and form.is_valid():
        problem = services.feedback_turn_into_story(feedback=feedback, by=request.user, **form.cleaned_data)
        messages.success(request, f"“{problem}” is won: its story is on the wins board.")
        return redirect("campaign:problem-detail", slug=request.campaign.slug, pk=problem.pk)
    log = reverse("leadership:feedback-list", kwargs={"slug": request.campaign.slug})
    context = {
        "campaign": request.campaign,
        "form": form,
        "kind": "complaint",
        "complaint": feedback,
        "heading": "A service story from a complaint",
        "submit_label": "Save the story: it goes on the board as won",
        "back_url": log,
        "back_label": "Feedback log",
        "cancel_url": f"{log}#feedback-{feedback.pk}",
    }
    return render(request, "campaign/problem_form.html", context)


@campaign_view(read=Role.CHAMPION)
def feedback_import(request):
    """Upload → preview (every bad row with its line) → confirm; all rows are stored or none."""
    form = FeedbackImportForm(request.POST if request.method == "POST" else None, request.FILES or None)
    accepted = {"kind": choice_words(Kind), "channel": choice_words(Channel), "severity": choice_words(Severity)}
    context = {"campaign": request.campaign, "form": form, "accepted": accepted}
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["content"]
        try:
            rows = services.feedback_import_check(campaign=request.campaign, content=content)
        except services.IntakeError as error:
            context["problems"] = error.errors
        else:
            if "confirm" in request.POST:
                _created, existing, stored = services.feedback_import(
                    campaign=request.campaign, content=content, by=request.user
                )
                skipped = f"; {len(existing)} already there by their sender's id" if existing else ""
                messages.success(request, f"Imported {stored} item{'s' if stored != 1 else ''}{skipped}.")
                return redirect("leadership:feedback-list", slug=request.campaign.slug)
            context.update(rows=rows, confirm_form=FeedbackImportForm(initial={"content": content}))
    return render(request, "leadership/feedback_import.html", context)


@require_GET
@campaign_view()
def feedback_import_template(request):
    response = HttpResponse(services.import_template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="feedback-import-example.csv"'
    return response


themes = InlineList(
    model=FeedbackTheme,
    form_class=FeedbackThemeForm,
    template="leadership/feedback_themes.html",
    noun="theme",
    url_name="leadership:settings-feedback-themes",
)


def _tokens_context(request, **extra):
    tokens = ApiToken.objects.filter(campaign=request.campaign).select_related("created_by")
    return {"campaign": request.campaign, "tokens": tokens, **extra}


@campaign_view(read=Role.ADMIN, write=Role.ADMIN)
def api_token_list(request):
    form = ApiTokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        token, raw = services.api_token_create(
            campaign=request.campaign, name=form.cleaned_data["name"], by=request.user
        )
        audit_record(campaign=request.campaign, actor=request.user, action="API token created", target=token.name)
        messages.success(request, "Token created. Copy it now: it is not shown again.")
        form = ApiTokenForm()
    api_url = request.build_absolute_uri(reverse("api-v1:feedback_create", kwargs={"slug": request.campaign.slug}))
    context = _tokens_context(request, form=form, raw_token=raw, api_url=api_url)
    return render(request, "leadership/feedback_api_tokens.html", context)


@campaign_view(read=Role.ADMIN, write=Role.ADMIN)
def api_token_revoke(request, pk):
    token = get_object_or_404(ApiToken.objects.filter(campaign=request.campaign).active(), pk=pk)
    back_url = reverse("leadership:settings-api-tokens", kwargs={"slug": request.campaign.slug})
    if request.method == "POST":
        services.api_token_revoke(token=token)
        audit_record(campaign=request.campaign, actor=request.user, action="API token revoked", target=token.name)
        messages.success(request, f"Token “{token.name}” revoked; requests with it are refused from now on.")
        return redirect(back_url)
    return confirm_removal(request, item=token, noun="API token", back_url=back_url)
