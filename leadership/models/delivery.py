from django.db import models
from django.utils import timezone


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutboxRow(models.Model):
    """
    One email to one address, as a row: the database is the outbox and the source of truth.
    `leadership.delivery` claims, sends and marks these; the broker only says "look at this row".
    """

    status = models.CharField(max_length=10, choices=DeliveryStatus, default=DeliveryStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def message_id(self):
        """Deterministic, so a mail client or an SMTP server can spot a resend of the same delivery."""
        return f"<{self._meta.model_name}-{self.pk}@rising-tide>"


class Delivery(OutboxRow):
    """
    One email to one leader. Concrete deliveries (a briefing pack's, an executive summary's) add the
    foreign key to what they deliver and a unique constraint on (that, leader).
    """

    leader = models.ForeignKey("leadership.Leader", on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True
