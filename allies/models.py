import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone

from campaign.models import Campaign, Department, Level, MemberDelivery, Nomination, ServiceProblem
from campaign.pickers import PickerSource
from campaign.search import SearchIndex


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


def _stage_rank():
    """The ladder position of `stage` as a database expression, so lists can sort by it."""
    return models.Case(
        *(models.When(stage=stage, then=models.Value(stage.rank)) for stage in Stage),
        output_field=models.IntegerField(),
    )


def last_touch_before(cutoff):
    """Allies with no touchpoint on or after `cutoff`: never touched, or last touched before it."""
    return models.Q(last_touch_on__isnull=True) | models.Q(last_touch_on__lt=cutoff)


class AllyQuerySet(models.QuerySet):
    SORTS = {
        "name": ["name", "pk"],
        "stage": ["-stage_rank", "name", "pk"],
        "last_touch": [models.F("last_touch").asc(nulls_first=True), "name", "pk"],
        "follow_up": [models.F("follow_up_on").asc(nulls_last=True), "name", "pk"],
    }

    def with_last_touch(self):
        """
        Annotate `last_touch`: the date of the ally's latest touchpoint, or None. Read from the
        `last_touch_on` column that `allies.services.refresh_last_touch` keeps up to date, not worked
        out from the touchpoints.
        """
        return self.annotate(last_touch=models.F("last_touch_on"))

    def for_list(
        self, campaign, *, department=None, level="", stage="", source="", stale=False, awaiting=False, q="", sort=""
    ):
        """
        The campaign's allies as the ally list shows them: filtered, searched by name and sorted
        (`name`, `stage` up the ladder first, `last_touch` longest-untouched first, `follow_up` soonest first),
        with department and owner joined and `last_touch` and `stage_rank` annotated. The campaign is not
        joined: the caller has it (the list's views set `ally.campaign` on the rows they show).
        """
        allies = (
            self.filter(campaign=campaign)
            .select_related("department", "recruited_by")
            .with_last_touch()
            .annotate(stage_rank=_stage_rank())
        )
        if department:
            allies = allies.filter(department=department)
        if level:
            allies = allies.filter(level=level)
        if stage:
            allies = allies.filter(stage=stage)
        if source:
            allies = allies.filter(source=source)
        if stale:
            allies = allies.stale(campaign)
        if awaiting:
            allies = allies.filter(awaiting_review=True)
        if q:
            allies = allies.filter(name__icontains=q.strip())
        return allies.order_by(*self.SORTS.get(sort, self.SORTS["name"]))

    def picker_source(self, campaign):
        """The campaign's allies as pickers search them: by name, with their department beside it."""
        return PickerSource(self.filter(campaign=campaign), search_field="name", detail_field="department__name")

    def stale(self, campaign):
        """
        Allies nobody has been in touch with for `campaign.stale_after_days`: on the list longer than that,
        and no touchpoint on or after the cut-off day. Someone added last week has not gone quiet yet, and
        declined allies are left out: nobody is meant to be tending them.
        """
        days = timedelta(days=campaign.stale_after_days)
        return (
            self.filter(campaign=campaign, created_at__lt=timezone.now() - days)
            .exclude(stage=Stage.DECLINED)
            .filter(last_touch_before(timezone.localdate() - days))
        )

    def _owned_by(self, user, campaign):
        return (
            self.filter(campaign=campaign, recruited_by=user)
            .exclude(stage=Stage.DECLINED)
            .select_related("campaign", "department")
            .with_last_touch()
            .order_by("follow_up_on", "name", "pk")
        )

    def follow_ups_due(self, user, campaign):
        """Allies `user` owns in `campaign` whose next follow-up is today or already past, oldest first."""
        return self._owned_by(user, campaign).filter(follow_up_on__lte=timezone.localdate())

    def follow_ups_upcoming(self, user, campaign, days=7):
        """Allies `user` owns whose next follow-up falls in the coming `days` (tomorrow onwards)."""
        today = timezone.localdate()
        return self._owned_by(user, campaign).filter(
            follow_up_on__gt=today, follow_up_on__lte=today + timedelta(days=days)
        )

    def for_page(self, campaign):
        """
        The campaign's allies with what the ally page shows beside the touchpoints: department, owner,
        stage history (with who moved them), the persona cards they wrote and the problems they worked on;
        `touchpoint_count` annotated (the touchpoints of `Touchpoint.objects.for_ally`).
        """
        through = Touchpoint.allies.through.objects.filter(
            ally_id=models.OuterRef("pk"), touchpoint__campaign_id=models.OuterRef("campaign_id")
        )
        counted = through.order_by().values("ally_id").annotate(n=models.Count("*")).values("n")
        return (
            self.filter(campaign=campaign)
            .select_related("campaign", "department", "recruited_by")
            .with_last_touch()
            # What the page's touchpoint pager would otherwise count in a query of its own.
            .annotate(touchpoint_count=Coalesce(models.Subquery(counted), 0))
            .prefetch_related(
                models.Prefetch("stage_changes", queryset=StageChange.objects.select_related("changed_by")),
                models.Prefetch(
                    "persona_cards",
                    queryset=self.model._meta.get_field("persona_cards")
                    .related_model.objects.select_related("department_served")
                    .order_by("-created_at", "-pk"),
                ),
                models.Prefetch("problems", queryset=ServiceProblem.objects.order_by("-opened_on", "-pk")),
            )
        )


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
    # The date of the ally's latest touchpoint (None: never touched), so "stale" and "sort by last touch"
    # read a column instead of every ally's touchpoints. Written only by services.refresh_last_touch.
    # Its index, (campaign, last_touch_on NULLS FIRST, name, id) for the list's sort, is made by
    # migration 0004 (SQLite takes no NULLS FIRST in an index, so it is not declared here).
    last_touch_on = models.DateField("last touch", null=True, blank=True, editable=False)
    # Set by the check-in email's one-click unsubscribe (allies.checkin): later rounds leave them out.
    checkin_unsubscribed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = AllyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "allies"
        indexes = [
            models.Index(fields=["campaign", "stage"], name="ally_campaign_stage"),
            # The ally list's default order (and its name search): the first page reads 25 index entries
            # instead of sorting the whole campaign.
            models.Index(fields=["campaign", "name", "id"], name="ally_campaign_name"),
            # The list's "follow-up, soonest first" order (NULLs last, as the index keeps them).
            models.Index(fields=["campaign", "follow_up_on", "name", "id"], name="ally_campaign_follow_up"),
            # The "N volunteers waiting" count on every ally list: only the few awaiting rows are indexed.
            models.Index(fields=["campaign"], condition=models.Q(awaiting_review=True), name="ally_campaign_awaiting"),
            # The service map joins a campaign's inside cards to their writers for the writer's department: an
            # index-only scan of (campaign, id, department) instead of reading every ally row.
            models.Index(fields=["campaign", "id", "department"], name="ally_campaign_department"),
            # The list's name search and the ally pickers: a campaign's matching names from the index.
            SearchIndex("name", name="ally_name_search"),
        ]
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

    def save(self, *args, **kwargs):
        # An edit saves every field but last_touch_on: the instance may have been read before a touchpoint
        # was logged, and writing its copy back would undo refresh_last_touch's work.
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "last_touch_on"
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("allies:ally-detail", kwargs={"slug": self.campaign.slug, "pk": self.pk})

    def clean(self):
        if self.department_id and self.campaign_id and self.department.campaign_id != self.campaign_id:
            raise ValidationError({"department": "Choose one of this campaign's departments."})

    @property
    def stage_enum(self):
        return Stage(self.stage)

    @property
    def is_committed(self):
        return self.stage in COMMITTED_OR_BETTER


class StageChange(models.Model):
    """One step of an ally's history on the ladder: when they reached `to_stage`."""

    ally = models.ForeignKey(Ally, on_delete=models.CASCADE, related_name="stage_changes")
    # The ally's campaign, copied: momentum, the coverage page's growth chart and the executive summary
    # count a campaign's moves by date, and (campaign, changed_at) reaches them without joining the allies.
    campaign = models.ForeignKey("campaign.Campaign", on_delete=models.CASCADE, related_name="+", editable=False)
    from_stage = models.CharField(max_length=12, choices=Stage, blank=True)
    to_stage = models.CharField(max_length=12, choices=Stage)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]
        indexes = [
            models.Index(fields=["ally", "changed_at"], name="stagechange_ally_time"),
            models.Index(fields=["campaign", "changed_at"], name="stagechange_campaign_time"),
        ]

    def __str__(self):
        return f"{self.ally}: {self.from_stage or '—'} → {self.to_stage}"

    def save(self, *args, **kwargs):
        if self.campaign_id is None:
            self.campaign_id = self.ally.campaign_id
        super().save(*args, **kwargs)


class TouchpointQuerySet(models.QuerySet):
    def for_ally(self, ally):
        """
        The ally's touchpoints, newest first, with who logged them and the names of the other allies each
        one involved (read them as `touchpoint.others`), in the same query: no prefetch of every ally.
        """
        others = (
            Touchpoint.allies.through.objects.filter(touchpoint_id=models.OuterRef("pk"))
            .exclude(ally_id=ally.pk)
            .order_by()
            .values("touchpoint_id")
            .annotate(names=models.StringAgg("ally__name", models.Value(NAMES_SEPARATOR)))
            .values("names")
        )
        return (
            self.filter(campaign_id=ally.campaign_id, allies=ally)
            .select_related("logged_by")
            .annotate(other_names=Coalesce(models.Subquery(others), models.Value(""), output_field=models.TextField()))
        )


# Joins the names `for_ally` gathers; a control character no name is typed with (a comma could be).
NAMES_SEPARATOR = "\x1f"


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

    objects = TouchpointQuerySet.as_manager()

    class Meta:
        ordering = ["-happened_on", "-pk"]
        indexes = [models.Index(fields=["campaign", "happened_on"], name="touchpoint_campaign_date")]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.happened_on:%Y-%m-%d}"

    @property
    def others(self):
        """The other allies' names gathered by `Touchpoint.objects.for_ally`, by name, comma-separated."""
        names = self.other_names.split(NAMES_SEPARATOR) if self.other_names else []
        return ", ".join(sorted(names, key=lambda name: (name.casefold(), name)))


class JoinLinkQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def for_token(self, token):
        """The active link a token from an address belongs to, with its campaign."""
        return self.active().filter(token=token).select_related("campaign")


class JoinLink(models.Model):
    """
    A campaign's secret "join the movement" address. Colleagues who open it volunteer as allies.

    The token is kept as it is (not hashed): admins must be able to copy the link again to share it,
    and what it unlocks is a sign-up form, nothing more. Rotating makes a new row and switches the old off.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="join_links")
    token = models.CharField(max_length=64, unique=True, editable=False, default=secrets.token_urlsafe)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=True)

    objects = JoinLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                "campaign", condition=models.Q(active=True), name="joinlink_one_active_per_campaign"
            )
        ]

    def __str__(self):
        return f"Join link for {self.campaign} ({'on' if self.active else 'off'})"

    def get_absolute_url(self):
        return reverse("allies:join", kwargs={"token": self.token})


# --- The middle's check-in (allies.checkin) ------------------------------------------------------


class CheckinRoundQuerySet(models.QuerySet):
    def for_list(self, campaign):
        """The campaign's rounds, newest first, with `invited` and `answered` (people with an answer) counted."""
        invites = CheckinInvite.objects.filter(round=models.OuterRef("pk")).order_by().values("round")
        invited = invites.annotate(n=models.Count("*")).values("n")
        answered = invites.filter(answered_at__isnull=False).annotate(n=models.Count("*")).values("n")
        return (
            self.filter(campaign=campaign)
            .annotate(invited=Coalesce(models.Subquery(invited), 0), answered=Coalesce(models.Subquery(answered), 0))
            .order_by("-period_start", "-pk")
        )


class CheckinRound(models.Model):
    """
    One round of the middle's check-in: a campaign's period (a fortnight, month or quarter, from its
    cadence). Unique per campaign and period, so a second beat tick opens nothing. It is open until
    `period_end` (exclusive), when the next round takes over; answers come in while it is open.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="checkin_rounds")
    period_start = models.DateField()
    period_end = models.DateField(help_text="The day after the round's last day.")
    cadence = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CheckinRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint("campaign", "period_start", name="checkin_round_one_per_period"),
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F("period_start")), name="checkin_round_period"
            ),
        ]

    def __str__(self):
        return f"Check-in {self.period_start:%-d %b %Y} – {self.last_day:%-d %b %Y}"

    def get_absolute_url(self):
        return reverse("allies:checkin-round", kwargs={"slug": self.campaign.slug, "pk": self.pk})

    @property
    def last_day(self):
        return self.period_end - timedelta(days=1)

    def is_open(self, today=None):
        return (today or self.campaign.today()) < self.period_end


class CheckinInvite(models.Model):
    """
    One person asked in one round: a middle-level ally, or a member who opted in. Unique per round and
    person, so nobody is asked twice in a round; its email is a member delivery (the outbox's row).
    """

    round = models.ForeignKey(CheckinRound, on_delete=models.CASCADE, related_name="invites")
    ally = models.ForeignKey(Ally, on_delete=models.CASCADE, null=True, blank=True, related_name="checkin_invites")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=150)
    department = models.ForeignKey(Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    delivery = models.OneToOneField(
        MemberDelivery, on_delete=models.SET_NULL, null=True, blank=True, related_name="checkin_invite"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["round", "department", "answered_at"], name="checkin_invite_answered")]
        constraints = [
            models.UniqueConstraint(
                "round", "ally", condition=models.Q(ally__isnull=False), name="checkin_invite_ally"
            ),
            models.UniqueConstraint(
                "round", "member", condition=models.Q(member__isnull=False), name="checkin_invite_member"
            ),
            models.CheckConstraint(
                condition=models.Q(ally__isnull=False, member__isnull=True)
                | models.Q(ally__isnull=True, member__isnull=False),
                name="checkin_invite_one_person",
            ),
        ]

    def __str__(self):
        return f"{self.name} in {self.round}"


class CheckinAnswer(models.Model):
    """
    One answer to one of the three questions, at most one per invite and question (the link is single
    use), and what it became: a recognition candidate, a backlog problem, or an ask of leadership.
    """

    class Question(models.TextChoices):
        PRAISE = "praise", "Who on your team did great service lately?"
        SUGGESTION = "suggestion", "What should leadership hear about?"
        ROADBLOCK = "roadblock", "What is in your way?"

    invite = models.ForeignKey(CheckinInvite, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(max_length=12, choices=Question)
    text = models.CharField(max_length=300)
    person = models.CharField(max_length=120, blank=True)
    nomination = models.ForeignKey(Nomination, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    problem = models.ForeignKey(ServiceProblem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint("invite", "question", name="checkin_answer_once_per_question"),
            models.CheckConstraint(
                condition=models.Q(question__in=["praise", "suggestion", "roadblock"]), name="checkin_answer_question"
            ),
        ]

    def __str__(self):
        return f"{self.get_question_display()} {self.text}"
