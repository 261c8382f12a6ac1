"""
Demo recognition moments: one planned (the leader's invitation sent, with its speech card) and one held,
with a photo, a quote and the consent of the people in it. The photo is drawn here (no camera, no real
people) and goes through the same re-encoding as an upload. Idempotent: the demo's moments are made again.
"""

import io
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from campaign.models import ServiceProblem
from campaign.services import problem_celebrate
from leadership.models import CalendarMethod, DeliveryStatus, Leader, RecognitionDelivery, RecognitionMoment
from leadership.photos import photo_process
from leadership.recognition import speech_card_draft


def _drawn_photo():
    """A picture of a hand-over at a service desk, drawn in flat colours: three figures and a certificate."""
    image = Image.new("RGB", (960, 640), (214, 232, 238))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 430, 960, 640), fill=(120, 144, 156))  # the desk
    for x, colour in ((220, (11, 79, 108)), (480, (29, 107, 58)), (740, (161, 38, 27))):
        draw.ellipse((x - 55, 150, x + 55, 260), fill=(240, 205, 170))  # heads
        draw.rounded_rectangle((x - 90, 270, x + 90, 470), radius=40, fill=colour)  # bodies
    draw.rectangle((400, 300, 560, 400), fill=(255, 250, 235), outline=(122, 75, 0), width=6)  # the certificate
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile("demo.png", out.getvalue(), content_type="image/png")


def seed(campaign):
    """After the wins board's demo (campaign.demo), which makes the won stories these moments recognise."""
    champion = get_user_model().objects.filter(username="demo-champion").first()
    leaders = list(Leader.objects.filter(campaign=campaign).order_by("pk")[:2])
    stories = list(
        ServiceProblem.objects.filter(campaign=campaign, status=ServiceProblem.Status.WON)
        .exclude(story_what="")
        .order_by("-won_on", "pk")[:2]
    )
    for old in RecognitionMoment.objects.filter(campaign=campaign).exclude(photo=""):
        for field in (old.photo, old.thumbnail):
            if field:
                field.storage.delete(field.name)  # a second run leaves no orphaned files behind
    RecognitionMoment.objects.filter(campaign=campaign).delete()
    if len(stories) < 2 or len(leaders) < 2:
        return
    zone = campaign.zone
    today = timezone.localdate()
    held_story, planned_story = stories[0], stories[1]
    held_day = today - timedelta(days=5)
    held = RecognitionMoment.objects.create(
        campaign=campaign,
        story=held_story,
        leader=leaders[0],
        starts_at=datetime.combine(held_day, time(15, 0), tzinfo=zone),
        duration_minutes=20,
        place="Returns desk, main warehouse",
        speech=speech_card_draft(held_story),
        status=RecognitionMoment.Status.HELD,
        held_on=held_day,
        quote="We fixed it in a fortnight, and someone from the top floor came down to say so. That matters.",
        photo_consent=True,
        created_by=champion,
        invited_at=timezone.now() - timedelta(days=12),
    )
    photo, thumbnail = photo_process(_drawn_photo())
    held.photo.save(photo.name, photo, save=False)
    held.thumbnail.save(thumbnail.name, thumbnail, save=False)
    held.save()
    planned = RecognitionMoment.objects.create(
        campaign=campaign,
        story=planned_story,
        leader=leaders[1],
        starts_at=datetime.combine(today + timedelta(days=6), time(11, 30), tzinfo=zone),
        duration_minutes=15,
        place="Billing team, head office 2nd floor",
        speech=speech_card_draft(planned_story),
        copy_to="team-lead@northwind.example",
        created_by=champion,
        invited_at=timezone.now() - timedelta(days=1),
    )
    sent_at = timezone.now() - timedelta(days=1)
    for moment in (held, planned):
        recipients = [(moment.leader, moment.leader.name, moment.leader.email)]
        if moment.copy_to:
            recipients.append((None, "", moment.copy_to))
        RecognitionDelivery.objects.bulk_create(
            RecognitionDelivery(
                moment=moment,
                leader=leader,
                to_name=name,
                to_email=email,
                method=CalendarMethod.REQUEST,
                status=DeliveryStatus.SENT,
                attempts=1,
                created_at=sent_at,
                claimed_at=sent_at,
                sent_at=sent_at,
            )
            for leader, name, email in recipients
        )
    problem_celebrate(
        problem=held_story, celebration="photo", celebrated_on=held_day, celebrated_by=held.leader, by=champion
    )
