"""Crafted board figures for testing rules and checkup items without the database."""

QUIET = {
    "backlog": 0,
    "in_progress": 0,
    "won": 0,
    "dropped": 0,
    "easy_waiting": 0,
    "hard_in_progress": 0,
    "won_without_story": 0,
    "won_uncelebrated": 0,
    "won_unaimed": 0,
    "open_roadblocks": 0,
}


def figures(**changes):
    return {**QUIET, **changes}
