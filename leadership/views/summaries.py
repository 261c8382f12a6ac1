"""Executive summaries: the list, one summary with its deliveries, the preview, a test send, the schedule."""

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from campaign.access import campaign_view
from campaign.audit import audit_record, snapshot
from campaign.models import Role
from leadership import services, summaries
from leadership.forms import SummaryScheduleForm
from leadership.models import DeliveryStatus, ExecutiveSummary

PER_PAGE = 20


@require_GET
@campaign_view()
def summary_list(request):
    schedule = summaries.schedule_for(request.campaign)
    items = ExecutiveSummary.objects.for_list(request.campaign)
    context = {
        "campaign": request.campaign,
        "schedule": schedule,
        "next_period": schedule.next_due_period() if schedule.enabled else None,
        "page": Paginator(items, PER_PAGE).get_page(request.GET.get("page")),
    }
    return render(request, "leadership/summaries_list.html", context)


@require_GET
@campaign_view()
def summary_detail(request, pk):
    summary = get_object_or_404(ExecutiveSummary.objects.filter(campaign=request.campaign), pk=pk)
    deliveries = list(summaries.summary_deliveries(summary))
    context = {
        **summaries.summary_context(summary),
        "deliveries": deliveries,
        "failed_count": sum(d.status == DeliveryStatus.FAILED for d in deliveries),
        "is_admin": request.membership.role_enum.allows(Role.ADMIN),
        "can_test": request.membership.role_enum.allows(Role.CHAMPION),
    }
    return render(request, "leadership/summaries_detail.html", context)


@require_GET
@campaign_view()
def summary_preview(request):
    period, content = summaries.summary_preview(campaign=request.campaign)
    ended = period.has_ended(date.fromisoformat(content["as_of"]))
    context = {
        "campaign": request.campaign,
        "period": period,
        "s": content,
        "ended": ended,
        "scheduled": summaries.schedule_for(request.campaign).enabled,
        "can_test": request.membership.role_enum.allows(Role.CHAMPION),
    }
    return render(request, "leadership/summaries_preview.html", context)


def _send_test_copy(request, summary=None):
    """Queue a test copy for the member and say so; the flash message is the answer either way."""
    if not request.user.email:
        messages.error(request, "Your account has no email address to send the test to.")
        return
    services.summary_test_copy_create(campaign=request.campaign, user=request.user, summary=summary)
    messages.success(
        request,
        f"A test copy is on its way to {request.user.email}. Its links open and unsubscribe that copy only.",
    )


@require_POST
@campaign_view()
def summary_test(request, pk):
    summary = get_object_or_404(ExecutiveSummary.objects.filter(campaign=request.campaign), pk=pk)
    _send_test_copy(request, summary)
    if request.htmx:
        return render(
            request, "leadership/summaries_detail.html#test-send", {"campaign": request.campaign, "summary": summary}
        )
    return redirect("leadership:summary-detail", slug=request.campaign.slug, pk=summary.pk)


@require_POST
@campaign_view()
def summary_preview_test(request):
    """Send the member a test copy of the next summary, as its preview shows it now."""
    _send_test_copy(request)
    if request.htmx:
        return render(request, "leadership/summaries_preview.html#test-send", {"campaign": request.campaign})
    return redirect("leadership:summary-preview", slug=request.campaign.slug)


@require_POST
@campaign_view(write=Role.ADMIN)
def summary_retry(request, pk):
    summary = get_object_or_404(ExecutiveSummary.objects.filter(campaign=request.campaign), pk=pk)
    count = services.summary_deliveries_retry_failed(summary=summary)
    if count:
        messages.success(
            request, f"{count} failed deliver{'y is' if count == 1 else 'ies are'} queued to be sent again."
        )
    else:
        messages.info(request, "No delivery of this summary has failed.")
    return redirect("leadership:summary-detail", slug=request.campaign.slug, pk=summary.pk)


@campaign_view(read=Role.ADMIN, write=Role.ADMIN)
def schedule_edit(request):
    schedule = summaries.schedule_for(request.campaign)
    # Before the form binds: an invalid submission must not change what the page says is next.
    next_period = schedule.next_due_period() if schedule.enabled else None
    period_after = schedule.period_after(next_period) if next_period else None
    before = snapshot(schedule)
    form = SummaryScheduleForm(request.POST or None, instance=schedule, campaign=request.campaign)
    if request.method == "POST" and form.is_valid():
        form.instance.updated_by = request.user  # leaders' replies to the summaries go to them
        schedule = form.save()
        after = snapshot(schedule)
        audit_record(
            campaign=request.campaign, actor=request.user, action="Summary schedule changed", before=before, after=after
        )
        if schedule.enabled:
            period = schedule.next_due_period()
            due = period.due_at.astimezone(schedule.tz)
            when = f"{due:%A %-d %B %Y at %H:%M} ({request.campaign.time_zone})"
            days = f"{period.start:%A %-d %B} to {period.last_day:%A %-d %B %Y}"
            messages.success(
                request,
                f"Schedule saved. The next summary goes out {when} and covers {days}, "
                f"compared with {period.previous_label}.",
            )
        else:
            messages.success(request, "Schedule saved. Summaries are off.")
        return redirect("leadership:settings-summaries", slug=request.campaign.slug)
    context = {
        "campaign": request.campaign,
        "form": form,
        "next_period": next_period,
        "period_after": period_after,
    }
    return render(request, "leadership/summaries_schedule.html", context)
