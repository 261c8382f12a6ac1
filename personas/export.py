"""The cards as a CSV file, safe to open in a spreadsheet."""

import tablib
from django.utils import timezone

# A spreadsheet treats a cell starting with one of these as a formula (or a DDE
# command): "=HYPERLINK(…)" in a persona's role must stay text, never run.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

HEADERS = [
    "My name is",
    "And I am",
    "I want",
    "So I can",
    "Rhythm or deadline",
    "Served",
    "Department served",
    "Written by",
    "Writer's department",
    "Workshop session",
    "Written on",
]


def safe_cell(value):
    """The value as text, with a leading apostrophe when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def cards_dataset(cards):
    """A tablib Dataset of `cards` (fetched with `for_gallery()`), one row per card."""
    data = tablib.Dataset(headers=HEADERS)
    for card in cards:
        row = [
            card.persona_name,
            card.role,
            card.wants,
            card.so_that,
            card.rhythm,
            card.get_scope_display(),
            card.department_served.name if card.department_served_id else "",
            card.writer_name,
            card.writer_ally.department.name if card.writer_ally_id else "",
            card.workshop.title if card.workshop_id else "",
            f"{timezone.localtime(card.created_at):%Y-%m-%d}",
        ]
        data.append([safe_cell(value) for value in row])
    return data
