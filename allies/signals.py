"""
Keep `Ally.last_touch_on` right when touchpoints change through the ORM anywhere (the services, the admin,
the demo seeders, a shell): adding or removing a touchpoint's allies, and re-dating a touchpoint.

Deleting a touchpoint goes through `services.touchpoint_delete` (and the admin's delete actions), not a
delete signal: a receiver would stop Django from deleting a campaign's touchpoints in one statement.
Writes that bypass the ORM (bulk inserts of link rows, raw SQL) call `services.refresh_last_touch` themselves.
"""

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from allies.models import Touchpoint
from allies.services import refresh_last_touch


@receiver(m2m_changed, sender=Touchpoint.allies.through, dispatch_uid="allies_last_touch_links")
def links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear":
        # After the clear the links are gone: note whom they were with first.
        instance._last_touch_before_clear = _allies_of(sender, instance, reverse)
    elif action == "post_clear":
        refresh_last_touch(getattr(instance, "_last_touch_before_clear", ()))
    elif action in ("post_add", "post_remove") and pk_set:
        # From the touchpoint's side pk_set holds ally ids; from an ally's side, touchpoint ids.
        refresh_last_touch([instance.pk] if reverse else pk_set)


def _allies_of(through, instance, reverse):
    if reverse:
        return [instance.pk]
    return list(through.objects.filter(touchpoint_id=instance.pk).values_list("ally_id", flat=True))


@receiver(post_save, sender=Touchpoint, dispatch_uid="allies_last_touch_redated")
def touchpoint_saved(sender, instance, created, raw=False, **kwargs):
    # A new touchpoint has no allies yet (they come through m2m_changed); an edit may have moved its date.
    if created or raw:
        return
    refresh_last_touch(_allies_of(Touchpoint.allies.through, instance, reverse=False))
