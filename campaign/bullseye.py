"""
The bull's-eye check on goals: does a goal's measure count the campaign's own activity
(classes held, course scores, emails sent, page views, attendance) instead of an outcome for
customers? The seeds tell of a programme that ended up celebrating 9-out-of-10 course
evaluations while its external targets slipped; these rules catch that drift as it is written.

Each rule is a pattern and the plain reason shown to the user. The check never blocks a save.
"""

import re
from typing import NamedTuple


class Rule(NamedTuple):
    name: str
    pattern: re.Pattern
    reason: str


def _words(*alternatives):
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


RULES = [
    Rule(
        "teaching",
        _words(
            r"class(?:es)?",
            r"courses?",
            r"trainings?",
            r"workshops?",
            r"webinars?",
            r"sessions?",
            r"modules? completed",
            r"certifications?",
        ),
        "counts the campaign's own teaching (classes, courses, training)",
    ),
    Rule(
        "evaluations",
        _words(r"evaluations?", r"course scores?", r"class scores?", r"smile sheets?", r"trainer ratings?"),
        "scores how the campaign's own events were rated",
    ),
    Rule(
        "messages sent",
        _words(
            r"e-?mails? sent",
            r"sent e-?mails?",
            r"messages? sent",
            r"newsletters?",
            r"mailings?",
            r"posts? published",
            r"posters?",
        ),
        "counts messages the campaign sent out",
    ),
    Rule(
        "views",
        _words(
            r"page ?views?",
            r"site visits?",
            r"visits to the (?:intranet|site|page)",
            r"hits",
            r"clicks?",
            r"impressions",
            r"downloads?",
            r"likes",
        ),
        "counts views and clicks on the campaign's own material",
    ),
    Rule(
        "attendance",
        _words(
            r"attendance",
            r"attendees",
            r"attended",
            r"participants",
            r"participation",
            r"sign-?ups?",
            r"enrol(?:l)?ments?",
            r"turnout",
        ),
        "counts who turned up, not what changed for customers",
    ),
    Rule(
        "meetings held",
        _words(r"(?:meetings?|events?|huddles?) (?:held|run|organi[sz]ed)", r"number of (?:meetings|events)"),
        "counts meetings the campaign held",
    ),
]


class Hint(NamedTuple):
    rules: list  # the names of the rules that matched
    text: str


def matching_rules(measure):
    """The names of the rules a measure trips, in RULES order; empty for an outcome measure."""
    text = measure or ""
    return [rule.name for rule in RULES if rule.pattern.search(text)]


def check_measure(measure):
    """A Hint when `measure` reads like an internal activity, else None. Blank measures get no hint."""
    reasons = [rule.reason for rule in RULES if rule.pattern.search(measure or "")]
    if not reasons:
        return None
    text = (
        f"This measure {reasons[0]}. That is activity inside the campaign, a different bull's-eye from an "
        "outcome for customers. Consider measuring what customers do or say instead: repeat orders, "
        "complaints, share of orders, accounts won back."
    )
    return Hint(rules=matching_rules(measure), text=text)
