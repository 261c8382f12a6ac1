"""
The campaign app's entries in the role × page matrix (tests/campaign/test_access_matrix.py).

Every app keeps its entries in `tests/<app>/pages*.py`: PAGES maps a URL name to
`Page(read, write, kwargs)`: the weakest role that may read it (GET) and write to
it (POST), None where the page answers no GET or no POST, and a function making
the URL's extra arguments (an object of the given campaign) beside `slug`.
"""

from datetime import date
from decimal import Decimal

from campaign.models import GoalReading, Invitation, Role
from tests.factories import DepartmentFactory, GoalFactory, MembershipFactory
from tests.matrix import Page


def _department(campaign):
    return {"pk": DepartmentFactory(campaign=campaign).pk}


def _goal(campaign):
    return {"pk": GoalFactory(campaign=campaign).pk}


def _reading(campaign):
    goal = GoalFactory(campaign=campaign)
    reading = GoalReading.objects.create(goal=goal, taken_on=date(2026, 1, 31), value=Decimal("41.5"))
    return {"pk": goal.pk, "reading_pk": reading.pk}


def _membership(campaign):
    return {"pk": MembershipFactory(campaign=campaign, role=Role.CHAMPION).pk}


def _invitation(campaign):
    invitation = Invitation(campaign=campaign, email="new@example.com", role=Role.VIEWER)
    invitation.issue_token()
    invitation.save()
    return {"pk": invitation.pk}


PAGES = {
    "campaign:home": Page(Role.VIEWER, None),
    "campaign:golden-circle": Page(Role.VIEWER, None),
    "campaign:golden-circle-edit": Page(Role.ADMIN, Role.ADMIN),
    "campaign:settings": Page(Role.ADMIN, Role.ADMIN),
    "campaign:settings-departments": Page(Role.ADMIN, Role.ADMIN),
    "campaign:settings-departments-row": Page(Role.ADMIN, None, _department),
    "campaign:settings-departments-edit": Page(Role.ADMIN, Role.ADMIN, _department),
    "campaign:settings-departments-delete": Page(Role.ADMIN, Role.ADMIN, _department),
    "campaign:settings-goals": Page(Role.ADMIN, Role.ADMIN),
    "campaign:settings-goals-row": Page(Role.ADMIN, None, _goal),
    "campaign:settings-goals-edit": Page(Role.ADMIN, Role.ADMIN, _goal),
    "campaign:settings-goals-delete": Page(Role.ADMIN, Role.ADMIN, _goal),
    "campaign:goal-detail": Page(Role.VIEWER, Role.CHAMPION, _goal),
    "campaign:goal-readings-import": Page(Role.CHAMPION, Role.CHAMPION, _goal),
    "campaign:goal-readings-import-example": Page(Role.CHAMPION, None, _goal),
    "campaign:goal-reading-delete": Page(Role.CHAMPION, Role.CHAMPION, _reading),
    "campaign:settings-members": Page(Role.ADMIN, Role.ADMIN),
    "campaign:settings-members-role": Page(None, Role.ADMIN, _membership),
    "campaign:settings-members-remove": Page(Role.ADMIN, Role.ADMIN, _membership),
    "campaign:settings-invitations-revoke": Page(None, Role.ADMIN, _invitation),
}
