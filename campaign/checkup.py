"""
The campaign checkup on the home page: the few checks that matter now, each green, amber or red,
with its number, the next step and a link to the page where that step is taken.

Each check is a small function over figures read once by the home page, so a check can be
swapped (the detailed coverage from allies.coverage, say) without touching the others.
"""

from typing import NamedTuple

from django.urls import NoReverseMatch, reverse

from campaign import registry, rules

GREEN, AMBER, RED = "green", "amber", "red"
# Nothing to judge yet (no wins to celebrate or aim): saying "On track" there would be false comfort.
NONE = "none"
STATUS_LABELS = {GREEN: "On track", AMBER: "Watch", RED: "Act now", NONE: "Nothing yet"}


class CheckItem(NamedTuple):
    key: str
    title: str
    status: str
    number: str
    summary: str
    next_step: str
    url: str
    # The page to act on is an admin's (campaign settings): others are told to ask one.
    for_admins: bool = False

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


def _url(campaign, *names):
    """The first of `names` that resolves for the campaign: pages owned by other apps may not exist yet."""
    for name in names:
        try:
            return reverse(name, kwargs={"slug": campaign.slug})
        except NoReverseMatch:
            continue
    return campaign.get_absolute_url()


def check_coverage(campaign, movement):
    """
    Allies everywhere: the coverage page's movement checks (allies.coverage) in one line — the most
    urgent failing check speaks for the others, and the number counts the checks that pass.
    """
    url = _url(campaign, "allies:coverage")
    # A check with nothing to judge (no allies to be stale, say) passes vacuously: it is not counted.
    passing = sum(1 for check in movement if check.ok and check.judged)
    number = f"{passing} of {len(movement)}"
    failing = [check for check in movement if not check.ok]
    if not failing:
        return CheckItem(
            "coverage", "Allies everywhere", GREEN, number,
            "Every department and every level has committed allies, and they are being tended.",
            "Keep tending them with touchpoints.", url,
        )  # fmt: skip
    worst = next((check for check in failing if check.level == RED), failing[0])
    others = len(failing) - 1
    summary = worst.sentence + (
        f" {others} more check{'s' if others > 1 else ''} on the coverage page." if others else ""
    )
    return CheckItem("coverage", "Allies everywhere", worst.level, number, summary, worst.next_step, worst.url or url)


def check_easy_wins(campaign, figures):
    url = _url(campaign, "campaign:board")
    urge = rules.restrain_the_urge(figures)
    wins = figures["won"]
    if urge.applies:
        return CheckItem(
            "easy-wins", "Easy wins first", RED, str(wins), urge.sentence,
            "Pause the hard problem or pair it with a suggested easy one on the board.", url,
        )  # fmt: skip
    if wins == 0:
        if figures["backlog"] + figures["in_progress"] == 0:
            summary, step = "No service problems on the board yet.", "Add a few easy problems people feel every day."
        else:
            summary, step = "No wins yet.", "Start the suggested easy problem and see it through."
        return CheckItem("easy-wins", "Easy wins first", AMBER, "0", summary, step, url)
    plural = "win is" if wins == 1 else "wins are"
    return CheckItem(
        "easy-wins", "Easy wins first", GREEN, str(wins), f"{wins} {plural} in, easy ones first.",
        "Keep the suggested easy problems moving.", url,
    )  # fmt: skip


def check_bullseye(campaign, figures, goals):
    if not goals:
        return CheckItem(
            "bullseye", "On the bull's-eye", RED, "0", "No bull's-eye goals: wins have nothing to aim at.",
            "Set two or three goals measured by what customers do.", _url(campaign, "campaign:settings-goals"),
            for_admins=True,
        )  # fmt: skip
    drift = rules.unaimed_share(figures)
    if not figures["won"]:
        activity = [goal for goal in goals if goal.bullseye_hint]
        if activity:
            titles = ", ".join(f"“{goal.title}”" for goal in activity)
            return CheckItem(
                "bullseye", "On the bull's-eye", AMBER, "No wins",
                f"{titles} {'is' if len(activity) == 1 else 'are'} measured by internal activity.",
                "Measure goals by what customers do or say, not by classes, scores or clicks.",
                _url(campaign, "campaign:settings-goals"), for_admins=True,
            )  # fmt: skip
        return CheckItem(
            "bullseye", "On the bull's-eye", NONE, "No wins", drift.sentence,
            "Aim each new problem at a goal when you add it.", _url(campaign, "campaign:board"),
        )  # fmt: skip
    activity = [goal for goal in goals if goal.bullseye_hint]
    parts, step, url = [], "Keep aiming each new problem at a goal.", _url(campaign, "campaign:board")
    if drift.applies:
        parts.append(drift.sentence)
        step = "Aim the next problems at a goal when you add them."
    if activity:
        titles = ", ".join(f"“{goal.title}”" for goal in activity)
        parts.append(f"{titles} {'is' if len(activity) == 1 else 'are'} measured by internal activity.")
        step = "Measure goals by what customers do or say, not by classes, scores or clicks."
        url = _url(campaign, "campaign:settings-goals")
    status = AMBER if parts else GREEN
    summary = " ".join(parts) if parts else drift.sentence
    return CheckItem(
        "bullseye",
        "On the bull's-eye",
        status,
        f"{drift.number}% unaimed",
        summary,
        step,
        url,
        for_admins=bool(activity),
    )


def check_goal_readings(campaign, progress):
    """
    Is the bull's-eye moving? Each measured goal's latest reading (`campaign.readings.goal_progress`):
    red when most measured goals are behind their line, amber when one is behind, has had no reading
    for longer than its cadence, or has none yet; nothing to judge while no goal has a baseline and target.
    """
    measured = [p for p in progress if p.status != "unmeasured"]
    if not measured:
        return CheckItem(
            "goal-readings", "Goals measured and moving", NONE, "0 measured",
            "No goal has a baseline and a target yet, so nobody can see whether the outcome moves.",
            "Give each goal a baseline and a target, each with its date.",
            _url(campaign, "campaign:settings-goals"), for_admins=True,
        )  # fmt: skip
    behind = [p for p in measured if p.status == "behind"]
    stale = [p for p in measured if p.status in ("stale", "no_reading")]
    on_track = len(measured) - len(behind) - len(stale)
    number = f"{on_track} of {len(measured)}"
    if not behind and not stale:
        return CheckItem(
            "goal-readings", "Goals measured and moving", GREEN, number,
            "Every measured goal has a recent reading on or ahead of its line.",
            "Add each new reading when it comes in.", _url(campaign, "campaign:home"),
        )  # fmt: skip
    parts = []
    if behind:
        titles = ", ".join(f"“{p.goal.title}”" for p in behind)
        parts.append(
            f"{titles} {'is' if len(behind) == 1 else 'are'} behind {'its' if len(behind) == 1 else 'their'} line."
        )
    overdue = [p for p in stale if p.status == "stale"] + [
        p for p in behind if p.days_since and p.days_since > p.goal.cadence_days
    ]
    if overdue:
        titles = ", ".join(f"“{p.goal.title}”" for p in overdue)
        parts.append(f"No reading for longer than its cadence: {titles}.")
    never = [p for p in stale if p.status == "no_reading"]
    if never:
        titles = ", ".join(f"“{p.goal.title}”" for p in never)
        parts.append(f"No reading yet: {titles}.")
    first = (behind or stale)[0].goal
    if behind:
        step = "Aim the next easy wins at the goal behind its line, and ask what is holding it back."
    else:
        step = "Add the overdue reading on the goal's page."
    status = RED if len(behind) * 2 > len(measured) else AMBER
    return CheckItem(
        "goal-readings", "Goals measured and moving", status, number, " ".join(parts), step,
        first.get_absolute_url(),
    )  # fmt: skip


def check_celebration(campaign, figures):
    url = _url(campaign, "campaign:stories")
    finding = rules.wins_not_celebrated(figures)
    waiting, wins = figures["won_uncelebrated"], figures["won"]
    if not wins:
        return CheckItem(
            "celebration", "Wins celebrated", NONE, "0", finding.sentence,
            "When the first win is in, invite a leader to celebrate it.", url,
        )  # fmt: skip
    if not waiting:
        return CheckItem(
            "celebration", "Wins celebrated", GREEN, "0", finding.sentence,
            "Invite a leader to the next win's celebration.", url,
        )  # fmt: skip
    status = RED if waiting >= 3 and waiting * 2 > wins else AMBER
    return CheckItem(
        "celebration", "Wins celebrated", status, str(waiting), finding.sentence,
        "Open the story and record the celebration once it happens.", url,
    )  # fmt: skip


def check_momentum(campaign, result):
    last = result.last_full_week
    # The count the verdict's sentence is about (this week's burst, or last week), beside that sentence.
    number = str(result.trend.figure if result.trend.figure is not None else (last.total if last else 0))
    url = _url(campaign, "campaign:board")
    if result.trend.state == "fading":
        return CheckItem(
            "momentum", "Momentum", RED, number, result.trend.reason,
            "Don't let it become a flavour of the month: plan touchpoints and start an easy win this week.", url,
        )  # fmt: skip
    if result.trend.state == "falling":
        return CheckItem(
            "momentum", "Momentum", AMBER, number, result.trend.reason,
            "One quiet week is a warning: plan touchpoints and move a problem forward this week.", url,
        )  # fmt: skip
    if result.trend.state == "quiet":
        return CheckItem(
            "momentum", "Momentum", AMBER, number, result.trend.reason,
            "Log touchpoints and move a problem forward to get it going.", url,
        )  # fmt: skip
    return CheckItem(
        "momentum", "Momentum", GREEN, number, result.trend.reason,
        "Keep engaging early and often.", url,
    )  # fmt: skip


def check_why(campaign):
    written = sum(1 for value in (campaign.why, campaign.how, campaign.what) if value.strip())
    url = campaign.get_absolute_url() + "#golden-circle"
    if campaign.golden_circle_complete:
        return CheckItem(
            "why", "The team can state the why", GREEN, "3 of 3", "Why, how and what are written down.",
            "Ask a new ally to say the why in their own words.", url,
        )  # fmt: skip
    status = AMBER if campaign.why.strip() else RED
    return CheckItem(
        "why", "The team can state the why", status, f"{written} of 3",
        "The Golden Circle is not complete, so people cannot repeat why the campaign exists.",
        "Write the why first, then the how and the what.", url,
    )  # fmt: skip


def campaign_checkup(campaign, *, figures, goals, movement, momentum_result, goal_progress=None):
    """
    Every check, in the order a champion should read them: the campaign's own, then the apps' (see `registry`).
    `goal_progress` (`campaign.readings.goal_progress`) adds the check on the goals' readings.
    """
    return [
        check_why(campaign),
        check_coverage(campaign, movement),
        check_easy_wins(campaign, figures),
        check_bullseye(campaign, figures, goals),
        *([check_goal_readings(campaign, goal_progress)] if goal_progress is not None else []),
        check_celebration(campaign, figures),
        check_momentum(campaign, momentum_result),
        *registry.checkup_items(campaign),
    ]
