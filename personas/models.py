from django.conf import settings
from django.db import models
from django.db.models import Count, FilteredRelation, Q
from django.urls import reverse
from django.utils import timezone

from campaign.models import Campaign, Department
from campaign.search import SearchIndex


class Workshop(models.Model):
    """A live "who I serve" session: a facilitator enters the participants' cards one after another."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="persona_workshops")
    title = models.CharField(max_length=160)
    held_on = models.DateField("date", default=timezone.localdate)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="facilitated_workshops",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.title} ({self.held_on:%d %b %Y})"

    def get_absolute_url(self):
        return reverse("personas:workshop", kwargs={"slug": self.campaign.slug, "pk": self.pk})


class PersonaCardQuerySet(models.QuerySet):
    def for_gallery(self):
        """Cards with everything a card shows (writer, writer's department, department served, session)."""
        return self.select_related("writer_ally__department", "writer_member", "department_served", "workshop")

    def search(self, text):
        """Cards whose four sentences or rhythm mention `text` (case-insensitive)."""
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(persona_name__icontains=text)
            | Q(role__icontains=text)
            | Q(wants__icontains=text)
            | Q(so_that__icontains=text)
            | Q(rhythm__icontains=text)
        )

    def session_counts(self):
        """For one session's cards: how many cards, participants, and cards served inside and outside."""
        return self.aggregate(
            cards=Count("pk"),
            participants=Count("writer_ally", distinct=True),
            inside=Count("pk", filter=Q(scope=PersonaCard.Scope.INSIDE)),
            outside=Count("pk", filter=Q(scope=PersonaCard.Scope.OUTSIDE)),
        )

    def served_pairs(self, campaign):
        """
        `campaign`'s inside cards counted per (writer's department, department served), one row per pair.

        Cards written by a member rather than an ally have no writer department; they come
        back with `provider` None so the map can say how many it could not place. The writer is
        joined among the campaign's own allies (every card's writer is one), so the database reads
        those rather than every campaign's.
        """
        return (
            self.filter(campaign=campaign, scope=PersonaCard.Scope.INSIDE, department_served__isnull=False)
            .annotate(writer=FilteredRelation("writer_ally", condition=Q(writer_ally__campaign=campaign)))
            .values(provider=models.F("writer__department_id"), served=models.F("department_served_id"))
            .annotate(cards=Count("*"))  # COUNT(*): the partial index below answers it without the table
            .order_by()
        )


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
    workshop = models.ForeignKey(
        Workshop,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cards",
        verbose_name="workshop session",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonaCardQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["campaign", "created_at"], name="personacard_campaign_created"),
            # The service map counts inside cards per (writer, department served): an index-only scan.
            models.Index(
                fields=["campaign", "department_served", "writer_ally"],
                condition=Q(scope="inside", department_served__isnull=False),
                name="personacard_inside_served",
            ),
            # The gallery's search (PersonaCardQuerySet.search): a campaign's matching cards from the index.
            SearchIndex("persona_name", "role", "wants", "so_that", "rhythm", name="personacard_search"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(scope__in=["inside", "outside"]), name="personacard_scope_valid"),
            # Someone outside the organisation works in none of its departments.
            models.CheckConstraint(
                condition=Q(scope="inside") | Q(department_served__isnull=True),
                name="personacard_outside_has_no_department",
            ),
        ]

    def __str__(self):
        return f"{self.persona_name or 'Unnamed'} — {self.role}"

    def get_absolute_url(self):
        return reverse("personas:card-detail", kwargs={"slug": self.campaign.slug, "pk": self.pk})

    @property
    def writer_name(self):
        """Who wrote the card: the ally, else the member, else nobody on record."""
        if self.writer_ally_id:
            return self.writer_ally.name
        if self.writer_member_id:
            return self.writer_member.get_full_name() or self.writer_member.get_username()
        return ""

    @property
    def is_inside(self):
        return self.scope == self.Scope.INSIDE
