"""
The board's rules, from "go for easy wins first" and "keep your aim on the right bull's-eye".

Each rule is a small function of the board's figures (ServiceProblem.objects.board_figures)
returning a Finding: whether it applies, and a plain sentence with its numbers. The board and
the campaign checkup both read them, so a rule is written once.
"""

from typing import NamedTuple

# "Few wins yet": until this many are in, the team is still warming up.
FEW_WINS = 3
# Above this share of wins serving no goal, the campaign is drifting off its bull's-eye.
UNAIMED_SHARE_LIMIT = 0.2


class Finding(NamedTuple):
    key: str
    applies: bool
    number: int
    sentence: str


def _plural(count, one, many=None):
    return f"{count} {one if count == 1 else (many or one + 's')}"


def restrain_the_urge(figures):
    """A hard problem in progress while easy ones wait and few wins are in yet."""
    hard, easy, wins = figures["hard_in_progress"], figures["easy_waiting"], figures["won"]
    applies = hard > 0 and easy > 0 and wins < FEW_WINS
    if applies:
        wins_in = f"only {_plural(wins, 'win is', 'wins are')} in" if wins else "no win is in yet"
        sentence = (
            f"{_plural(hard, 'hard problem is', 'hard problems are')} in progress while "
            f"{_plural(easy, 'easy one waits', 'easy ones wait')} and {wins_in}. "
            "Restrain the urge: finish a few easy wins first, the hard ones' day will come."
        )
    else:
        sentence = "Easy wins come first: no hard problem is holding the team up."
    return Finding("restrain-the-urge", applies, hard, sentence)


def won_without_story(figures):
    """Won problems whose story (what they did, before and after) is not written."""
    count = figures["won_without_story"]
    if count:
        sentence = (
            f"{_plural(count, 'win has', 'wins have')} no story yet. Write who worked on it, what they did "
            "and how service changed, so leaders hear about it."
        )
    else:
        sentence = "Every win has its story written."
    return Finding("won-without-story", count > 0, count, sentence)


def wins_not_celebrated(figures):
    """Won problems nobody has celebrated yet."""
    count = figures["won_uncelebrated"]
    if count:
        sentence = (
            f"{_plural(count, 'win has', 'wins have')} not been celebrated. Ask a leader for a visit, a "
            "handshake, a photo or a short speech."
        )
    else:
        sentence = "Every win has been celebrated." if figures["won"] else "No wins to celebrate yet."
    return Finding("wins-not-celebrated", count > 0, count, sentence)


def unaimed_share(figures):
    """The share of wins that serve no bull's-eye goal, when it passes UNAIMED_SHARE_LIMIT."""
    wins, unaimed = figures["won"], figures["won_unaimed"]
    share = unaimed / wins if wins else 0
    applies = share > UNAIMED_SHARE_LIMIT
    if unaimed:
        verb = "serves" if unaimed == 1 else "serve"
        sentence = f"{unaimed} of {_plural(wins, 'win')} ({share:.0%}) {verb} no bull's-eye goal."
        if applies:
            sentence += " Aim the next ones at a goal, or the campaign drifts away from what it is for."
    else:
        sentence = "Every win serves a bull's-eye goal." if wins else "No wins yet to aim at the bull's-eye."
    return Finding("unaimed-share", applies, round(share * 100), sentence)


BOARD_RULES = [restrain_the_urge, won_without_story, wins_not_celebrated, unaimed_share]


def board_findings(figures):
    """Every board rule's finding, in BOARD_RULES order."""
    return [rule(figures) for rule in BOARD_RULES]
