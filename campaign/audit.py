"""
The campaign's audit log: who changed settings, roles, API tokens or the summary schedule, when, from what, to what.

Views and services call `audit_record` after a change succeeds, with `snapshot`s taken before and after.
Only fields that changed are kept, so an entry reads as the change itself.
"""

from django.db import models

from campaign.models import AuditEntry


def _plain(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def snapshot(instance, fields=None):
    """The instance's fields (or `fields`) as plain JSON values; many-to-many fields as sorted lists of names."""
    if instance is None:
        return {}
    values = {}
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


def audit_record(*, campaign, actor, action, target="", before=None, after=None):
    """Write one audit entry; with both `before` and `after`, only the fields that differ are kept."""
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
    )
