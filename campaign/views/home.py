"""The campaign home: definition, Golden Circle, the checkup and momentum."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from campaign import momentum, registry
from campaign.access import campaign_view
from campaign.checkup import campaign_checkup
from campaign.models import ServiceProblem


@require_GET
@campaign_view()
def home(request):
    return render(request, "campaign/home.html", home_context(request.campaign))


def home_context(campaign):
    """
    What the home page shows. Saving the Golden Circle renders the checkup and the setup checklist
    from it too, so they never lag behind the region just saved.
    """
    goals = list(campaign.goals.all())
    departments = list(campaign.departments.all())
    result = momentum.momentum(campaign)
    checkup = campaign_checkup(
        campaign,
        figures=ServiceProblem.objects.board_figures(campaign),
        goals=goals,
        movement=registry.movement_checks(campaign, departments=departments),
        momentum_result=result,
    )
    return {
        "campaign": campaign,
        "departments": departments,
        "goals": goals,
        "member_count": campaign.memberships.count(),
        "checkup": checkup,
        "momentum": result,
        "bars": momentum.chart_bars(result),
        "chart_width": momentum.chart_width(result),
        "chart_height": momentum.CHART_HEIGHT,
        "svg_height": momentum.CHART_HEIGHT + 16,
        "label_y": momentum.CHART_HEIGHT + 11,
    }
