"""The campaign home: definition, Golden Circle, the checkup and momentum."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from allies.coverage import movement_checks
from campaign import momentum
from campaign.access import campaign_view
from campaign.checkup import campaign_checkup
from campaign.models import ServiceProblem


@require_GET
@campaign_view()
def home(request):
    campaign = request.campaign
    goals = list(campaign.goals.all())
    departments = list(campaign.departments.all())
    result = momentum.momentum(campaign)
    checkup = campaign_checkup(
        campaign,
        figures=ServiceProblem.objects.board_figures(campaign),
        goals=goals,
        movement=movement_checks(campaign, departments=departments),
        momentum_result=result,
    )
    context = {
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
    return render(request, "campaign/home.html", context)
