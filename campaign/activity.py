"""
Activity counted once: the rollup of each registered source per campaign and day (`ActivityCount`).

Momentum, home and the executive summary read these few hundred rows instead of counting touchpoints,
cards and feedback again on every view. The rollup is always recounted from the rows themselves, never
incremented, so recounting a day twice changes nothing:

- a single save or delete of a source's row recounts its day (and the day it had before an edit) in
  the same transaction (`track_writes`, connected from `apps.py`);
- a bulk write (a CSV import, an API batch, a transfer, the demo) calls `activity_recount` for the
  days it touched, since bulk writes send no signals;
- the beat task `recount_recent_activity` recounts every campaign's recent days, which also catches
  what was written behind the ORM's back.

Days are the campaign's: a stage change at 23:30 in Auckland counts on Auckland's date.
"""

import threading
import zoneinfo
from contextlib import contextmanager
from datetime import datetime, time, timedelta

from django.db import models, transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.db.models.signals import post_delete, post_save, pre_save

from campaign import registry
from campaign.models import ActivityCount, Campaign

# What the beat task recounts each run: enough to cover a late import of last week's paper forms.
RECENT_DAYS = 14


def _bounds(source, tz, first, last):
    """The [low, high) filter values covering days first..last in `tz`, in the date field's own type."""
    if source.counts_moments:
        return (
            datetime.combine(first, time.min, tzinfo=tz),
            datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz),
        )
    return first, last + timedelta(days=1)


def day_counts(source, campaign, first, last):
    """{day: count} of `source` in `campaign` from `first` to `last` (inclusive), counted from its rows."""
    return _group_counts([source], campaign, first, last)[source.key]


def _group_counts(sources, campaign, first, last):
    """
    {source key: {day: count}} for sources sharing one model and date field: one query, each source a
    filtered COUNT over the days' rows.
    """
    model, field = sources[0].model, sources[0].date_field
    tz = zoneinfo.ZoneInfo(campaign.time_zone)
    low, high = _bounds(sources[0], tz, first, last)
    rows = model._default_manager.filter(campaign=campaign, **{f"{field}__gte": low, f"{field}__lt": high}).order_by()
    if len(sources) == 1:
        rows = rows.filter(sources[0].when)
    day = TruncDate(field, tzinfo=tz) if sources[0].counts_moments else models.F(field)
    counts = {f"n{index}": Count("pk", filter=source.when) for index, source in enumerate(sources)}
    found = {source.key: {} for source in sources}
    for row in rows.annotate(day=day).values("day").annotate(**counts):
        for index, source in enumerate(sources):
            if row[f"n{index}"]:
                found[source.key][row["day"]] = row[f"n{index}"]
    return found


def activity_recount(campaign, *, first, last, sources=None):
    """
    Recount the rollup of `campaign` from `first` to `last` (inclusive) for `sources` (all registered
    ones by default): the days' rows become what the sources hold now. Three statements for each model
    and date field (count every source on it, drop the days now empty, write the others), inside the
    caller's transaction when there is one.
    """
    sources = sources if sources is not None else registry.activity_sources()
    groups = {}
    for source in sources:
        groups.setdefault((source.model, source.date_field), []).append(source)
    with transaction.atomic(savepoint=False):
        for group in groups.values():
            found = _group_counts(group, campaign, first, last)
            keep = Q()
            for key, days in found.items():
                if days:
                    keep |= Q(source=key, day__in=list(days))
            stale = ActivityCount.objects.filter(
                campaign=campaign, source__in=list(found), day__gte=first, day__lte=last
            )
            (stale.exclude(keep) if keep else stale).delete()
            rows = [
                ActivityCount(campaign=campaign, source=key, day=day, count=n)
                for key, days in found.items()
                for day, n in days.items()
            ]
            if rows:
                ActivityCount.objects.bulk_create(
                    rows, update_conflicts=True, unique_fields=["campaign", "day", "source"], update_fields=["count"]
                )


def activity_recount_all(campaign):
    """Recount the whole history of `campaign`: after an import of old rows, or to build the rollup afresh."""
    sources = registry.activity_sources()
    tz = zoneinfo.ZoneInfo(campaign.time_zone)
    days = []
    for source in sources:
        span = (
            source.rows(campaign)
            .order_by()
            .aggregate(first=models.Min(source.date_field), last=models.Max(source.date_field))
        )
        for value in span.values():
            if value is not None:
                days.append(value.astimezone(tz).date() if source.counts_moments else value)
    ActivityCount.objects.filter(campaign=campaign).delete()
    if days:
        activity_recount(campaign, first=min(days), last=max(days), sources=sources)


def activity_recount_recent(*, days=RECENT_DAYS):
    """Recount the last `days` days of every campaign (the beat task); returns how many campaigns."""
    done = 0
    for campaign in Campaign.objects.filter(deletion_started_at=None).order_by("pk").iterator():
        today = campaign.today()
        activity_recount(campaign, first=today - timedelta(days=days - 1), last=today)
        done += 1
    return done


def backfill(**kwargs):
    """
    After `migrate` (post_migrate): build the rollup of every campaign that has none yet, such as the
    campaigns of a database upgraded from before the rollup existed. Runs on the models as they are once
    every migration is applied, which a data migration could not promise.
    """
    for campaign in Campaign.objects.filter(deletion_started_at=None).exclude(
        pk__in=ActivityCount.objects.values("campaign_id")
    ):
        activity_recount_all(campaign)


def counts_by_day(campaign, first, last):
    """{(day, source key): count} of the rollup from `first` to `last`: one query."""
    rows = ActivityCount.objects.filter(campaign=campaign, day__gte=first, day__lte=last)
    return {(day, source): n for day, source, n in rows.values_list("day", "source", "count")}


# Single writes: each save or delete recounts its day (and, after an edit, the day the row left) at once,
# in the same transaction, so the rollup commits or rolls back with the row. `deferred()` holds the
# recounts of a long run of single writes (the demo) until its end; a campaign being deleted is skipped.

_state = threading.local()


@contextmanager
def deferred():
    """
    Hold single-write recounts inside the block; recount the touched campaigns' history once at its end.
    It yields the set of touched campaign ids, to which a caller adds the campaigns it bulk-wrote.
    """
    outer = getattr(_state, "deferred", None)
    if outer is not None:  # already deferring: the outermost block recounts
        yield outer
        return
    _state.deferred = touched = set()
    try:
        yield touched
    finally:
        _state.deferred = None
    for campaign in Campaign.objects.filter(pk__in=touched, deletion_started_at=None):
        activity_recount_all(campaign)


def _sources_of(model):
    return [source for source in registry.activity_sources() if source.model is model]


def _dates(model, row):
    """The row's values of its sources' date fields, as dates or datetimes (a form may have left text)."""
    return [
        model._meta.get_field(source.date_field).to_python(getattr(row, source.date_field))
        for source in _sources_of(model)
    ]


def _day(value, tz):
    if value is None:
        return None
    return value.astimezone(tz).date() if isinstance(value, datetime) else value


def _recount_days(model, campaign_id, values, campaign=None):
    touched = getattr(_state, "deferred", None)
    if touched is not None:
        touched.add(campaign_id)
        return
    if campaign is None or campaign.deletion_started_at is not None:
        campaign = Campaign.objects.filter(pk=campaign_id, deletion_started_at=None).only("pk", "time_zone").first()
    if campaign is None:  # the campaign itself is going (deleted, or being deleted): its rollup goes with it
        return
    tz = zoneinfo.ZoneInfo(campaign.time_zone)
    days = {_day(value, tz) for value in values} - {None}
    if days:
        activity_recount(campaign, first=min(days), last=max(days), sources=_sources_of(model))


def activity_recount_rows(model, rows):
    """After a bulk write of `rows` of `model` (which sends no signals): recount the days they fall on."""
    by_campaign = {}
    for row in rows:
        by_campaign.setdefault(row.campaign_id, []).extend(_dates(model, row))
    for campaign_id, values in by_campaign.items():
        _recount_days(model, campaign_id, values)


def _before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    """Remember the dates an edit may move the row away from."""
    instance._activity_before = ()
    if raw or instance._state.adding or instance.pk is None:
        return
    fields = [source.date_field for source in _sources_of(sender)]
    if update_fields is not None:
        fields = [field for field in fields if field in update_fields]
    if fields:
        instance._activity_before = sender._default_manager.filter(pk=instance.pk).values_list(*fields).first() or ()


def _after_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    campaign = instance.campaign if sender.campaign.is_cached(instance) else None
    values = [*_dates(sender, instance), *getattr(instance, "_activity_before", ())]
    _recount_days(sender, instance.campaign_id, values, campaign)


def _after_delete(sender, instance, **kwargs):
    _recount_days(sender, instance.campaign_id, _dates(sender, instance))


def _track_writes(source):
    """Connect the single-write receivers to a registered source's model (once per model)."""
    uid = f"activity-{source.model._meta.label_lower}"
    pre_save.connect(_before_save, sender=source.model, dispatch_uid=uid)
    post_save.connect(_after_save, sender=source.model, dispatch_uid=uid)
    post_delete.connect(_after_delete, sender=source.model, dispatch_uid=uid)


registry.on_activity_source(_track_writes)


def _campaign_before_save(sender, instance, raw=False, **kwargs):
    """A campaign moved to another time zone: its moments fall on other days there."""
    instance._activity_old_zone = None
    if not raw and instance.pk and not instance._state.adding:
        instance._activity_old_zone = (
            Campaign.objects.filter(pk=instance.pk).values_list("time_zone", flat=True).first()
        )


def _campaign_after_save(sender, instance, raw=False, **kwargs):
    old = getattr(instance, "_activity_old_zone", None)
    if old is not None and old != instance.time_zone and instance.deletion_started_at is None:
        activity_recount_all(instance)


pre_save.connect(_campaign_before_save, sender=Campaign, dispatch_uid="activity-campaign-zone")
post_save.connect(_campaign_after_save, sender=Campaign, dispatch_uid="activity-campaign-zone")
