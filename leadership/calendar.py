"""
Calendar parts of leader mail (RFC 5545 iCalendar, RFC 5546 methods), built with `icalendar`.

Every invitation a leader receives (a pack's invitations, a recognition moment) carries one calendar per
event: METHOD:REQUEST with a UID stable for that event and recipient and the event's SEQUENCE, or
METHOD:CANCEL (same UID, a higher SEQUENCE) once it is cancelled. Calendars match an update to the entry
they hold by UID and keep the one with the highest SEQUENCE, so the numbers only ever go up.

Times are the campaign's local times with a TZID and its VTIMEZONE (UTC needs none). The organizer is
the campaign's sender address; the leader is the attendee with RSVP=FALSE: answers are given on the
signed Accept/Decline page, whose links the description carries, not by calendar email.

`attach` puts the calendar in a message twice, as mail from calendar services does: as the
text/calendar alternative (what Outlook and Gmail read as an invitation) and as an .ics attachment
(what Apple Mail offers to add); a pack with several invitations attaches one file per invitation.
"""

from datetime import UTC, timedelta
from email.utils import parseaddr

import icalendar
from django.conf import settings
from django.utils import timezone

PRODID = "-//Rising Tide//Leader invitations//EN"
UID_DOMAIN = "rising-tide"
REQUEST = "REQUEST"
CANCEL = "CANCEL"


def event_uid(event, leader):
    """One pack invitation in one leader's calendar: stable across updates and resends."""
    return f"event-{event.pk}-leader-{leader.pk}@{UID_DOMAIN}"


def moment_uid(moment):
    """A recognition moment: one entry, in the leader's calendar and the copied manager's alike."""
    return f"recognition-{moment.pk}@{UID_DOMAIN}"


def _organizer():
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = icalendar.vCalAddress(f"mailto:{address}")
    organizer.params["CN"] = name or "Rising Tide"
    return organizer


def _attendee(name, email):
    attendee = icalendar.vCalAddress(f"mailto:{email}")
    if name:
        attendee.params["CN"] = name
    attendee.params["ROLE"] = "REQ-PARTICIPANT"
    attendee.params["PARTSTAT"] = "NEEDS-ACTION"
    attendee.params["RSVP"] = "FALSE"
    return attendee


def build(*, uid, sequence, method, start, end, summary, location="", description="", attendees=(), url=""):
    """
    The iCalendar text (str, CRLF lines) of one event. `start` and `end` are aware datetimes in the
    campaign's zone; `attendees` pairs of name and address.
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("sequence", sequence)
    if start.utcoffset() == timedelta(0) and str(start.tzinfo) in ("UTC", "Etc/UTC"):
        start, end = start.astimezone(UTC), end.astimezone(UTC)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary)
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    if url:
        event.add("url", url)
    event.add("organizer", _organizer())
    for name, email in attendees:
        event.add("attendee", _attendee(name, email))
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    # A VTIMEZONE covering the years around the event: enough for any client, and short.
    calendar.add_missing_timezones(
        first_date=start.date().replace(month=1, day=1) - timedelta(days=366),
        last_date=end.date() + timedelta(days=800),
    )
    return calendar.to_ical().decode()


def attach(message, ics_list, method):
    """Add the calendars `ics_list` (str each) to `message`: the first as the alternative, each as a file."""
    content_type = f"text/calendar; method={method}"
    if ics_list:
        message.attach_alternative(ics_list[0], content_type)
    for index, ics in enumerate(ics_list, start=1):
        name = "invitation.ics" if len(ics_list) == 1 else f"invitation-{index}.ics"
        message.attach(name, ics, content_type)
    return message


def event_calendar(event, leader, *, answer_urls=None, method=None):
    """The calendar of pack invitation `event` for `leader`: a request, or a cancel once it is cancelled."""
    method = method or (CANCEL if event.is_cancelled else REQUEST)
    lines = [event.details]
    if answer_urls and method == REQUEST:
        lines.append(f"Accept: {answer_urls[0]}\nDecline: {answer_urls[1]}")
    return build(
        uid=event_uid(event, leader),
        sequence=event.sequence,
        method=method,
        start=event.start(),
        end=event.end(),
        summary=event.title,
        location=event.where,
        description="\n\n".join(line for line in lines if line),
        attendees=[(leader.name, leader.email)],
    )


def moment_calendar(moment, *, attendees, method=None):
    """The calendar of recognition moment `moment`, with its speech card as the description."""
    method = method or (CANCEL if moment.status == moment.Status.CANCELLED else REQUEST)
    zone = moment.campaign.zone
    return build(
        uid=moment_uid(moment),
        sequence=moment.sequence,
        method=method,
        start=moment.starts_at.astimezone(zone),
        end=moment.ends_at.astimezone(zone),
        summary=f"Recognition: {moment.story.title}",
        location=moment.place,
        description=f"Speech card\n\n{moment.speech}",
        attendees=attendees,
    )
