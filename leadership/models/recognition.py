"""
Recognition moments: a leader thanks the people behind a won story in person (a visit, a handshake, a
photograph, a short speech), planned from the story, sent to the leader as a calendar invitation with a
speech card, and recorded afterwards with a photo and a quote.
"""

from datetime import timedelta

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from campaign.models import Campaign
from leadership.models.delivery import DeliveryStatus, OutboxRow


def recognition_storage():
    """Where photos live: the private "recognition" storage (never served at a public URL; see settings)."""
    return storages["recognition"]


def photo_path(moment, filename):
    # The name says nothing of the people in it: the moment, the time, and "photo" or "thumb".
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    return f"recognition/c{moment.campaign_id}/moment-{moment.pk}-{stamp}-{filename}"


class CalendarMethod(models.TextChoices):
    """What a calendar part asks of the calendar (RFC 5546): put it in or update it, or take it out."""

    REQUEST = "REQUEST", "Invitation or update"
    CANCEL = "CANCEL", "Cancellation"


class RecognitionMomentQuerySet(models.QuerySet):
    def for_list(self):
        """With the story and the leader each row shows."""
        return self.select_related("story", "leader")


class RecognitionMoment(models.Model):
    """A leader's recognition of the people behind one won story, from plan to the photo afterwards."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recognition_moments")
    story = models.ForeignKey(
        "campaign.ServiceProblem", on_delete=models.CASCADE, related_name="recognition_moments", verbose_name="win"
    )
    leader = models.ForeignKey("leadership.Leader", on_delete=models.CASCADE, related_name="recognition_moments")
    starts_at = models.DateTimeField("date and time")
    duration_minutes = models.PositiveSmallIntegerField(
        "how long (minutes)", default=20, validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    place = models.CharField("where", max_length=160)
    speech = models.TextField(
        "speech card", max_length=3000, help_text="What the leader may say: who, what they did, how service improved."
    )
    copy_to = models.EmailField(
        "copy the person's manager", blank=True, help_text="Their manager gets the same invitation, to be there too."
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PLANNED)
    # Raised on every change sent to calendars (RFC 5545 SEQUENCE); 0 is the first invitation.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    invited_at = models.DateTimeField(null=True, blank=True, editable=False)
    held_on = models.DateField("held on", null=True, blank=True)
    photo = models.FileField(storage=recognition_storage, upload_to=photo_path, blank=True, max_length=200)
    thumbnail = models.FileField(storage=recognition_storage, upload_to=photo_path, blank=True, max_length=200)
    photo_consent = models.BooleanField(
        "the people in the photo agreed to it being shared with leaders and in briefings", default=False
    )
    quote = models.TextField("a quote", max_length=600, blank=True, help_text="What someone said, in their words.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RecognitionMomentQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["campaign", "status", "held_on"], name="moment_campaign_held")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["planned", "held", "cancelled"]), name="moment_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="held") | models.Q(held_on__isnull=False), name="moment_held_has_date"
            ),
        ]

    def __str__(self):
        return f"Recognition: {self.story.title}"

    def get_absolute_url(self):
        return reverse("leadership:moment-detail", kwargs={"slug": self.campaign.slug, "pk": self.pk})

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_planned(self):
        return self.status == self.Status.PLANNED

    @property
    def has_shareable_photo(self):
        return bool(self.photo) and self.photo_consent


class RecognitionDelivery(OutboxRow):
    """
    One calendar invitation (or its update, or its cancellation) of a recognition moment to one address:
    the leader's, or the manager copied. Unique per (moment, address, sequence): each version once.
    """

    moment = models.ForeignKey(RecognitionMoment, on_delete=models.CASCADE, related_name="deliveries")
    leader = models.ForeignKey("leadership.Leader", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    to_name = models.CharField(max_length=120, blank=True)
    to_email = models.EmailField()
    sequence = models.PositiveIntegerField(default=0)
    method = models.CharField(max_length=10, choices=CalendarMethod, default=CalendarMethod.REQUEST)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint("moment", "to_email", "sequence", name="recognition_delivery_once"),
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values), name="recognition_delivery_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.moment} to {self.to_email}"
