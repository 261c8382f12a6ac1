from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from campaign.models import Campaign
from leadership.models.delivery import Delivery, DeliveryStatus
from leadership.models.leaders import EngagementKind


class EventQuerySet(models.QuerySet):
    def upcoming(self):
        """Still to come and not cancelled: what a pack can invite leaders to."""
        return self.filter(happens_on__gte=timezone.localdate(), cancelled_at__isnull=True)


class Event(models.Model):
    """Something leaders are invited to: a customer meeting, a workshop, a recognition moment…"""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EngagementKind)
    title = models.CharField(max_length=160)
    happens_on = models.DateField("date")
    where = models.CharField(max_length=160, blank=True)
    details = models.TextField(
        "what we ask of them", max_length=2000, blank=True, help_text="E.g. 'stop by for ten minutes and hear ideas'."
    )
    # The calendar entry: the date above at this local time, in the campaign's time zone.
    starts_at = models.TimeField("starts at", default=time(10, 0), help_text="In the campaign's time zone.")
    duration_minutes = models.PositiveSmallIntegerField(
        "how long (minutes)", default=60, validators=[MinValueValidator(5), MaxValueValidator(720)]
    )
    # Raised whenever the time, place or details change (RFC 5545 SEQUENCE), so calendars take the update.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["happens_on", "pk"]

    def __str__(self):
        return f"{self.title} ({date_format(self.happens_on, 'j M Y')})"

    # What a change to these means to calendars that hold the invitation: an update.
    CALENDAR_FIELDS = ("title", "happens_on", "starts_at", "duration_minutes", "where", "details")

    @property
    def is_cancelled(self):
        return self.cancelled_at is not None

    def start(self):
        """When it starts: an aware datetime in the campaign's time zone."""
        return datetime.combine(self.happens_on, self.starts_at, tzinfo=self.campaign.zone)

    def end(self):
        return self.start() + timedelta(minutes=self.duration_minutes)


class BriefingPack(models.Model):
    """What a champion sends leaders: a note, stories, clippings, reports, invitations, roadblocks, talking points."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING_APPROVAL = "awaiting", "Waiting for approval"
        SCHEDULED = "scheduled", "Scheduled"
        SENT = "sent", "Sent"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="briefing_packs")
    title = models.CharField(max_length=160, help_text="The email's subject line.")
    note = models.TextField("your personal note", max_length=3000, blank=True)
    talking_points = models.TextField(
        max_length=3000, blank=True, help_text="One per line: what you hope they will say to their teams."
    )
    recipients = models.ManyToManyField("leadership.Leader", blank=True, related_name="briefing_packs")
    stories = models.ManyToManyField(
        "campaign.ServiceProblem", blank=True, related_name="briefing_packs", verbose_name="stories"
    )
    clippings = models.ManyToManyField("leadership.Clipping", blank=True, related_name="briefing_packs")
    visits = models.ManyToManyField(
        "leadership.BenchmarkVisit", blank=True, related_name="briefing_packs", verbose_name="benchmarking reports"
    )
    events = models.ManyToManyField(
        "leadership.Event", blank=True, related_name="briefing_packs", verbose_name="invitations"
    )
    roadblocks = models.ManyToManyField(
        "campaign.ServiceProblem", blank=True, related_name="briefing_packs_as_roadblock", verbose_name="roadblocks"
    )
    # Each leader reads the answers to the objections they raised, with the campaign's numbers as they stand.
    answers = models.ManyToManyField(
        "leadership.Objection", blank=True, related_name="briefing_packs", verbose_name="answers to objections"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    # When it goes: blank date for "now"; else this local date and time in each leader's own time zone.
    send_on = models.DateField("send on", null=True, blank=True)
    send_time = models.TimeField("at (each leader's local time)", null=True, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A second pair of eyes, when the campaign asks for one (Campaign.packs_need_approval).
    approval_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approval_requested_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    return_note = models.TextField("what to change", max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "awaiting", "scheduled", "sent"]),
                name="briefing_pack_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(send_on__isnull=True, send_time__isnull=True)
                | models.Q(send_on__isnull=False, send_time__isnull=False),
                name="briefing_pack_send_on_with_time",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("leadership:pack-compose", kwargs={"slug": self.campaign.slug, "pk": self.pk})

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    @property
    def is_awaiting_approval(self):
        return self.status == self.Status.AWAITING_APPROVAL

    @property
    def is_scheduled(self):
        return self.status == self.Status.SCHEDULED

    @property
    def has_schedule(self):
        return self.send_on is not None

    def talking_point_list(self):
        return [line.strip(" -•\t") for line in self.talking_points.splitlines() if line.strip(" -•\t")]


class PackDeliveryStatus(models.TextChoices):
    """A delivery's states (DeliveryStatus), and one before them: waiting for its time in the leader's zone."""

    SCHEDULED = "scheduled", "Scheduled"
    QUEUED = DeliveryStatus.QUEUED.value, DeliveryStatus.QUEUED.label
    SENDING = DeliveryStatus.SENDING.value, DeliveryStatus.SENDING.label
    SENT = DeliveryStatus.SENT.value, DeliveryStatus.SENT.label
    FAILED = DeliveryStatus.FAILED.value, DeliveryStatus.FAILED.label


class PackDeliveryQuerySet(models.QuerySet):
    def due(self, now=None):
        """Scheduled deliveries whose time has come in their leader's zone."""
        return self.filter(status=PackDeliveryStatus.SCHEDULED, due_at__lte=now or timezone.now())


class PackDelivery(Delivery):
    """
    One briefing pack's email to one leader; unique per (pack, leader), so a pack reaches each leader once.

    A scheduled pack's deliveries wait in `scheduled` with their own `due_at` (the chosen local time in the
    leader's zone, in UTC); beat hands each to the sender when it is due (services.pack_deliveries_dispatch_due).
    The outbox's claim, retries and reaper only ever see them from `queued` on.
    """

    status = models.CharField(max_length=10, choices=PackDeliveryStatus, default=PackDeliveryStatus.QUEUED)
    pack = models.ForeignKey(BriefingPack, on_delete=models.CASCADE, related_name="deliveries")
    leader = models.ForeignKey("leadership.Leader", on_delete=models.CASCADE, related_name="pack_deliveries")
    due_at = models.DateTimeField(null=True, blank=True, help_text="When a scheduled delivery goes (UTC).")
    opened_at = models.DateTimeField(
        "first opened", null=True, blank=True, help_text="When the leader first opened the web version."
    )
    last_opened_at = models.DateTimeField(null=True, blank=True)
    open_count = models.PositiveIntegerField(default=0)

    objects = PackDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint("pack", "leader", name="pack_delivery_once_per_leader"),
            models.CheckConstraint(
                condition=models.Q(status__in=PackDeliveryStatus.values), name="pack_delivery_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["due_at"], name="packdelivery_scheduled_due", condition=models.Q(status="scheduled")),
            models.Index(fields=["leader", "sent_at"], name="packdelivery_leader_sent"),
        ]

    def __str__(self):
        return f"{self.pack} to {self.leader}"


class InvitationUpdate(Delivery):
    """
    A changed or cancelled invitation, sent to a leader who already had it in a pack: the calendar
    update (METHOD:REQUEST with the raised SEQUENCE) or the cancellation (METHOD:CANCEL). One per
    (event, leader, sequence), so each version reaches each leader once.
    """

    class Method(models.TextChoices):
        REQUEST = "REQUEST", "Update"
        CANCEL = "CANCEL", "Cancellation"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="updates")
    leader = models.ForeignKey("leadership.Leader", on_delete=models.CASCADE, related_name="invitation_updates")
    sequence = models.PositiveIntegerField()
    method = models.CharField(max_length=10, choices=Method, default=Method.REQUEST)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint("event", "leader", "sequence", name="invitation_update_once"),
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values), name="invitation_update_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_method_display()} of {self.event} to {self.leader}"
