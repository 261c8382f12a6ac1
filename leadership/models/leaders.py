from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from campaign.models import Campaign, Department, Level


class Stance(models.TextChoices):
    CHAMPION = "champion", "Champion"
    SUPPORTER = "supporter", "Supporter"
    NEUTRAL = "neutral", "Neutral"
    SKEPTIC = "skeptic", "Skeptic"
    OPPOSED = "opposed", "Opposed"


class Wiifm(models.TextChoices):
    """What a leader values — "what's in it for me" — so the campaign can speak to it."""

    BUDGET = "budget", "Budget"
    EFFICIENCY = "efficiency", "Efficiency targets"
    REVENUE = "revenue", "Revenue"
    BONUS = "bonus", "Bonus"
    TEAM = "team", "Their team"
    REPUTATION = "reputation", "Reputation"
    RISK = "risk", "Risk"


class Leader(models.Model):
    """An executive or senior manager the campaign keeps informed. A contact, never a user: no login."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="leaders")
    name = models.CharField(max_length=120)
    email = models.EmailField()
    title = models.CharField(max_length=160, blank=True)
    department = models.ForeignKey(Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="leaders")
    level = models.CharField(max_length=10, choices=Level, default=Level.TOP)
    stance = models.CharField("stance toward the campaign", max_length=10, choices=Stance, default=Stance.NEUTRAL)
    wiifm = models.JSONField(
        "what they value", default=list, blank=True, help_text="Values of Wiifm: what's in it for them."
    )
    wiifm_note = models.CharField("in their words", max_length=300, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_leaders",
        help_text="The member who owns the relationship.",
    )
    receives_summaries = models.BooleanField(
        default=True, help_text="Off once the leader unsubscribes from executive summaries of this campaign."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "campaign",
                Lower("email"),
                name="leader_email_unique_in_campaign",
                violation_error_message="Another leader in this campaign already has this email address.",
            ),
            models.CheckConstraint(condition=models.Q(stance__in=Stance.values), name="leader_stance_valid"),
        ]

    def __str__(self):
        return self.name

    def wiifm_labels(self):
        return [Wiifm(value).label for value in self.wiifm if value in Wiifm.values]
