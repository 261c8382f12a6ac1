"""
Quality hints for a "who I serve" card, shown while it is written and never blocking.

Three simple rules, from what makes the template work: a persona with a name
reads as a person; an "I want" names something delivered or a time (the
data manager's "monthly sales report by the 10th"); and "So I can" says how
the person uses it, rather than saying the "I want" again.
"""

import re
from dataclasses import dataclass

# Words that name something a provider hands over. Not exhaustive: a hint, not a judge.
# fmt: off
DELIVERABLES = {
    "access", "account", "advice", "agenda", "answer", "answers", "approval", "approvals", "budget", "call",
    "callback", "catalogue", "checklist", "code", "confirmation", "contract", "contracts", "dashboard", "data",
    "delivery", "deliveries", "design", "document", "documents", "draft", "email", "equipment", "estimate",
    "feedback", "figures", "file", "files", "forecast", "form", "guide", "invoice", "invoices", "laptop",
    "licence", "license", "list", "login", "numbers", "offer", "order", "orders", "parts", "password",
    "payment", "payslip", "plan", "policy", "price", "prices", "pricing", "proposal", "quote", "quotes",
    "receipt", "refund", "reply", "report", "reports", "review", "room", "schedule", "slot", "slots", "spec",
    "statement", "stock", "summary", "template", "ticket", "tickets", "training", "update", "updates", "visit",
}

TIMING = re.compile(
    r"\d|\b(by|before|within|every|each|daily|weekly|monthly|quarterly|yearly|annually|hourly|today|tomorrow"
    r"|morning|afternoon|evening|noon|week|weeks|month|months|day|days|hour|hours|minutes|deadline|asap"
    r"|immediately|same[- ]day|next[- ]day|end of|first call|on time|monday|tuesday|wednesday|thursday|friday"
    r"|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november"
    r"|december)\b",
    re.IGNORECASE,
)

STOPWORDS = {
    "a", "an", "and", "the", "to", "of", "for", "in", "on", "my", "me", "i", "it", "so", "can", "be", "is",
    "with", "that", "this", "our", "we", "want", "get", "have", "at", "from", "by", "up", "them", "their",
}
# fmt: on

WORD = re.compile(r"[a-z0-9']+")


@dataclass(frozen=True)
class Hint:
    field: str  # the form field it is about
    message: str


def _words(text):
    return [word for word in WORD.findall(text.lower()) if word not in STOPWORDS]


def names_deliverable_or_timing(wants, rhythm=""):
    """Does the "I want" (with the card's rhythm) name something handed over, or when?"""
    if rhythm.strip() or TIMING.search(wants):
        return True
    return any(word in DELIVERABLES or word.rstrip("s") in DELIVERABLES for word in _words(wants))


def repeats(so_that, wants):
    """Does "So I can" mostly say the "I want" again? Four in five of its words already there."""
    so_words = _words(so_that)
    if not so_words:
        return False
    want_words = set(_words(wants))
    shared = sum(1 for word in so_words if word in want_words)
    return shared / len(so_words) >= 0.8


def card_hints(*, persona_name="", wants="", so_that="", rhythm=""):
    """The hints for a card as written so far; empty fields not yet reached say nothing about wants or use."""
    hints = []
    if not persona_name.strip():
        hints.append(Hint("persona_name", "Give the persona a name: “Jack” is someone you can picture; a role is not."))
    if wants.strip() and not names_deliverable_or_timing(wants, rhythm):
        hints.append(
            Hint(
                "wants",
                "Say what you hand over and when — a report, an answer, a delivery, “by the 10th”, “within a day”.",
            )
        )
    if wants.strip() and repeats(so_that, wants):
        hints.append(Hint("so_that", "“So I can” repeats the “I want”. Say what they do with it once they have it."))
    return hints
