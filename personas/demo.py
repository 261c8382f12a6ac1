"""
Demo "who I serve" cards for seed_demo: about eighty cards across the departments,
inside and outside, some entered in three workshop sessions.

Written by the campaign's allies (one from the writer's department) when there are
any, otherwise by the demo members. Deterministic, and idempotent: the demo
campaign's cards and sessions are cleared and made again on every run.
"""

import random
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from campaign.models import Role
from personas.models import PersonaCard, Workshop

User = get_user_model()

CARD_COUNT = 80
OUTSIDE = None

# (writer's department, department served or OUTSIDE, role, I want, so I can, rhythm)
CARDS = [
    (
        "Data Management",
        "Sales",
        "the sales manager for the Northern region",
        "last month's orders by customer, in my inbox",
        "choose which accounts my team visits in the second week",
        "by the 5th working day",
    ),
    (
        "Data Management",
        "Marketing",
        "the campaign analyst",
        "a clean list of trade customers who ordered in the last year",
        "send the spring catalogue only to live accounts",
        "two weeks before each mailing",
    ),
    (
        "Data Management",
        "Account Management",
        "a key account manager",
        "each big customer's order history on one page",
        "walk into the quarterly review knowing their year",
        "",
    ),
    (
        "Data Management",
        "Finance & Billing",
        "the credit controller",
        "a weekly list of accounts past their terms",
        "call customers before a late payment becomes a stop",
        "Mondays",
    ),
    (
        "IT",
        "Customer Support",
        "a support team lead",
        "the phone queue back within ten minutes when it drops",
        "stop customers hearing a dead line",
        "same morning",
    ),
    (
        "IT",
        "Field Service",
        "an engineer on the road",
        "the job app working offline on my tablet",
        "close jobs from basements with no signal",
        "",
    ),
    (
        "IT",
        "Sales",
        "a new sales rep",
        "my laptop, login and CRM access ready on day one",
        "book meetings in my first week instead of waiting",
        "before my start date",
    ),
    (
        "IT",
        "HR",
        "the HR coordinator",
        "accounts switched off the day someone leaves",
        "tell auditors our leavers lose access on time",
        "",
    ),
    (
        "Logistics & Warehousing",
        "Customer Support",
        "a support agent",
        "a tracking update when a delivery will miss its slot",
        "ring the customer before they ring us",
        "as soon as the van is late",
    ),
    (
        "Logistics & Warehousing",
        "Sales",
        "an area sales rep",
        "a true stock figure for the fast movers",
        "promise dates I can keep",
        "refreshed every hour",
    ),
    (
        "Logistics & Warehousing",
        "Field Service",
        "the field service planner",
        "spare parts picked and at the depot the night before",
        "send engineers out with what the job needs",
        "by 6pm the day before",
    ),
    (
        "Logistics & Warehousing",
        OUTSIDE,
        "the owner of a hardware shop",
        "my order delivered in one drop, not three",
        "keep the shop open while I unload once",
        "",
    ),
    (
        "Logistics & Warehousing",
        OUTSIDE,
        "a site manager for a building contractor",
        "materials on site by 7am",
        "have my crew working from the first hour",
        "the day I ask for",
    ),
    (
        "Finance & Billing",
        "Sales",
        "a sales rep agreeing a special price",
        "a quick yes or no on discounts above the standard",
        "close the deal while the customer is still keen",
        "within one working day",
    ),
    (
        "Finance & Billing",
        "Account Management",
        "an account manager",
        "invoices that match the purchase order line by line",
        "stop the back-and-forth with the customer's accounts team",
        "",
    ),
    (
        "Finance & Billing",
        OUTSIDE,
        "the accounts payable clerk at a retail chain",
        "one monthly statement with every invoice on it",
        "pay you in a single run",
        "by the 3rd of the month",
    ),
    (
        "Finance & Billing",
        "HR",
        "the payroll officer",
        "approved expense claims in one file",
        "pay them with the monthly salaries",
        "by the 20th",
    ),
    (
        "HR",
        "Customer Support",
        "a team lead hiring for the busy season",
        "shortlisted candidates for the three open seats",
        "have them trained before the autumn rush",
        "by the end of August",
    ),
    (
        "HR",
        "Logistics & Warehousing",
        "the warehouse shift manager",
        "a training plan for new pickers",
        "have them safe and quick by their second week",
        "before they start",
    ),
    (
        "HR",
        "Field Service",
        "a newly promoted engineering supervisor",
        "a coach for my first three months",
        "learn to lead people who were my peers",
        "fortnightly sessions",
    ),
    (
        "Facilities",
        "Customer Support",
        "the support centre manager",
        "the broken headsets replaced",
        "keep every agent on the phones",
        "within a day of the report",
    ),
    (
        "Facilities",
        "Logistics & Warehousing",
        "the warehouse manager",
        "the dock doors repaired",
        "load vans without queues in the yard",
        "the same week",
    ),
    (
        "Facilities",
        "Sales",
        "the regional sales director",
        "a meeting room booked and set up for customer visits",
        "host buyers somewhere that looks like we care",
        "the day before",
    ),
    (
        "Customer Support",
        OUTSIDE,
        "the buyer for a chain of garden centres",
        "a straight answer on the first call",
        "place my order and get back to the shop floor",
        "",
    ),
    (
        "Customer Support",
        OUTSIDE,
        "a plumber ordering from the van",
        "someone who picks up before the fifth ring",
        "sort the part and get to my next job",
        "weekdays from 7am",
    ),
    (
        "Customer Support",
        "Logistics & Warehousing",
        "the despatch supervisor",
        "delivery notes with the customer's real access times",
        "plan routes that do not hit closed gates",
        "",
    ),
    (
        "Customer Support",
        "Account Management",
        "an account manager",
        "a note of every complaint from my accounts",
        "call them before it becomes a lost customer",
        "the same day it comes in",
    ),
    (
        "Sales",
        OUTSIDE,
        "the purchasing manager at a regional builders' merchant",
        "a quote I can compare like for like",
        "get sign-off from my director on Friday",
        "by Thursday noon",
    ),
    (
        "Sales",
        OUTSIDE,
        "a small café owner",
        "a rep who remembers what I ordered last time",
        "spend five minutes on the order, not half an hour",
        "",
    ),
    (
        "Sales",
        "Logistics & Warehousing",
        "the stock planner",
        "the big orders I am chasing, with likely dates",
        "have stock in before the order lands",
        "every Monday",
    ),
    (
        "Sales",
        "Marketing",
        "a product marketer",
        "what customers said about the new range",
        "rewrite the brochure in their words",
        "after each visit",
    ),
    (
        "Field Service",
        OUTSIDE,
        "the facilities manager at a hospital",
        "an engineer who arrives in the booked window",
        "keep the wards running without surprises",
        "two-hour window",
    ),
    (
        "Field Service",
        OUTSIDE,
        "a restaurant owner with a broken chiller",
        "a fix before evening service",
        "avoid throwing away a night's stock",
        "within four hours",
    ),
    (
        "Field Service",
        "Customer Support",
        "a support agent",
        "a note on the job when it is done",
        "answer the customer who calls to check",
        "as the job closes",
    ),
    (
        "Marketing",
        "Sales",
        "an area sales rep",
        "a one-page sheet on each new product",
        "answer buyers' questions on the spot",
        "before the launch",
    ),
    (
        "Marketing",
        "Customer Support",
        "the support team lead",
        "the promotion details before they go out",
        "answer callers who quote the offer",
        "a week ahead",
    ),
    (
        "Marketing",
        OUTSIDE,
        "a trade customer reading our newsletter",
        "news I can use, not adverts",
        "plan what to stock next season",
        "quarterly",
    ),
    (
        "Account Management",
        OUTSIDE,
        "the operations director of a facilities firm",
        "one person who owns my account end to end",
        "make one call when something goes wrong",
        "",
    ),
    (
        "Account Management",
        "Finance & Billing",
        "a billing clerk",
        "the contract terms for each new account",
        "invoice them right the first time",
        "before the first order",
    ),
    (
        "Account Management",
        "Data Management",
        "the data manager",
        "changes to customer details as they happen",
        "keep reports and mailings right",
        "within a day",
    ),
    (
        "Data Management",
        "Customer Support",
        "a support agent",
        "the customer record to show open orders and deliveries",
        "answer 'where is my order' without a callback",
        "",
    ),
    (
        "IT",
        "Logistics & Warehousing",
        "a picker on the night shift",
        "scanners charged and working at the start of the shift",
        "pick without writing things down",
        "by 10pm",
    ),
    (
        "Facilities",
        "HR",
        "the HR adviser running inductions",
        "the training room warm, clean and set up",
        "start new joiners' first day well",
        "every other Monday",
    ),
    (
        "HR",
        "Sales",
        "a sales manager",
        "a clear answer on the new commission rules",
        "explain them to the team before the quarter",
        "by the 25th",
    ),
]

PERSONA_NAMES = [
    "Priya",
    "Jack",
    "Amara",
    "Tom",
    "Sofia",
    "Kwame",
    "Mei",
    "Liam",
    "Fatima",
    "Oskar",
    "Grace",
    "Ravi",
    "Elena",
    "Dan",
    "Yusuf",
    "Hannah",
    "Marco",
    "Aisha",
    "Ben",
    "Ines",
    "Noah",
    "Leah",
    "Tariq",
    "Chloe",
    "Sam",
    "Joan",
]

WORKSHOPS = [
    ("Back office — who we serve", 40),
    ("Front line — who we serve", 26),
    ("Managers' session: serving the middle", 12),
]


def _writers(campaign):
    """The campaign's allies by department name, and its champions and admins to fall back on."""
    allies_by_department = {}
    for ally in campaign.allies.select_related("department").order_by("pk"):
        allies_by_department.setdefault(ally.department.name, []).append(ally)
    members = list(
        User.objects.filter(memberships__campaign=campaign, memberships__role__in=[Role.CHAMPION, Role.ADMIN]).order_by(
            "username"
        )
    )
    return allies_by_department, members


@transaction.atomic
def seed(campaign):
    rng = random.Random(4)
    PersonaCard.objects.filter(campaign=campaign).delete()
    Workshop.objects.filter(campaign=campaign).delete()

    departments = {department.name: department for department in campaign.departments.all()}
    allies_by_department, members = _writers(campaign)
    facilitator = members[0] if members else None
    # The sessions and cards lie in the recent past, so a card entered today is the newest.
    today = timezone.localdate()
    workshops = [
        Workshop.objects.create(
            campaign=campaign,
            title=title,
            held_on=today - timedelta(days=days_ago),
            facilitator=facilitator,
        )
        for title, days_ago in WORKSHOPS
    ]

    cards, dates = [], []
    entries = [entry for entry in CARDS if entry[0] in departments and (entry[1] is None or entry[1] in departments)]
    for index in range(CARD_COUNT):
        writer_dept, served, role, wants, so_that, rhythm = entries[index % len(entries)]
        ally = rng.choice(allies_by_department[writer_dept]) if allies_by_department.get(writer_dept) else None
        member = None if ally or not members else members[index % len(members)]
        workshop = rng.choice([*workshops, None, None])
        day = workshop.held_on if workshop else today - timedelta(days=rng.randrange(1, 60))
        cards.append(
            PersonaCard(
                campaign=campaign,
                writer_ally=ally,
                writer_member=member,
                persona_name="" if index % 23 == 7 else PERSONA_NAMES[(index * 7) % len(PERSONA_NAMES)],
                role=role,
                wants=wants,
                so_that=so_that,
                rhythm=rhythm,
                scope=PersonaCard.Scope.OUTSIDE if served is None else PersonaCard.Scope.INSIDE,
                department_served=departments.get(served) if served else None,
                workshop=workshop,
            )
        )
        dates.append(timezone.make_aware(datetime.combine(day, time(9 + index % 8, (index * 13) % 60))))
    created = PersonaCard.objects.bulk_create(cards)
    # created_at is set on insert; spread the cards over the sessions' days so the gallery reads like a history.
    for card, when in zip(created, dates, strict=True):
        PersonaCard.objects.filter(pk=card.pk).update(created_at=when, updated_at=when)
