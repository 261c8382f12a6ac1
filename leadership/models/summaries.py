"""
Executive summaries: the schedule, the summaries themselves (a stored snapshot), and their deliveries.

Period arithmetic. A summary covers whole local days: a weekly one sent on a Monday covers the
seven days before that Monday, a monthly one sent on the 1st covers the previous month (on the 15th:
the 15th of last month up to the 14th). It is due at the schedule's hour on the send day, in the
campaign's time zone, so 08:00 stays 08:00 for the reader across daylight-saving changes (the
period is then 167 or 169 hours long). An hour that does not exist on the night clocks go forward
is read as the moment just after the jump; an hour that happens twice is its first occurrence.

The send day itself belongs to the next summary: feedback, touchpoints and wins carry a date, not a
time, so a day cannot be split at the send hour without counting its later entries twice or never.
Every page that names a period says which days it covers, and what it is compared with: the week
before, or the calendar month before (`Period.previous_bounds`).
"""

import calendar
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from campaign.models import Campaign
from leadership.models.delivery import Delivery, DeliveryStatus, OutboxRow


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


@dataclass(frozen=True)
class Period:
    """
    Whole local days [start, end) and the moment (aware, UTC) the summary for them is due.

    A period is a week (seven days) or a month (the same day of two months in a row), so it knows the
    period before it: the week before, or the month before, whatever their lengths (the period before
    March is February's 28 days, not the 28 days before 1 March). Summaries, their preview, test copies
    and the API all compare with this one.
    """

    start: date
    end: date  # exclusive: the send day
    due_at: datetime

    @property
    def last_day(self):
        return self.end - timedelta(days=1)

    @property
    def is_monthly(self):
        return self.end - self.start != timedelta(weeks=1)

    @property
    def previous_start(self):
        if not self.is_monthly:
            return self.start - timedelta(weeks=1)
        return _add_months(self.start, self.start.month - self.end.month + 12 * (self.start.year - self.end.year))

    def previous_bounds(self):
        """The period before this one (the week or the calendar month before), as (start, end) dates."""
        return self.previous_start, self.start

    @property
    def label(self):
        """What the mail calls the period: "November", or its days ("9–15 November")."""
        return days_label(self.start, self.end)

    @property
    def previous_label(self):
        """What the mail calls the period before, the one its figures are compared with: "October"."""
        return days_label(self.previous_start, self.start, year_of=self.last_day)

    def has_ended(self, today):
        """True once the period's last day is over (its summary may still be waiting for its hour)."""
        return today >= self.end

    def as_json(self):
        """The period and the one before, as the summary's snapshot stores them (for the mail and the API)."""
        previous_start, previous_end = self.previous_bounds()
        return {
            "start": self.start.isoformat(),
            "last_day": self.last_day.isoformat(),
            "label": self.label,
            "previous": {
                "start": previous_start.isoformat(),
                "last_day": (previous_end - timedelta(days=1)).isoformat(),
                "label": self.previous_label,
            },
        }


def days_label(start, end, *, year_of=None):
    """
    [start, end) in words: a calendar month by its name ("October"), other days by their first and last
    ("9–15 November", "29 December 2025 – 4 January 2026"); with the year when it is not `year_of`'s
    ("December 2025", "22–28 December 2025").
    """
    last = end - timedelta(days=1)
    year_of = year_of or last
    if start.day == 1 and end.day == 1 and _add_months(start, 1) == end:
        return f"{start:%B}" if start.year == year_of.year else f"{start:%B %Y}"
    if start.year != last.year:
        return f"{start.day} {start:%B %Y} – {last.day} {last:%B %Y}"
    year = "" if last.year == year_of.year else f" {last.year}"
    if start.month != last.month:
        return f"{start.day} {start:%B} – {last.day} {last:%B}{year}"
    return f"{start.day}–{last.day} {last:%B}{year}"


def _add_months(day, months):
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


class SummarySchedule(models.Model):
    """When a campaign's executive summary goes out, and to whom."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="summary_schedule")
    enabled = models.BooleanField("send summaries", default=False)
    cadence = models.CharField(max_length=10, choices=Cadence, default=Cadence.WEEKLY)
    weekday = models.PositiveSmallIntegerField(
        "day of the week", choices=Weekday, default=Weekday.MONDAY, help_text="For weekly summaries."
    )
    day_of_month = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text="For monthly summaries: 1 to 28, so every month has that day.",
    )
    hour = models.PositiveSmallIntegerField(
        "hour of the day",
        default=8,
        validators=[MaxValueValidator(23)],
        help_text="0 to 23, in the campaign's time zone.",
    )
    all_leaders = models.BooleanField(
        "send to every leader", default=True, help_text="Off: only to the leaders chosen below."
    )
    recipients = models.ManyToManyField(
        "leadership.Leader", blank=True, related_name="+", verbose_name="chosen leaders"
    )
    skip_empty = models.BooleanField(
        "skip a period with nothing to report",
        default=False,
        help_text="Off: a quiet period still sends a short summary saying so.",
    )
    # Periods due before this moment are never sent: turning summaries on does not send last week's at once.
    active_since = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # Leaders' replies go to whoever last saved the schedule, as a pack's go to the champion who sent it.
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(hour__lte=23), name="schedule_hour_valid"),
            models.CheckConstraint(
                condition=models.Q(day_of_month__gte=1, day_of_month__lte=28), name="schedule_day_of_month_valid"
            ),
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="schedule_weekday_valid"),
        ]

    def __str__(self):
        return f"Summary schedule of {self.campaign}"

    @property
    def tz(self):
        return zoneinfo.ZoneInfo(self.campaign.time_zone)

    def due_moment(self, send_day):
        """The aware moment the summary sent on local `send_day` is due."""
        return datetime.combine(send_day, time(self.hour), tzinfo=self.tz).astimezone(zoneinfo.ZoneInfo("UTC"))

    def _step(self, send_day, steps):
        if self.cadence == Cadence.WEEKLY:
            return send_day + timedelta(weeks=steps)
        return _add_months(send_day, steps)

    def period_ending(self, send_day):
        return Period(start=self._step(send_day, -1), end=send_day, due_at=self.due_moment(send_day))

    def latest_due_period(self, now=None):
        """The most recent period whose summary was due at or before `now`."""
        now = now or timezone.now()
        today = now.astimezone(self.tz).date()
        if self.cadence == Cadence.WEEKLY:
            send_day = today - timedelta(days=(today.weekday() - self.weekday) % 7)
        else:
            send_day = today.replace(day=self.day_of_month)
            if send_day > today:
                send_day = _add_months(send_day, -1)
        if self.due_moment(send_day) > now:
            send_day = self._step(send_day, -1)
        return self.period_ending(send_day)

    def next_due_period(self, now=None):
        """The first period whose summary is due after `now`."""
        latest = self.latest_due_period(now)
        return self.period_ending(self._step(latest.end, 1))

    def current_period(self, now=None):
        """
        What the next summary will cover, for the preview: the period in progress, or one that has ended
        and whose summary waits for its hour today (see `Period.has_ended`).
        """
        return self.next_due_period(now)

    def period_after(self, period):
        """The period that follows `period`: the next summary's after it, which covers its send day."""
        return self.period_ending(self._step(period.end, 1))

    def today(self, now=None):
        """Today's date in the campaign's time zone."""
        return (now or timezone.now()).astimezone(self.tz).date()


class ExecutiveSummaryQuerySet(models.QuerySet):
    def for_list(self, campaign):
        """The campaign's summaries, newest first, each with its delivery counts by state, in one query."""
        count = models.Count
        q = models.Q
        return (
            self.filter(campaign=campaign)
            .defer("snapshot")
            .annotate(
                recipient_count=count("deliveries"),
                sent_count=count("deliveries", filter=q(deliveries__status=DeliveryStatus.SENT)),
                failed_count=count("deliveries", filter=q(deliveries__status=DeliveryStatus.FAILED)),
                opened_count=count("deliveries", filter=q(deliveries__opened_at__isnull=False)),
            )
            .order_by("-period_start")
        )


class ExecutiveSummary(models.Model):
    """
    One period's summary for one campaign. Its figures and chosen items are stored with it
    (`snapshot`), so what a leader reads later is what was sent.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="executive_summaries")
    period_start = models.DateField()
    period_end = models.DateField(help_text="The send day; the period covers the days before it.")
    due_at = models.DateTimeField()
    snapshot = models.JSONField(default=dict)
    is_empty = models.BooleanField("nothing to report", default=False)
    skipped = models.BooleanField(default=False, help_text="Not sent: nothing to report, and the schedule says skip.")
    reply_to = models.EmailField(blank=True, help_text="Where leaders' replies go, chosen when the summary was made.")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ExecutiveSummaryQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start"]
        verbose_name_plural = "executive summaries"
        constraints = [
            # A second beat tick, a second beat or a re-run finds the row and creates nothing.
            models.UniqueConstraint("campaign", "period_start", name="summary_unique_per_campaign_period"),
        ]

    def __str__(self):
        return f"{self.campaign}: {self.period_start:%d %b %Y} – {self.last_day:%d %b %Y}"

    @property
    def last_day(self):
        return self.period_end - timedelta(days=1)


class SummaryDelivery(Delivery):
    summary = models.ForeignKey(ExecutiveSummary, on_delete=models.CASCADE, related_name="deliveries")
    opened_at = models.DateTimeField(
        null=True, blank=True, help_text="When the leader first followed the link to the web version."
    )

    class Meta:
        ordering = ["leader__name"]
        verbose_name_plural = "summary deliveries"
        constraints = [
            models.UniqueConstraint("summary", "leader", name="summary_delivery_unique_per_leader"),
        ]
        indexes = [
            models.Index(fields=["status", "claimed_at"], name="summarydelivery_status_claimed"),
            # What a leader was sent lately and whether they opened it (the leaders list's "never opens").
            models.Index(fields=["leader", "sent_at"], name="summarydelivery_leader_sent"),
        ]

    def __str__(self):
        return f"{self.summary} to {self.leader}"


class SummaryTestCopy(OutboxRow):
    """
    A summary sent to a member's own address as a test: the next summary as it stands (from the
    preview) or a summary already sent. It keeps its own snapshot and period, apart from
    ExecutiveSummary, so a test of the next summary never takes the row beat will create for that
    period. Its web-version and unsubscribe links name this row, never a leader or a delivery.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="summary_test_copies")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    name = models.CharField(max_length=200, help_text="Who the copy greets, as a leader's copy greets the leader.")
    email = models.EmailField()
    of_next = models.BooleanField("of the next summary", default=False)
    period_start = models.DateField()
    period_end = models.DateField()
    snapshot = models.JSONField(default=dict)
    opened_at = models.DateTimeField(null=True, blank=True)
    unsubscribe_tried_at = models.DateTimeField(
        null=True, blank=True, help_text="When its unsubscribe link was used; nobody was unsubscribed."
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "summary test copies"
        indexes = [models.Index(fields=["status", "claimed_at"], name="summarytestcopy_status_claimed")]

    def __str__(self):
        return f"Test copy of {self.campaign}'s summary to {self.email}"

    @property
    def last_day(self):
        return self.period_end - timedelta(days=1)
