"""The middle's check-in pages in the role × page matrix (see tests/campaign/pages.py for the shape)."""

from datetime import date

from allies.models import CheckinRound
from campaign.models import Role
from tests.matrix import Page


def _round(campaign):
    return {
        "pk": CheckinRound.objects.create(
            campaign=campaign, period_start=date(2026, 12, 1), period_end=date(2027, 1, 1)
        ).pk
    }


PAGES = {
    "allies:checkin-list": Page(Role.VIEWER, None),
    "allies:checkin-opt-in": Page(None, Role.CHAMPION),
    "allies:checkin-round": Page(Role.VIEWER, None, _round),
}
