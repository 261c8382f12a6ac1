from django.conf import settings
from django.db import models

from campaign.models import Campaign, Department


class PersonaCard(models.Model):
    """
    A "who I serve" card: My name is … / And I am … / I want … / So I can ….

    Everyone serves someone, inside the organisation or outside it.
    """

    class Scope(models.TextChoices):
        INSIDE = "inside", "Inside the organisation"
        OUTSIDE = "outside", "Outside the organisation"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="persona_cards")
    writer_ally = models.ForeignKey(
        "allies.Ally",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="persona_cards",
        verbose_name="written by (ally)",
    )
    writer_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="persona_cards",
        verbose_name="written by (member)",
    )
    persona_name = models.CharField("my name is", max_length=120, blank=True)
    role = models.CharField("and I am", max_length=160)
    wants = models.TextField("I want", max_length=600)
    so_that = models.TextField("so I can", max_length=600)
    scope = models.CharField("served", max_length=10, choices=Scope, default=Scope.OUTSIDE)
    department_served = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="served_by_cards",
        help_text="For someone inside the organisation: the department they work in.",
    )
    rhythm = models.CharField(
        "rhythm or deadline", max_length=160, blank=True, help_text="e.g. 'monthly report by the 10th'."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["campaign", "created_at"], name="personacard_campaign_created")]

    def __str__(self):
        return f"{self.persona_name or 'Unnamed'} — {self.role}"
