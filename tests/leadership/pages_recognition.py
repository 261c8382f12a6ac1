"""The invitation edit and cancel pages, and the recognition moments' pages, in the role × page matrix."""

from datetime import UTC, date, datetime

from django.core.files.base import ContentFile

from campaign.models import Role
from leadership.models import RecognitionMoment
from tests.factories import EventFactory, LeaderFactory, ServiceProblemFactory
from tests.matrix import Page


def _event(campaign):
    return {"pk": EventFactory(campaign=campaign).pk}


def make_moment(campaign, *, photo=False, **fields):
    """A planned moment of `campaign` (held, with a photo, when `photo`)."""
    moment = RecognitionMoment.objects.create(
        campaign=campaign,
        story=ServiceProblemFactory(campaign=campaign, status="won", won_on=date(2026, 11, 1)),
        leader=LeaderFactory(campaign=campaign),
        starts_at=datetime(2030, 1, 10, 10, tzinfo=UTC),
        place="The depot",
        speech="Thank you.",
        **fields,
    )
    if photo:
        moment.photo.save("photo.jpg", ContentFile(b"\xff\xd8 photo"), save=False)
        moment.thumbnail.save("thumb.jpg", ContentFile(b"\xff\xd8 thumb"), save=False)
        moment.status, moment.held_on, moment.photo_consent = "held", date(2026, 11, 20), True
        moment.save()
    return moment


def _moment(campaign):
    return {"pk": make_moment(campaign).pk}


def _photo(campaign):
    return {"pk": make_moment(campaign, photo=True).pk, "size": "thumb"}


PAGES = {
    "leadership:event-edit": Page(Role.CHAMPION, Role.CHAMPION, _event),
    "leadership:event-cancel": Page(Role.CHAMPION, Role.CHAMPION, _event),
    "leadership:moment-list": Page(Role.VIEWER, None),
    "leadership:moment-new": Page(Role.CHAMPION, Role.CHAMPION),
    "leadership:moment-detail": Page(Role.VIEWER, None, _moment),
    "leadership:moment-edit": Page(Role.CHAMPION, Role.CHAMPION, _moment),
    "leadership:moment-cancel": Page(Role.CHAMPION, Role.CHAMPION, _moment),
    "leadership:moment-held": Page(None, Role.CHAMPION, _moment),
    "leadership:moment-photo-remove": Page(None, Role.CHAMPION, _moment),
    "leadership:moment-photo": Page(Role.VIEWER, None, _photo),
}
