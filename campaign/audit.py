"""
The campaign's audit log: who changed settings, roles, API tokens or the summary schedule, when, from what, to what.

Views and services call `audit_record` after a change succeeds, with `snapshot`s taken before and after.
Only fields that changed are kept, so an entry reads as the change itself.
"""

import re
from datetime import date, datetime

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.text import capfirst

from campaign.models import AuditEntry

# How a moment or a day looks once stored by `_plain` (str of a datetime or a date).
_MOMENT = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d")
_DAY = re.compile(r"^\d{4}-\d\d-\d\d$")


class Snapshot(dict):
    """A snapshot's values, remembering which model they came from so the log can name its fields."""

    def __init__(self, values, *, model=""):
        super().__init__(values)
        self.model = model


def _plain(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def snapshot(instance, fields=None):
    """The instance's fields (or `fields`) as plain JSON values; many-to-many fields as sorted lists of names."""
    if instance is None:
        return {}
    values = Snapshot({}, model=instance._meta.label_lower)
    for field in instance._meta.get_fields():
        if fields is not None and field.name not in fields:
            continue
        if field.auto_created or field.name in ("id", "campaign", "token_hash", "created_at", "updated_at"):
            continue
        if isinstance(field, models.ManyToManyField):
            values[field.name] = sorted(str(obj) for obj in getattr(instance, field.name).all()) if instance.pk else []
        elif field.concrete:
            value = getattr(instance, field.name)
            values[field.name] = _plain(value)
    return values


def audit_record(*, campaign, actor, action, target="", before=None, after=None, subject=""):
    """
    Write one audit entry; with both `before` and `after`, only the fields that differ are kept.

    `subject` is the changed model's label ("campaign.membership"); snapshots carry their own.
    """
    subject = subject or getattr(after, "model", "") or getattr(before, "model", "")
    before, after = dict(before or {}), dict(after or {})
    if before and after:
        changed = {key for key in {*before, *after} if before.get(key) != after.get(key)}
        if not changed:
            return None
        before = {key: value for key, value in before.items() if key in changed}
        after = {key: value for key, value in after.items() if key in changed}
    return AuditEntry.objects.create(
        campaign=campaign,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(actor.get_username() if getattr(actor, "pk", None) else "system")[:150],
        action=action,
        target=str(target)[:200],
        before=before,
        after=after,
        subject=subject,
    )


def _field(subject, name):
    if not subject:
        return None
    try:
        return apps.get_model(subject)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None


def _moment(value, tz):
    moment = datetime.fromisoformat(value)
    if timezone.is_aware(moment):
        moment = moment.astimezone(tz)
    return format_date(moment, "j M Y H:i")


def describe_value(field, value, tz):
    """One stored value in words: a choice's label, Yes/No, a moment to the minute in `tz`, a day, a list."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, str) and _MOMENT.match(value):
        try:
            return _moment(value, tz)
        except ValueError:
            return value
    if isinstance(value, str) and _DAY.match(value):
        try:
            return format_date(date.fromisoformat(value), "j M Y")
        except ValueError:
            return value
    return str(value)


def describe_changes(entry, *, tz):
    """(label, before, after) in words for each field an entry changed, moments shown in `tz`."""
    rows = []
    for name, before, after in entry.changes():
        field = _field(entry.subject, name)
        label = capfirst(field.verbose_name) if field is not None else capfirst(name.replace("_", " "))
        rows.append((label, describe_value(field, before, tz), describe_value(field, after, tz)))
    return rows
