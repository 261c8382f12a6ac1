"""
The calendar emails (a changed or cancelled invitation, a recognition moment's invitation to the leader
and to the manager copied) and the celebrations now in summaries and packs, held to the same rules as
every email (tests/security/test_email_text.py): `& < > " '` plain in the subject and the text part,
escaped in the HTML part, no header from a line break. And the calendar part itself: a value with a line
break and a property name in it stays one escaped property value, never a property of its own.
"""

from datetime import UTC, date, datetime

import icalendar
import pytest
from django.core.files.base import ContentFile
from django.utils.html import escape

from leadership import emails as leadership_emails
from leadership.models import InvitationUpdate, PackDelivery, RecognitionDelivery, RecognitionMoment
from tests.factories import AllyFactory, BriefingPackFactory, EventFactory, LeaderFactory, ServiceProblemFactory
from tests.security.test_email_text import (
    ENTITIES,
    HOSTILE,
    INJECTION,
    Sent,
    hostile,
    named_campaign,  # noqa: F401 - the fixture
    person,
)

BREAKOUT = "\r\nATTENDEE:mailto:evil@example.com\r\nEND:VEVENT"
SUBJECT_TAIL = "Bcc: evil@example.com X-Injected: yes"


def _event(campaign):
    return EventFactory(
        campaign=campaign,
        title=hostile("event") + INJECTION,
        where=hostile("where"),
        details=hostile("details") + BREAKOUT,
        happens_on=date(2030, 5, 6),
    )


def _update(campaign, method):
    leader = LeaderFactory(campaign=campaign, name=hostile("leader"), email="ann@example.com")
    update = InvitationUpdate.objects.create(event=_event(campaign), leader=leader, sequence=1, method=method)
    return leadership_emails.invitation_update_message(update)


def invitation_changed(campaign):
    values = [hostile(label) for label in ("campaign", "leader", "event", "where", "details")]
    word = "Changed"
    return Sent(
        _update(campaign, "REQUEST"),
        values,
        subject=f"{word}: {hostile('event')} {SUBJECT_TAIL} — {hostile('campaign')} {SUBJECT_TAIL}",
    )


def invitation_cancelled(campaign):
    values = [hostile(label) for label in ("campaign", "leader", "event", "where", "details")]
    return Sent(
        _update(campaign, "CANCEL"),
        values,
        subject=f"Cancelled: {hostile('event')} {SUBJECT_TAIL} — {hostile('campaign')} {SUBJECT_TAIL}",
    )


def _moment(campaign):
    story = ServiceProblemFactory(
        campaign=campaign, title=hostile("story") + INJECTION, status="won", won_on=date(2026, 11, 1)
    )
    story.people.add(AllyFactory(campaign=campaign, name=hostile("ally")))
    return RecognitionMoment.objects.create(
        campaign=campaign,
        story=story,
        leader=LeaderFactory(campaign=campaign, name=hostile("leader"), email="ann@example.com"),
        starts_at=datetime(2030, 5, 6, 10, tzinfo=UTC),
        place=hostile("place"),
        speech=hostile("speech") + BREAKOUT,
        copy_to="manager@example.com",
    )


def recognition_to_the_leader(campaign):
    moment = _moment(campaign)
    delivery = RecognitionDelivery.objects.create(
        moment=moment, leader=moment.leader, to_name=moment.leader.name, to_email="ann@example.com"
    )
    values = [hostile(label) for label in ("campaign", "leader", "story", "place", "speech")]
    return Sent(
        leadership_emails.recognition_message(delivery),
        values,
        subject=f"Recognition moment — {hostile('story')} {SUBJECT_TAIL}",
    )


def recognition_to_the_manager(campaign):
    moment = _moment(campaign)
    delivery = RecognitionDelivery.objects.create(moment=moment, to_email="manager@example.com")
    values = [hostile(label) for label in ("campaign", "leader", "story", "place", "speech")]
    return Sent(
        leadership_emails.recognition_message(delivery),
        values,
        subject=f"Recognition moment — {hostile('story')} {SUBJECT_TAIL}",
    )


def pack_with_a_celebrated_story(campaign):
    moment = _moment(campaign)
    moment.status, moment.held_on, moment.photo_consent, moment.quote = (
        "held",
        date(2026, 11, 5),
        True,
        hostile("quote"),
    )
    moment.photo.save("photo.jpg", ContentFile(b"jpeg"), save=False)
    moment.thumbnail.save("thumb.jpg", ContentFile(b"jpeg"), save=False)
    moment.save()
    sender = person("sender", campaign)
    pack = BriefingPackFactory(campaign=campaign, title="Wins", created_by=sender, sent_by=sender)
    pack.stories.add(moment.story)
    delivery = PackDelivery.objects.create(pack=pack, leader=LeaderFactory(campaign=campaign, email="bo@example.com"))
    values = [hostile(label) for label in ("campaign", "story", "quote", "leader")]
    return Sent(
        leadership_emails.pack_message(delivery), values, subject=f"Wins — {hostile('campaign')} {SUBJECT_TAIL}"
    )


def summary_with_a_celebration(campaign):
    import time_machine

    from leadership import services
    from leadership.models import SummaryDelivery
    from tests.factories import SummaryScheduleFactory
    from tests.security.test_email_text import MONDAY_9

    SummaryScheduleFactory(campaign=campaign)
    moment = _moment(campaign)
    moment.status, moment.held_on, moment.photo_consent, moment.quote = (
        "held",
        date(2026, 11, 10),
        True,
        hostile("quote"),
    )
    moment.photo.save("photo.jpg", ContentFile(b"jpeg"), save=False)
    moment.save()
    with time_machine.travel(MONDAY_9, tick=False):
        [summary] = services.summaries_dispatch_due(now=MONDAY_9)
    delivery = SummaryDelivery.objects.select_related("summary__campaign", "leader").get(summary=summary)
    values = [hostile(label) for label in ("campaign", "story", "quote", "leader")]
    return Sent(
        leadership_emails.summary_delivery_message(delivery),
        values,
        subject=f"{hostile('campaign')} {SUBJECT_TAIL}: executive summary, 9 Nov – 15 Nov 2026",
    )


EMAILS = {
    "summary with a celebration": summary_with_a_celebration,
    "invitation changed": invitation_changed,
    "invitation cancelled": invitation_cancelled,
    "recognition to the leader": recognition_to_the_leader,
    "recognition to the manager": recognition_to_the_manager,
    "pack with a celebrated story": pack_with_a_celebrated_story,
}


@pytest.fixture(params=list(EMAILS))
def sent(request, named_campaign):  # noqa: F811 - the fixture above
    return EMAILS[request.param](named_campaign)


def test_the_subject_carries_the_plain_characters_on_one_line(sent):
    assert sent.message.subject == sent.subject
    assert not any(entity in sent.message.subject for entity in ENTITIES)


def test_the_text_part_carries_every_value_in_plain_characters(sent):
    assert [value for value in sent.values if value not in sent.message.body] == []
    assert not any(entity in sent.message.body for entity in ENTITIES)


def test_the_html_part_carries_every_value_escaped(sent):
    html = sent.message.alternatives[0].content
    assert [value for value in sent.values if escape(value) not in html] == []
    assert HOSTILE not in html and "<b>" not in html


def test_a_line_break_in_a_value_adds_no_header(sent):
    from email import message_from_bytes

    parsed = message_from_bytes(sent.message.message().as_bytes())
    assert parsed["Bcc"] is None and parsed["X-Injected"] is None
    assert len(sent.message.recipients()) == 1
    for name, value in parsed.items():
        assert "\n" not in value.replace("\r\n ", " ").replace("\n ", " "), f"{name}: {value!r}"


def test_a_value_with_a_line_break_stays_inside_its_calendar_property(sent):
    parts = [alt.content for alt in sent.message.alternatives if alt.mimetype.startswith("text/calendar")]
    if not parts:
        pytest.skip("no calendar part in this email")
    cal = icalendar.Calendar.from_ical(parts[0])
    [event] = cal.walk("VEVENT")
    attendees = event.get("ATTENDEE")
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert "mailto:evil@example.com" not in [str(a) for a in attendees]
    assert "ATTENDEE:mailto:evil@example.com" in str(event["DESCRIPTION"])  # kept as text, in its place
    assert len(cal.walk("VEVENT")) == 1
