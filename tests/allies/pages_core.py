"""The allies core's entries in the role × page matrix (see tests/campaign/pages.py for the shape)."""

from campaign.models import Role
from tests.factories import AllyFactory, TouchpointFactory
from tests.matrix import Page


def _ally(campaign):
    return {"pk": AllyFactory(campaign=campaign).pk}


def _awaiting_ally(campaign):
    return {"pk": AllyFactory(campaign=campaign, awaiting_review=True).pk}


def _touchpoint(campaign):
    return {"pk": TouchpointFactory(campaign=campaign, allies=[AllyFactory(campaign=campaign)]).pk}


PAGES = {
    "allies:ally-list": Page(Role.VIEWER, None),
    "allies:ally-pick": Page(Role.CHAMPION, None),
    "allies:ally-new": Page(Role.CHAMPION, Role.CHAMPION),
    "allies:follow-ups": Page(Role.VIEWER, None),
    "allies:touchpoint-new": Page(Role.CHAMPION, Role.CHAMPION),
    "allies:touchpoint-delete": Page(Role.CHAMPION, Role.CHAMPION, _touchpoint),
    "allies:join-link": Page(Role.CHAMPION, Role.ADMIN),
    "allies:join-link-off": Page(None, Role.ADMIN),
    "allies:ally-detail": Page(Role.VIEWER, None, _ally),
    "allies:ally-edit": Page(Role.CHAMPION, Role.CHAMPION, _ally),
    "allies:ally-delete": Page(Role.CHAMPION, Role.CHAMPION, _ally),
    "allies:ally-stage": Page(None, Role.CHAMPION, _ally),
    "allies:ally-accept": Page(None, Role.CHAMPION, _awaiting_ally),
}
