"""
Tone and balance: the order a leader reads things in, and the composer's plain-words checks of a pack.

Some leaders are drawn to trouble and want what is going wrong first; others need lifting first. Each
leader's `leads_with` orders the sections of their briefing packs (email, web version, print) and of their
copy of the executive summary: the same content and figures, in another order.

The checks never block a send: they say what a reader may take badly, so the champion can decide.
`tone_checks` is a pure function of a pack's parts (`PackParts`); `pack_tone_checks(pack)` reads a saved
pack's parts and runs it, for any page that shows a pack before it goes (the composer, the send
confirmation, an approval page).
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace

from campaign.models import ServiceProblem
from leadership import evidence, selectors
from leadership.models import Clipping, Event, Leader, LeadsWith, Objection

# The sections of a briefing pack, in the order each kind of reader gets them (template names in
# emails/briefing-pack-body.* and leadership/pack_print.html).
PACK_SECTIONS = {
    LeadsWith.WELL: ("stories", "answers", "clippings", "visits", "events", "roadblocks", "talking_points"),
    LeadsWith.WRONG: ("roadblocks", "answers", "clippings", "stories", "visits", "events", "talking_points"),
}
# The executive summary's: the figures always first, then what goes well (resolved complaints, compliments,
# wins) and what goes wrong (departments, themes, open complaints, roadblocks) in the leader's order.
SUMMARY_SECTIONS = {
    LeadsWith.WELL: ("figures", "well", "wrong", "roadblocks", "momentum"),
    LeadsWith.WRONG: ("figures", "wrong", "roadblocks", "well", "momentum"),
}


def pack_sections(leads_with):
    """The pack's section names in the order a leader who `leads_with` this reads them (unknown: going well)."""
    return PACK_SECTIONS.get(leads_with, PACK_SECTIONS[LeadsWith.WELL])


def summary_sections(leads_with):
    return SUMMARY_SECTIONS.get(leads_with, SUMMARY_SECTIONS[LeadsWith.WELL])


# Words that make an opening read as trouble: the note's first sentence is the first thing every leader reads.
PROBLEM_WORDS = re.compile(
    r"\b(complain\w*|problem\w*|fail\w*|wrong|broken|late|delay\w*|errors?|issues?|poor|bad|worse|worst|angry"
    r"|lost|losing|disaster\w*|mistakes?|crisis|backlog|behind)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Reader:
    """One recipient as the checks see them."""

    name: str
    leads_with: str
    wiifm_benefits: frozenset  # the ServiceProblem benefits that speak to what they value (empty: not known)
    raised: frozenset  # ids of the objections they raised
    roadblocks: int = 0  # the pack's roadblocks they will read (theirs and those put to no one)


@dataclass(frozen=True)
class Item:
    """A story, clipping or answer of the pack: its benefits; for a clipping, whether it tells of a disaster."""

    benefits: frozenset = frozenset()
    disaster: bool = False


@dataclass(frozen=True)
class AnswerPart:
    objection_id: int
    benefits: frozenset  # what its evidence speaks to (leadership.evidence.KIND_BENEFITS)
    kind: str = ""  # its evidence kind: two answers of one kind list the same wins and complaints
    wins_listed: int = 0
    complaints_listed: int = 0
    complaints_without_action: int = 0


@dataclass
class PackParts:
    """What the checks read of a pack: its note and chosen parts, as plain values."""

    note: str = ""
    readers: list = field(default_factory=list)
    stories: list = field(default_factory=list)
    clippings: list = field(default_factory=list)
    answers: list = field(default_factory=list)
    roadblocks: int = 0
    visits: int = 0
    events: int = 0
    talking_points: int = 0


@dataclass(frozen=True)
class ToneCheck:
    """One plain-words warning: `key` names the check ("opens-with-problems", "more-problems-than-wins",
    "complaint-without-action", "nothing-for-their-wiifm"); `message` says it."""

    key: str
    message: str


def _names(readers):
    names = [reader.name for reader in readers]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _first_sentence(text):
    return re.split(r"(?<=[.!?])\s|\n", text.strip(), maxsplit=1)[0] if text.strip() else ""


def _answers_for(parts, reader):
    return [answer for answer in parts.answers if answer.objection_id in reader.raised]


def _opens_with_problem(parts, reader):
    """The first section `reader` meets (in their order) tells of a problem: their roadblocks, or only disasters."""
    present = {
        "stories": bool(parts.stories),
        "answers": bool(_answers_for(parts, reader)),
        "clippings": bool(parts.clippings),
        "visits": bool(parts.visits),
        "events": bool(parts.events),
        "roadblocks": bool(reader.roadblocks),
        "talking_points": bool(parts.talking_points),
    }
    first = next((name for name in pack_sections(reader.leads_with) if present[name]), None)
    if first == "roadblocks":
        return True
    return first == "clippings" and all(clipping.disaster for clipping in parts.clippings)


def tone_checks(parts):
    """
    The pack's tone warnings, as ToneChecks in a fixed order (empty: nothing to say). Pure: reads `parts` only.

    - opens with problems rather than potential, for the readers who like to hear what is going well first;
    - more problems (complaints listed, roadblocks, service disasters) than wins (stories, wins listed);
    - a complaint listed without what is being done about it;
    - nothing tied to what a reader values (their WIIFM), for the readers whose values are known.
    """
    checks = []
    uplift = [reader for reader in parts.readers if reader.leads_with != LeadsWith.WRONG]
    opening = _first_sentence(parts.note)
    if uplift and opening and PROBLEM_WORDS.search(opening):
        checks.append(
            ToneCheck(
                "opens-with-problems",
                f"Your note opens with a problem (“{opening[:120]}”). {_names(uplift)} like to hear what is going "
                "well first: open with what the campaign has achieved or could achieve.",
            )
        )
    else:
        troubled = [reader for reader in uplift if _opens_with_problem(parts, reader)]
        if troubled:
            checks.append(
                ToneCheck(
                    "opens-with-problems",
                    f"For {_names(troubled)}, who like to hear what is going well first, the pack opens with a "
                    "problem: add a story of a win or a service success to put potential first.",
                )
            )

    reach, kinds = [], set()
    for answer in parts.answers:
        if any(answer.objection_id in r.raised for r in parts.readers) and (
            not answer.kind or answer.kind not in kinds
        ):
            reach.append(answer)
            kinds.add(answer.kind)
    complaints = sum(answer.complaints_listed for answer in reach)
    disasters = sum(1 for clipping in parts.clippings if clipping.disaster)
    problems = complaints + parts.roadblocks + disasters
    wins = len(parts.stories) + sum(answer.wins_listed for answer in reach)
    if problems > wins:
        told = [
            f"{n} {word}{'s' if n != 1 else ''}"
            for n, word in (
                (complaints, "open complaint"),
                (parts.roadblocks, "roadblock"),
                (disasters, "service disaster"),
            )
            if n
        ]
        checks.append(
            ToneCheck(
                "more-problems-than-wins",
                f"More problems than wins: {', '.join(told)} against {wins} win{'s' if wins != 1 else ''}. "
                "Add a story from the wins board so the pack shows what is going well too.",
            )
        )

    silent = sum(answer.complaints_without_action for answer in reach)
    if silent:
        checks.append(
            ToneCheck(
                "complaint-without-action",
                f"{silent} complaint{' is' if silent == 1 else 's are'} listed without what is being done about "
                f"{'it' if silent == 1 else 'them'}: note it in the feedback log, so leaders read the fix "
                "with the problem.",
            )
        )

    offered = [item.benefits for item in (*parts.stories, *parts.clippings)]
    unserved = [
        reader
        for reader in parts.readers
        if reader.wiifm_benefits
        and not any(reader.wiifm_benefits & benefits for benefits in offered)
        and not any(reader.wiifm_benefits & answer.benefits for answer in _answers_for(parts, reader))
    ]
    if unserved:
        checks.append(
            ToneCheck(
                "nothing-for-their-wiifm",
                f"Nothing in it is tied to what {_names(unserved)} value{'s' if len(unserved) == 1 else ''}: "
                "choose a story or clipping marked “Suggested for” them.",
            )
        )
    return checks


def pack_parts(pack, *, chosen=None, note=None, talking_points=None):
    """
    The PackParts of `pack`: as saved, or with the composer's unsaved `chosen` ids ({"recipients": ids,
    "stories": ids, …}: every name in selectors.PACK_PARTS), `note` and `talking_points`. Ids of another
    campaign's rows count for nothing. Six queries at most, plus the evidence of the answers that reach a reader.
    """
    campaign = pack.campaign
    if chosen is None:
        chosen = selectors.pack_choices(pack)
    note = pack.note if note is None else note
    talking_points = pack.talking_points if talking_points is None else talking_points
    # A part with nothing chosen costs no query. The leaders and the objections they raised come in one
    # query: a row per leader and objection (None for a leader who raised none).
    rows = (
        Leader.objects.filter(campaign=campaign, pk__in=chosen["recipients"])
        .order_by("name", "pk")
        .values_list("pk", "name", "leads_with", "wiifm", "objections")
        if chosen["recipients"]
        else []
    )
    leaders = {}
    raised = defaultdict(set)
    for pk, name, leads_with, wiifm, objection_id in rows:
        leaders.setdefault(pk, (pk, name, leads_with, wiifm))
        if objection_id is not None:
            raised[pk].add(objection_id)
    leaders = list(leaders.values())
    roadblock_leaders = (
        list(
            ServiceProblem.objects.open_roadblocks(campaign)
            .filter(pk__in=chosen["roadblocks"])
            .values_list("roadblock_leader_id", flat=True)
        )
        if chosen["roadblocks"]
        else []
    )
    readers = [
        Reader(
            name=name,
            leads_with=leads_with,
            wiifm_benefits=frozenset(selectors.benefits_valued_by(SimpleNamespace(wiifm=wiifm or []))),
            raised=frozenset(raised[pk]),
            roadblocks=sum(1 for leader_id in roadblock_leaders if leader_id in (None, pk)),
        )
        for pk, name, leads_with, wiifm in leaders
    ]
    won = ServiceProblem.objects.filter(campaign=campaign, status=ServiceProblem.Status.WON)
    stories = chosen["stories"] and [
        Item(frozenset(b or ())) for b in won.filter(pk__in=chosen["stories"]).values_list("benefits", flat=True)
    ]
    clippings = chosen["clippings"] and [
        Item(frozenset(benefits or ()), disaster=kind == Clipping.Kind.DISASTER)
        for kind, benefits in Clipping.objects.filter(campaign=campaign, pk__in=chosen["clippings"]).values_list(
            "kind", "benefits"
        )
    ]
    answers_chosen = chosen.get("answers") or ()
    objections = answers_chosen and list(
        Objection.objects.filter(campaign=campaign, pk__in=answers_chosen).values_list("pk", "evidence_kind")
    )
    heard_by_readers = set().union(*(reader.raised for reader in readers))
    found = evidence.evidence_for(campaign, [kind for pk, kind in objections if pk in heard_by_readers])
    answers = []
    for pk, kind in objections:
        shown = found.get(kind)
        answers.append(
            AnswerPart(
                objection_id=pk,
                benefits=frozenset(evidence.KIND_BENEFITS.get(kind, ())),
                kind=kind,
                wins_listed=len(shown.wins) if shown else 0,
                complaints_listed=len(shown.oldest) if shown else 0,
                complaints_without_action=len(shown.listed_complaints_without_action) if shown else 0,
            )
        )
    visible_events = Event.objects.filter(campaign=campaign, pk__in=chosen["events"]).count() if chosen["events"] else 0
    return PackParts(
        note=note,
        readers=readers,
        stories=list(stories),
        clippings=list(clippings),
        answers=answers,
        roadblocks=len(roadblock_leaders),
        visits=len(chosen["visits"]),
        events=visible_events,
        talking_points=len([line for line in talking_points.splitlines() if line.strip(" -•\t")]),
    )


def pack_tone_checks(pack, *, chosen=None, note=None, talking_points=None):
    """
    The tone checks of `pack`: a list of ToneCheck, empty when there is nothing to say. As saved, or with the
    composer's unsaved choices (see `pack_parts`). It never blocks anything and never raises for a pack that
    cannot be sent yet: it describes what is there. Bounded queries, whatever the campaign's size.
    """
    return tone_checks(pack_parts(pack, chosen=chosen, note=note, talking_points=talking_points))
