"""The leadership app's leaders and briefings pages in the role × page matrix."""

from datetime import UTC, date, datetime, time

from campaign.models import Role
from leadership.models import PackDelivery
from tests.factories import (
    BenchmarkVisitFactory,
    BriefingPackFactory,
    ClippingFactory,
    EngagementFactory,
    EventFactory,
    LeaderFactory,
    ObjectionFactory,
    UserFactory,
)
from tests.matrix import Page


def _leader(campaign):
    return {"pk": LeaderFactory(campaign=campaign).pk}


def _engagement(campaign):
    engagement = EngagementFactory(leader=LeaderFactory(campaign=campaign))
    return {"pk": engagement.leader_id, "engagement_pk": engagement.pk}


def _objection(campaign):
    return {"pk": ObjectionFactory(campaign=campaign).pk}


def _clipping(campaign):
    return {"pk": ClippingFactory(campaign=campaign).pk}


def _visit(campaign):
    return {"pk": BenchmarkVisitFactory(campaign=campaign).pk}


def _visit_action(campaign):
    return {"pk": BenchmarkVisitFactory(campaign=campaign).actions.create(text="Share the dispatch board").pk}


def _event(campaign):
    return {"pk": EventFactory(campaign=campaign).pk}


def _pack(campaign):
    return {"pk": BriefingPackFactory(campaign=campaign).pk}


def _pack_awaiting(campaign):
    """A pack waiting for approval, asked for by a member outside the matrix (so any champion may decide)."""
    pack = BriefingPackFactory(campaign=campaign, status="awaiting", approval_requested_by=UserFactory())
    pack.recipients.add(LeaderFactory(campaign=campaign))
    return {"pk": pack.pk}


def _pack_scheduled(campaign):
    pack = BriefingPackFactory(campaign=campaign, status="scheduled", send_on=date(2030, 1, 7), send_time=time(8, 0))
    leader = LeaderFactory(campaign=campaign)
    pack.recipients.add(leader)
    PackDelivery.objects.create(
        pack=pack, leader=leader, status="scheduled", due_at=datetime(2030, 1, 7, 8, 0, tzinfo=UTC)
    )
    return {"pk": pack.pk}


def _delivery(campaign):
    pack = BriefingPackFactory(campaign=campaign, status="sent")
    delivery = PackDelivery.objects.create(pack=pack, leader=LeaderFactory(campaign=campaign))
    return {"kind": "pack", "pk": delivery.pk}


PAGES = {
    "leadership:leader-list": Page(Role.VIEWER, None),
    "leadership:leader-new": Page(Role.CHAMPION, Role.CHAMPION),
    "leadership:leader-detail": Page(Role.VIEWER, None, _leader),
    "leadership:leader-edit": Page(Role.CHAMPION, Role.CHAMPION, _leader),
    "leadership:leader-delete": Page(Role.CHAMPION, Role.CHAMPION, _leader),
    "leadership:engagement-add": Page(None, Role.CHAMPION, _leader),
    "leadership:leader-leads-with": Page(None, Role.CHAMPION, _leader),
    "leadership:engagement-delete": Page(Role.CHAMPION, Role.CHAMPION, _engagement),
    "leadership:objection-list": Page(Role.VIEWER, Role.CHAMPION),
    "leadership:objection-edit": Page(Role.CHAMPION, Role.CHAMPION, _objection),
    "leadership:objection-delete": Page(Role.CHAMPION, Role.CHAMPION, _objection),
    "leadership:clipping-list": Page(Role.VIEWER, Role.CHAMPION),
    "leadership:clipping-edit": Page(Role.CHAMPION, Role.CHAMPION, _clipping),
    "leadership:clipping-delete": Page(Role.CHAMPION, Role.CHAMPION, _clipping),
    "leadership:visit-list": Page(Role.VIEWER, None),
    "leadership:visit-new": Page(Role.CHAMPION, Role.CHAMPION),
    "leadership:visit-detail": Page(Role.VIEWER, None, _visit),
    "leadership:visit-edit": Page(Role.CHAMPION, Role.CHAMPION, _visit),
    "leadership:visit-delete": Page(Role.CHAMPION, Role.CHAMPION, _visit),
    "leadership:visit-action-promote": Page(None, Role.CHAMPION, _visit_action),
    "leadership:pack-list": Page(Role.VIEWER, Role.CHAMPION),
    "leadership:pack-compose": Page(Role.CHAMPION, Role.CHAMPION, _pack),
    "leadership:pack-preview": Page(Role.VIEWER, None, _pack),
    "leadership:pack-send": Page(Role.CHAMPION, Role.CHAMPION, _pack),
    "leadership:pack-print": Page(Role.VIEWER, None, _pack),
    "leadership:pack-review": Page(Role.CHAMPION, None, _pack_awaiting),
    "leadership:pack-approve": Page(None, Role.CHAMPION, _pack_awaiting),
    "leadership:pack-send-back": Page(None, Role.CHAMPION, _pack_awaiting),
    "leadership:pack-withdraw": Page(None, Role.CHAMPION, _pack_awaiting),
    "leadership:pack-unschedule": Page(None, Role.CHAMPION, _pack_scheduled),
    "leadership:pack-delete": Page(Role.CHAMPION, Role.CHAMPION, _pack),
    "leadership:event-list": Page(Role.VIEWER, Role.CHAMPION),
    "leadership:event-delete": Page(Role.CHAMPION, Role.CHAMPION, _event),
    # Champions open the outbox, limited to what they sent: this pack was sent by nobody of the matrix,
    # so only an admin may open its message (tests/leadership/test_outbox_champions.py has the rest).
    "leadership:outbox-list": Page(Role.CHAMPION, None),
    "leadership:outbox-message": Page(Role.ADMIN, None, _delivery),
    "leadership:outbox-message-html": Page(Role.ADMIN, None, _delivery),
}
