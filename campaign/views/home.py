"""The campaign home: definition, Golden Circle, the checkup and momentum."""

from django.shortcuts import render
from django.utils.dateformat import format as format_date
from django.utils.html import escape
from django.views.decorators.http import require_GET

from allies.coverage import movement_checks
from campaign import momentum
from campaign.access import campaign_view
from campaign.checkup import campaign_checkup
from campaign.markup import markup
from campaign.models import Department, ServiceProblem


def department_items(departments):
    """
    The departments list's items, built once here rather than through template lookups for each of a
    campaign's departments (fifty on a large one): the name escaped, the kind as a tag.
    """
    labels = dict(Department.Kind.choices)
    return markup(
        "".join(
            f'<li>{escape(department.name)} <span class="tag tag--{escape(department.kind)}">'
            f"{escape(labels.get(department.kind, department.kind))}</span></li>"
            for department in departments
        )
    )


def momentum_rows(result):
    """The weekly figures table's body rows (whole numbers and dates only), one per week."""
    rows = []
    for week in result.weeks:
        counts = "".join(f"<td>{count}</td>" for count in week.counts.values())
        so_far = " (so far)" if week.is_current else ""
        rows.append(
            f'<tr><th scope="row">{escape(format_date(week.start, "j M"))}{so_far}</th>{counts}'
            f"<td>{week.total}</td></tr>"
        )
    return markup("".join(rows))


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
        movement=movement_checks(campaign, departments=departments),
        momentum_result=result,
    )
    return {
        "campaign": campaign,
        "departments": departments,
        "department_items": department_items(departments),
        "goals": goals,
        "member_count": campaign.memberships.count(),
        "checkup": checkup,
        "momentum": result,
        "momentum_rows": momentum_rows(result),
        "bars": momentum.chart_bars(result),
        "chart_width": momentum.chart_width(result),
        "chart_height": momentum.CHART_HEIGHT,
        "svg_height": momentum.CHART_HEIGHT + 16,
        "label_y": momentum.CHART_HEIGHT + 11,
    }
