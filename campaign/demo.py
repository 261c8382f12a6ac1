"""
Demo easy wins for seed_demo: about 25 service problems across the board, over eight weeks.

Most easy ones were won first and have their stories; a few wins serve no goal or wait to be
celebrated, two problems are open roadblocks, and one hard problem is being worked on early,
so every rule and every checkup item has something to say. Deterministic and idempotent: the
campaign's problems are cleared and recreated from the same list, with dates counted back from today.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from campaign import signals
from campaign.models import Goal, GoalReading, Membership, Role, ServiceProblem

S, D, Impact = ServiceProblem.Status, ServiceProblem.Difficulty, ServiceProblem.Impact
B = ServiceProblem.Benefit

# (title, department, difficulty, impact, goal index or None, status, days ago opened, started, won, extras)
PROBLEMS = [
    (
        "Delivery notes printed without the customer's reference",
        "Logistics & Warehousing",
        D.EASY,
        Impact.HIGH,
        0,
        S.WON,
        56,
        54,
        49,
        {
            "what": "Warehouse leads added the reference field to the picking template and checked the first notes.",
            "before": "Trade customers rang to match deliveries to orders",
            "after": "Every note carries the customer's own reference",
            "figure": "40 calls a week → 6",
            "benefits": [B.TIME_SAVED, B.REPUTATION],
            "celebrated": "visit",
        },
    ),
    (
        "Invoices list product codes, not names",
        "Finance & Billing",
        D.EASY,
        Impact.MEDIUM,
        1,
        S.WON,
        55,
        52,
        45,
        {
            "what": "Billing and IT swapped the code column for the catalogue name on the invoice layout.",
            "before": "Customers queried one invoice in ten",
            "after": "Invoices read like the order they placed",
            "figure": "10% of invoices queried → 3%",
            "benefits": [B.TIME_SAVED, B.COST_SAVED],
            "celebrated": "handshake",
        },
    ),
    (
        "Support cannot see today's delivery slots",
        "IT",
        D.EASY,
        Impact.HIGH,
        1,
        S.WON,
        50,
        47,
        40,
        {
            "what": "IT gave the support team read access to the routing screen and a one-page guide.",
            "before": "Callers were put on hold while support emailed the depot",
            "after": "Support answers slot questions on the first call",
            "figure": "hold time 6 min → under 1",
            "benefits": [B.TIME_SAVED, B.REPUTATION],
            "celebrated": "photo",
        },
    ),
    (
        "New starters wait a week for a laptop",
        "IT",
        D.EASY,
        Impact.MEDIUM,
        None,
        S.WON,
        48,
        44,
        37,
        {
            "what": "IT and HR agreed a Thursday cut-off so kit is imaged before a Monday start.",
            "before": "New starters shadowed without a machine for days",
            "after": "A working laptop on the first morning",
            "figure": "5 days → 0",
            "benefits": [B.TEAM],
            "celebrated": "",
        },
    ),
    (
        "Returns form asks for the same details twice",
        "Customer Support",
        D.EASY,
        Impact.MEDIUM,
        2,
        S.WON,
        45,
        41,
        33,
        {
            "what": "Support and the web team cut the form to the order number and the reason.",
            "before": "Half the returns forms came back incomplete",
            "after": "Forms arrive complete",
            "figure": "12 fields → 4",
            "benefits": [B.RETENTION, B.TIME_SAVED],
            "celebrated": "speech",
        },
    ),
    (
        "Sales quotes expire without a reminder",
        "Sales",
        D.EASY,
        Impact.HIGH,
        0,
        S.WON,
        42,
        38,
        29,
        {
            "what": "Sales set a reminder two days before a quote lapses, sent to the account manager.",
            "before": "Quotes lapsed and customers bought elsewhere",
            "after": "Customers hear from us before the price changes",
            "figure": "",
            "benefits": [B.REVENUE],
            "celebrated": "",
        },
    ),
    (
        "Meeting rooms booked but empty",
        "Facilities",
        D.EASY,
        Impact.LOW,
        None,
        S.WON,
        40,
        36,
        26,
        {
            "what": "Facilities released bookings not checked in after fifteen minutes.",
            "before": "Field teams could not find a room for customer calls",
            "after": "Rooms free up within a quarter of an hour",
            "figure": "",
            "benefits": [B.TIME_SAVED],
            "celebrated": "",
        },
    ),
    (
        "Credit notes take a month",
        "Finance & Billing",
        D.MEDIUM,
        Impact.HIGH,
        2,
        S.WON,
        44,
        30,
        19,
        {
            "what": "Billing moved approval of small credit notes to the team lead and cleared the queue in a week.",
            "before": "Customers waited a month for credit",
            "after": "Credit notes issued within three days",
            "figure": "30 days → 3",
            "benefits": [B.RETENTION, B.REPUTATION],
            "celebrated": "visit",
        },
    ),
    (
        "Field engineers lack the site contact's number",
        "Field Service",
        D.EASY,
        Impact.HIGH,
        1,
        S.WON,
        30,
        25,
        15,
        {
            "what": "Account managers added the site contact to each job sheet; data management checks it weekly.",
            "before": "Engineers waited at the gate",
            "after": "Engineers call ahead and are let straight in",
            "figure": "1 visit in 8 delayed → 1 in 40",
            "benefits": [B.TIME_SAVED, B.REPUTATION],
            "celebrated": "",
        },
    ),
    (
        "Customer addresses duplicated across systems",
        "Data Management",
        D.MEDIUM,
        Impact.MEDIUM,
        0,
        S.WON,
        35,
        24,
        10,
        {
            "what": "Data management merged duplicate accounts and blocked new duplicates at entry.",
            "before": "Deliveries went to old addresses",
            "after": "One address per customer, everywhere",
            "figure": "2,300 duplicates → 40",
            "benefits": [B.COST_SAVED, B.RISK],
            "celebrated": "handshake",
        },
    ),
    (
        "Contract renewals reach Legal the day before",
        "Legal",
        D.EASY,
        Impact.MEDIUM,
        2,
        S.WON,
        25,
        18,
        6,
        {
            "what": "Account management now sends renewals to Legal a month ahead from a shared calendar.",
            "before": "Renewals signed late or in a rush",
            "after": "Renewals reviewed a month early",
            "figure": "",
            "benefits": [B.RISK, B.RETENTION],
            "celebrated": "",
        },
    ),
    (
        "Marketing promises next-day delivery in the north",
        "Marketing",
        D.EASY,
        Impact.HIGH,
        1,
        S.IN_PROGRESS,
        20,
        12,
        None,
        {},
    ),
    (
        "Order confirmations go to the buyer, not the site",
        "Customer Support",
        D.EASY,
        Impact.MEDIUM,
        0,
        S.IN_PROGRESS,
        18,
        9,
        None,
        {},
    ),
    (
        "Warehouse move left 60 accounts with no rep",
        "Account Management",
        D.HARD,
        Impact.HIGH,
        2,
        S.IN_PROGRESS,
        50,
        46,
        None,
        {"roadblock": "Approve two temporary account managers for the lapsed northern accounts until March."},
    ),
    (
        "Friday deliveries cut off at noon",
        "Logistics & Warehousing",
        D.MEDIUM,
        Impact.HIGH,
        0,
        S.BACKLOG,
        28,
        None,
        None,
        {"roadblock": "Decide whether to fund a second Friday afternoon delivery slot for trade customers."},
    ),
    ("Hold music loops a two-second clip", "Customer Support", D.EASY, Impact.LOW, 1, S.BACKLOG, 15, None, None, {}),
    (
        "Price list PDF is out of date on the website",
        "Marketing",
        D.EASY,
        Impact.HIGH,
        0,
        S.BACKLOG,
        12,
        None,
        None,
        {},
    ),
    ("Expense claims lose receipts", "Finance & Billing", D.EASY, Impact.MEDIUM, None, S.BACKLOG, 10, None, None, {}),
    (
        "Payslips arrive after payday for night shifts",
        "HR",
        D.MEDIUM,
        Impact.MEDIUM,
        None,
        S.BACKLOG,
        22,
        None,
        None,
        {},
    ),
    (
        "Van tracking not shared with customers",
        "Logistics & Warehousing",
        D.HARD,
        Impact.HIGH,
        1,
        S.BACKLOG,
        33,
        None,
        None,
        {},
    ),
    ("Replace the order system", "IT", D.HARD, Impact.HIGH, 0, S.BACKLOG, 52, None, None, {}),
    (
        "Reception does not know who is expecting a visitor",
        "Facilities",
        D.EASY,
        Impact.LOW,
        None,
        S.BACKLOG,
        8,
        None,
        None,
        {},
    ),
    (
        "Sales and support use different product names",
        "Sales",
        D.MEDIUM,
        Impact.MEDIUM,
        1,
        S.BACKLOG,
        19,
        None,
        None,
        {},
    ),
    ("Monthly customer newsletter redesign", "Marketing", D.MEDIUM, Impact.LOW, None, S.DROPPED, 47, 43, None, {}),
    ("Weekly all-staff email about the campaign", "HR", D.EASY, Impact.LOW, None, S.DROPPED, 54, 50, None, {}),
]


def _ago(today, days):
    return today - timedelta(days=days) if days is not None else None


# Each demo goal's line and a year of readings: (title start, unit, baseline, days before today,
# target, days after today, cadence, [(days ago, value), ...]). Market share lags its line, the net
# promoter score is ahead of its, and the lapsed accounts' quarterly count is overdue.
GOAL_MEASURES = [
    (
        "Win back share",
        "%",
        "18",
        365,
        "24",
        180,
        "monthly",
        [
            (5 + 30 * k, v)
            for k, v in zip(
                range(11, -1, -1), (18.0, 18.2, 18.1, 18.6, 19.0, 19.3, 19.2, 19.8, 20.1, 20.4, 20.9, 21.3), strict=True
            )
        ],
    ),
    (
        "Be known",
        "NPS points",
        "12",
        365,
        "30",
        365,
        "monthly",
        [
            (5 + 30 * k, v)
            for k, v in zip(range(11, -1, -1), (12, 13, 15, 14, 17, 18, 19, 21, 22, 22, 24, 25), strict=True)
        ],
    ),
    ("Recover the accounts", "accounts", "0", 300, "40", 270, "quarterly", [(280, 3), (190, 9), (100, 16)]),
]


def seed_goal_readings(campaign, today):
    """Baselines, targets and readings for the demo goals (found by the start of their titles); idempotent."""
    for start, unit, baseline, before, target, after, cadence, points in GOAL_MEASURES:
        goal = campaign.goals.filter(title__startswith=start).first()
        if goal is None:
            continue
        goal.unit, goal.cadence, goal.direction = unit, cadence, Goal.Direction.UP
        goal.baseline_value, goal.baseline_on = Decimal(baseline), today - timedelta(days=before)
        goal.target_value, goal.target_on = Decimal(target), today + timedelta(days=after)
        goal.save()
        goal.readings.all().delete()
        GoalReading.objects.bulk_create(
            GoalReading(goal=goal, taken_on=today - timedelta(days=ago), value=Decimal(str(value)), note="Demo figure")
            for ago, value in points
        )


def seed(campaign):
    rng = random.Random(5)  # the same owners and people on every run
    today = timezone.localdate()
    departments = {d.name: d for d in campaign.departments.all()}
    seed_goal_readings(campaign, today)
    goals = list(campaign.goals.order_by("pk"))
    owners = list(
        Membership.objects.filter(campaign=campaign, role__in=[Role.ADMIN, Role.CHAMPION])
        .order_by("user__username")
        .values_list("user_id", flat=True)
    )
    allies = list(campaign.allies.order_by("pk"))
    leaders = list(campaign.leaders.order_by("pk"))
    campaign.problems.all().delete()
    for index, (title, department, difficulty, impact, goal, status, opened, started, won, extra) in enumerate(
        PROBLEMS
    ):
        problem = ServiceProblem(
            campaign=campaign,
            title=title,
            department=departments.get(department),
            difficulty=difficulty,
            impact=impact,
            goal=goals[goal] if goal is not None and goal < len(goals) else None,
            status=status,
            owner_id=owners[index % len(owners)] if owners else None,
            opened_on=_ago(today, opened),
            started_on=_ago(today, started),
            won_on=_ago(today, won),
            dropped_on=_ago(today, max(started - 7, 0)) if status == S.DROPPED else None,
        )
        if status == S.WON:
            problem.story_what = extra["what"]
            problem.story_before = extra["before"]
            problem.story_after = extra["after"]
            problem.story_figure = extra["figure"]
            problem.benefits = list(extra["benefits"])
            if extra["celebrated"]:
                problem.celebration = extra["celebrated"]
                problem.celebrated_on = _ago(today, max(won - 3, 0))
                problem.celebrated_by = leaders[index % len(leaders)] if leaders else None
        if "roadblock" in extra:
            problem.is_roadblock = True
            problem.roadblock_ask = extra["roadblock"]
            problem.roadblock_leader = leaders[index % len(leaders)] if leaders else None
        problem.save()
        if problem.celebrated_by:
            # As when a champion records it: the leader who took part has it on their engagement log.
            signals.problem_celebrated.send(sender=ServiceProblem, problem=problem, by=None)
        if allies and status in (S.WON, S.IN_PROGRESS):
            problem.people.set(rng.sample(allies, k=min(len(allies), rng.randint(1, 3))))
