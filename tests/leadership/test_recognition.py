"""
Recognition moments: planned from a won story with a drafted speech card, sent to the leader (and the
manager copied) as a calendar invitation through the outbox, changed or cancelled with updates, and
recorded afterwards with a re-encoded photo (no EXIF, no GPS, upright), a quote and consent; the photo is
served only after the campaign's access check or through a leader's signed link.
"""

import io
from datetime import date, datetime, timedelta

import icalendar
import pytest
import vobject
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from leadership import calendar, signing
from leadership.models import Engagement, RecognitionDelivery, RecognitionMoment
from leadership.tasks import send_recognition_delivery
from tests.factories import AllyFactory, LeaderFactory, ServiceProblemFactory


def jpeg_with_gps_and_rotation(size=(60, 40)):
    """A JPEG camera-style: EXIF with a GPS position, a camera model and 'rotate 90°' orientation."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    exif[0x0110] = "Secret Camera 9000"
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def upload(content, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def story(campaign):
    campaign.time_zone = "Europe/Paris"
    campaign.save()
    story = ServiceProblemFactory(
        campaign=campaign,
        title="Refunds in one day",
        status="won",
        won_on=date(2026, 11, 2),
        story_what="Cut the approval chain to one signature",
        story_before="refunds took nine days",
        story_after="they take one",
        story_figure="9 days → 1 day",
    )
    story.people.add(AllyFactory(campaign=campaign, name="Priya Shah"), AllyFactory(campaign=campaign, name="Tom Reed"))
    return story


@pytest.fixture
def leader(campaign):
    return LeaderFactory(campaign=campaign, name="Helen Ford", email="helen@example.com")


def send_all():
    for pk in RecognitionDelivery.objects.filter(status="queued").values_list("pk", flat=True):
        send_recognition_delivery.run(pk)


def plan(client, campaign, story, leader, **extra):
    url = reverse("leadership:moment-new", args=[campaign.slug])
    data = {
        "story": story.pk,
        "leader": leader.pk,
        "starts_at": "2030-03-04T11:00",
        "duration_minutes": "20",
        "place": "Refunds desk, 3rd floor",
        "speech": "Thank you, Priya and Tom.",
        "copy_to": "Manager@Example.com",
        **extra,
    }
    return client.post(url, data)


def test_the_plan_form_drafts_the_speech_card_from_the_story(campaign, champion, client_for, story):
    page = client_for(champion).get(reverse("leadership:moment-new", args=[campaign.slug]) + f"?story={story.pk}")
    html = page.content.decode()
    assert page.status_code == 200
    assert (
        "I am here to thank Priya Shah and Tom Reed." in html or "I am here to thank Tom Reed and Priya Shah." in html
    )
    assert "Cut the approval chain to one signature" in html
    assert "Before, refunds took nine days; now, they take one." in html


def test_planning_sends_the_leader_and_the_manager_one_invitation_each(
    campaign, champion, client_for, story, leader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = plan(client_for(champion), campaign, story, leader)
    moment = RecognitionMoment.objects.get()
    assert response.status_code == 302 and response["Location"] == moment.get_absolute_url()
    assert len(callbacks) == 2
    assert moment.starts_at == datetime(2030, 3, 4, 11, 0, tzinfo=campaign.zone)
    send_all()
    send_all()  # nothing twice
    assert sorted(m.to[0] for m in mail.outbox) == ["helen@example.com", "manager@example.com"]
    leader_mail = next(m for m in mail.outbox if m.to == ["helen@example.com"])
    assert "Thank you, Priya and Tom." in leader_mail.body
    ics = next(content for content, mimetype in leader_mail.alternatives if mimetype == "text/calendar; method=REQUEST")
    event = icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]
    assert str(event["UID"]) == calendar.moment_uid(moment)
    assert event.decoded("DTSTART") == datetime(2030, 3, 4, 11, 0, tzinfo=campaign.zone)
    assert "TZID=Europe/Paris" in ics
    assert sorted(str(a) for a in event["ATTENDEE"]) == ["mailto:helen@example.com", "mailto:manager@example.com"]
    vobject.readOne(ics, validate=True).validate(raiseException=True)


def test_changing_the_time_sends_an_update_and_dropping_the_manager_sends_them_a_cancel(
    campaign, champion, client_for, story, leader, tasks_enqueued
):
    client = client_for(champion)
    plan(client, campaign, story, leader)
    send_all()
    mail.outbox.clear()
    moment = RecognitionMoment.objects.get()
    data = {
        "leader": leader.pk,
        "starts_at": "2030-03-05T09:30",
        "duration_minutes": "20",
        "place": "Refunds desk, 3rd floor",
        "speech": "Thank you, Priya and Tom.",
        "copy_to": "",
    }
    assert client.post(reverse("leadership:moment-edit", args=[campaign.slug, moment.pk]), data).status_code == 302
    send_all()
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"helen@example.com", "manager@example.com"}
    update = next(c for c, t in by_address["helen@example.com"].alternatives if t.startswith("text/calendar"))
    cancel = next(c for c, t in by_address["manager@example.com"].alternatives if t.startswith("text/calendar"))
    update_event = icalendar.Calendar.from_ical(update).walk("VEVENT")[0]
    cancel_cal = icalendar.Calendar.from_ical(cancel)
    assert update_event["SEQUENCE"] == 1 and "METHOD:REQUEST" in update
    assert cancel_cal["METHOD"] == "CANCEL" and cancel_cal.walk("VEVENT")[0]["SEQUENCE"] == 2
    assert str(update_event["UID"]) == str(cancel_cal.walk("VEVENT")[0]["UID"]) == calendar.moment_uid(moment)
    assert by_address["helen@example.com"].subject.startswith("Changed: ")


def test_cancelling_sends_everyone_invited_a_cancel(campaign, champion, client_for, story, leader, tasks_enqueued):
    client = client_for(champion)
    plan(client, campaign, story, leader)
    send_all()
    mail.outbox.clear()
    moment = RecognitionMoment.objects.get()
    url = reverse("leadership:moment-cancel", args=[campaign.slug, moment.pk])
    assert "get the cancellation" in client.get(url).content.decode()
    client.post(url)
    send_all()
    assert sorted(m.to[0] for m in mail.outbox) == ["helen@example.com", "manager@example.com"]
    for message in mail.outbox:
        ics = next(c for c, t in message.alternatives if t == "text/calendar; method=CANCEL")
        assert "STATUS:CANCELLED" in ics
        vobject.readOne(ics, validate=True).validate(raiseException=True)
    moment.refresh_from_db()
    assert moment.status == "cancelled"


def test_recording_it_held_strips_the_metadata_turns_it_upright_and_logs_the_leader(
    campaign, champion, client_for, story, leader, tasks_enqueued
):
    client = client_for(champion)
    plan(client, campaign, story, leader)
    moment = RecognitionMoment.objects.get()
    data = {
        "held_on": "2026-11-20",
        "quote": "“I never thought anyone upstairs noticed.”",
        "photo_consent": "on",
        "photo_upload": upload(jpeg_with_gps_and_rotation()),
    }
    response = client.post(reverse("leadership:moment-held", args=[campaign.slug, moment.pk]), data)
    assert response.status_code == 302
    moment.refresh_from_db()
    assert moment.status == "held" and moment.held_on == date(2026, 11, 20)
    with moment.photo.open("rb") as handle:
        kept = Image.open(io.BytesIO(handle.read()))
    assert kept.format == "JPEG"
    assert kept.size == (40, 60)  # the orientation was applied: portrait now
    assert not kept.getexif()
    assert b"Secret Camera" not in moment.photo.storage.open(moment.photo.name).read()
    assert moment.thumbnail
    story.refresh_from_db()
    assert (story.celebrated_by, story.celebrated_on, story.celebration) == (leader, date(2026, 11, 20), "photo")
    engagement = Engagement.objects.get(problem=story)
    assert (engagement.leader, engagement.kind, engagement.outcome) == (leader, "recognition", "attended")
    page = client.get(moment.get_absolute_url()).content.decode()
    assert "I never thought anyone upstairs noticed." in page


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"GIF89a" + b"\0" * 40, "photo.gif", "not a photo we can read"),
        (b"not an image at all", "photo.jpg", "not a photo we can read"),
    ],
)
def test_a_file_that_is_not_an_accepted_photo_is_refused_with_a_message(
    campaign, champion, client_for, story, leader, tasks_enqueued, content, name, message
):
    client = client_for(champion)
    plan(client, campaign, story, leader)
    moment = RecognitionMoment.objects.get()
    data = {"held_on": "2026-11-20", "quote": "", "photo_consent": "on", "photo_upload": upload(content, name)}
    response = client.post(reverse("leadership:moment-held", args=[campaign.slug, moment.pk]), data)
    assert response.status_code == 200  # the form again, with its message
    assert message in response.content.decode()
    moment.refresh_from_db()
    assert moment.status == "planned" and not moment.photo


def test_a_gif_is_refused_and_a_photo_over_the_limit_too(
    campaign, champion, client_for, story, leader, tasks_enqueued, settings
):
    client = client_for(champion)
    plan(client, campaign, story, leader)
    moment = RecognitionMoment.objects.get()
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, format="GIF")
    url = reverse("leadership:moment-held", args=[campaign.slug, moment.pk])
    data = {
        "held_on": "2026-11-20",
        "photo_consent": "on",
        "photo_upload": upload(gif.getvalue(), "a.gif", "image/gif"),
    }
    assert "JPEG, PNG, HEIC or WebP" in client.post(url, data).content.decode()
    settings.RECOGNITION_PHOTO_MAX_BYTES = 100
    data["photo_upload"] = upload(jpeg_with_gps_and_rotation((400, 300)))
    assert "the largest accepted is" in client.post(url, data).content.decode()


def test_a_photo_without_consent_is_refused(campaign, champion, client_for, story, leader, tasks_enqueued):
    client = client_for(champion)
    plan(client, campaign, story, leader)
    moment = RecognitionMoment.objects.get()
    data = {"held_on": "2026-11-20", "photo_upload": upload(jpeg_with_gps_and_rotation())}
    response = client.post(reverse("leadership:moment-held", args=[campaign.slug, moment.pk]), data)
    assert response.status_code == 200  # the form again, with its message
    assert "have agreed to it being shared" in response.content.decode()


@pytest.mark.parametrize("kind", ["PNG", "WEBP", "HEIF"])
def test_png_webp_and_heic_photos_are_re_encoded_as_jpeg(kind):
    from leadership.photos import photo_process

    out = io.BytesIO()
    Image.new("RGBA" if kind == "PNG" else "RGB", (30, 20), (10, 120, 200, 255)[: 4 if kind == "PNG" else 3]).save(
        out, format=kind
    )
    photo, thumbnail = photo_process(upload(out.getvalue(), f"p.{kind.lower()}", "image/png"))
    assert Image.open(io.BytesIO(photo.read())).format == "JPEG"
    assert Image.open(io.BytesIO(thumbnail.read())).format == "JPEG"


def test_the_photo_is_served_only_to_members_and_to_a_signed_link(
    campaign, champion, viewer, outsider, client_for, client, story, leader, tasks_enqueued
):
    plan(client_for(champion), campaign, story, leader)
    moment = RecognitionMoment.objects.get()
    data = {"held_on": "2026-11-20", "photo_consent": "on", "photo_upload": upload(jpeg_with_gps_and_rotation())}
    client_for(champion).post(reverse("leadership:moment-held", args=[campaign.slug, moment.pk]), data)
    url = reverse("leadership:moment-photo", args=[campaign.slug, moment.pk, "thumb"])
    assert client_for(viewer).get(url)["Content-Type"] == "image/jpeg"
    assert client_for(outsider).get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to sign in
    signed = signing.photo_url(moment.pk, "full").split("testserver")[-1]
    signed = signed[signed.index("/l/") :]
    response = client.get(signed)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert client.get(signed[:-3] + "xx/").status_code == 404
    # Consent withdrawn (photo removed): the link shows nothing any more.
    client_for(champion).post(reverse("leadership:moment-photo-remove", args=[campaign.slug, moment.pk]))
    client.logout()
    assert client.get(signed).status_code == 404


def test_a_viewer_cannot_plan_or_record_and_another_campaigns_moment_is_a_404(
    campaign, champion, viewer, outsider, client_for, story, leader, tasks_enqueued
):
    plan(client_for(champion), campaign, story, leader)
    moment = RecognitionMoment.objects.get()
    assert plan(client_for(viewer), campaign, story, leader).status_code == 403
    held = reverse("leadership:moment-held", args=[campaign.slug, moment.pk])
    assert client_for(viewer).post(held, {"held_on": "2026-11-20"}).status_code == 403
    other = outsider.memberships.get().campaign
    assert (
        client_for(outsider).get(reverse("leadership:moment-detail", args=[other.slug, moment.pk])).status_code == 404
    )


def test_the_list_pages_stay_at_a_fixed_number_of_queries(
    campaign, champion, client_for, story, django_assert_max_num_queries
):
    leaders = [LeaderFactory(campaign=campaign) for _ in range(5)]
    moments = [
        RecognitionMoment(
            campaign=campaign,
            story=ServiceProblemFactory(campaign=campaign, status="won", won_on=date(2026, 10, 1)),
            leader=leaders[n % 5],
            starts_at=timezone.now() + timedelta(days=n),
            place="Hall",
            speech="Thanks",
            status="held" if n % 2 else "planned",
            held_on=date(2026, 11, 1) if n % 2 else None,
        )
        for n in range(60)
    ]
    RecognitionMoment.objects.bulk_create(moments)
    for _ in range(10):
        ServiceProblemFactory(campaign=campaign, status="won", won_on=date(2026, 10, 2))
    client = client_for(champion)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("leadership:moment-list", args=[campaign.slug]))
    assert response.status_code == 200
    moment = RecognitionMoment.objects.first()
    with django_assert_max_num_queries(8):
        assert client.get(moment.get_absolute_url()).status_code == 200


def test_an_empty_campaign_shows_what_to_do(campaign, viewer, client_for):
    page = client_for(viewer).get(reverse("leadership:moment-list", args=[campaign.slug])).content.decode()
    assert "No recognition moments yet" in page


# --- The checkup ---------------------------------------------------------------------------------


def _leader_added_long_ago(campaign, name):
    leader = LeaderFactory(campaign=campaign, name=name)
    type(leader).objects.filter(pk=leader.pk).update(created_at=timezone.now() - timedelta(weeks=30))
    return leader


def test_the_checkup_flags_leaders_who_have_recognised_nobody_for_the_set_weeks(campaign):
    from campaign import registry
    from tests.factories import EngagementFactory

    quiet = _leader_added_long_ago(campaign, "Quentin Quiet")
    busy = _leader_added_long_ago(campaign, "Bea Busy")
    LeaderFactory(campaign=campaign, name="Newly Added")  # too new to be judged
    EngagementFactory(
        campaign=campaign, leader=busy, kind="recognition", happened_on=campaign.today() - timedelta(weeks=2)
    )
    EngagementFactory(
        campaign=campaign, leader=quiet, kind="recognition", happened_on=campaign.today() - timedelta(weeks=9)
    )
    item = next(item for item in registry.checkup_items(campaign) if item.key == "recognition")
    assert item.status == "amber"
    assert "Quentin Quiet has not recognised anyone in 8 weeks." in item.summary
    assert item.url == reverse("leadership:moment-list", args=[campaign.slug])
    campaign.recognition_gap_weeks = 10
    campaign.save()
    item = next(item for item in registry.checkup_items(campaign) if item.key == "recognition")
    assert item.status == "green"


def test_the_checkup_says_nothing_without_leaders(campaign):
    from campaign import registry

    assert not [item for item in registry.checkup_items(campaign) if item.key == "recognition"]
