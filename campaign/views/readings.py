"""A bull's-eye goal's page: its readings against the line from baseline to target, and the wins aimed at it."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from campaign import readings
from campaign.access import campaign_view
from campaign.audit import audit_record
from campaign.confirm import confirm_removal
from campaign.forms import GoalReadingForm, ReadingsImportForm
from campaign.models import Goal, GoalReading, Role


def _goal(request, pk):
    # Through the request's campaign: another campaign's goal is a 404.
    return get_object_or_404(Goal.objects.filter(campaign=request.campaign), pk=pk)


@campaign_view(read=Role.VIEWER, write=Role.CHAMPION)
def goal_detail(request, pk):
    """Everyone reads the goal's chart and readings; champions and admins add a reading (same date: updated)."""
    goal = _goal(request, pk)
    form = GoalReadingForm(request.POST or None, campaign=request.campaign)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created, _updated = readings.goal_record_readings(
            goal=goal,
            readings=[(data["date"], data["value"], data["note"])],
            source=GoalReading.Source.PAGE,
            by=request.user,
        )
        shown = readings.format_value(data["value"], goal.unit)
        verb = "Added" if created else "Updated"
        audit_record(campaign=request.campaign, actor=request.user, action=f"Goal reading {verb.lower()}", target=goal)
        messages.success(request, f"{verb} the reading of {data['date']:%-d %B %Y}: {shown}.")
        return redirect("campaign:goal-detail", slug=request.campaign.slug, pk=goal.pk)
    context = {
        "campaign": request.campaign,
        "goal": goal,
        "form": form,
        "can_write": request.membership.role_enum.allows(Role.CHAMPION),
        "is_admin": request.membership.role_enum.allows(Role.ADMIN),
        **readings.goal_page(goal, today=request.campaign.today()),
    }
    return render(request, "campaign/goal_detail.html", context)


@campaign_view(read=Role.CHAMPION, write=Role.CHAMPION)
def goal_reading_delete(request, pk, reading_pk):
    goal = _goal(request, pk)
    reading = get_object_or_404(goal.readings.all(), pk=reading_pk)
    back_url = goal.get_absolute_url()
    if request.method == "POST":
        reading.delete()
        audit_record(campaign=request.campaign, actor=request.user, action="Goal reading removed", target=goal)
        messages.success(request, f"Removed the reading of {reading.taken_on:%-d %B %Y}.")
        return redirect(back_url)
    return confirm_removal(request, item=reading, noun="reading", back_url=back_url)


@campaign_view(read=Role.CHAMPION, write=Role.CHAMPION)
def goal_readings_import(request, pk):
    """Upload → preview (every bad row with its line) → confirm; all rows are stored or none."""
    goal = _goal(request, pk)
    form = ReadingsImportForm(request.POST if request.method == "POST" else None, request.FILES or None)
    context = {"campaign": request.campaign, "goal": goal, "form": form}
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["content"]
        try:
            rows = readings.readings_import_check(content=content, today=request.campaign.today())
        except readings.ReadingError as error:
            context["problems"] = error.errors
        else:
            if "confirm" in request.POST:
                created, updated = readings.goal_record_readings(
                    goal=goal, readings=rows, source=GoalReading.Source.IMPORT, by=request.user
                )
                audit_record(
                    campaign=request.campaign, actor=request.user, action="Goal readings imported", target=goal
                )
                messages.success(request, f"Imported {len(created)} new reading(s); {len(updated)} updated by date.")
                return redirect(goal.get_absolute_url())
            preview = [
                {"date": day, "value": readings.format_value(value, goal.unit), "note": note}
                for day, value, note in rows
            ]
            context.update(rows=preview, confirm_form=ReadingsImportForm(initial={"content": content}))
    return render(request, "campaign/goal_import.html", context)


@require_GET
@campaign_view(read=Role.CHAMPION)
def goal_readings_import_example(request, pk):
    _goal(request, pk)
    response = HttpResponse(readings.import_template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="goal-readings-example.csv"'
    return response
