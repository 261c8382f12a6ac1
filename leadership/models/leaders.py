import zoneinfo
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from campaign.models import Campaign, Department, Level
from campaign.validators import validate_time_zone


class Stance(models.TextChoices):
    CHAMPION = "champion", "Champion"
    SUPPORTER = "supporter", "Supporter"
    NEUTRAL = "neutral", "Neutral"
    SKEPTIC = "skeptic", "Skeptic"
    OPPOSED = "opposed", "Opposed"


class LeadsWith(models.TextChoices):
    """
    How a leader likes to be told: some are drawn to trouble, others need uplifting first. It orders the
    sections of their briefing packs and of their copy of the executive summary (the same figures either way).
    """

    WELL = "well", "Lead with what is going well"
    WRONG = "wrong", "Lead with what is going wrong"


class Wiifm(models.TextChoices):
    """What a leader values — "what's in it for me" — so the campaign can speak to it."""

    BUDGET = "budget", "Budget"
    EFFICIENCY = "efficiency", "Efficiency targets"
    REVENUE = "revenue", "Revenue"
    BONUS = "bonus", "Bonus"
    TEAM = "team", "Their team"
    REPUTATION = "reputation", "Reputation"
    RISK = "risk", "Risk"


def campaign_today(campaign):
    """Today's date where the campaign works (Campaign.today)."""
    return campaign.today()


# Read once: zoneinfo lists the zones from the filesystem on every call.
TIME_ZONES = frozenset(zoneinfo.available_timezones())

# A leader sent this many packs and summaries in READING_DAYS days who opened none of them is flagged.
READING_DAYS = 90
NEVER_OPENS_AFTER = 2


class LeaderQuerySet(models.QuerySet):
    def for_list(self, campaign):
        """
        The campaign's leaders for the list page: owner and department joined, `last_engaged`
        (the latest engagement's date) and `engagement_count` computed in the database.

        Both are correlated subqueries on the (leader, date) index rather than a join and GROUP BY
        over every leader's columns: the page's 25 rows cost 25 index probes, and the paginator's
        count leaves them out.
        """
        engagements = Engagement.objects.filter(leader=models.OuterRef("pk")).order_by()
        # An accepted invitation to an event still to come is not an engagement yet: only past moments count.
        happened = engagements.filter(happened_on__lte=campaign_today(campaign))
        return (
            self.filter(campaign=campaign)
            .select_related("owner", "department", "campaign")
            .annotate(
                last_engaged=models.Subquery(happened.order_by("-happened_on").values("happened_on")[:1]),
                engagement_count=Coalesce(
                    models.Subquery(engagements.values("leader").annotate(n=models.Count("pk")).values("n")), 0
                ),
            )
            .order_by("name", "pk")
        )

    def with_reading(self, *, days=READING_DAYS, now=None):
        """
        Annotate what each leader was sent in the last `days` days (packs and summaries that went out) as
        `sent_recently`, and how many of those they opened as `opened_recently`: correlated subqueries on
        the deliveries' (leader, sent_at) indexes, so a page of leaders costs a few index probes each.
        """
        since = (now or timezone.now()) - timedelta(days=days)
        packs, summaries = (
            apps.get_model("leadership", name)
            .objects.filter(leader=models.OuterRef("pk"), sent_at__gte=since)
            .order_by()
            for name in ("PackDelivery", "SummaryDelivery")
        )

        def count(rows):
            return Coalesce(models.Subquery(rows.values("leader").annotate(n=models.Count("pk")).values("n")), 0)

        opened = {"opened_at__isnull": False}
        return self.annotate(
            sent_recently=count(packs) + count(summaries),
            opened_recently=count(packs.filter(**opened)) + count(summaries.filter(**opened)),
        )

    def never_open(self):
        """Leaders (annotated by `with_reading`) sent at least NEVER_OPENS_AFTER things lately who opened none."""
        return self.filter(sent_recently__gte=NEVER_OPENS_AFTER, opened_recently=0)

    def not_engaged_since(self, days, *, campaign):
        """Leaders (annotated by `for_list`) with no engagement in the last `days` days, or none at all."""
        cutoff = campaign_today(campaign) - timedelta(days=days)
        return self.filter(models.Q(last_engaged__lt=cutoff) | models.Q(last_engaged__isnull=True))


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
    objections = models.ManyToManyField(
        "leadership.Objection", blank=True, related_name="leaders", verbose_name="objections heard"
    )
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="Where they read their mail: a pack scheduled for 08:00 reaches them at 08:00 there. "
        "Blank means the campaign's time zone.",
    )
    # Everyone starts with what is going well: the campaign's tone is positive by default, and the stance says how
    # a leader sees the campaign, not whether bad news first is what moves them; a champion who knows says so.
    leads_with = models.CharField(
        "how they like to be told",
        max_length=5,
        choices=LeadsWith,
        default=LeadsWith.WELL,
        help_text="Orders the sections of their briefing packs and of their copy of the executive summary.",
    )
    receives_summaries = models.BooleanField(
        default=True, help_text="Off once the leader unsubscribes from executive summaries of this campaign."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LeaderQuerySet.as_manager()

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
            models.CheckConstraint(condition=models.Q(leads_with__in=LeadsWith.values), name="leader_leads_with_valid"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.time_zone and self.campaign_id:
            self.time_zone = self.campaign.time_zone
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("leadership:leader-detail", kwargs={"slug": self.campaign.slug, "pk": self.pk})

    @property
    def zone_name(self):
        """The leader's IANA time zone: their own (when it is one), else the campaign's."""
        return self.time_zone if self.time_zone in TIME_ZONES else self.campaign.time_zone

    def zone(self):
        return zoneinfo.ZoneInfo(self.zone_name)

    @property
    def never_opens(self):
        """Sent several things lately and opened none (needs the `with_reading` annotations)."""
        sent = getattr(self, "sent_recently", 0) or 0
        return sent >= NEVER_OPENS_AFTER and not getattr(self, "opened_recently", 0)

    def wiifm_labels(self):
        return [Wiifm(value).label for value in self.wiifm if value in Wiifm.values]

    @property
    def leads_with_label(self):
        """Named as LeaderChoice's, so the composer reads either the same way."""
        return self.get_leads_with_display()


class EvidenceKind(models.TextChoices):
    """Which of the campaign's own numbers back an objection's answer (leadership.evidence fills them in live)."""

    NONE = "none", "None: the written evidence only"
    COST = "cost", "Service is a cost: won stories, their before and after, what they saved"
    SCORES = "scores", "Our scores are good: the complaint and compliment trend, open complaints by age"
    BOTTOM_LINE = "bottom_line", "The bottom line: wins that brought revenue or kept customers, goals moving"


class Objection(models.Model):
    """A line leaders say when service comes up, with the positive answer the campaign has ready."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="objections")
    objection = models.CharField("what they say", max_length=200)
    response = models.TextField(
        "suggested response", max_length=3000, help_text="Start from the organisation's potential, not a complaint."
    )
    evidence = models.TextField("supporting evidence", max_length=3000, blank=True)
    evidence_kind = models.CharField(
        "the campaign's numbers behind it",
        max_length=12,
        choices=EvidenceKind,
        default=EvidenceKind.NONE,
        help_text="Filled in live wherever the answer is shown: on leaders' pages and in briefing packs.",
    )
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                "campaign",
                Lower("objection"),
                name="objection_unique_in_campaign",
                violation_error_message="The handbook already answers this objection.",
            ),
            models.CheckConstraint(
                condition=models.Q(evidence_kind__in=EvidenceKind.values), name="objection_evidence_kind_valid"
            ),
        ]

    def __str__(self):
        return self.objection


class EngagementKind(models.TextChoices):
    CUSTOMER_MEETING = "customer_meeting", "Customer meeting"
    FOCUS_GROUP = "focus_group", "Focus group"
    PANEL = "panel", "Panel"
    TEAM_MEETING = "team_meeting", "Team meeting"
    WORKSHOP = "workshop", "Workshop"
    RECOGNITION = "recognition", "Recognition moment"
    BENCHMARKING = "benchmarking", "Benchmarking visit"
    PITCH = "pitch", "One-on-one pitch"
    CLIPPING = "clipping", "Clipping sent"


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    ATTENDED = "attended", "Attended"
    DECLINED = "declined", "Declined"
    NO_ANSWER = "no_answer", "No answer"


class Engagement(models.Model):
    """One entry in a leader's engagement log: an invitation or a meeting, and what came of it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="engagements")
    leader = models.ForeignKey(Leader, on_delete=models.CASCADE, related_name="engagements")
    kind = models.CharField(max_length=20, choices=EngagementKind, default=EngagementKind.PITCH)
    recognition = models.CharField(
        "recognition moment",
        max_length=12,
        blank=True,
        choices=[("visit", "Visit"), ("handshake", "Handshake"), ("photo", "Photo"), ("speech", "Short speech")],
        help_text="For a recognition moment: how the leader took part.",
    )
    happened_on = models.DateField("date", default=timezone.localdate)
    outcome = models.CharField(max_length=10, choices=Outcome, default=Outcome.NO_ANSWER)
    note = models.CharField(max_length=500, blank=True)
    event = models.ForeignKey(
        "leadership.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="engagements",
        help_text="The invitation this answers, when it came from a briefing pack.",
    )
    problem = models.ForeignKey(
        "campaign.ServiceProblem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="celebration_engagements",
        verbose_name="win celebrated",
        help_text="The win whose celebration this was, when it was recorded on the wins board.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_on", "-pk"]
        indexes = [models.Index(fields=["leader", "happened_on"], name="engagement_leader_date")]
        constraints = [
            # One answer per leader per invitation: a second click on Accept updates, never duplicates.
            models.UniqueConstraint(
                "event", "leader", condition=models.Q(event__isnull=False), name="engagement_one_answer_per_event"
            ),
            # One log entry per win's celebration: recording it again moves the entry, never adds one.
            models.UniqueConstraint(
                "problem", condition=models.Q(problem__isnull=False), name="engagement_one_per_celebration"
            ),
            models.CheckConstraint(condition=models.Q(outcome__in=Outcome.values), name="engagement_outcome_valid"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} with {self.leader} on {self.happened_on}"


class Clipping(models.Model):
    """A story about another organisation's service success or disaster, clipped for leaders."""

    class Kind(models.TextChoices):
        SUCCESS = "success", "Service success"
        DISASTER = "disaster", "Service disaster"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="clippings")
    title = models.CharField(max_length=200)
    source = models.CharField(max_length=300, help_text="A link, or a citation: publication, date, page.")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.SUCCESS)
    summary = models.TextField(max_length=3000)
    note = models.TextField(
        "your note", max_length=1000, blank=True, help_text="Why you are sending it: your admiration or concern."
    )
    benefits = models.JSONField(
        "what it speaks to",
        default=list,
        blank=True,
        help_text="Values of ServiceProblem.Benefit: matched against each leader's WIIFM.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title

    @property
    def source_is_link(self):
        return self.source.startswith(("http://", "https://"))


class BenchmarkVisit(models.Model):
    """A visit to another organisation to see good service, reported on one page."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="benchmark_visits")
    organisation = models.CharField("organisation visited", max_length=160)
    visited_on = models.DateField("date", default=timezone.localdate)
    who_went = models.CharField(max_length=300)
    saw = models.TextField("what we saw", max_length=4000)
    learned = models.TextField("what we learned", max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-pk"]

    def __str__(self):
        return f"{self.organisation} ({date_format(self.visited_on, 'j M Y')})"

    def get_absolute_url(self):
        return reverse("leadership:visit-detail", kwargs={"slug": self.campaign.slug, "pk": self.pk})


class VisitAction(models.Model):
    """One thing we will apply after a benchmarking visit; it may become a backlog problem on the wins board."""

    visit = models.ForeignKey(BenchmarkVisit, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField("we will apply", max_length=160)
    position = models.PositiveSmallIntegerField(default=0)
    problem = models.OneToOneField(
        "campaign.ServiceProblem", on_delete=models.SET_NULL, null=True, blank=True, related_name="visit_action"
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text
