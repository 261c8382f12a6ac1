"""
Retention per campaign: how long customers' names, touchpoint notes, sent emails' bodies and allies
who declined are kept (the `retain_*_days` fields of Campaign; empty keeps them).

Each app registers the rules for what it holds: which setting, what it affects (a queryset of the
rows due, given the campaign and the days) and how to anonymise a batch of them. A rule only ever
picks rows not yet anonymised, so the daily run is idempotent, and the Settings page counts the same
querysets to show what the next run will do.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import models, transaction
from django.utils import timezone

from campaign.models import Campaign

BATCH = 500

SETTINGS = (
    "retain_customer_names_days",
    "retain_touchpoint_notes_days",
    "retain_email_bodies_days",
    "retain_departed_allies_days",
)


@dataclass(frozen=True)
class RetentionRule:
    setting: str  # one of SETTINGS
    label: str  # "customers' names in feedback"
    due: Callable  # (campaign, days) -> queryset of the rows the next run anonymises
    anonymise: Callable  # (queryset of at most BATCH rows) -> rows changed


RULES: list[RetentionRule] = []


def register_retention(rule):
    if rule.setting not in SETTINGS:
        raise ValueError(f"unknown retention setting {rule.setting!r}")
    if rule not in RULES:
        RULES.append(rule)


def day_cutoff(campaign, days):
    """The first local day still kept: rows dated before it are due."""
    return campaign.today() - timedelta(days=days)


def moment_cutoff(days):
    return timezone.now() - timedelta(days=days)


def blanking_rule(setting, label, *, model, dated_by, blank):
    """
    A rule that empties fields of a model's rows once they are older than the setting's days.

    `dated_by` names the row's date: a DateField is counted in the campaign's local days, a
    DateTimeField from now. `blank` maps each field to its empty value; a row whose first field is
    already empty counts as done, so the rule stays idempotent.
    """
    first, empty = next(iter(blank.items()))
    by_moment = isinstance(model._meta.get_field(dated_by), models.DateTimeField)

    def due(campaign, days):
        cutoff = moment_cutoff(days) if by_moment else day_cutoff(campaign, days)
        return model.objects.filter(campaign=campaign, **{f"{dated_by}__lt": cutoff}).exclude(**{first: empty})

    return RetentionRule(setting, label, due=due, anonymise=lambda rows: rows.update(**blank))


def retention_preview(campaign):
    """[(label, days, rows the next run anonymises)] for the rules the campaign has switched on."""
    preview = []
    for rule in RULES:
        days = getattr(campaign, rule.setting)
        if days:
            preview.append((rule.label, days, rule.due(campaign, days).count()))
    return preview


def retention_apply(campaign):
    """Apply the campaign's retention, a batch per transaction; returns {label: rows anonymised}."""
    changed = {}
    for rule in RULES:
        days = getattr(campaign, rule.setting)
        if not days:
            continue
        total = 0
        while True:
            with transaction.atomic():
                due = rule.due(campaign, days)
                pks = list(due.order_by("pk").values_list("pk", flat=True)[:BATCH])
                if not pks:
                    break
                total += rule.anonymise(due.model._base_manager.filter(pk__in=pks))
        if total:
            changed[rule.label] = total
    return changed


def retention_apply_all():
    """(campaign id, changes) for every campaign with a retention setting."""
    any_setting = models.Q()
    for name in SETTINGS:
        any_setting |= models.Q(**{f"{name}__isnull": False})
    for campaign in Campaign.objects.filter(any_setting).order_by("pk").iterator():
        yield campaign.pk, retention_apply(campaign)
