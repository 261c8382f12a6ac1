"""Reads that span several models: suggestions for the pack composer, a pack as one leader sees it, the outbox."""

import json
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast
from django.urls import reverse

from campaign.checkup import AMBER, GREEN, RED, CheckItem
from campaign.models import ChannelDelivery, MemberDelivery, ServiceProblem
from leadership.models import (
    BenchmarkVisit,
    BriefingPack,
    Clipping,
    DeliveryStatus,
    Engagement,
    InvitationUpdate,
    Leader,
    LeadsWith,
    Objection,
    Outcome,
    PackDelivery,
    PackDeliveryStatus,
    RecognitionDelivery,
    RecognitionMoment,
    Stance,
    SummaryDelivery,
    SummaryTestCopy,
    Wiifm,
)

B = ServiceProblem.Benefit

# What a leader values (their WIIFM) → the benefits of a win that speak to it.
WIIFM_BENEFITS = {
    Wiifm.EFFICIENCY: {B.TIME_SAVED, B.COST_SAVED},
    Wiifm.BUDGET: {B.COST_SAVED},
    Wiifm.REVENUE: {B.REVENUE, B.RETENTION},
    Wiifm.REPUTATION: {B.REPUTATION},
    Wiifm.RISK: {B.RISK},
    Wiifm.TEAM: {B.TEAM},
    Wiifm.BONUS: {B.REVENUE, B.COST_SAVED},
}


def benefits_valued_by(leader):
    """The set of Benefit values that fit what `leader` values."""
    return set().union(*(WIIFM_BENEFITS.get(value, set()) for value in leader.wiifm))


class LeaderChoice(NamedTuple):
    """What the composer needs of a leader: enough to offer them, suggest for them and preview as them."""

    pk: int
    name: str
    stance: str
    wiifm: list
    leads_with: str = LeadsWith.WELL

    @property
    def leads_with_label(self):
        return LeadsWith(self.leads_with).label if self.leads_with in LeadsWith.values else ""

    # Named as Leader's own, so a fragment draws a leader's tags the same way from either.
    def get_stance_display(self):
        return Stance(self.stance).label if self.stance in Stance.values else ""

    def wiifm_labels(self):
        return [Wiifm(value).label for value in self.wiifm if value in Wiifm.values]


LEADERS_SHOWN = 30  # the composer lists the chosen leaders and the first this many by name; "show all" for the rest


class LeaderChoices(NamedTuple):
    rows: list  # LeaderChoice rows, by name
    total: int  # the campaign's leaders, listed or not


def leader_choices(campaign, chosen=(), limit=None):
    """
    The campaign's leaders as LeaderChoice rows, by name: a campaign has hundreds, and plain rows (each
    distinct WIIFM list decoded once) cost a fraction of model instances. With a `limit`, only the leaders
    whose ids are in `chosen` and the first `limit` by name; `total` counts them all either way. One query.
    """
    leaders = Leader.objects.filter(campaign=campaign)
    rows = leaders.order_by("name", "pk")
    if limit is not None:
        first = leaders.order_by("name", "pk").values("pk")[:limit]
        rows = rows.filter(Q(pk__in=first) | Q(pk__in=list(chosen)))
    count = leaders.order_by().values("campaign").annotate(total=Count("pk")).values("total")
    rows = rows.annotate(total=Subquery(count[:1]), wiifm_text=Cast("wiifm", TextField()))
    rows = list(rows.values_list("pk", "name", "stance", "wiifm_text", "leads_with", "total"))
    decoded = {}
    choices = []
    for pk, name, stance, wiifm, leads_with, _total in rows:
        if wiifm not in decoded:
            decoded[wiifm] = json.loads(wiifm) if wiifm else []
        choices.append(LeaderChoice(pk, name, stance, decoded[wiifm], leads_with))
    # No rows: the campaign has no leaders (otherwise the first `limit` would be listed).
    return LeaderChoices(choices, rows[0][-1] if rows else 0)


def event_answers(events):
    """
    Who answered each invitation, and how. Gives every event `accepted`, `declined` and `unanswered`:
    lists of leader names, in name order. Everyone sent it in a briefing pack who has not clicked
    Accept or Decline is unanswered. Two queries however many events and leaders.
    """
    events = list(events)
    by_id = {event.pk: event for event in events}
    for event in events:
        event.accepted, event.declined, event.unanswered = [], [], []
    answered = defaultdict(set)
    answers = Engagement.objects.filter(event_id__in=by_id).order_by("leader__name", "leader_id")
    for event_id, leader_id, name, outcome in answers.values_list("event_id", "leader_id", "leader__name", "outcome"):
        answered[event_id].add(leader_id)
        if outcome in (Outcome.ACCEPTED, Outcome.ATTENDED):
            by_id[event_id].accepted.append(name)
        elif outcome == Outcome.DECLINED:
            by_id[event_id].declined.append(name)
        else:
            by_id[event_id].unanswered.append(name)
    sent = (
        PackDelivery.objects.filter(pack__events__in=by_id)
        .values_list("pack__events", "leader_id", "leader__name")
        .order_by("leader__name", "leader_id")
        .distinct()
    )
    for event_id, leader_id, name in sent:
        if leader_id not in answered[event_id]:
            answered[event_id].add(leader_id)
            by_id[event_id].unanswered.append(name)
    for event in events:
        event.unanswered.sort(key=str.casefold)
    return events


def _linked(name):
    """The link table of the pack's part `name` and the names of its two foreign keys: (model, pack, item)."""
    field = BriefingPack._meta.get_field(name)
    return field.remote_field.through, field.m2m_field_name(), field.m2m_reverse_field_name()


def _union(querysets):
    first, *rest = querysets
    return first.union(*rest, all=True) if rest else first


SENT_KINDS = ("stories", "clippings", "visits")


def _no_content_sent():
    return defaultdict(lambda: {kind: set() for kind in SENT_KINDS})


def _sent_reads(leaders):
    """
    One read per kind of what `leaders` (ids, or a subquery of them) have received in sent packs, each
    row (kind, leader id, item id): the parts of `sent_content`'s UNION ALL, and of `pack_choices`'.
    """
    reads = []
    for name in SENT_KINDS:
        through, pack, item = _linked(name)
        delivered = {f"{pack}__deliveries__leader__in": leaders, f"{pack}__deliveries__status": DeliveryStatus.SENT}
        reads.append(
            through.objects.filter(**delivered).values_list(
                Value(name, output_field=CharField()), f"{pack}__deliveries__leader", item
            )
        )
    return reads


def sent_content(leaders):
    """
    What each leader has already received in sent packs: {leader_id: {"stories": {ids}, "clippings": …, "visits": …}}.
    One query (a UNION ALL of one read per kind) whatever the number of leaders and packs (none without leaders).
    """
    leader_ids = [leader.pk for leader in leaders]
    sent = _no_content_sent()
    if not leader_ids:
        return sent
    for name, leader_id, item_id in _union(_sent_reads(leader_ids)):
        sent[leader_id][name].add(item_id)
    return sent


PACK_PARTS = ("recipients", "stories", "clippings", "visits", "events", "roadblocks", "answers")


def pack_choices(pack):
    """
    The ids saved in each part of `pack` ({"recipients": {ids}, "stories": …}, every name in PACK_PARTS), plus
    "foreign_recipients": recipients who are not leaders of the pack's campaign, and "sent": what its saved
    recipients have already received (`sent_content` of them, which the composer orders its suggestions by).
    One query (a UNION ALL), whatever the number of recipients.
    """
    choices = {name: set() for name in (*PACK_PARTS, "foreign_recipients")}
    choices["sent"] = _no_content_sent()
    if pack.pk is None:
        return choices
    # Typed, or PostgreSQL takes the NULLs of the first reads for text and refuses the leader ids after them.
    no_leader = Cast(Value(None), BigIntegerField())
    reads = []
    for name in PACK_PARTS:
        through, pack_field, item = _linked(name)
        reads.append(
            through.objects.filter(**{pack_field: pack.pk}).values_list(
                Value(name, output_field=CharField()), no_leader, item
            )
        )
    through, pack_field, item = _linked("recipients")
    recipients = through.objects.filter(**{pack_field: pack.pk})
    foreign = recipients.exclude(**{f"{item}__campaign": pack.campaign_id})
    reads.append(foreign.values_list(Value("foreign_recipients", output_field=CharField()), no_leader, item))
    reads += _sent_reads(recipients.values(item))
    for name, leader_id, item_id in _union(reads):
        if leader_id is None:
            choices[name].add(item_id)
        else:
            choices["sent"][leader_id][name].add(item_id)
    return choices


@dataclass
class Suggestion:
    item: object
    fits: list = field(default_factory=list)  # recipients whose WIIFM it speaks to
    sent_to: list = field(default_factory=list)  # recipients who already received it
    chosen_only: bool = False  # listed because it is chosen, beyond the stories the composer shows

    @property
    def score(self):
        return len(self.fits)

    @property
    def label(self):
        """How the composer names the item: a benchmarking report by its organisation, the rest by title."""
        return self.item.title if hasattr(self.item, "title") else str(self.item)

    @property
    def benefit_labels(self):
        """What the item speaks to (stories and clippings carry ServiceProblem benefits; reports none)."""
        benefits = getattr(self.item, "benefits", None) or []
        return [ServiceProblem.Benefit(value).label for value in benefits if value in ServiceProblem.Benefit.values]


class _Fitter:
    """Who among `leaders` an item's benefits speak to and who already has it, worked out once per benefit set."""

    def __init__(self, leaders, sent, kind):
        self.valued = [(leader, benefits_valued_by(leader)) for leader in leaders]
        self.sent_to = defaultdict(list)
        for leader in leaders:
            for item_id in sent[leader.pk][kind]:
                self.sent_to[item_id].append(leader)
        self._fits = {}

    def fits(self, benefits):
        key = frozenset(benefits or ())
        if key not in self._fits:
            self._fits[key] = [leader for leader, wanted in self.valued if wanted & key]
        return self._fits[key]


def suggest(items, leaders, sent, kind, *, fitter=None):
    """
    Order `items` (stories or clippings, each with `benefits`) for the recipients `leaders`: the ones
    that fit most recipients' WIIFM first, then those not yet sent to them, keeping the given order
    otherwise. `sent` comes from `sent_content`; `kind` is its key ("stories", "clippings", "visits").
    A caller that has already built the `_Fitter` for these leaders passes it.
    """
    fitter = fitter or _Fitter(leaders, sent, kind)
    suggestions = [
        Suggestion(
            item=item,
            fits=fitter.fits(getattr(item, "benefits", None)),
            sent_to=list(fitter.sent_to.get(item.pk, ())),
        )
        for item in items
    ]
    # sorted() is stable: equal scores keep the newest-first order they came in.
    return sorted(suggestions, key=lambda s: (-s.score, len(s.sent_to)))


# The composer lists this many won stories at first (the best fits, newest first), this many more per "Show more",
# and never more than STORIES_SHOWN_MAX (beyond that, the search finds the rest).
STORIES_SHOWN = 50
STORIES_SHOWN_MAX = 1000


@dataclass
class StoryChoices:
    """The won stories the composer offers: `shown` (Suggestions, best first), out of `total` that match `query`."""

    shown: list
    total: int
    query: str = ""
    limit: int = STORIES_SHOWN

    @property
    def listed(self):
        """How many of the matching stories are listed (a chosen story is listed even beyond the limit)."""
        return sum(1 for s in self.shown if not s.chosen_only)

    @property
    def next_limit(self):
        """The limit for "Show more", or None when everything is listed or the cap is reached."""
        if self.listed >= self.total or self.limit >= STORIES_SHOWN_MAX:
            return None
        return min(self.limit + STORIES_SHOWN, STORIES_SHOWN_MAX)

    def __iter__(self):
        return iter(self.shown)

    def __len__(self):
        return len(self.shown)

    def __getitem__(self, index):
        return self.shown[index]


def story_choices(campaign, leaders, sent, *, chosen=(), query="", limit=STORIES_SHOWN):
    """
    The won stories to offer `leaders` (see `suggest`): the best `limit` of those whose title contains
    `query`, plus every story in `chosen` (ids), so a choice is never dropped by a save.

    The database ranks them: one query counts the matching stories per distinct set of benefits (a
    campaign has few), each set is scored here once, and a second query orders by those scores and by
    how many recipients already have each story (`suggest`'s order) and reads only the first `limit`.
    A third reads the chosen stories beyond those, when there are any.
    """
    query = " ".join(query.split())
    stories = ServiceProblem.objects.filter(campaign=campaign, status=ServiceProblem.Status.WON)
    matching = (stories.filter(title__icontains=query) if query else stories).annotate(
        benefits_text=Cast("benefits", TextField())
    )
    fitter = _Fitter(leaders, sent, "stories")
    groups = list(matching.order_by().values_list("benefits_text").annotate(n=Count("*")))
    total = sum(n for _text, n in groups)
    scores = [(text, len(fitter.fits(json.loads(text) if text else ()))) for text, _n in groups]
    by_times_sent = defaultdict(list)
    for pk, leaders_sent in fitter.sent_to.items():
        by_times_sent[len(leaders_sent)].append(pk)
    fit = Case(
        *(When(benefits_text=text, then=Value(score)) for text, score in scores if score and text is not None),
        default=Value(0),
        output_field=IntegerField(),
    )
    times_sent = Case(
        *(When(pk__in=pks, then=Value(times)) for times, pks in by_times_sent.items()),
        default=Value(0),
        output_field=IntegerField(),
    )
    fields = ("id", "title", "benefits", "won_on")
    items = list(
        matching.annotate(fit=fit, times_sent=times_sent)
        .order_by("-fit", "times_sent", "-won_on", "-pk")
        .only(*fields)[:limit]
    )
    listed = {item.pk for item in items}
    beyond = set(chosen) - listed
    if beyond:
        items += list(stories.filter(pk__in=beyond).only(*fields))
    items.sort(key=lambda item: (item.won_on, item.pk), reverse=True)  # newest first, as `suggest` expects
    shown = suggest(items, leaders, sent, "stories", fitter=fitter)
    for suggestion in shown:
        suggestion.chosen_only = suggestion.item.pk not in listed
    return StoryChoices(shown=shown, total=total, query=query, limit=limit)


@dataclass
class AnswerChoice:
    """An objection the composer offers as an answer: who among the recipients raised it."""

    item: object
    raised_by: list = field(default_factory=list)

    @property
    def label(self):
        return self.item.objection


def answer_choices(campaign, leaders, *, chosen=()):
    """
    The handbook's answers to offer `leaders` (recipients: rows with pk and name): the objections any of them
    raised, with who raised each, plus the answers in `chosen` (ids), so a saved choice is never dropped. In
    handbook order. Two queries: who raised what among the recipients, then the objections.
    """
    names = {leader.pk: leader.name for leader in leaders}
    raised = defaultdict(list)
    heard = Leader.objections.through.objects.filter(leader_id__in=list(names), objection__campaign=campaign)
    for leader_id, objection_id in heard.order_by().values_list("leader_id", "objection_id"):
        raised[objection_id].append(names[leader_id])
    wanted = set(raised) | set(chosen)
    if not wanted:
        return []
    objections = Objection.objects.filter(campaign=campaign, pk__in=wanted).only(
        "id", "objection", "evidence_kind", "position"
    )
    return [AnswerChoice(item=o, raised_by=sorted(raised[o.pk], key=str.casefold)) for o in objections]


def composer_options(
    pack,
    *,
    leaders=None,
    sent=None,
    chosen_stories=None,
    chosen_answers=None,
    story_query="",
    story_limit=STORIES_SHOWN,
):
    """
    Everything the composer offers for `pack`, ordered and flagged for its saved recipients (`leaders`, when
    the caller has them already, and what they were `sent`, when the caller has read `pack_choices`). Stories
    are limited (see `story_choices`): those in `chosen_stories` (ids; by default the saved ones) are always
    among them.
    """
    campaign = pack.campaign
    if leaders is None:
        leaders = list(pack.recipients.all())
    if chosen_stories is None:
        chosen_stories = set(pack.stories.values_list("pk", flat=True)) if pack.pk else set()
    if chosen_answers is None:
        chosen_answers = set(pack.answers.values_list("pk", flat=True)) if pack.pk else set()
    if sent is None:
        sent = sent_content(leaders)
    return {
        "recipients": leaders,
        "answers": answer_choices(campaign, leaders, chosen=chosen_answers),
        "stories": story_choices(campaign, leaders, sent, chosen=chosen_stories, query=story_query, limit=story_limit),
        "clippings": suggest(list(Clipping.objects.filter(campaign=campaign)), leaders, sent, "clippings"),
        "visits": [
            Suggestion(item=visit, sent_to=[leader for leader in leaders if visit.pk in sent[leader.pk]["visits"]])
            for visit in campaign.benchmark_visits.all()
        ],
        "roadblocks": list(
            ServiceProblem.objects.open_roadblocks(campaign)
            .select_related(None)
            .select_related("roadblock_leader")
            .only("id", "title", "roadblock_ask", "roadblock_leader__id", "roadblock_leader__name")
        ),
    }


def _shared_moments():
    """Recognition moments held with a photo its people agreed to share, the newest first."""
    return (
        RecognitionMoment.objects.filter(status=RecognitionMoment.Status.HELD, photo_consent=True)
        .exclude(photo="")
        .select_related("leader")
        .order_by("-held_on", "-pk")
    )


def pack_for_reading(pack):
    """The pack with all its content loaded: evaluate once, then render it per leader."""
    return (
        BriefingPack.objects.filter(pk=pack.pk)
        .select_related("campaign", "created_by", "sent_by")
        .prefetch_related(
            Prefetch(
                "stories",
                queryset=ServiceProblem.objects.select_related("department")
                .prefetch_related(
                    "people",
                    Prefetch("recognition_moments", queryset=_shared_moments(), to_attr="shared_moments"),
                )
                .order_by("-won_on"),
            ),
            "clippings",
            Prefetch("visits", queryset=BenchmarkVisit.objects.prefetch_related("actions")),
            "events",
            Prefetch("roadblocks", queryset=ServiceProblem.objects.select_related("roadblock_leader")),
            "answers",
            Prefetch("recipients", queryset=Leader.objects.prefetch_related("objections")),
        )
        .get()
    )


def pack_review_recipients(pack):
    """
    The recipients of `pack` (read by `pack_for_reading`) with their time zones and, when it is scheduled,
    when it reaches each of them: [{"leader", "zone", "due_at"}], by name; no query.
    """
    rows = []
    for leader in sorted(pack.recipients.all(), key=lambda leader: (leader.name.lower(), leader.pk)):
        leader.campaign = pack.campaign  # read once, for the leader's zone
        zone = leader.zone_name
        due_at = None
        if pack.send_on:
            due_at = datetime.combine(pack.send_on, pack.send_time, tzinfo=zoneinfo.ZoneInfo(zone))
        rows.append({"leader": leader, "zone": zone, "due_at": due_at})
    return rows


LEADER_READING_SHOWN = 15


def leader_reading(leader, limit=LEADER_READING_SHOWN):
    """
    What `leader` was sent (briefing packs, executive summaries) and whether and when they opened it,
    newest first: the latest `limit` of each kind read in one query each, then merged.
    """
    packs = list(leader.pack_deliveries.select_related("pack").order_by("-created_at", "-pk")[:limit])
    summaries = list(
        SummaryDelivery.objects.filter(leader=leader).select_related("summary").order_by("-created_at", "-pk")[:limit]
    )
    rows = [{"kind": "pack", "delivery": d, "at": d.sent_at or d.due_at or d.created_at} for d in packs]
    rows += [{"kind": "summary", "delivery": d, "at": d.sent_at or d.created_at} for d in summaries]
    rows.sort(key=lambda row: row["at"], reverse=True)
    return rows[:limit]


def roadblocks_for(pack, leader):
    """The pack's roadblocks this leader should decide: theirs, or those not yet put to anyone."""
    return [r for r in pack.roadblocks.all() if r.roadblock_leader_id in (None, leader.pk)]


def answers_for(pack, leader):
    """
    The pack's answers (Objection rows) that `leader` reads: those to the objections they raised. `pack` comes
    from pack_for_reading, whose recipients carry their objections; someone not among them reads none.
    """
    raised = {o.pk for r in pack.recipients.all() if r.pk == leader.pk for o in r.objections.all()}
    return [answer for answer in pack.answers.all() if answer.pk in raised]


# --- Outbox ---------------------------------------------------------------------------------------
# Every kind of email is one entry here: its rows for the list (a values() queryset with the common
# columns, so kinds combine with union() and paginate in the database), how one row is fetched, and
# who sent it (`sender`: the lookup naming the member whose action sent it), so a champion's outbox
# holds what they sent. Leader mail (packs, summaries) and member mail (added to a campaign,
# invitations, volunteer sign-ups, from campaign.outbox) list together. Each kind's message "as
# rendered" is built by leadership.emails.outbox_message. Posts to chat channels and webhooks
# (campaign.posts) list with them: a post is "to" its channel.

OUTBOX_COLUMNS = (
    "kind",
    "pk",
    "title",
    "period_start",
    "period_end",
    "to_name",
    "to_email",
    "status",
    "created_at",
    "sent_at",
)


def _text(value):
    return Value(value, output_field=CharField())


LEADER = (F("leader__name"), F("leader__email"))


@dataclass(frozen=True)
class OutboxKind:
    """
    One kind of mail: its `name` (in URLs), its `model`, the lookup from a row to its campaign
    (`in_campaign`), what its list columns read (`title`, the period's and the recipient's columns:
    expressions, None for none). `sender`: the lookup of the member who sent it; None: nobody sends it
    by hand (admins only).
    """

    name: str
    label: str
    model: type
    in_campaign: str
    title: object
    period: tuple = (None, None)
    to: tuple = LEADER
    sender: str | None = None

    def rows(self, campaign):
        """The campaign's rows of this kind in OUTBOX_COLUMNS order (a kind without a period leaves it empty)."""
        no_date = Value(None, output_field=DateField())
        start, end = self.period
        return self.model.objects.filter(**{self.in_campaign: campaign}).values_list(
            _text(self.name),
            "pk",
            self.title,
            start or no_date,
            end or no_date,
            *self.to,
            "status",
            "created_at",
            "sent_at",
        )

    def get(self, campaign, pk):
        """
        Row `pk` of this kind in `campaign`, with what its message reads (its campaign, and its leader
        for a leader's delivery); DoesNotExist when it is not the campaign's.
        """
        related = [self.in_campaign, *(["leader"] if self.to == LEADER else [])]
        return self.model.objects.select_related(*related).get(pk=pk, **{self.in_campaign: campaign})


# name, label, model, in_campaign, title; then what differs from a leader's delivery.
OUTBOX_KINDS = {
    kind.name: kind
    for kind in (
        OutboxKind("pack", "Briefing pack", PackDelivery, "pack__campaign", F("pack__title"), sender="pack__sent_by"),
        OutboxKind(
            "summary", "Executive summary", SummaryDelivery, "summary__campaign", _text("Executive summary"),
            period=(F("summary__period_start"), F("summary__period_end")),
        ),
        OutboxKind(
            "summary-test", "Test copy", SummaryTestCopy, "campaign", _text("Executive summary"),
            period=(F("period_start"), F("period_end")), to=(F("name"), F("email")), sender="requested_by",
        ),
        OutboxKind(
            "invitation-update", "Invitation update", InvitationUpdate, "event__campaign", F("event__title"),
        ),
        OutboxKind(
            "recognition", "Recognition moment", RecognitionDelivery, "moment__campaign", F("moment__story__title"),
            to=(F("to_name"), F("to_email")), sender="moment__created_by",
        ),
        OutboxKind(
            "member", "Member email", MemberDelivery, "campaign", F("subject"),
            to=(_text(""), F("to_email")), sender="triggered_by",
        ),
        OutboxKind(
            "post", "Chat post", ChannelDelivery, "campaign", F("subject"),
            to=(F("channel__name"), F("channel__kind")), sender="triggered_by",
        ),
    )
}  # fmt: skip


def outbox_kinds_for(sender):
    """The kinds someone sees: every kind for an admin (`sender` None), the ones a member sends otherwise."""
    return {name: kind for name, kind in OUTBOX_KINDS.items() if sender is None or kind.sender}


def outbox_sent_by(campaign, kind, pk, sender):
    """Whether delivery `pk` of `kind` in `campaign` was sent by `sender` (a kind nobody sends: False)."""
    source = OUTBOX_KINDS[kind]
    return bool(source.sender) and source.rows(campaign).filter(pk=pk, **{source.sender: sender}).exists()


@dataclass
class OutboxEntry:
    kind: str
    pk: int
    title: str
    period_start: object
    period_end: object  # exclusive, as on ExecutiveSummary
    to_name: str
    to_email: str
    status: str
    created_at: object
    sent_at: object

    @property
    def kind_label(self):
        return OUTBOX_KINDS[self.kind].label

    @property
    def subject(self):
        """What the list calls the mail: the pack's title or the member mail's subject, or the summary's period."""
        if self.period_start is None:
            return self.title
        last_day = self.period_end - timedelta(days=1)
        return f"{self.title}, {self.period_start.day} {self.period_start:%b} – {last_day.day} {last_day:%b %Y}"

    def get_status_display(self):
        return PackDeliveryStatus(self.status).label


class OutboxRows:
    """The union of every kind's rows, newest first, sliceable and countable for the Paginator."""

    def __init__(self, campaign, status=None, sender=None):
        # Without their models' default ordering: a compound statement takes one ORDER BY, at the end.
        querysets = []
        for kind in outbox_kinds_for(sender).values():
            rows = kind.rows(campaign).order_by()
            if sender is not None:
                rows = rows.filter(**{kind.sender: sender})
            if status:
                rows = rows.filter(status=status)
            querysets.append(rows)
        union = querysets[0].union(*querysets[1:], all=True) if len(querysets) > 1 else querysets[0]
        self.queryset = union.order_by("-created_at", "-pk")

    def count(self):
        return self.queryset.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        rows = self.queryset[index]
        if isinstance(index, slice):
            return [OutboxEntry(*row) for row in rows]
        return OutboxEntry(*rows)


def outbox_entries(campaign, status=None, sender=None):
    """
    The campaign's mail, every kind, newest first (see OUTBOX_KINDS): all of it, or, given `sender`,
    what that member sent (the packs they sent, the member mail their actions sent).
    """
    return OutboxRows(campaign, status=status, sender=sender)


def pack_deliveries(pack):
    """The pack's delivery rows with their leaders, for its recipient states."""
    return pack.deliveries.select_related("leader__campaign").order_by("leader__name")


def pack_list(campaign):
    """The campaign's packs with recipient and sent counts."""
    return (
        BriefingPack.objects.filter(campaign=campaign)
        .select_related("created_by")
        .annotate(
            recipient_count=Count("recipients", distinct=True),
            sent_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.SENT), distinct=True),
        )
        .order_by("-created_at", "-pk")
    )


# --- Recognition moments --------------------------------------------------------------------------

STORIES_TO_RECOGNISE = 8


def moment_list(campaign, status=""):
    """The campaign's recognition moments (of one status, when given), newest first, with story and leader."""
    moments = RecognitionMoment.objects.filter(campaign=campaign).for_list()
    return moments.filter(status=status) if status else moments


def stories_to_recognise(campaign, limit=STORIES_TO_RECOGNISE):
    """The newest won stories no leader has recognised or been asked to (no planned or held moment)."""
    recognised = RecognitionMoment.objects.filter(story=OuterRef("pk")).exclude(
        status=RecognitionMoment.Status.CANCELLED
    )
    return list(
        ServiceProblem.objects.filter(campaign=campaign, status=ServiceProblem.Status.WON, celebrated_on__isnull=True)
        .exclude(Exists(recognised))
        .order_by("-won_on", "-pk")[:limit]
    )


def moment_for_page(campaign, pk):
    """One moment of `campaign` with what its page shows; DoesNotExist for another campaign's."""
    return (
        RecognitionMoment.objects.filter(campaign=campaign)
        .select_related("story__department", "leader", "created_by")
        .prefetch_related(Prefetch("deliveries", queryset=RecognitionDelivery.objects.order_by("-pk")))
        .get(pk=pk)
    )


def leaders_without_recognition(campaign):
    """
    The campaign's leaders who have recognised nobody for `campaign.recognition_gap_weeks` (no recognition
    logged since: a moment held, a win's celebration), leaving out those added more recently than that.
    """
    cutoff = campaign.today() - timedelta(weeks=campaign.recognition_gap_weeks)
    recent = Engagement.objects.filter(leader=OuterRef("pk"), kind="recognition", happened_on__gte=cutoff)
    return Leader.objects.filter(campaign=campaign, created_at__date__lt=cutoff).exclude(Exists(recent))


def checkup_recognition(campaign):
    """The checkup's item: are leaders thanking people in person, every few weeks?"""
    # One query: every leader flagged quiet or not, quiet ones first, with the two counts as windows over
    # all of them (computed before the LIMIT), so only the first few names come back.
    quiet_pks = leaders_without_recognition(campaign).values("pk")
    is_quiet = Case(When(pk__in=quiet_pks, then=Value(1)), default=Value(0), output_field=IntegerField())
    rows = list(
        Leader.objects.filter(campaign=campaign)
        .annotate(is_quiet=is_quiet)
        .annotate(total=Window(Count("pk")), quiet_count=Window(Sum("is_quiet")))
        .order_by("-is_quiet", "name")
        .values_list("name", "is_quiet", "total", "quiet_count")[:3]
    )
    if not rows:
        return None
    total, quiet_count = rows[0][2], rows[0][3] or 0
    quiet = [name for name, flagged, _total, _quiet in rows if flagged]
    weeks = campaign.recognition_gap_weeks
    url = reverse("leadership:moment-list", kwargs={"slug": campaign.slug})
    title = "Leaders recognise people"
    if not quiet_count:
        return CheckItem(
            "recognition", title, GREEN, f"{total} of {total}",
            f"Every leader has recognised someone in the last {weeks} weeks.",
            "Keep planning recognition moments from new wins.", url,
        )  # fmt: skip
    names = ", ".join(quiet[:3]) + (f" and {quiet_count - 3} more" if quiet_count > 3 else "")
    return CheckItem(
        "recognition", title, RED if quiet_count == total else AMBER, f"{total - quiet_count} of {total}",
        f"{names} {'has' if quiet_count == 1 else 'have'} not recognised anyone in {weeks} weeks.",
        "Plan a recognition moment from a won story and invite one of them.", url,
    )  # fmt: skip
