"""The personas app's entries in the role × page matrix (see tests/campaign/pages.py)."""

from campaign.models import Role
from tests.factories import PersonaCardFactory, WorkshopFactory
from tests.matrix import Page


def _card(campaign):
    return {"pk": PersonaCardFactory(campaign=campaign).pk}


def _workshop(campaign):
    return {"pk": WorkshopFactory(campaign=campaign).pk}


PAGES = {
    "personas:card-list": Page(Role.VIEWER, None),
    "personas:card-new": Page(Role.CHAMPION, Role.CHAMPION),
    "personas:card-hints": Page(Role.CHAMPION, None),
    "personas:card-detail": Page(Role.VIEWER, None, _card),
    "personas:card-edit": Page(Role.CHAMPION, Role.CHAMPION, _card),
    "personas:card-delete": Page(Role.CHAMPION, Role.CHAMPION, _card),
    "personas:print": Page(Role.VIEWER, None),
    "personas:export": Page(Role.VIEWER, None),
    "personas:service-map": Page(Role.VIEWER, None),
    "personas:workshop-list": Page(Role.VIEWER, Role.CHAMPION),
    "personas:workshop": Page(Role.CHAMPION, Role.CHAMPION, _workshop),
}
