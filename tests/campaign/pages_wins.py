"""The easy-wins board, problems, stories and roadblocks in the role × page matrix."""

from campaign.models import Nomination, Role, ServiceProblem
from tests.factories import ServiceProblemFactory
from tests.matrix import Page

Status = ServiceProblem.Status


def _problem(campaign):
    return {"pk": ServiceProblemFactory(campaign=campaign).pk}


def _in_progress(campaign):
    return {"pk": ServiceProblemFactory(campaign=campaign, status=Status.IN_PROGRESS).pk}


def _won(campaign):
    problem = ServiceProblemFactory(
        campaign=campaign,
        status=Status.WON,
        won_on="2026-11-02",
        story_what="Fixed the template.",
        story_before="Slow",
        story_after="Fast",
    )
    return {"pk": problem.pk}


def _nomination(campaign):
    return {"pk": Nomination.objects.create(campaign=campaign, person="Sam", what="Cleared the queue").pk}


def _roadblock(campaign):
    problem = ServiceProblemFactory(campaign=campaign, is_roadblock=True, roadblock_ask="Decide on Fridays.")
    return {"pk": problem.pk}


PAGES = {
    "campaign:board": Page(Role.VIEWER, None),
    "campaign:problem-list": Page(Role.VIEWER, None),
    "campaign:stories": Page(Role.VIEWER, None),
    "campaign:nomination-act": Page(None, Role.CHAMPION, _nomination),
    "campaign:problem-new": Page(Role.CHAMPION, Role.CHAMPION),
    "campaign:problem-detail": Page(Role.VIEWER, None, _won),
    "campaign:problem-edit": Page(Role.CHAMPION, Role.CHAMPION, _problem),
    "campaign:problem-delete": Page(Role.CHAMPION, Role.CHAMPION, _problem),
    "campaign:problem-move": Page(None, Role.CHAMPION, _problem),
    "campaign:problem-story": Page(Role.CHAMPION, Role.CHAMPION, _in_progress),
    "campaign:problem-celebrate": Page(Role.CHAMPION, Role.CHAMPION, _won),
    "campaign:problem-roadblock": Page(Role.CHAMPION, Role.CHAMPION, _problem),
    "campaign:problem-roadblock-clear": Page(None, Role.CHAMPION, _roadblock),
}
