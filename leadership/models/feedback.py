import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Lower, TruncWeek
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from campaign.activity import activity_recount_rows
from campaign.models import Campaign, Department, ServiceProblem
from campaign.search import SearchIndex


class Kind(models.TextChoices):
    COMPLAINT = "complaint", "Complaint"
    COMPLIMENT = "compliment", "Compliment"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    SURVEY = "survey", "Survey"
    SOCIAL = "social", "Social media"
    IN_PERSON = "in_person", "In person"
    HELPDESK = "helpdesk", "Helpdesk"
    OTHER = "other", "Other"


# How each channel reads after "Received 2 December …" ("by in person" would not).
CHANNEL_PHRASES = {
    Channel.EMAIL: "by email",
    Channel.PHONE: "by phone",
    Channel.SURVEY: "in a survey",
    Channel.SOCIAL: "on social media",
    Channel.IN_PERSON: "in person",
    Channel.HELPDESK: "through the helpdesk",
}


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


# Most severe first, wherever complaints are ranked.
SEVERITY_RANK = {Severity.CRITICAL: 4, Severity.HIGH: 3, Severity.MEDIUM: 2, Severity.LOW: 1}


class Status(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    RESOLVED = "resolved", "Resolved"


class Source(models.TextChoices):
    FORM = "form", "Form"
    IMPORT = "import", "CSV import"
    API = "api", "API"


OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)
# "Recently" for complaints traced to a department (the service map, the checkup): about a quarter.
TRACED_RECENT_DAYS = 90


class FeedbackTheme(models.Model):
    """What a piece of feedback is about (billing, delivery, staff attitude…): each campaign keeps its own list."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="feedback_themes")
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "campaign",
                Lower("name"),
                name="feedback_theme_unique_in_campaign",
                violation_error_message="This campaign already has a theme with that name.",
            )
        ]

    def __str__(self):
        return self.name


# What the log's charts show of a piece of feedback: a write touching none of these leaves them as they are.
CHART_FIELDS = frozenset({"campaign", "campaign_id", "kind", "received_on", "department", "department_id"})


class FeedbackStamp(models.Model):
    """
    A number that changes whenever a campaign's feedback changes in a way its charts show (an item
    added, deleted, or moved to another date, kind or department; a department renamed or removed).
    The log keeps its charts in the cache under it, so a chart is counted once per change rather
    than on every view, and never shows figures older than the last write.
    """

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, primary_key=True, related_name="+")
    # Starts at a random number: a campaign id reused (a test database rolled back) does not meet old cache keys.
    version = models.BigIntegerField(default=0)

    def __str__(self):
        return f"feedback of campaign {self.campaign_id}, version {self.version}"

    @classmethod
    def current(cls, campaign_id):
        """The campaign's version; a campaign made before stamps existed gets its stamp here, once."""
        stamp = cls.objects.filter(campaign_id=campaign_id).values_list("version", flat=True).first()
        if stamp is None:
            cls.objects.bulk_create([cls(campaign_id=campaign_id, version=secrets.randbits(62))], ignore_conflicts=True)
            stamp = cls.objects.filter(campaign_id=campaign_id).values_list("version", flat=True).get()
        return stamp

    @classmethod
    def bump(cls, campaign_ids):
        """Mark the campaigns' feedback as changed (in the caller's transaction); no stamp yet, nothing cached."""
        ids = {pk for pk in campaign_ids if pk is not None}
        if ids:
            cls.objects.filter(campaign_id__in=ids).update(version=models.F("version") + 1)


class FeedbackQuerySet(models.QuerySet):
    # Bulk writes keep the charts' stamp and the activity rollup right too (the CSV import, the API, the demo data).
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        created = super().bulk_create(objs, *args, **kwargs)
        FeedbackStamp.bump(obj.campaign_id for obj in objs)
        activity_recount_rows(self.model, objs)  # and the activity rollup
        return created

    def update(self, **kwargs):
        campaign_ids = set(self.values_list("campaign_id", flat=True).distinct()) if CHART_FIELDS & set(kwargs) else ()
        updated = super().update(**kwargs)
        FeedbackStamp.bump(campaign_ids)
        return updated

    update.alters_data = True

    def delete(self):
        campaign_ids = set(self.values_list("campaign_id", flat=True).distinct())
        deleted = super().delete()
        FeedbackStamp.bump(campaign_ids)
        return deleted

    delete.queryset_only = True
    delete.alters_data = True

    def for_log(self, campaign):
        """The campaign's feedback for the log page, newest first, with what each row shows joined in."""
        return (
            self.filter(campaign=campaign)
            .select_related("department", "traced_to", "theme", "service_problem")
            .order_by("-received_on", "-pk")
        )

    def traced_counts(self, campaign, *, since):
        """
        {department id: (open, received since `since`)} for the campaign's complaints traced to a
        department, in one grouped index-only scan of `feedback_traced` (it holds the traced
        complaints only, however many untraced ones the campaign has).
        """
        rows = (
            self.filter(campaign=campaign, kind=Kind.COMPLAINT, traced_to__isnull=False)
            .values_list("traced_to")
            .annotate(
                open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
                recent=Count("pk", filter=Q(received_on__gte=since)),
            )
            .order_by()
        )
        return {department: (open_count, recent) for department, open_count, recent in rows}

    def complaints(self):
        return self.filter(kind=Kind.COMPLAINT)

    def open_complaints(self):
        return self.filter(kind=Kind.COMPLAINT, status__in=OPEN_STATUSES)

    def counts_by_week_and_department(self, campaign, *, since):
        """
        (week, department name, complaints, compliments) for feedback received on or after `since`,
        in one grouped query over the window's index range (both of the log's charts come from it).
        """
        return (
            self.filter(campaign=campaign, received_on__gte=since)
            .annotate(week=TruncWeek("received_on"))
            .values_list("week", "department__name")
            .annotate(
                complaints=Count("kind", filter=Q(kind=Kind.COMPLAINT)),
                compliments=Count("kind", filter=Q(kind=Kind.COMPLIMENT)),
            )
            .order_by()
        )

    def counts_by_week(self, campaign, *, since):
        """Feedback per week (Monday-based) received on or after `since`, oldest week first, in one query."""
        return (
            self.filter(campaign=campaign, received_on__gte=since)
            .annotate(week=TruncWeek("received_on"))
            .values("week")
            .annotate(
                complaints=Count("kind", filter=Q(kind=Kind.COMPLAINT)),
                compliments=Count("kind", filter=Q(kind=Kind.COMPLIMENT)),
            )
            .order_by("week")
        )


class Feedback(models.Model):
    """A complaint or a compliment from a customer (inside or outside), and for complaints what is being done."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="feedback")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.COMPLAINT)
    received_on = models.DateField("received", default=timezone.localdate)
    channel = models.CharField(max_length=10, choices=Channel, default=Channel.EMAIL)
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
        verbose_name="department concerned",
    )
    # Where the complaint started: the internal department whose service to the front line was behind
    # it (the front line takes the complaint; the delay often began in the warehouse or in IT). Only
    # the partial index below reads it, so no index of its own on a column that is mostly empty.
    traced_to = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="traced_feedback",
        verbose_name="traced to",
        help_text="The internal department whose service to the front line was behind it, when you know.",
    )
    customer = models.CharField(
        max_length=120, blank=True, help_text="A name or a reference, when the customer gave one."
    )
    summary = models.TextField(max_length=2000, help_text="What the customer said, in a sentence or two.")
    severity = models.CharField(max_length=10, choices=Severity, blank=True)
    status = models.CharField(max_length=12, choices=Status, default=Status.OPEN)
    action = models.TextField(
        "what is being done", max_length=2000, blank=True, help_text="What is being done about it, for leaders to read."
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="owned_feedback"
    )
    resolved_on = models.DateField(null=True, blank=True)
    featured = models.BooleanField(
        "featured for leaders", default=False, help_text="A compliment chosen for the executive summary."
    )
    theme = models.ForeignKey(FeedbackTheme, on_delete=models.SET_NULL, null=True, blank=True, related_name="feedback")
    external_id = models.CharField(
        "sender's id", max_length=100, blank=True, help_text="The id in the system it came from (helpdesk, survey)."
    )
    source = models.CharField("arrived by", max_length=10, choices=Source, default=Source.FORM)
    service_problem = models.OneToOneField(
        ServiceProblem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
        verbose_name="service story",
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name_plural = "feedback"
        indexes = [
            # Covering the charts' columns: the log's per-week and per-department counts over a window
            # are index-only scans, however many years of feedback the campaign holds.
            models.Index(fields=["campaign", "received_on", "kind", "department"], name="feedback_campaign_received"),
            models.Index(fields=["campaign", "kind", "status"], name="feedback_campaign_kind_status"),
            models.Index(fields=["campaign", "resolved_on"], name="feedback_campaign_resolved"),
            # The executive summary's figures, each an index-only range scan: the two periods' counts by
            # kind, severity, department and theme; the open complaints (counted, and the most severe
            # first); the complaints resolved in the period; the featured compliments.
            models.Index(
                fields=["campaign", "received_on", "kind", "severity", "department", "theme"],
                name="feedback_received_detail",
            ),
            # In the summary's order (oldest first, then id): without the id the planner walks the log's
            # index over every row of the campaign to find the ten oldest open critical complaints.
            models.Index(
                fields=["campaign", "severity", "received_on", "id"],
                condition=Q(kind="complaint", status__in=["open", "in_progress"]),
                name="feedback_open_complaints_order",
            ),
            models.Index(
                fields=["campaign", "resolved_on"],
                condition=Q(kind="complaint"),
                name="feedback_complaint_resolved",
            ),
            models.Index(fields=["campaign", "received_on"], condition=Q(featured=True), name="feedback_featured"),
            # The log's order, newest first: the first page of a filtered or searched log reads the campaign's
            # newest rows until 25 match, instead of whole days of them to sort (a search for "17 minutes"
            # over a million items read 10,000 rows for its 25).
            models.Index(fields=["campaign", "received_on", "id"], name="feedback_log_order"),
            # Complaints traced to where they started: the service map's and the checkup's counts per
            # department (index-only: the status is its last column), the summary's "where they started",
            # and the log filtered by one department, newest first. Only traced complaints are in it.
            models.Index(
                fields=["campaign", "traced_to", "received_on", "id", "status"],
                condition=Q(kind="complaint", traced_to__isnull=False),
                name="feedback_traced",
            ),
            # The log's text search (FeedbackFilterForm.filter): a campaign's matches from the index.
            SearchIndex("summary", "customer", "action", name="feedback_search"),
        ]
        constraints = [
            # Integrations resend; the sender's id makes a second copy impossible.
            models.UniqueConstraint(
                "campaign",
                "external_id",
                condition=~Q(external_id=""),
                name="feedback_external_id_unique_in_campaign",
                violation_error_message="This campaign already has feedback with that sender's id.",
            ),
            models.CheckConstraint(
                condition=(Q(kind=Kind.COMPLAINT) & Q(severity__in=Severity.values))
                | (Q(kind=Kind.COMPLIMENT) & Q(severity="")),
                name="feedback_severity_only_for_complaints",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.RESOLVED) | Q(resolved_on__isnull=False),
                name="feedback_resolved_has_date",
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="feedback_status_valid"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.summary[:60]}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or CHART_FIELDS & set(update_fields):
            FeedbackStamp.bump([self.campaign_id])

    def delete(self, *args, **kwargs):
        campaign_id = self.campaign_id
        deleted = super().delete(*args, **kwargs)
        FeedbackStamp.bump([campaign_id])
        return deleted

    @property
    def is_complaint(self):
        return self.kind == Kind.COMPLAINT

    @property
    def channel_phrase(self):
        """How it reached us, to follow "Received 2 December": "by email", "in person"… (empty for other)."""
        return CHANNEL_PHRASES.get(self.channel, "")

    @property
    def can_become_story(self):
        """A resolved complaint with no story yet can be turned into a won problem on the wins board."""
        return self.is_complaint and self.status == Status.RESOLVED and self.service_problem_id is None


def hash_api_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def for_token(self, token):
        """The live token a raw bearer value belongs to (only the hash is stored)."""
        return self.active().filter(token_hash=hash_api_token(token)).select_related("campaign")


class ApiToken(models.Model):
    """A bearer token that lets one outside system send feedback to one campaign. Stored hashed, shown once."""

    PREFIX = "rt_"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80, help_text="Which system uses it, e.g. “Helpdesk export”.")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False, help_text="The token's first characters, to tell it apart.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    def issue(self):
        """Give the token its secret; returns the raw value, which is never stored and shown only once."""
        raw = self.PREFIX + secrets.token_urlsafe(32)
        self.token_hash = hash_api_token(raw)
        self.hint = raw[:10]
        return raw


@receiver(post_save, sender=Campaign, dispatch_uid="feedback_stamp_campaign_created")
def _campaign_created(sender, instance, created, raw=False, **kwargs):
    """Every new campaign starts with its stamp, so the log reads it in one query."""
    if created and not raw:
        FeedbackStamp.objects.bulk_create(
            [FeedbackStamp(campaign_id=instance.pk, version=secrets.randbits(62))], ignore_conflicts=True
        )


@receiver(post_save, sender=Department, dispatch_uid="feedback_stamp_department_saved")
@receiver(post_delete, sender=Department, dispatch_uid="feedback_stamp_department_deleted")
def _department_changed(sender, instance, **kwargs):
    """A department renamed or removed (its feedback then has none) changes the log's charts."""
    FeedbackStamp.bump([instance.campaign_id])
