"""
What leadership brings to the campaign (see `campaign.registry`): feedback received as activity, and the
objection handbook every new campaign starts with.
"""

from campaign import registry
from leadership import services
from leadership.models import Feedback

registry.activity_source(
    key="feedback",
    label="feedback logged",
    model=Feedback,
    date_field="received_on",
    order=60,
)
registry.on_campaign_created("objection-handbook", services.objections_prefill)
