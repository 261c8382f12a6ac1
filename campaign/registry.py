"""
What the other apps bring to the campaign's own pages, without `campaign/` importing them.

`campaign/` is the ground every app stands on, so it never imports allies, personas or leadership.
Where one of its pages or services needs something of theirs, the app registers it here from its
`AppConfig.ready()` (in the app's `contributions.py`), much as apps register their models with the
admin:

- `activity_source(...)`: something counted in the campaign's momentum and rollup (a kind of row
  and the date it counts on);
- `movement(...)`: the function giving home's checkup the ladder's movement checks;
- `on_campaign_created(...)`: what an app sets up in every new campaign.

Everything is kept in registration order, which follows INSTALLED_APPS; registering the same key twice
replaces the first (so a reloaded `ready()` cannot count a source twice).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import DateTimeField


@dataclass(frozen=True)
class ActivitySource:
    """
    One kind of activity: `rows(campaign)` is the queryset of its rows in a campaign (filters included,
    such as "stage changes that climb"), counted on the day of `date_field` in the campaign's time zone.
    """

    key: str
    label: str
    model: type
    rows: Callable
    date_field: str
    order: int = 100

    @property
    def counts_moments(self):
        """The date field is a moment (a datetime), so its day depends on the campaign's time zone."""
        return isinstance(self.model._meta.get_field(self.date_field), DateTimeField)


_activity_sources: dict[str, ActivitySource] = {}
_source_listeners: list[Callable] = []
_campaign_created: dict[str, Callable] = {}
_movement: list[Callable] = []


def activity_source(*, key, label, model, rows, date_field, order=100):
    """Count `rows(campaign)` on `date_field`; `order` places it among the others in tables and charts."""
    source = ActivitySource(key=key, label=label, model=model, rows=rows, date_field=date_field, order=order)
    _activity_sources[key] = source
    for listener in _source_listeners:
        listener(source)


def activity_sources():
    return sorted(_activity_sources.values(), key=lambda source: source.order)


def on_activity_source(listener):
    """`listener(source)` for every source registered, before or after (the rollup watches their writes)."""
    _source_listeners.append(listener)
    for source in _activity_sources.values():
        listener(source)


def on_campaign_created(key, setup):
    """`setup(campaign=...)` runs inside the transaction that creates a campaign."""
    _campaign_created[key] = setup


def campaign_created_hooks():
    return list(_campaign_created.values())


def movement(checks):
    """`checks(campaign, departments=...)` gives home's checkup the ladder's movement checks."""
    _movement[:] = [checks]


def movement_checks(campaign, *, departments):
    """The registered movement checks for `campaign`, or none when no app gives them."""
    return _movement[0](campaign, departments=departments) if _movement else []
