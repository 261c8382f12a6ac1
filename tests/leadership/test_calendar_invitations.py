"""
Invitations land in leaders' calendars: each pack invitation carries a text/calendar part (METHOD:REQUEST)
with the campaign's time zone, a UID stable per invitation and leader, and a SEQUENCE raised on every
change; a change or a cancellation reaches the leaders who have it through the outbox. Every calendar is
read back with icalendar's parser and checked by a second, independent validator: vobject's validating
reader, which parses every value and checks each component's required and at-most-once properties.
"""

from datetime import date, datetime, time

import icalendar
import pytest
import vobject
from django.core import mail
from django.urls import reverse
from vobject.base import ParseError, ValidateError

from leadership import calendar
from leadership.models import Event, InvitationUpdate, PackDelivery
from leadership.services import pack_send
from leadership.tasks import (
    requeue_stale_invitation_update_deliveries,
    send_invitation_update_delivery,
    send_pack_delivery,
)
from tests.factories import BriefingPackFactory, EventFactory, LeaderFactory


def calendar_parts(message):
    """The text/calendar parts of a sent message: (content type, text) for the alternative, then each file."""
    parts = [(mimetype, content) for content, mimetype in message.alternatives if mimetype.startswith("text/calendar")]
    files = [
        (mimetype, content) for _name, content, mimetype in message.attachments if mimetype.startswith("text/calendar")
    ]
    return parts, files


def strictly_valid(ics):
    """
    The calendar checked by the second validator (raises on what RFC 5545 refuses), and what RFC 5546 asks
    of a request or a cancel: an organizer and an attendee. Returns its one event.
    """
    parsed = vobject.readOne(ics, validate=True)
    parsed.validate(raiseException=True)
    events = list(parsed.vevent_list)
    assert len(events) == 1
    assert parsed.method.value in ("REQUEST", "CANCEL")
    assert events[0].organizer.value.startswith("mailto:")
    assert events[0].attendee.value.startswith("mailto:")
    assert events[0].dtend.value > events[0].dtstart.value
    return events[0]


def one_event(ics):
    cal = icalendar.Calendar.from_ical(ics)
    events = cal.walk("VEVENT")
    assert len(events) == 1
    return cal, events[0]


@pytest.fixture
def invitation(campaign):
    campaign.time_zone = "Europe/London"
    campaign.save()
    return EventFactory(
        campaign=campaign,
        title="Customer panel at the depot",
        happens_on=date(2030, 7, 2),
        starts_at=time(14, 30),
        duration_minutes=90,
        where="North depot, room 2",
        details="Hear three customers on delivery slots.",
    )


@pytest.fixture
def sent_pack(campaign, champion, invitation, django_capture_on_commit_callbacks):
    """A pack with the invitation, sent to two leaders, both deliveries sent."""
    pack = BriefingPackFactory(campaign=campaign, created_by=champion)
    pack.recipients.add(
        LeaderFactory(campaign=campaign, name="Rupert Vance", email="rupert@example.com"),
        LeaderFactory(campaign=campaign, name="Margaret Hale", email="margaret@example.com"),
    )
    pack.events.add(invitation)
    with django_capture_on_commit_callbacks(execute=False):
        pack_send(pack=pack, by=champion)
    for delivery in PackDelivery.objects.filter(pack=pack):
        send_pack_delivery.run(delivery.pk)
    return pack


def test_a_pack_invitation_carries_a_request_in_the_campaigns_time_zone(sent_pack, invitation):
    assert len(mail.outbox) == 2
    message = next(m for m in mail.outbox if m.to == ["rupert@example.com"])
    alternatives, files = calendar_parts(message)
    assert [mimetype for mimetype, _ in alternatives] == ["text/calendar; method=REQUEST"]
    assert [mimetype for mimetype, _ in files] == ["text/calendar; method=REQUEST"]
    ics = alternatives[0][1]
    cal, event = one_event(ics)
    assert cal["METHOD"] == "REQUEST"
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "Europe/London"
    assert event.decoded("DTSTART") == datetime(2030, 7, 2, 14, 30, tzinfo=invitation.campaign.zone)
    assert "TZID=Europe/London:20300702T143000" in ics.replace("\r\n ", "")
    assert event.decoded("DTEND") == datetime(2030, 7, 2, 16, 0, tzinfo=invitation.campaign.zone)
    assert event["SEQUENCE"] == 0
    assert str(event["SUMMARY"]) == "Customer panel at the depot"
    assert str(event["LOCATION"]) == "North depot, room 2"
    assert str(event["ATTENDEE"]) == "mailto:rupert@example.com"
    assert str(event["ORGANIZER"]).startswith("mailto:")
    leader = sent_pack.recipients.get(email="rupert@example.com")
    assert str(event["UID"]) == calendar.event_uid(invitation, leader)
    # The answer stays on the signed page: its links are in the description.
    assert "/l/answer/" in str(event["DESCRIPTION"])

    checked = strictly_valid(ics)
    assert checked.uid.value == str(event["UID"])
    assert checked.dtstart.value == datetime(2030, 7, 2, 14, 30, tzinfo=invitation.campaign.zone)
    # Two leaders, two UIDs: each calendar holds its own entry.
    other = next(m for m in mail.outbox if m.to == ["margaret@example.com"])
    assert str(one_event(calendar_parts(other)[0][0][1])[1]["UID"]) != str(event["UID"])


def test_the_uid_is_the_same_every_time_the_invitation_is_built(sent_pack, invitation):
    from leadership.emails import pack_message

    delivery = PackDelivery.objects.filter(pack=sent_pack).first()
    first = one_event(calendar_parts(pack_message(delivery))[0][0][1])[1]
    again = one_event(calendar_parts(pack_message(delivery))[0][0][1])[1]
    assert str(first["UID"]) == str(again["UID"])


def test_a_campaign_in_utc_sends_utc_times_and_no_timezone(campaign, champion):
    campaign.time_zone = "UTC"
    campaign.save()
    event = EventFactory(campaign=campaign, happens_on=date(2030, 1, 5), starts_at=time(9, 0))
    leader = LeaderFactory(campaign=campaign)
    ics = calendar.event_calendar(event, leader)
    assert "DTSTART:20300105T090000Z" in ics
    assert "VTIMEZONE" not in ics
    strictly_valid(ics)


def test_changing_the_time_sends_each_invited_leader_an_update_with_a_higher_sequence(
    sent_pack, invitation, champion, client_for, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    url = reverse("leadership:event-edit", args=[invitation.campaign.slug, invitation.pk])
    data = {
        "kind": invitation.kind,
        "title": invitation.title,
        "happens_on": "2030-07-03",
        "starts_at": "09:15",
        "duration_minutes": "60",
        "where": invitation.where,
        "details": invitation.details,
    }
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for(champion).post(url, data, follow=True)
    assert "2 leader(s) who have it in their calendar get the update" in response.content.decode()
    assert len(callbacks) == 2
    updates = InvitationUpdate.objects.filter(event=invitation)
    assert {(u.sequence, u.method) for u in updates} == {(1, "REQUEST")}
    for update in updates:
        send_invitation_update_delivery.run(update.pk)
        send_invitation_update_delivery.run(update.pk)  # a duplicated task sends nothing more
    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert message.subject.startswith("Changed: Customer panel at the depot")
    alternatives, _ = calendar_parts(message)
    _cal, event = one_event(alternatives[0][1])
    leader = sent_pack.recipients.get(email=message.to[0])
    assert str(event["UID"]) == calendar.event_uid(invitation, leader)
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == datetime(2030, 7, 3, 9, 15, tzinfo=invitation.campaign.zone)
    strictly_valid(alternatives[0][1])
    assert "09:15" in message.body


def test_a_change_calendars_do_not_hold_sends_nothing(sent_pack, invitation, champion, client_for):
    url = reverse("leadership:event-edit", args=[invitation.campaign.slug, invitation.pk])
    data = {
        "kind": "workshop",
        "title": invitation.title,
        "happens_on": "2030-07-02",
        "starts_at": "14:30",
        "duration_minutes": "90",
        "where": invitation.where,
        "details": invitation.details,
    }
    assert client_for(champion).post(url, data).status_code == 302
    invitation.refresh_from_db()
    assert (invitation.kind, invitation.sequence) == ("workshop", 0)
    assert not InvitationUpdate.objects.exists()


def test_cancelling_sends_a_cancel_with_the_same_uid_once(
    sent_pack, invitation, champion, client_for, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    url = reverse("leadership:event-cancel", args=[invitation.campaign.slug, invitation.pk])
    page = client_for(champion).get(url)
    assert "2 leaders have it in their calendar" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        client_for(champion).post(url)
    assert client_for(champion).post(url).status_code == 404  # cancelled already: nothing more to cancel
    invitation.refresh_from_db()
    assert invitation.is_cancelled and invitation.sequence == 1
    updates = list(InvitationUpdate.objects.filter(event=invitation))
    assert {(u.sequence, u.method) for u in updates} == {(1, "CANCEL")}
    for update in updates:
        send_invitation_update_delivery.run(update.pk)
    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert message.subject.startswith("Cancelled: ")
    alternatives, _files = calendar_parts(message)
    assert alternatives[0][0] == "text/calendar; method=CANCEL"
    cal, event = one_event(alternatives[0][1])
    assert cal["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1
    leader = sent_pack.recipients.get(email=message.to[0])
    assert str(event["UID"]) == calendar.event_uid(invitation, leader)
    strictly_valid(alternatives[0][1])
    assert "/l/answer/" not in message.body
    # The signed answer page says so and records nothing.
    from leadership import signing

    answer = signing.answer_url(event=invitation, leader=leader, accepted=True).split("testserver")[-1]
    answer = answer[answer.index("/l/") :]
    response = client_for(champion).post(answer)
    assert "This invitation is cancelled" in response.content.decode()
    assert not invitation.engagements.exists()


def test_leaders_whose_pack_has_not_gone_yet_get_no_update(campaign, champion, invitation, tasks_enqueued):
    pack = BriefingPackFactory(campaign=campaign, created_by=champion)
    pack.recipients.add(LeaderFactory(campaign=campaign))
    pack.events.add(invitation)
    pack_send(pack=pack, by=champion)  # queued, not sent: its email will carry the new time anyway
    from leadership.services import event_cancel

    event_cancel(event=invitation)
    assert not InvitationUpdate.objects.exists()
    delivery = PackDelivery.objects.get(pack=pack)
    send_pack_delivery.run(delivery.pk)
    # A cancelled invitation adds no calendar to the pack and asks for no answer.
    message = mail.outbox[-1]
    assert calendar_parts(message) == ([], [])
    assert "Cancelled: there is nothing to answer." in message.body


def test_a_cancelled_invitation_is_not_offered_to_new_packs(campaign, invitation):
    from leadership.services import event_cancel

    event_cancel(event=invitation)
    assert invitation not in Event.objects.upcoming()


def test_stale_updates_are_enqueued_again_and_beat_runs_the_reaper(sent_pack, invitation, monkeypatch, tasks_enqueued):
    from datetime import timedelta

    import time_machine
    from celery import current_app
    from django.conf import settings

    from leadership.delivery import STALE_AFTER
    from leadership.services import SEND_INVITATION_UPDATE_DELIVERY, event_cancel

    event_cancel(event=invitation)  # the rows exist; the broker "lost" the messages (recorded, not sent)
    enqueued = []
    monkeypatch.setattr(send_invitation_update_delivery, "delay", enqueued.append)
    requeue_stale_invitation_update_deliveries.run()
    assert enqueued == []
    with time_machine.travel(STALE_AFTER + timedelta(minutes=1)):
        requeue_stale_invitation_update_deliveries.run()
    assert sorted(enqueued) == sorted(InvitationUpdate.objects.values_list("pk", flat=True))
    entry = settings.CELERY_BEAT_SCHEDULE["requeue-stale-invitation-update-deliveries"]
    assert entry["task"] in current_app.tasks
    assert 0 < entry["options"]["expires"] < entry["schedule"]
    assert SEND_INVITATION_UPDATE_DELIVERY in current_app.tasks


def test_the_second_validator_refuses_a_broken_calendar(invitation, campaign):
    leader = LeaderFactory(campaign=campaign)
    ics = calendar.event_calendar(invitation, leader)
    strictly_valid(ics)
    with pytest.raises(ValidateError):
        strictly_valid(ics.replace(f"UID:{calendar.event_uid(invitation, leader)}\r\n", ""))
    with pytest.raises(ParseError):
        strictly_valid(ics.replace("DTSTART;TZID=Europe/London:20300702T143000", "DTSTART:notadate"))
    with pytest.raises(ValidateError):
        strictly_valid(ics.replace("SEQUENCE:0", "SEQUENCE:0\r\nDURATION:PT1H"))


def test_the_outbox_lists_and_shows_an_invitation_update(sent_pack, invitation, admin_user, client_for, tasks_enqueued):
    from leadership.services import event_cancel

    event_cancel(event=invitation)
    update = InvitationUpdate.objects.first()
    client = client_for(admin_user)
    listing = client.get(reverse("leadership:outbox-list", args=[invitation.campaign.slug]))
    assert "Invitation update" in listing.content.decode()
    shown = client.get(
        reverse("leadership:outbox-message", args=[invitation.campaign.slug, "invitation-update", update.pk])
    )
    assert shown.status_code == 200
    assert "Cancelled" in shown.content.decode()
