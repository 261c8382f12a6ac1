import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from campaign.validators import validate_time_zone


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    CHAMPION = "champion", "Champion"
    VIEWER = "viewer", "Viewer"

    @property
    def rank(self):
        return {Role.VIEWER: 1, Role.CHAMPION: 2, Role.ADMIN: 3}[self]

    def allows(self, required):
        """True when this role is at least as strong as `required`."""
        return self.rank >= Role(required).rank


class Level(models.TextChoices):
    """Where someone sits in the organisation: a movement needs all three, and the middle is the usual gap."""

    TOP = "top", "Top"
    MIDDLE = "middle", "Middle"
    FRONTLINE = "frontline", "Frontline"


class CampaignQuerySet(models.QuerySet):
    def for_user(self, user):
        """Campaigns the user is a member of, each annotated with the user's `role`."""
        if not user.is_authenticated:
            return self.none()
        memberships = Membership.objects.filter(campaign=models.OuterRef("pk"), user=user)
        return self.filter(memberships__user=user).annotate(role=models.Subquery(memberships.values("role")[:1]))

    def with_counts(self):
        """Add department, goal and member counts without one query per campaign."""
        return self.annotate(
            department_count=models.Count("departments", distinct=True),
            goal_count=models.Count("goals", distinct=True),
            member_count=models.Count("memberships", distinct=True),
        )


class Campaign(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=120)
    slug = models.SlugField(
        max_length=60,
        unique=True,
        help_text="Used in the campaign's web addresses: letters, numbers and hyphens.",
        error_messages={"unique": "Another campaign already uses this web address. Choose another."},
    )
    service_focus = models.TextField(
        "definition of service focus",
        blank=True,
        max_length=2000,
        help_text="What service focus means here, in a sentence or two everyone can repeat.",
    )
    why = models.TextField("why", blank=True, max_length=2000, help_text="The purpose and belief behind the campaign.")
    how = models.TextField("how", blank=True, max_length=2000, help_text="How you will go about it.")
    what = models.TextField("what", blank=True, max_length=2000, help_text="What people will see change.")
    status = models.CharField(max_length=10, choices=Status, default=Status.ACTIVE)
    start_date = models.DateField(default=timezone.localdate)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    people_per_ally = models.PositiveSmallIntegerField(
        "people per committed ally",
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text="The coverage target: one committed ally for every this many people in a department.",
    )
    stale_after_days = models.PositiveSmallIntegerField(
        "days before an ally goes stale",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="An ally with no touchpoint for this many days is flagged as needing attention.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("campaign:home", kwargs={"slug": self.slug})

    @property
    def golden_circle_complete(self):
        """Can the team state the why? Only when why, how and what are all written down."""
        return all(value.strip() for value in (self.why, self.how, self.what))


class Department(models.Model):
    class Kind(models.TextChoices):
        CUSTOMER_FACING = "customer_facing", "Customer-facing"
        INTERNAL_PROVIDER = "internal_provider", "Internal service provider"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.INTERNAL_PROVIDER)
    headcount = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(1_000_000)],
        help_text="How many people work here, when known: coverage is measured against it.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "campaign",
                Lower("name"),
                name="department_name_unique_in_campaign",
                violation_error_message="This campaign already has a department with that name.",
            )
        ]

    def __str__(self):
        return self.name


class Goal(models.Model):
    """A bull's-eye goal: an outcome outside the campaign that wins should serve."""

    class Kind(models.TextChoices):
        MARKET_SHARE = "market_share", "Market share"
        REPUTATION = "reputation", "Reputation"
        RECOVERY = "recovery", "Recovery"
        RETENTION = "retention", "Retention"
        OTHER = "other", "Other"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=160)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.OTHER)
    measure = models.CharField(
        "how it is measured",
        max_length=300,
        blank=True,
        help_text="The outcome for customers you will watch, e.g. 'repeat orders per quarter'.",
    )

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class MembershipQuerySet(models.QuerySet):
    def admins(self):
        return self.filter(role=Role.ADMIN)


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role, default=Role.CHAMPION)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user__username"]
        constraints = [
            models.UniqueConstraint("user", "campaign", name="membership_unique_per_campaign"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self):
        return f"{self.user} in {self.campaign} ({self.get_role_display()})"

    @property
    def role_enum(self):
        return Role(self.role)


def _hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())

    def for_token(self, token):
        """The invitation a raw token from a link belongs to (tokens are stored hashed)."""
        return self.filter(token_hash=_hash_token(token))


class Invitation(models.Model):
    """An emailed, single-use, expiring link that lets a new member set a password."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role, default=Role.CHAMPION)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation for {self.email} to {self.campaign}"

    def issue_token(self):
        """Give the invitation a fresh token and its expiry; returns the raw token (only ever emailed)."""
        token = secrets.token_urlsafe(32)
        self.token_hash = _hash_token(token)
        self.expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
        return token

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()

    @property
    def is_used(self):
        return self.accepted_at is not None


class Heartbeat(models.Model):
    """One row per periodic probe; /healthz reads when beat and a worker last proved alive."""

    name = models.CharField(max_length=40, unique=True)
    last_seen_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} at {self.last_seen_at:%Y-%m-%d %H:%M:%S}"


class ServiceProblem(models.Model):
    """
    A service problem the campaign means to solve, tracked from backlog to a won (or dropped) easy win.

    Once won it carries its service story: who worked on it, what they did and how service improved.
    """

    class Difficulty(models.TextChoices):
        EASY = "easy", "Easy"
        MEDIUM = "medium", "Medium"
        HARD = "hard", "Hard"

    class Impact(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    class Status(models.TextChoices):
        BACKLOG = "backlog", "Backlog"
        IN_PROGRESS = "in_progress", "In progress"
        WON = "won", "Won"
        DROPPED = "dropped", "Dropped"

    class Benefit(models.TextChoices):
        """What a win saved or earned: briefing packs match these against each leader's WIIFM."""

        TIME_SAVED = "time_saved", "Time saved"
        COST_SAVED = "cost_saved", "Cost saved"
        REVENUE = "revenue", "Revenue"
        REPUTATION = "reputation", "Reputation"
        RISK = "risk", "Risk reduced"
        TEAM = "team", "Team morale"
        RETENTION = "retention", "Customers kept"

    class Celebration(models.TextChoices):
        VISIT = "visit", "Visit"
        HANDSHAKE = "handshake", "Handshake"
        PHOTO = "photo", "Photo"
        SPEECH = "speech", "Short speech"
        OTHER = "other", "Other"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="problems")
    title = models.CharField(max_length=160)
    description = models.TextField(blank=True, max_length=4000)
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name="where it is felt",
    )
    difficulty = models.CharField(max_length=10, choices=Difficulty, default=Difficulty.EASY)
    impact = models.CharField("expected impact", max_length=10, choices=Impact, default=Impact.MEDIUM)
    goal = models.ForeignKey(
        Goal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name="bull's-eye goal",
        help_text="The outcome it serves. Leave empty only if it serves none yet.",
    )
    status = models.CharField(max_length=12, choices=Status, default=Status.BACKLOG)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="owned_problems"
    )
    people = models.ManyToManyField("allies.Ally", blank=True, related_name="problems", verbose_name="who worked on it")
    opened_on = models.DateField(default=timezone.localdate)
    started_on = models.DateField(null=True, blank=True)
    won_on = models.DateField(null=True, blank=True)
    dropped_on = models.DateField(null=True, blank=True)

    # The service story, written when the problem is won.
    story_what = models.TextField("what they did", blank=True, max_length=4000)
    story_before = models.CharField("before", blank=True, max_length=300)
    story_after = models.CharField("after", blank=True, max_length=300)
    story_figure = models.CharField(
        "the figure", blank=True, max_length=120, help_text="A number that shows the change, e.g. '3 days → 4 hours'."
    )
    benefits = models.JSONField(
        default=list, blank=True, help_text="What the win saved or earned (values of ServiceProblem.Benefit)."
    )
    celebrated_on = models.DateField(null=True, blank=True)
    celebration = models.CharField("how it was celebrated", max_length=12, choices=Celebration, blank=True)
    celebrated_by = models.ForeignKey(
        "leadership.Leader",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="celebrated_problems",
        verbose_name="celebrated by (leader)",
    )

    # A roadblock that needs a leader's decision: what the middle spotlights for leadership.
    is_roadblock = models.BooleanField("needs a leader's decision", default=False)
    roadblock_ask = models.CharField("the ask, in one sentence", max_length=300, blank=True)
    roadblock_leader = models.ForeignKey(
        "leadership.Leader",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="roadblocks",
        verbose_name="leader it is for",
    )
    roadblock_cleared_on = models.DateField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["campaign", "status"], name="problem_campaign_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["backlog", "in_progress", "won", "dropped"]),
                name="problem_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="won") | models.Q(won_on__isnull=False),
                name="problem_won_has_date",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_aimed(self):
        """Does the problem serve a bull's-eye goal?"""
        return self.goal_id is not None

    @property
    def is_open_roadblock(self):
        return self.is_roadblock and self.roadblock_cleared_on is None and self.status not in ("won", "dropped")
