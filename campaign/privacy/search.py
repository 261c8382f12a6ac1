"""Finding a person by name or email across the campaigns an admin administers."""

from campaign.models import Membership, Role
from campaign.privacy.registry import person_kinds

MIN_LENGTH = 2


def administered_campaigns(user):
    """The campaigns `user` is an admin of, by name (one query)."""
    memberships = Membership.objects.filter(user=user, role=Role.ADMIN).select_related("campaign")
    return [membership.campaign for membership in memberships.order_by("campaign__name", "campaign")]


def people_find(*, campaigns, text):
    """Every kind of person matching `text` in `campaigns`, as (kind, [Match…]) pairs: one query per kind."""
    text = text.strip()
    if len(text) < MIN_LENGTH:
        return []
    ids = [campaign.pk for campaign in campaigns]
    return [(kind, kind.find(ids, text)) for kind in person_kinds()]
