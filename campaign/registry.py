"""
What the other apps bring to the campaign's own pages, without `campaign/` importing them.

`campaign/` is the ground every app stands on, so it never imports allies, personas or leadership.
Where one of its pages or services needs something of theirs, the app registers it here from its
`AppConfig.ready()` (in the app's `contributions.py`), much as apps register their models with the
admin:

- `activity_source(...)`: something counted in the campaign's momentum and rollup (a kind of row
  and the date it counts on);
- `movement(...)`: the function giving home's checkup the ladder's movement checks;
- `on_campaign_created(...)`: what an app sets up in every new campaign;
- `checkup_check(...)`: a check of the app's own on home's checkup (a `campaign.checkup.CheckItem`, or
  none when it has nothing to say for this campaign).

Everything is kept in registration order, which follows INSTALLED_APPS; registering the same key twice
replaces the first (so a reloaded `ready()` cannot count a source twice).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import DateTimeField, Q


@dataclass(frozen=True)
class ActivitySource:
    """
    One kind of activity: the rows of `model` in a campaign that match `when` (such as "stage changes that
    climb"), counted on the day of `date_field` in the campaign's time zone. `in_momentum` False keeps
    it out of momentum's totals (a figure of its own, such as the coverage page's committed growth).
    """

    key: str
    label: str
    model: type
    date_field: str
    when: Q = field(default_factory=Q)
    order: int = 100
    in_momentum: bool = True

    def rows(self, campaign):
        return self.model._default_manager.filter(self.when, campaign=campaign)

    @property
    def counts_moments(self):
        """The date field is a moment (a datetime), so its day depends on the campaign's time zone."""
        return isinstance(self.model._meta.get_field(self.date_field), DateTimeField)


_activity_sources: dict[str, ActivitySource] = {}
_source_listeners: list[Callable] = []
_campaign_created: dict[str, Callable] = {}
_movement: list[Callable] = []
_checkup_checks: dict[str, tuple[int, Callable]] = {}


def activity_source(*, key, label, model, date_field, when=None, order=100, in_momentum=True):
    """Count `model`'s rows matching `when` on `date_field`; `order` places it in tables and charts."""
    source = ActivitySource(
        key=key,
        label=label,
        model=model,
        date_field=date_field,
        when=when if when is not None else Q(),
        order=order,
        in_momentum=in_momentum,
    )
    _activity_sources[key] = source
    for listener in _source_listeners:
        listener(source)


def activity_sources(*, momentum=False):
    """The registered sources in their order; with `momentum`, only those momentum adds up."""
    sources = sorted(_activity_sources.values(), key=lambda source: source.order)
    return [source for source in sources if source.in_momentum] if momentum else sources


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


def checkup_check(key, check, *, order=100):
    """
    `check(campaign)` gives one `CheckItem` for home's checkup, a list of them (a list, since a CheckItem is
    itself a tuple), or None; they follow the campaign's own checks, `order` placing them among the apps'.
    """
    _checkup_checks[key] = (order, check)


def checkup_items(campaign):
    """Every registered app's checkup items for `campaign`, in their order, leaving out those with nothing to say."""
    items = []
    for _order, check in sorted(_checkup_checks.values(), key=lambda entry: entry[0]):
        found = check(campaign)
        if found is None:
            continue
        items.extend(found if isinstance(found, list) else [found])
    return items
