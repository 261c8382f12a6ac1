"""
The demo campaign's allies: about sixty people with ten weeks of history.

The shape is the one the seeds warn about, so every coverage check and chart has something to say:
the movement is thick in Customer Support and the customer-facing teams, thin in the middle, nobody
committed yet in IT, HR or Data Management, and nobody at all in Legal or Facilities. Some allies have
gone quiet, a few follow-ups are due for demo-champion, and two volunteers wait to be accepted.

Deterministic (a fixed random seed; dates count back from today) and idempotent: the campaign's allies,
touchpoints and stage history are cleared and made again on every run.
"""

import random
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from allies.models import Ally, JoinLink, Stage, StageChange, Touchpoint
from campaign.models import Department, Level

User = get_user_model()

# Department: (allies, whether anyone there has committed yet, headcount or None when unknown).
DEPARTMENTS = {
    "Customer Support": (16, True, 120),
    "Sales": (8, True, 60),
    "Field Service": (6, True, 45),
    "Account Management": (6, True, None),
    "Marketing": (4, True, None),
    "Logistics & Warehousing": (6, True, 150),
    "Finance & Billing": (5, True, 35),
    "IT": (4, False, 40),
    "HR": (3, False, 18),
    "Data Management": (2, False, None),
    "Legal": (0, False, 8),
    "Facilities": (0, False, 12),
}

FIRST = [
    "Amira", "Ben", "Chloe", "Dev", "Elena", "Femi", "Grace", "Hugo", "Ines", "Jonas", "Kemi", "Liam",
    "Maya", "Nico", "Olu", "Priya", "Quinn", "Rosa", "Sanjay", "Tess", "Umar", "Vera", "Wes", "Yara",
    "Zoe", "Aled", "Bea", "Cal", "Dana", "Eli",
]  # fmt: skip
LAST = [
    "Abbott", "Bianchi", "Costa", "Dlamini", "Evans", "Fischer", "Garcia", "Haddad", "Ito", "Jensen",
    "Kowalski", "Lopez", "Mensah", "Novak", "O'Brien", "Patel", "Quigley", "Rossi", "Santos", "Tanaka",
]  # fmt: skip

MOTIVATIONS = [
    "I'm tired of apologising for invoices customers cannot read.",
    "Our drivers hear the complaints first and nobody asks them.",
    "I want the warehouse and support to stop blaming each other.",
    "A customer told me we were the only supplier who called back. I want that to be normal.",
    "The new starters deserve a better first week than I had.",
    "Half my tickets are about things another team could fix in a day.",
]

NOTES = [
    "Met at the all-hands; keen on the easy wins list.",
    "Runs the Monday stand-up; could bring the team along.",
    "Sceptical at first, came round after the lunch.",
    "Knows everyone in the depot.",
    "",
    "",
]

TOUCHPOINT_NOTES = {
    Touchpoint.Kind.ONE_ON_ONE: ["Coffee: talked about the late-delivery calls.", "Walked through the easy wins list."],
    Touchpoint.Kind.LUNCH: ["Lunch with the team; lots of ideas on returns.", "Lunch: what slows them down."],
    Touchpoint.Kind.MESSAGE: ["Sent the service story from Field Service.", "Thanked them for the quick fix."],
    Touchpoint.Kind.BOOK_CLUB: ["Book club, chapter 3."],
    Touchpoint.Kind.WORKSHOP: ["\u201cWho I serve\u201d workshop."],
    Touchpoint.Kind.EVENT: ["Recognition morning with the COO."],
}

STAGE_WEIGHTS = {
    Stage.IDENTIFIED: 14,
    Stage.APPROACHED: 18,
    Stage.INTERESTED: 20,
    Stage.COMMITTED: 26,
    Stage.CHAMPION: 12,
    Stage.DECLINED: 8,
}
NOT_YET_COMMITTED = [Stage.IDENTIFIED, Stage.APPROACHED, Stage.INTERESTED, Stage.DECLINED]


def _names(rng, count):
    pairs = [(first, last) for first in FIRST for last in LAST]
    rng.shuffle(pairs)
    return [f"{first} {last}" for first, last in pairs[:count]]


def _at(day, rng):
    """A working-hours moment on `day`, in the current time zone."""
    return timezone.make_aware(datetime.combine(day, time(hour=rng.randint(9, 16), minute=rng.choice([0, 15, 30]))))


def _path_to(stage, rng):
    """The steps an ally took to reach `stage`: up the ladder, or part of the way before declining."""
    ladder = [Stage.IDENTIFIED, Stage.APPROACHED, Stage.INTERESTED, Stage.COMMITTED, Stage.CHAMPION]
    if stage == Stage.DECLINED:
        return [*ladder[: rng.randint(2, 3)], Stage.DECLINED]
    return ladder[: ladder.index(stage) + 1]


def seed(campaign):
    rng = random.Random(20261122)
    today = timezone.localdate()
    Touchpoint.objects.filter(campaign=campaign).delete()
    Ally.objects.filter(campaign=campaign).delete()

    departments = {d.name: d for d in Department.objects.filter(campaign=campaign)}
    for name, (_count, _committed, headcount) in DEPARTMENTS.items():
        Department.objects.filter(campaign=campaign, name=name).update(headcount=headcount)
    champion = User.objects.filter(username="demo-champion").first()
    admin = User.objects.filter(username="demo-admin").first()
    loggers = [user for user in (champion, admin) if user]

    total = sum(count for count, _committed, _headcount in DEPARTMENTS.values())
    names = iter(_names(rng, total + 2))
    allies = []
    for department_name, (count, committed_ok, _headcount) in DEPARTMENTS.items():
        department = departments.get(department_name)
        if department is None:
            continue
        for index in range(count):
            allies.append(
                _make_ally(campaign, department, next(names), index, committed_ok, rng, today, champion, admin)
            )
    _assign_follow_ups(allies, champion, today)
    _log_touchpoints(campaign, allies, rng, today, loggers)
    _add_volunteers(campaign, departments, names, today)
    if not JoinLink.objects.filter(campaign=campaign, active=True).exists():
        JoinLink.objects.create(campaign=campaign, created_by=admin)


def _make_ally(campaign, department, name, index, committed_ok, rng, today, champion, admin):
    stages = list(STAGE_WEIGHTS) if committed_ok else NOT_YET_COMMITTED
    stage = rng.choices(stages, weights=[STAGE_WEIGHTS[s] for s in stages])[0]
    # A thin middle: most allies are frontline, a handful at the top, fewer still in the middle.
    level = rng.choices([Level.FRONTLINE, Level.TOP, Level.MIDDLE], weights=[78, 13, 9])[0]
    if department.name == "Customer Support" and index == 0:
        level = Level.MIDDLE  # the one team lead who got it early
    source = rng.choices(list(Ally.Source), weights=[45, 25, 30])[0]
    owner = rng.choices([champion, admin, None], weights=[40, 30, 30])[0]
    started = today - timedelta(days=rng.randint(20, 70))
    ally = Ally.objects.create(
        campaign=campaign,
        name=name,
        email=f"{name.lower().replace(' ', '.').replace(chr(39), '')}@northwind.example",
        department=department,
        level=level,
        stage=stage,
        source=source,
        motivation=rng.choice(MOTIVATIONS) if source == Ally.Source.VOLUNTEERED else "",
        note=rng.choice(NOTES),
        recruited_by=owner,
    )
    day, previous, changes = started, "", []
    for step in _path_to(stage, rng):
        changes.append(
            StageChange(
                ally=ally,
                campaign_id=ally.campaign_id,
                from_stage=previous,
                to_stage=step,
                changed_at=_at(day, rng),
                changed_by=owner,
            )
        )
        previous = step
        day = min(day + timedelta(days=rng.randint(4, 14)), today - timedelta(days=1))
    StageChange.objects.bulk_create(changes)
    Ally.objects.filter(pk=ally.pk).update(created_at=changes[0].changed_at, stage_changed_at=changes[-1].changed_at)
    ally.started = started
    ally.stage_changed_at = changes[-1].changed_at
    return ally


def _assign_follow_ups(allies, champion, today):
    """A few due (past and today) and a few coming up for demo-champion, so "My follow-ups" has both."""
    owned = [ally for ally in allies if champion and ally.recruited_by_id == champion.pk and ally.stage != "declined"]
    offsets = [-6, -3, -1, 0, 2, 4, 6, 13, 20]
    for ally, offset in zip(owned, offsets, strict=False):
        ally.follow_up_on = today + timedelta(days=offset)
        Ally.objects.filter(pk=ally.pk).update(follow_up_on=ally.follow_up_on)


def _log_touchpoints(campaign, allies, rng, today, loggers):
    """One-to-one contacts for everyone past "identified", a quarter of them gone quiet, and a few group events."""
    last_allowed = {}
    for ally in allies:
        if ally.stage == Stage.IDENTIFIED:
            continue
        quiet = rng.random() < 0.25 or ally.stage == Stage.DECLINED
        end = today - timedelta(days=rng.randint(38, 55)) if quiet else today
        start = ally.started + timedelta(days=2)
        if end <= start:
            end = today  # too new to have gone quiet
        if end <= start:
            continue
        last_allowed[ally.pk] = end
        span = (end - start).days
        for _ in range(rng.randint(1, 4)):
            kind = rng.choice([Touchpoint.Kind.ONE_ON_ONE, Touchpoint.Kind.LUNCH, Touchpoint.Kind.MESSAGE])
            touchpoint = Touchpoint.objects.create(
                campaign=campaign,
                kind=kind,
                happened_on=start + timedelta(days=rng.randint(0, span)),
                note=rng.choice(TOUCHPOINT_NOTES[kind]),
                logged_by=rng.choice(loggers) if loggers else None,
            )
            touchpoint.allies.add(ally)
    group_events = [
        (58, Touchpoint.Kind.BOOK_CLUB),
        (40, Touchpoint.Kind.WORKSHOP),
        (16, Touchpoint.Kind.BOOK_CLUB),
        (9, Touchpoint.Kind.EVENT),
    ]
    for days_ago, kind in group_events:
        day = today - timedelta(days=days_ago)
        present = [a for a in allies if a.pk in last_allowed and a.started <= day <= last_allowed[a.pk]]
        if not present:
            continue
        touchpoint = Touchpoint.objects.create(
            campaign=campaign,
            kind=kind,
            happened_on=day,
            note=TOUCHPOINT_NOTES[kind][0],
            logged_by=loggers[0] if loggers else None,
        )
        touchpoint.allies.set(rng.sample(present, min(len(present), rng.randint(4, 8))))


def _add_volunteers(campaign, departments, names, today):
    """Two colleagues who signed up through the join link this week and wait for a champion."""
    for department_name, motivation, days_ago in [
        ("Finance & Billing", "I want our invoices to make sense to the people who pay them.", 1),
        ("IT", "Every ticket is someone stuck. I'd like us to act like it.", 2),
    ]:
        department = departments.get(department_name)
        if department is None:
            continue
        name = next(names)
        at = timezone.now() - timedelta(days=days_ago)
        ally = Ally.objects.create(
            campaign=campaign,
            name=name,
            email=f"{name.lower().replace(' ', '.').replace(chr(39), '')}@northwind.example",
            department=department,
            level=Level.FRONTLINE,
            stage=Stage.INTERESTED,
            stage_changed_at=at,
            source=Ally.Source.VOLUNTEERED,
            motivation=motivation,
            awaiting_review=True,
        )
        StageChange.objects.create(ally=ally, from_stage="", to_stage=Stage.INTERESTED, changed_at=at)
        Ally.objects.filter(pk=ally.pk).update(created_at=at)
