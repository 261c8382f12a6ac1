import hashlib
import secrets
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone

from campaign.search import SearchIndex
from campaign.validators import validate_email_domains, validate_time_zone


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


class CheckinCadence(models.TextChoices):
    """How often the middle's check-in goes out (allies.checkin): a round per period, monthly unless changed."""

    OFF = "off", "Off"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"


class CampaignQuerySet(models.QuerySet):
    def for_user(self, user):
        """Campaigns the user is a member of, each annotated with the user's `role`."""
        if not user.is_authenticated:
            return self.none()
        memberships = Membership.objects.filter(campaign=models.OuterRef("pk"), user=user)
        return self.filter(memberships__user=user).annotate(role=models.Subquery(memberships.values("role")[:1]))

    def with_counts(self):
        """
        Add department, goal and member counts without one query per campaign.

        Each count is a subquery: `for_user` already joins memberships to filter on the user, and a
        `Count("memberships")` would reuse that join and count only the user's own membership.
        """
        return self.annotate(
            department_count=_count_of(Department),
            goal_count=_count_of(Goal),
            member_count=_count_of(Membership),
        )


def _count_of(model):
    """A subquery counting `model` rows of the outer campaign (0 when there are none)."""
    rows = (
        model.objects.filter(campaign=models.OuterRef("pk"))
        .order_by()
        .values("campaign")
        .annotate(n=models.Count("*"))
        .values("n")
    )
    return Coalesce(models.Subquery(rows), 0)


def _retention_days(what, since):
    """A retention period in days: at least one, blank to keep the data for as long as the campaign lives."""
    return models.PositiveIntegerField(
        f"keep {what} for (days)",
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1, "Keep it for at least one day, or leave the box empty to keep it."),
            MaxValueValidator(36500, "Keep it for at most 36500 days (a hundred years), or leave the box empty."),
        ],
        help_text=f"Days after it was {since}; empty keeps it.",
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
    recognition_gap_weeks = models.PositiveSmallIntegerField(
        "weeks before a leader is reminded to recognise someone",
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text="The checkup flags a leader who has held no recognition moment for this many weeks.",
    )
    # Company sign-in (campaign.sso): colleagues whose verified address is at one of these domains join
    # with the default role at their first sign-in, without an invitation.
    sso_domains = models.CharField(
        "allowed email domains",
        max_length=500,
        blank=True,
        validators=[validate_email_domains],
        help_text="Comma-separated, like example.com, example.org. People who sign in with company sign-in "
        "and a verified address at one of these join this campaign without an invitation.",
    )
    sso_default_role = models.CharField(
        "role for allowed domains",
        max_length=10,
        choices=[(Role.VIEWER, Role.VIEWER.label), (Role.CHAMPION, Role.CHAMPION.label)],
        default=Role.VIEWER,
        help_text="The role someone from an allowed domain gets when they join.",
    )
    require_mfa = models.BooleanField(
        "require a second factor",
        default=False,
        help_text="Members who sign in with a password must set up an authenticator app before they can "
        "open this campaign.",
    )
    packs_need_approval = models.BooleanField(
        "packs need a second champion's approval",
        default=False,
        help_text="Before a briefing pack goes to leaders, another champion or an admin reads it and approves it.",
    )
    # The middle's check-in (allies.checkin): three questions to every middle-level ally, once a period.
    checkin_cadence = models.CharField(
        "the middle's check-in",
        max_length=12,
        choices=CheckinCadence,
        default=CheckinCadence.MONTHLY,
        help_text="How often middle-level allies (and members who opt in) get the three-question check-in email.",
    )
    # Retention (campaign.privacy.retention): how many days each kind of personal data is kept; blank keeps it.
    retain_customer_names_days = _retention_days("customers' names in feedback", "received")
    retain_touchpoint_notes_days = _retention_days("touchpoint notes", "dated")
    retain_email_bodies_days = _retention_days("the bodies of sent emails", "sent")
    retain_departed_allies_days = _retention_days("allies who declined", "marked declined")
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when an admin asks for the campaign to be deleted (campaign.closing): from then on nobody can open
    # it, and a background job removes its rows in batches, counting them, until the campaign row goes too.
    deletion_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    deletion_claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    deletion_total_rows = models.PositiveBigIntegerField(default=0, editable=False)
    deletion_deleted_rows = models.PositiveBigIntegerField(default=0, editable=False)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("campaign:home", kwargs={"slug": self.slug})

    @property
    def zone(self):
        """The campaign's time zone, as a tzinfo."""
        return zoneinfo.ZoneInfo(self.time_zone)

    def today(self):
        """Today's date where the campaign works: what "today" and "3 days ago" mean to its people."""
        return timezone.now().astimezone(self.zone).date()

    @property
    def is_being_deleted(self):
        return self.deletion_started_at is not None

    @property
    def deletion_percent(self):
        """How far the deletion has gone, 0–99 while rows remain (the campaign row itself goes last)."""
        if not self.deletion_total_rows:
            return 0
        return min(99, self.deletion_deleted_rows * 100 // self.deletion_total_rows)

    @property
    def allowed_domains(self):
        """The allowed email domains, lower-cased, in the order written."""
        return [item.strip().lower() for item in self.sso_domains.split(",") if item.strip()]

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


class GoalQuerySet(models.QuerySet):
    def with_win_counts(self, campaign):
        """
        The campaign's goals, each annotated with `win_count`: how many won problems serve it.

        A count per goal over the index on (goal, status), rather than joining every problem of the table.
        """
        wins = (
            ServiceProblem.objects.filter(goal=models.OuterRef("pk"), status="won")
            .order_by()
            .values("goal")
            .annotate(n=models.Count("*"))
            .values("n")
        )
        return self.filter(campaign=campaign).annotate(win_count=Coalesce(models.Subquery(wins), 0))

    def with_latest_reading(self, campaign, *, as_of=None):
        """
        The campaign's goals, each annotated with `latest_value` and `latest_on`: its newest reading
        (taken before `as_of`, a date, when given: a summary's period end), None when it has none.

        Two correlated subqueries over the unique index on (goal, taken_on), read backwards: one query
        however many readings lie behind. `campaign.readings.progress(goal)` turns a goal annotated so
        into its standing against the line from baseline to target.
        """
        readings = GoalReading.objects.filter(goal=models.OuterRef("pk"))
        if as_of is not None:
            readings = readings.filter(taken_on__lt=as_of)
        newest = readings.order_by("-taken_on")
        return self.filter(campaign=campaign).annotate(
            latest_value=models.Subquery(newest.values("value")[:1]),
            latest_on=models.Subquery(newest.values("taken_on")[:1]),
        )


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

    class Direction(models.TextChoices):
        UP = "up", "Up is better"
        DOWN = "down", "Down is better"

    class Cadence(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"

    # How many days without a reading a cadence allows before the checkup says so.
    CADENCE_DAYS = {Cadence.WEEKLY: 7, Cadence.MONTHLY: 31, Cadence.QUARTERLY: 92}

    unit = models.CharField(max_length=30, blank=True, help_text="What a reading counts in: %, NPS points, £k…")
    direction = models.CharField(max_length=4, choices=Direction, default=Direction.UP)
    baseline_value = models.DecimalField("baseline", max_digits=14, decimal_places=4, null=True, blank=True)
    baseline_on = models.DateField("baseline date", null=True, blank=True)
    target_value = models.DecimalField("target", max_digits=14, decimal_places=4, null=True, blank=True)
    target_on = models.DateField("target date", null=True, blank=True)
    cadence = models.CharField(
        "reading cadence",
        max_length=10,
        choices=Cadence,
        default=Cadence.MONTHLY,
        help_text="How often a new reading is due; the checkup says when one is overdue.",
    )

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            # A baseline and a target each come with their date; a target needs a baseline to start from.
            models.CheckConstraint(
                condition=models.Q(baseline_value__isnull=True, baseline_on__isnull=True)
                | models.Q(baseline_value__isnull=False, baseline_on__isnull=False),
                name="goal_baseline_with_date",
            ),
            models.CheckConstraint(
                condition=models.Q(target_value__isnull=True, target_on__isnull=True)
                | models.Q(target_value__isnull=False, target_on__isnull=False, baseline_value__isnull=False),
                name="goal_target_with_date_and_baseline",
            ),
            models.CheckConstraint(
                condition=models.Q(target_value__isnull=True) | ~models.Q(target_value=models.F("baseline_value")),
                name="goal_target_differs_from_baseline",
            ),
            models.CheckConstraint(
                condition=models.Q(target_on__isnull=True) | models.Q(target_on__gt=models.F("baseline_on")),
                name="goal_target_after_baseline",
            ),
            models.CheckConstraint(condition=models.Q(direction__in=["up", "down"]), name="goal_direction_valid"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("campaign:goal-detail", kwargs={"slug": self.campaign.slug, "pk": self.pk})

    @property
    def bullseye_hint(self):
        """A plain hint when the measure counts the campaign's own activity instead of an outcome for customers."""
        from campaign.bullseye import check_measure

        return check_measure(self.measure)

    @property
    def is_measured(self):
        """Has the goal a baseline and a target, so that readings can be set against the line between them?"""
        return self.target_value is not None and self.baseline_value is not None

    @property
    def cadence_days(self):
        return self.CADENCE_DAYS.get(self.cadence, 31)


class GoalReading(models.Model):
    """One reading of a goal's measure on a day: one per goal and day (a second one for that day updates it)."""

    class Source(models.TextChoices):
        PAGE = "page", "Entered on the page"
        IMPORT = "import", "CSV import"
        API = "api", "API"

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="readings")
    taken_on = models.DateField("date")
    value = models.DecimalField(max_digits=14, decimal_places=4)
    note = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=10, choices=Source, default=Source.PAGE)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["goal", "taken_on"]
        constraints = [models.UniqueConstraint("goal", "taken_on", name="goal_reading_one_per_day")]

    def __str__(self):
        return f"{self.goal} on {self.taken_on:%-d %B %Y}"


class MembershipQuerySet(models.QuerySet):
    def admins(self):
        return self.filter(role=Role.ADMIN)


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role, default=Role.CHAMPION)
    # A member who is not a middle-level ally may still ask for the middle's check-in (allies.checkin).
    gets_checkin = models.BooleanField("gets the middle's check-in", default=False)
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


# A won problem's story needs at least these: what they did, and service before and after.
STORY_REQUIRED = ("story_what", "story_before", "story_after")
HAS_STORY = models.Q(*[~models.Q(**{name: ""}) for name in STORY_REQUIRED])
# Marked for a leader, not yet cleared, and still open: once won or dropped nothing is left to ask.
OPEN_ROADBLOCK = models.Q(is_roadblock=True, roadblock_cleared_on__isnull=True, status__in=["backlog", "in_progress"])


class ServiceProblemQuerySet(models.QuerySet):
    def for_cards(self):
        """
        With what a card shows (goal, department, owner) joined, and `people_count`.

        The count is a subquery per card rather than a join and GROUP BY, so a column's LIMIT applies
        before it: a full column of thousands of problems counts people for the cards shown only.
        """
        people = (
            ServiceProblem.people.through.objects.filter(serviceproblem_id=models.OuterRef("pk"))
            .order_by()
            .values("serviceproblem_id")
            .annotate(n=models.Count("*"))
            .values("n")
        )
        return self.select_related("goal", "department", "owner").annotate(
            people_count=Coalesce(models.Subquery(people), 0)
        )

    def backlog_order(self):
        """
        Easy first: difficulty (easy, medium, hard), then expected impact (high first), then the oldest.

        Ranks are computed in the database so the order holds over any number of rows; the index
        `problem_backlog_order` holds the same expressions, so the board's first cards are read in order.
        """
        return self.alias(difficulty_rank=difficulty_rank(), impact_rank=impact_rank()).order_by(
            "difficulty_rank", "-impact_rank", "opened_on", "pk"
        )

    def column(self, campaign, status):
        """
        One board column's cards in the order the board shows them: the backlog easy first, work in
        progress by when it started, won and dropped newest first.
        """
        return self.filter(campaign=campaign).for_cards().in_column(status)

    def in_column(self, status):
        """
        These problems of one status in their column's order (`column`): the board builds its cards'
        query once and narrows it per column, rather than building four.
        """
        cards = self.filter(status=status)
        if status == ServiceProblem.Status.BACKLOG:
            return cards.backlog_order()
        order = {"in_progress": ["started_on", "pk"], "won": ["-won_on", "-pk"], "dropped": ["-dropped_on", "-pk"]}
        return cards.order_by(*order[status])

    def board_figures(self, campaign):
        """
        Every count the board's rules and the checkup read, in one aggregate query.

        Keys: backlog, in_progress, won, dropped, easy_waiting, hard_in_progress,
        won_without_story, won_uncelebrated, won_unaimed, open_roadblocks.
        """
        won = models.Q(status="won")
        count = models.Count
        return self.filter(campaign=campaign).aggregate(
            backlog=count("pk", filter=models.Q(status="backlog")),
            in_progress=count("pk", filter=models.Q(status="in_progress")),
            won=count("pk", filter=won),
            dropped=count("pk", filter=models.Q(status="dropped")),
            easy_waiting=count("pk", filter=models.Q(status="backlog", difficulty="easy")),
            hard_in_progress=count("pk", filter=models.Q(status="in_progress", difficulty="hard")),
            won_without_story=count("pk", filter=won & ~HAS_STORY),
            won_uncelebrated=count("pk", filter=won & models.Q(celebrated_on__isnull=True)),
            won_unaimed=count("pk", filter=won & models.Q(goal__isnull=True)),
            open_roadblocks=count("pk", filter=OPEN_ROADBLOCK),
        )

    def open_roadblocks(self, campaign):
        """
        The campaign's roadblocks still waiting on a leader's decision, oldest first, with the leader,
        owner, department and goal joined: the "asks of leadership" briefing packs and summaries carry up.
        """
        return (
            self.filter(OPEN_ROADBLOCK, campaign=campaign)
            .select_related("roadblock_leader", "owner", "department", "goal")
            .order_by("opened_on", "pk")
        )

    def stories(self, campaign):
        """
        Won problems with their service story written, newest win first: what briefing packs pick from.

        Goal, department, owner and celebrating leader are joined; the people who worked on it are prefetched.
        """
        return (
            self.filter(HAS_STORY, campaign=campaign, status="won")
            .select_related("goal", "department", "owner", "celebrated_by")
            .prefetch_related("people")
            .order_by("-won_on", "-pk")
        )


# The backlog's order, easiest first then highest impact (ServiceProblem.Difficulty and Impact, in order):
# module-level so the model's index and the board's ORDER BY are the same expressions.
DIFFICULTY_ORDER = ("easy", "medium", "hard")
IMPACT_ORDER = ("low", "medium", "high")


def difficulty_rank():
    ranks = [models.When(difficulty=value, then=rank) for rank, value in enumerate(DIFFICULTY_ORDER)]
    return models.Case(*ranks, default=9)


def impact_rank():
    ranks = [models.When(impact=value, then=rank) for rank, value in enumerate(IMPACT_ORDER)]
    return models.Case(*ranks, default=-1)


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

    # Raised by the middle in a check-in (allies.checkin): the board tags it and names who raised it.
    from_the_middle = models.BooleanField("from the middle", default=False)
    raised_by = models.ForeignKey(
        "allies.Ally", on_delete=models.SET_NULL, null=True, blank=True, related_name="raised_problems"
    )
    raised_by_member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServiceProblemQuerySet.as_manager()

    # Where a card may go from each column: one click each on the board.
    MOVES = {
        "backlog": ["in_progress", "dropped"],
        "in_progress": ["won", "backlog", "dropped"],
        "won": ["in_progress"],
        "dropped": ["backlog"],
    }
    MOVE_LABELS = {"in_progress": "Start", "won": "Won", "backlog": "Back to backlog", "dropped": "Drop"}

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["campaign", "status"], name="problem_campaign_status"),
            # The momentum series groups problems started and won by week.
            models.Index(fields=["campaign", "started_on"], name="problem_campaign_started"),
            models.Index(fields=["campaign", "won_on"], name="problem_campaign_won"),
            # The board's backlog column, easy first (ServiceProblemQuerySet.backlog_order): its first cards
            # are read from the index in order instead of sorting the whole backlog.
            models.Index(
                models.F("campaign"),
                models.F("status"),
                difficulty_rank(),
                impact_rank().desc(),
                models.F("opened_on"),
                models.F("id"),
                name="problem_backlog_order",
            ),
            # The dropped column, newest first, and the wins per goal on the board.
            models.Index(fields=["campaign", "status", "dropped_on", "id"], name="problem_dropped_order"),
            models.Index(fields=["goal", "status"], name="problem_goal_status"),
            # The won column, newest first, read in order rather than filtered out of every win by date.
            models.Index(fields=["campaign", "status", "won_on", "id"], name="problem_won_order"),
            # The board's roadblocks panel, oldest first: the few open ones, not every problem of the campaign.
            models.Index(
                fields=["campaign", "opened_on", "id"], condition=OPEN_ROADBLOCK, name="problem_open_roadblocks"
            ),
            # The briefing composer's story search by title.
            SearchIndex("title", name="problem_title_search"),
        ]
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

    def get_absolute_url(self):
        return reverse("campaign:problem-detail", kwargs={"slug": self.campaign.slug, "pk": self.pk})

    @property
    def is_aimed(self):
        """Does the problem serve a bull's-eye goal?"""
        return self.goal_id is not None

    @property
    def is_open_roadblock(self):
        return self.is_roadblock and self.roadblock_cleared_on is None and self.status not in ("won", "dropped")

    @property
    def has_story(self):
        """A story needs what they did and service before and after; the figure and benefits are extra."""
        return all(getattr(self, name).strip() for name in STORY_REQUIRED)

    @property
    def is_celebrated(self):
        return self.celebrated_on is not None

    def moves(self):
        """The statuses this problem can move to, as (value, button label) pairs for the card's buttons."""
        reopen = self.status == self.Status.WON
        return [
            ("in_progress", "Reopen") if reopen else (value, self.MOVE_LABELS[value])
            for value in self.MOVES[self.status]
        ]

    def benefit_labels(self):
        return [self.Benefit(value).label for value in self.benefits if value in self.Benefit.values]

    def can_move_to(self, status):
        return status in self.MOVES.get(self.status, [])

    @property
    def raised_by_name(self):
        """Who raised it in a check-in (an ally, or a member who opted in); empty when nobody did."""
        if self.raised_by_id:
            return self.raised_by.name
        if self.raised_by_member_id:
            return self.raised_by_member.get_full_name() or self.raised_by_member.username
        return ""

    def move_to(self, status, *, today=None):
        """
        Change status and keep the dates in step (not saved). Winning needs the story first,
        so a won problem always has one: raises ValueError otherwise, as for a move not allowed.
        """
        if not self.can_move_to(status):
            raise ValueError(f"A problem cannot move from {self.status} to {status}.")
        if status == self.Status.WON and not self.has_story:
            raise ValueError("Write the story before moving the problem to won.")
        today = today or timezone.localdate()
        if status == self.Status.IN_PROGRESS:
            self.started_on = self.started_on or today
            self.won_on = None
        elif status == self.Status.WON:
            self.won_on = today
        elif status == self.Status.DROPPED:
            self.dropped_on = today
        elif status == self.Status.BACKLOG:
            self.dropped_on = None
            self.started_on = None
        self.status = status


class NominationQuerySet(models.QuerySet):
    def for_board(self, campaign):
        """
        The campaign's recognition candidates still waiting (nominated, or planned), oldest first, with who
        nominated them joined: the wins board's "Recognise" section.
        """
        return (
            self.filter(campaign=campaign, status__in=[Nomination.Status.CANDIDATE, Nomination.Status.PLANNED])
            .select_related("department", "nominated_by", "nominated_by_member")
            .order_by("created_at", "pk")
        )


class Nomination(models.Model):
    """
    Someone the middle says did great service lately: a candidate for recognition on the wins board, with
    the person, what they did and who nominated them, until a champion plans it and marks it celebrated.
    """

    class Status(models.TextChoices):
        CANDIDATE = "candidate", "To recognise"
        PLANNED = "planned", "Planned"
        CELEBRATED = "celebrated", "Celebrated"
        SET_ASIDE = "set_aside", "Set aside"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="nominations")
    person = models.CharField("who did great service", max_length=120)
    what = models.CharField("what they did", max_length=300)
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", help_text="The nominator's."
    )
    nominated_by = models.ForeignKey(
        "allies.Ally", on_delete=models.SET_NULL, null=True, blank=True, related_name="nominations"
    )
    nominated_by_member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status, default=Status.CANDIDATE)
    planned_on = models.DateField("when it will happen", null=True, blank=True)
    celebrated_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = NominationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["campaign", "status", "created_at"], name="nomination_board")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["candidate", "planned", "celebrated", "set_aside"]),
                name="nomination_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.person}: {self.what}"

    @property
    def nominated_by_name(self):
        if self.nominated_by_id:
            return self.nominated_by.name
        if self.nominated_by_member_id:
            return self.nominated_by_member.get_full_name() or self.nominated_by_member.username
        return ""


class AuditEntry(models.Model):
    """
    One change to who may do what in a campaign, or to how it is set up: who, when, before and after.

    Written only by `campaign.audit.audit_record`; never changed or removed afterwards (save refuses
    an update, delete refuses outright). Entries go only with their campaign.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="audit_entries")
    # The account may be deleted later; its name at the time stays readable.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_name = models.CharField(max_length=150)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=60)  # "campaign settings changed", "member role changed", …
    target = models.CharField(max_length=200, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    # The changed model's label ("leadership.summaryschedule"), so the page can name its fields and
    # show choice labels; blank on entries written before it was recorded.
    subject = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["campaign", "-at"], name="audit_campaign_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name}: {self.action} {self.target}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit entries cannot be deleted.")

    def changes(self):
        """(field, before, after) for each field that differs, as stored; campaign.audit.describe_changes words them."""
        keys = list(dict.fromkeys([*self.before, *self.after]))
        return [(key, self.before.get(key), self.after.get(key)) for key in keys]


class MemberDelivery(models.Model):
    """
    One email to one member (or would-be member) of a campaign, as a row: the outbox of member mail.

    `campaign.outbox` queues it, claims it (queued → sending) and sends it; the broker only says "look
    at this row". `context` holds the email template's values as plain JSON, so the row renders the same
    message whenever it is sent or shown. `secret_context` holds what must not outlive the send (an
    invitation's single-use link): it is blanked once the row is sent or has failed.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="member_deliveries")
    to_email = models.EmailField()
    template = models.CharField(max_length=60, help_text="The email's name: emails/<name>-subject.txt and the rest.")
    subject = models.CharField(max_length=300, help_text="As rendered when queued, for the outbox list.")
    context = models.JSONField(default=dict, blank=True)
    secret_context = models.JSONField(default=dict, blank=True)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The member whose action sent it (none for a volunteer's sign-up).",
    )
    # A notification sent at once for a campaign event (campaign.events): one row per event and address.
    event = models.ForeignKey(
        "campaign.Announcement", on_delete=models.CASCADE, null=True, blank=True, related_name="member_deliveries"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "member deliveries"
        indexes = [
            # The outbox list (newest first, per campaign) and the reaper's scan of rows in hand.
            models.Index(fields=["campaign", "-created_at"], name="member_delivery_outbox"),
            models.Index(fields=["status", "claimed_at"], name="member_delivery_in_hand"),
        ]
        constraints = [
            # A retried or repeated announcement never notifies the same address twice of one event.
            models.UniqueConstraint(
                "event", "to_email", condition=models.Q(event__isnull=False), name="member_delivery_once_per_event"
            ),
        ]

    def __str__(self):
        return f"{self.template} to {self.to_email} ({self.status})"

    @property
    def message_id(self):
        """Deterministic, so a mail system can spot a resend of the same delivery."""
        return f"<memberdelivery-{self.pk}@rising-tide>"


class CampaignExport(models.Model):
    """
    One "leave with your data" export of a whole campaign: a zip of every table tied to it, as CSV and
    JSON with a README, built by a Celery task (campaign.closing.campaign_export_build) under MEDIA_ROOT.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being built"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent of the tables written.")
    file_name = models.CharField(max_length=200, blank=True, help_text="The zip's path under MEDIA_ROOT.")
    row_count = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["campaign", "-created_at"], name="campaign_export_latest")]

    def __str__(self):
        return f"Export of {self.campaign} ({self.status})"

    @property
    def in_progress(self):
        """Waiting or being built, and not abandoned: a worker lost mid-export leaves it running forever."""
        recent = self.created_at > timezone.now() - timedelta(hours=1)
        return self.status in (self.Status.QUEUED, self.Status.RUNNING) and recent


class ActivityCount(models.Model):
    """
    How many of one kind of activity (a registered source: touchpoints, persona cards, problems won…)
    happened in a campaign on one day of its time zone: the rollup that momentum, home and the summary
    read instead of counting rows on every view. `campaign.activity` keeps it; a day with nothing has
    no row.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    source = models.CharField(max_length=40)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "day", "source"], name="activity_count_unique_day_source"),
        ]

    def __str__(self):
        return f"{self.source} on {self.day}: {self.count}"


class PrivacyJob(models.Model):
    """
    One subject access export or one erasure, as a row: what a worker does in the background and what
    the progress indicator reads. An erasure runs in one transaction, so a killed worker leaves the
    person as they were and the job queued or running; `campaign.privacy.tasks` picks it up again.

    The row names the person by kind and id only (`subject_label` is "Ally #12"), never by name.
    """

    class Kind(models.TextChoices):
        EXPORT = "export", "Export"
        ERASE = "erase", "Erasure"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="privacy_jobs")
    kind = models.CharField(max_length=10, choices=Kind)
    subject_kind = models.CharField(max_length=20)  # a key of campaign.privacy.registry's person kinds
    subject_pk = models.PositiveIntegerField()
    subject_label = models.CharField(max_length=60)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The export's zip, kept until its link expires (the retention task then empties it).
    result = models.BinaryField(null=True, blank=True, editable=False)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "claimed_at"], name="privacyjob_status_claimed")]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=["export", "erase"]), name="privacyjob_kind_valid"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.subject_label} ({self.status})"


# --- Events, chat channels, notifications (campaign.events, campaign.posts, campaign.notifications) ---


class Announcement(models.Model):
    """
    An event: something that happened in a campaign that channels post and members hear about: a win celebrated,
    a summary sent, a volunteer joined… (the kinds are campaign.events.KINDS). Written once by
    `campaign.events.announce`; `key` names what it is about, so announcing it again is a no-op.
    `audience` lists the user ids it concerns (null: every member whose role it suits).
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="announcements")
    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=120)
    subject = models.CharField(max_length=300)
    url = models.CharField(max_length=500, blank=True, help_text="A path on this site, where the event is seen.")
    facts = models.JSONField(default=list, blank=True, help_text="[label, value] pairs, shown under the subject.")
    extra = models.JSONField(default=dict, blank=True, help_text="Plain values an email of this kind reads.")
    audience = models.JSONField(null=True, blank=True)
    # The member whose action it was: not notified of it.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        constraints = [models.UniqueConstraint("campaign", "kind", "key", name="event_once_per_key")]
        indexes = [models.Index(fields=["campaign", "occurred_at"], name="event_campaign_occurred")]

    def __str__(self):
        return f"{self.kind}: {self.subject}"

    @property
    def absolute_url(self):
        return settings.SITE_URL + self.url if self.url else ""


class Channel(models.Model):
    """
    A place outside the app that gets a short post for some of the campaign's events: a Microsoft Teams
    or Slack channel (by its incoming webhook) or any HTTPS endpoint (a JSON body signed with HMAC).

    `secret_url` and `signing_secret` are secrets (whoever holds the URL can post to the channel): pages
    show them masked, exports and the audit log leave them out (their names carry "secret").
    A channel without a URL is "not configured" and gets nothing.
    """

    class Kind(models.TextChoices):
        TEAMS = "teams", "Microsoft Teams"
        SLACK = "slack", "Slack"
        WEBHOOK = "webhook", "Webhook (signed JSON)"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="channels")
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.TEAMS)
    secret_url = models.CharField("webhook address", max_length=1000, blank=True)
    signing_secret = models.CharField(max_length=64, blank=True)
    events = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField("posting", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["teams", "slack", "webhook"]), name="channel_kind_valid"
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.kind == self.Kind.WEBHOOK and not self.signing_secret:
            self.signing_secret = secrets.token_hex(32)
        super().save(*args, **kwargs)

    @property
    def is_configured(self):
        return bool(self.secret_url)

    @property
    def masked_url(self):
        """The address as pages show it: scheme and host, then the last four characters."""
        if not self.secret_url:
            return ""
        scheme, _, rest = self.secret_url.partition("://")
        host = rest.split("/", 1)[0].rsplit("@", 1)[-1]
        return f"{scheme}://{host}/…{self.secret_url[-4:]}"


class ChannelDelivery(models.Model):
    """
    One post of one event to one channel: the chat outbox, claimed and sent like member mail
    (campaign.outbox), unique per (event, channel) so an event is posted to a channel once.
    """

    Status = MemberDelivery.Status

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="channel_deliveries")
    event = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, null=True, blank=True, related_name="channel_deliveries"
    )
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="deliveries")
    # A test post from the settings page has no event; its subject is kept here like any other's.
    subject = models.CharField(max_length=300)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "channel deliveries"
        constraints = [models.UniqueConstraint("event", "channel", name="channel_delivery_once")]
        indexes = [
            models.Index(fields=["campaign", "-created_at"], name="channel_delivery_outbox"),
            models.Index(fields=["status", "claimed_at"], name="channel_delivery_in_hand"),
        ]

    def __str__(self):
        return f"{self.subject} to {self.channel_id} ({self.status})"

    @property
    def message_id(self):
        """Sent as X-RisingTide-Delivery: a receiver can spot a repeat of the same post."""
        return f"channeldelivery-{self.pk}"


class NotificationSettings(models.Model):
    """
    How one member hears of each kind of event (campaign.events.KINDS): `choices` maps a kind to
    "now", "daily", "weekly" or "off"; a kind missing takes the default for the member's role.
    """

    membership = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="notification_settings")
    choices = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "notification settings"

    def __str__(self):
        return f"Notifications of {self.membership}"


class NotificationDigest(models.Model):
    """
    One digest email of one member for one day or week: unique, so a second beat tick sends no second
    digest. `delivery` is the member mail that carries it (none when the period had nothing to tell).
    """

    class Cadence(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="notification_digests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    cadence = models.CharField(max_length=10, choices=Cadence)
    period_start = models.DateField()
    event_count = models.PositiveIntegerField(default=0)
    delivery = models.OneToOneField(
        MemberDelivery, on_delete=models.SET_NULL, null=True, blank=True, related_name="digest"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint("campaign", "user", "cadence", "period_start", name="digest_once_per_period")
        ]

    def __str__(self):
        return f"{self.get_cadence_display()} digest from {self.period_start} for {self.user_id}"
