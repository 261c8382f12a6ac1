"""
What each app declares about the personal data it holds, collected here (the ground imports no app).

Every app calls `register_model` for each of its models from its `privacy.py`, itself imported by the
app's `AppConfig.ready()`: which text fields hold personal data (and what kind), which hold none, and
how to reach the model's campaign. Apps that hold a kind of person (an ally, a leader, a customer)
also `register_person`: how to find one by name or email and what erasing them means. The inventory in
docs/privacy.md is written from these declarations, and tests/campaign/test_privacy_registry.py keeps
the two true to the models.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

# What an erased person's name becomes wherever it was written: counts, charts and summaries stay true.
PLACEHOLDER = "Erased person"

# What a personal field holds, from most to least identifying.
NAME = "name"  # the person's own name (or username)
EMAIL = "email"  # the person's address
FREE_TEXT = "free text"  # words typed about people (notes, what a customer said); may name anyone
OPINION = "opinion"  # what champions think of a leader: champions and admins only (docs/privacy.md)
COPY = "copy"  # a stored copy of the above (an email's values, a summary's snapshot, an audit entry)
PHOTO = "photo"  # a picture of people (a recognition moment's photo and its thumbnail)
WHATS = (NAME, EMAIL, FREE_TEXT, OPINION, COPY, PHOTO)


@dataclass(frozen=True)
class PersonalField:
    name: str
    what: str
    why: str


@dataclass
class ModelEntry:
    """One model's declaration. `campaign_path` is the lookup from the model to its campaign's id."""

    label: str  # "allies.ally"
    campaign_path: str | None
    personal: dict[str, PersonalField] = field(default_factory=dict)
    not_personal: frozenset[str] = frozenset()
    retention: str = "as long as the campaign"


@dataclass(frozen=True)
class Match:
    """One person found by a search: what they are, where, and the values an erasure removes."""

    kind: str
    pk: int
    campaign_id: int
    name: str
    email: str
    detail: str = ""
    aliases: tuple = ()  # other strings that name them (a member's username)

    @property
    def label(self):
        """How the person is named where their name must not be written (jobs, audit entries)."""
        return f"{PERSON_KINDS[self.kind].label} #{self.pk}"

    @property
    def values(self):
        """The strings an erasure hunts down in stored copies: the name and the address, when known."""
        values = (self.name, self.email, *self.aliases)
        return list(dict.fromkeys(value for value in values if value and value != PLACEHOLDER))


@dataclass(frozen=True)
class PersonKind:
    """
    A kind of person an app holds. `find(campaign_ids, text)` returns Matches (at most a page of them);
    `get(campaign_id, pk)` one Match or None; `collect(match)` their rows as {table: [dict, ...]};
    `erase(match)` replaces their personal values in the app's own rows and returns {table: rows changed};
    `refuse(match, user)`, when given, says why `user` may not erase them (None: they may).
    """

    key: str
    label: str
    find: Callable
    get: Callable
    collect: Callable
    erase: Callable
    order: int = 50
    refuse: Callable | None = None


MODELS: dict[str, ModelEntry] = {}
PERSON_KINDS: dict[str, PersonKind] = {}
# Other apps' rows about a person of any kind: (match) -> {table: [dict, ...]} (the cards an ally wrote…).
COLLECTORS: list[Callable] = []
# Other apps' part in erasing a person of any kind: (match) -> {table: rows changed}.
ERASE_CONTRIBUTIONS: list[Callable] = []


def register_model(label, *, campaign_path, personal=(), not_personal=(), retention="as long as the campaign"):
    """Declare a model: `personal` as (field, what, why) triples, `not_personal` as field names."""
    fields = {}
    for name, what, why in personal:
        if what not in WHATS:
            raise ValueError(f"{label}.{name}: unknown kind of personal data {what!r}")
        fields[name] = PersonalField(name, what, why)
    MODELS[label.lower()] = ModelEntry(
        label=label.lower(),
        campaign_path=campaign_path,
        personal=fields,
        not_personal=frozenset(not_personal),
        retention=retention,
    )


def register_person(kind):
    PERSON_KINDS[kind.key] = kind


def register_collector(collect):
    if collect not in COLLECTORS:
        COLLECTORS.append(collect)


def register_erase_contribution(erase):
    if erase not in ERASE_CONTRIBUTIONS:
        ERASE_CONTRIBUTIONS.append(erase)


def person_kinds():
    return sorted(PERSON_KINDS.values(), key=lambda kind: (kind.order, kind.key))


def scrubbed_fields():
    """(model label, field name) of every free-text or copy field: where an erased person's name may linger."""
    for entry in MODELS.values():
        for personal in entry.personal.values():
            if personal.what in (FREE_TEXT, COPY):
                yield entry, personal.name
