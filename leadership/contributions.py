"""
What leadership brings to the campaign (see `campaign.registry`): feedback received as activity, and the
objection handbook every new campaign starts with, and the checkup's "leaders recognise people" item.
"""

from campaign import registry
from leadership import selectors, services
from leadership.models import Feedback

registry.activity_source(
    key="feedback",
    label="feedback logged",
    model=Feedback,
    date_field="received_on",
    order=60,
)
registry.on_campaign_created("objection-handbook", services.objections_prefill)
registry.checkup_check("recognition", selectors.checkup_recognition, order=60)
