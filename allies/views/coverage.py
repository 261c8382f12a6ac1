from django.shortcuts import render
from django.views.decorators.http import require_GET

from allies.checkin import this_round_by_department
from allies.coverage import coverage_summary
from campaign.access import campaign_view


@require_GET
@campaign_view()
def coverage(request):
    """The coverage map with the movement checks beside it, and the funnel and growth charts."""
    round_, asked, answered = this_round_by_department(request.campaign)
    context = {
        "campaign": request.campaign,
        **coverage_summary(request.campaign),
        "checkin": {"round": round_, "asked": asked, "answered": answered},
    }
    return render(request, "allies/coverage.html", context)
