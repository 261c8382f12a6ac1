"""
The kinds of campaign event (see campaign.events): what each is called, whether chat channels may get
it, whether members may be notified of it, and how each role hears of it until they choose otherwise.

Plain data: campaign.events, campaign.posts and campaign.notifications all read it, none of them is
imported here. A new kind is a new entry; its `key` is stable (stored in rows and in members' choices).
"""

from dataclasses import dataclass, field

from campaign.models import Role

NOW, DAILY, WEEKLY, OFF = "now", "daily", "weekly", "off"
MODES = {
    NOW: "Email at once",
    DAILY: "In a daily digest",
    WEEKLY: "In a weekly digest",
    OFF: "Not at all",
}


@dataclass(frozen=True)
class EventKind:
    """
    `label`: what a post or a digest calls it. `post`: channels may subscribe to it. `notify`: the
    question the notification settings page asks about it (None: members are not notified of it).
    `least_role`: the weakest role that may be notified (a viewer reviews no volunteer).
    `defaults`: role → mode until the member chooses. `email`: the template of the mail sent at once.
    """

    key: str
    label: str
    post: bool = False
    notify: str | None = None
    least_role: Role = Role.VIEWER
    defaults: dict = field(default_factory=dict)
    email: str = "notification"

    def default_for(self, role):
        return self.defaults.get(Role(role), OFF)

    def allows(self, role):
        return self.notify is not None and Role(role).allows(self.least_role)


CHAMPIONS_NOW = {Role.ADMIN: NOW, Role.CHAMPION: NOW}

KINDS = {
    kind.key: kind
    for kind in (
        EventKind("win_celebrated", "A win celebrated", post=True),
        EventKind("summary_sent", "An executive summary sent", post=True),
        EventKind(
            "volunteer_joined",
            "A volunteer joined",
            post=True,
            notify="A new volunteer to review",
            least_role=Role.CHAMPION,
            defaults=CHAMPIONS_NOW,
            email="volunteer-signed-up",
        ),
        EventKind(
            "roadblock_cleared",
            "A roadblock cleared",
            post=True,
            notify="A roadblock cleared",
            defaults={Role.ADMIN: DAILY, Role.CHAMPION: DAILY, Role.VIEWER: WEEKLY},
        ),
        EventKind(
            "follow_ups_due",
            "Follow-ups due",
            notify="Follow-ups due with your allies",
            least_role=Role.CHAMPION,
            defaults={Role.ADMIN: DAILY, Role.CHAMPION: DAILY},
        ),
        EventKind(
            "leader_rsvp",
            "A leader answered an invitation",
            notify="A leader's answer to an invitation",
            least_role=Role.CHAMPION,
            defaults=CHAMPIONS_NOW,
        ),
        EventKind(
            "checkin_answered",
            "A middle check-in answered",
            notify="An answer to a middle check-in",
            least_role=Role.CHAMPION,
            defaults={Role.ADMIN: DAILY, Role.CHAMPION: NOW},
        ),
        EventKind(
            "summary_failed",
            "An executive summary failed",
            notify="An executive summary that could not be delivered",
            least_role=Role.CHAMPION,
            defaults={Role.ADMIN: NOW},
        ),
        EventKind(
            "pack_needs_approval",
            "A briefing pack awaits approval",
            notify="A briefing pack awaiting your approval",
            least_role=Role.CHAMPION,
            defaults=CHAMPIONS_NOW,
        ),
    )
}

POST_KINDS = {key: kind for key, kind in KINDS.items() if kind.post}
NOTIFY_KINDS = {key: kind for key, kind in KINDS.items() if kind.notify}
