"""The campaign home: definition, Golden Circle, the checkup and momentum."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from campaign import momentum, readings, registry
from campaign.access import campaign_view
from campaign.checkup import campaign_checkup
from campaign.models import Goal, ServiceProblem


@require_GET
@campaign_view()
def home(request):
    return render(request, "campaign/home.html", home_context(request.campaign))


def home_context(campaign):
    """
    What the home page shows. Saving the Golden Circle renders the checkup and the setup checklist
    from it too, so they never lag behind the region just saved.
    """
    # Each goal with its latest reading, in the one query the goals took before they had readings.
    goals = list(Goal.objects.with_latest_reading(campaign))
    today = campaign.today()
    for goal in goals:
        goal.campaign = campaign  # its page's address needs the slug: no query per goal
    progress = [readings.progress(goal, today=today) for goal in goals]
    departments = list(campaign.departments.all())
    result = momentum.momentum(campaign)
    checkup = campaign_checkup(
        campaign,
        figures=ServiceProblem.objects.board_figures(campaign),
        goals=goals,
        movement=registry.movement_checks(campaign, departments=departments),
        momentum_result=result,
        goal_progress=progress,
    )
    return {
        "campaign": campaign,
        "departments": departments,
        "goals": goals,
        "goal_progress": progress,
        "member_count": campaign.memberships.count(),
        "checkup": checkup,
        "momentum": result,
        "bars": momentum.chart_bars(result),
        "chart_width": momentum.chart_width(result),
        "chart_height": momentum.CHART_HEIGHT,
        "svg_height": momentum.CHART_HEIGHT + 16,
        "label_y": momentum.CHART_HEIGHT + 11,
    }
