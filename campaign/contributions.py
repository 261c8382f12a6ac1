"""What campaign itself counts as activity: service problems started and won (see `campaign.registry`)."""

from campaign import registry
from campaign.models import ServiceProblem

registry.activity_source(
    key="problems_started",
    label="problems started",
    model=ServiceProblem,
    date_field="started_on",
    order=40,
)
registry.activity_source(
    key="problems_won",
    label="problems won",
    model=ServiceProblem,
    date_field="won_on",
    order=50,
)
