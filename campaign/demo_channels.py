"""
The demo's chat channel and notification settings: a Teams channel pointed at nothing until an admin
pastes its webhook address, and each demo member's choices, so the settings pages show something real.
Idempotent: the channel is found by name, each member's settings row is replaced.
"""

from campaign.event_kinds import DAILY, NOW, POST_KINDS, WEEKLY
from campaign.models import Channel, Membership, NotificationSettings, Role

CHANNEL = "#service-wins"
CHOICES = {
    Role.ADMIN: {"summary_failed": NOW, "volunteer_joined": NOW, "roadblock_cleared": DAILY, "leader_rsvp": NOW},
    Role.CHAMPION: {"follow_ups_due": DAILY, "volunteer_joined": NOW, "roadblock_cleared": WEEKLY, "leader_rsvp": NOW},
    Role.VIEWER: {"roadblock_cleared": WEEKLY},
}


def seed(campaign):
    Channel.objects.update_or_create(
        campaign=campaign,
        name=CHANNEL,
        defaults={"kind": Channel.Kind.TEAMS, "secret_url": "", "events": list(POST_KINDS), "is_active": True},
    )
    for membership in Membership.objects.filter(campaign=campaign).select_related("user"):
        choices = CHOICES.get(membership.role_enum, {})
        NotificationSettings.objects.update_or_create(membership=membership, defaults={"choices": choices})
