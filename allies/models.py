from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from campaign.models import Campaign, Department, Level


class Stage(models.TextChoices):
    """The recruitment ladder, bottom to top; "declined" sits beside it."""

    IDENTIFIED = "identified", "Identified"
    APPROACHED = "approached", "Approached"
    INTERESTED = "interested", "Interested"
    COMMITTED = "committed", "Committed"
    CHAMPION = "champion", "Active champion"
    DECLINED = "declined", "Declined"

    @property
    def rank(self):
        """Position on the ladder (0 for declined), so 'moved up' and 'committed or better' are comparisons."""
        return LADDER.index(self) + 1 if self in LADDER else 0


LADDER = [Stage.IDENTIFIED, Stage.APPROACHED, Stage.INTERESTED, Stage.COMMITTED, Stage.CHAMPION]
COMMITTED_OR_BETTER = [Stage.COMMITTED, Stage.CHAMPION]


class Ally(models.Model):
    """Someone in the organisation the campaign is recruiting, or has recruited, to the movement."""

    class Source(models.TextChoices):
        VOLUNTEERED = "volunteered", "Volunteered"
        SENT = "sent", "Sent by a manager"
        RECRUITED = "recruited", "Recruited"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="allies")
    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="allies")
    level = models.CharField(max_length=10, choices=Level, default=Level.FRONTLINE)
    stage = models.CharField(max_length=12, choices=Stage, default=Stage.IDENTIFIED)
    stage_changed_at = models.DateTimeField(default=timezone.now)
    source = models.CharField("how they came", max_length=12, choices=Source, default=Source.RECRUITED)
    motivation = models.CharField("why they care", max_length=300, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    recruited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recruited_allies",
        help_text="The member who owns the relationship.",
    )
    follow_up_on = models.DateField("next follow-up", null=True, blank=True)
    awaiting_review = models.BooleanField(
        default=False, help_text="Joined through the campaign's join link and not yet accepted by a champion."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "allies"
        indexes = [models.Index(fields=["campaign", "stage"], name="ally_campaign_stage")]
        constraints = [
            models.UniqueConstraint(
                "campaign",
                Lower("email"),
                condition=~models.Q(email=""),
                name="ally_email_unique_in_campaign",
                violation_error_message="Another ally in this campaign already has this email address.",
            ),
            models.CheckConstraint(condition=models.Q(stage__in=Stage.values), name="ally_stage_valid"),
            models.CheckConstraint(condition=models.Q(level__in=Level.values), name="ally_level_valid"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("allies:ally-detail", kwargs={"slug": self.campaign.slug, "pk": self.pk})

    @property
    def stage_enum(self):
        return Stage(self.stage)

    @property
    def is_committed(self):
        return self.stage in COMMITTED_OR_BETTER


class StageChange(models.Model):
    """One step of an ally's history on the ladder: when they reached `to_stage`."""

    ally = models.ForeignKey(Ally, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=12, choices=Stage, blank=True)
    to_stage = models.CharField(max_length=12, choices=Stage)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]
        indexes = [models.Index(fields=["ally", "changed_at"], name="stagechange_ally_time")]

    def __str__(self):
        return f"{self.ally}: {self.from_stage or '—'} → {self.to_stage}"


class Touchpoint(models.Model):
    """A logged contact with one or more allies: the tending that keeps a movement from fading."""

    class Kind(models.TextChoices):
        ONE_ON_ONE = "one_on_one", "One-on-one"
        LUNCH = "lunch", "Lunch"
        BOOK_CLUB = "book_club", "Book club"
        MESSAGE = "message", "Message"
        WORKSHOP = "workshop", "Workshop"
        EVENT = "event", "Event"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="touchpoints")
    allies = models.ManyToManyField(Ally, related_name="touchpoints")
    kind = models.CharField(max_length=12, choices=Kind, default=Kind.ONE_ON_ONE)
    happened_on = models.DateField("date", default=timezone.localdate)
    note = models.CharField(max_length=500, blank=True)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_on", "-pk"]
        indexes = [models.Index(fields=["campaign", "happened_on"], name="touchpoint_campaign_date")]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.happened_on:%Y-%m-%d}"
