"""The role × page matrix's entries for chat channels and members' notification settings."""

from campaign.models import Channel, Role
from tests.matrix import Page


def _channel(campaign):
    channel = Channel.objects.create(
        campaign=campaign,
        name="Wins",
        kind="slack",
        secret_url="https://hooks.example.com/T/x",
        events=["win_celebrated"],
    )
    return {"pk": channel.pk}


PAGES = {
    "campaign:settings-channels": Page(Role.ADMIN, Role.ADMIN),
    "campaign:settings-channels-edit": Page(Role.ADMIN, Role.ADMIN, _channel),
    "campaign:settings-channels-delete": Page(Role.ADMIN, Role.ADMIN, _channel),
    "campaign:settings-channels-test": Page(None, Role.ADMIN, _channel),
    # Every member chooses their own notifications, viewers included.
    "campaign:notifications": Page(Role.VIEWER, Role.VIEWER),
}
