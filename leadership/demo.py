"""
Demo data for leaders and briefings: eight leaders with their stance and WIIFM, an engagement
history, clippings, benchmarking visits, invitations, one sent pack and one draft.

Deterministic and idempotent: rows are found by natural keys (email, title, organisation) and
updated, and the logs and packs hanging off them are cleared and made again.
"""

import random
from datetime import time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from campaign.models import Department, ServiceProblem
from leadership.models import (
    BenchmarkVisit,
    BriefingPack,
    Clipping,
    DeliveryStatus,
    Engagement,
    EngagementKind,
    Event,
    Leader,
    Objection,
    Outcome,
    PackDelivery,
    VisitAction,
)
from leadership.services import objections_prefill, pack_send
from leadership.starter import STARTER_EVIDENCE_KINDS

User = get_user_model()
B = ServiceProblem.Benefit

LEADERS = [
    # name, email, title, department, level, stance, wiifm, note
    (
        "Margaret Hale",
        "m.hale",
        "Chief Executive",
        None,
        "top",
        "supporter",
        ["reputation", "revenue"],
        "Wants Northwind to be the name the trade trusts.",
    ),
    (
        "Rupert Vance",
        "r.vance",
        "Chief Financial Officer",
        "Finance & Billing",
        "top",
        "skeptic",
        ["budget", "efficiency"],
        "Every project has to pay for itself within the year.",
    ),
    (
        "Priya Natarajan",
        "p.natarajan",
        "Sales Director",
        "Sales",
        "top",
        "champion",
        ["revenue", "bonus"],
        "Lives by the quarterly number.",
    ),
    (
        "Tomasz Kowal",
        "t.kowal",
        "Head of Logistics",
        "Logistics & Warehousing",
        "middle",
        "neutral",
        ["efficiency", "team"],
        "Proud of his crews; hates overtime.",
    ),
    (
        "Helen Osei",
        "h.osei",
        "Head of Customer Support",
        "Customer Support",
        "middle",
        "supporter",
        ["team", "reputation"],
        "",
    ),
    (
        "Graham Pike",
        "g.pike",
        "IT Director",
        "IT",
        "top",
        "opposed",
        ["risk", "budget"],
        "Sees every change as a new outage waiting to happen.",
    ),
    (
        "Aisha Bello",
        "a.bello",
        "Head of HR",
        "HR",
        "middle",
        "neutral",
        ["team", "risk"],
        "Worried about attrition in the warehouse.",
    ),
    (
        "Daniel Frost",
        "d.frost",
        "General Counsel",
        "Legal",
        "top",
        "skeptic",
        ["risk"],
        "Asks what could go wrong before anything else.",
    ),
]

CLIPPINGS = [
    (
        "A grocer that answers the phone in three rings",
        "Trade Weekly, 4 March",
        Clipping.Kind.SUCCESS,
        [B.RETENTION, B.REPUTATION],
        "A regional grocer cut its call wait to under a minute and kept nine in ten of its trade accounts "
        "through a price war.",
        "They are smaller than us and did it without new systems.",
    ),
    (
        "Parcel firm loses its biggest client over invoices",
        "https://example.com/news/parcel-invoices",
        Clipping.Kind.DISASTER,
        [B.COST_SAVED, B.RETENTION],
        "Eighteen months of confusing invoices ended a ten-year contract; the client said nobody ever called back.",
        "Our billing queries look a lot like theirs did.",
    ),
    (
        "How a tool hire chain made its depots serve each other",
        "Service Review, issue 112",
        Clipping.Kind.SUCCESS,
        [B.TIME_SAVED, B.TEAM],
        "Depots started treating each other as customers; stock transfers that took days now take hours.",
        "This is exactly what we mean by serving inside to serve outside.",
    ),
    (
        "A data breach handled with care",
        "The Business Desk, 19 June",
        Clipping.Kind.SUCCESS,
        [B.RISK, B.REPUTATION],
        "A wholesaler told customers within hours and called every account; trust scores rose the next quarter.",
        "Service is also how we behave when something goes wrong.",
    ),
]

VISITS = [
    (
        "Harbour Foods distribution centre",
        "Tomasz Kowal, Helen Osei and two champions",
        "Dispatch and customer support sit together; every late load is known to support before the customer calls.",
        "Sharing one live view of late loads removes most 'where is my order' calls.",
        ["Put support on the dispatch board's morning huddle", "Text customers when a load is running late"],
    ),
    (
        "Meridian Tools head office",
        "Priya Natarajan and a champion from Finance",
        "Invoices are written in plain words, checked by someone who has read them as a customer would.",
        "Billing questions fall when the invoice answers them first.",
        ["Rewrite our invoice template with three trade customers", "Name one owner for billing queries per region"],
    ),
]

STORIES = [
    (
        "Same-day answer on delivery slots",
        [B.TIME_SAVED, B.RETENTION],
        "Customers waited two days for a slot",
        "They get one the same afternoon",
        "2 days → 4 hours",
    ),
    (
        "Invoice codes customers can read",
        [B.COST_SAVED, B.REPUTATION],
        "A third of invoices queried",
        "Queries down by half",
        "33% → 15% queried",
    ),
    (
        "Warehouse crews fix the pick-list order",
        [B.TIME_SAVED, B.TEAM],
        "Pickers walked the aisles twice",
        "One walk per order",
        "40 minutes saved per shift",
    ),
]


# Objections some leaders are known to raise, whatever the draw; leaders who are drawn to trouble.
DEMO_OBJECTIONS = {
    "r.vance": ("Service is a cost, and we don't need more cost.", "How will this help the bottom line?"),
    "h.osei": ("What's wrong with our service? Our scores are good.",),
}
LEADS_WITH_WRONG = {"r.vance": "wrong", "t.kowal": "wrong"}


def seed(campaign):
    rng = random.Random(6)
    today = timezone.localdate()
    objections_prefill(campaign=campaign)
    champion = User.objects.filter(username="demo-champion").first()
    admin = User.objects.filter(username="demo-admin").first()
    departments = {d.name: d for d in Department.objects.filter(campaign=campaign)}
    # The starter answers carry the campaign's own numbers (a demo seeded before they did gets them too).
    for text, kind in STARTER_EVIDENCE_KINDS.items():
        Objection.objects.filter(campaign=campaign, objection=text).update(evidence_kind=kind)
    objections = list(Objection.objects.filter(campaign=campaign))
    by_text = {objection.objection: objection for objection in objections}

    leaders = []
    for index, (name, email, title, department, level, stance, wiifm, note) in enumerate(LEADERS):
        leader, _ = Leader.objects.update_or_create(
            campaign=campaign,
            email=f"{email}@northwind.example",
            defaults={
                "name": name,
                "title": title,
                "department": departments.get(department),
                "level": level,
                "stance": stance,
                "wiifm": wiifm,
                "wiifm_note": note,
                "owner": champion if index % 2 else admin,
            },
        )
        heard = (
            rng.sample(objections, k=min(len(objections), 1 + index % 3))
            if stance in ("skeptic", "opposed", "neutral")
            else []
        )
        # The finance chief says what finance chiefs say, and wants the trouble first.
        heard += [by_text[text] for text in DEMO_OBJECTIONS.get(email, ()) if text in by_text]
        leader.objections.set(set(heard))
        leader.leads_with = LEADS_WITH_WRONG.get(email, "well")
        leader.save(update_fields=["leads_with"])
        leaders.append(leader)

    events = []
    for offset, (kind, title, where, starts_at) in enumerate(
        [
            (EngagementKind.CUSTOMER_MEETING, "Trade customer breakfast", "Leeds depot", "08:00"),
            (EngagementKind.RECOGNITION, "Thank-you visit to the night shift", "Main warehouse", "22:30"),
            (EngagementKind.WORKSHOP, "Cross-team workshop on billing queries", "Head office, room 2", "14:00"),
        ]
    ):
        event, _ = Event.objects.update_or_create(
            campaign=campaign,
            title=title,
            defaults={
                "kind": kind,
                "where": where,
                "happens_on": today + timedelta(days=10 + 7 * offset),
                "starts_at": starts_at,
                "details": "Stop by for half an hour, listen, and say a few words of thanks.",
            },
        )
        events.append(event)

    Engagement.objects.filter(leader__in=leaders).delete()
    kinds = [k for k in EngagementKind.values if k != EngagementKind.CLIPPING]
    for leader in leaders:
        # Opposed and skeptical leaders have been approached less: the list's "not engaged" filter shows them.
        count = {"champion": 5, "supporter": 4, "neutral": 2, "skeptic": 1, "opposed": 0}[leader.stance]
        for _ in range(count):
            Engagement.objects.create(
                campaign=campaign,
                leader=leader,
                kind=rng.choice(kinds),
                happened_on=today - timedelta(days=rng.randint(3, 120)),
                outcome=rng.choice(Outcome.values),
                note=rng.choice(["", "Asked good questions.", "Sent a deputy instead.", "Stayed longer than planned."]),
                recorded_by=champion,
            )

    clippings = []
    for title, source, kind, benefits, summary, note in CLIPPINGS:
        clipping, _ = Clipping.objects.update_or_create(
            campaign=campaign,
            title=title,
            defaults={
                "source": source,
                "kind": kind,
                "benefits": benefits,
                "summary": summary,
                "note": note,
                "created_by": champion,
            },
        )
        clippings.append(clipping)

    visits = []
    for offset, (organisation, who, saw, learned, actions) in enumerate(VISITS):
        visit, _ = BenchmarkVisit.objects.update_or_create(
            campaign=campaign,
            organisation=organisation,
            defaults={
                "visited_on": today - timedelta(days=30 + 25 * offset),
                "who_went": who,
                "saw": saw,
                "learned": learned,
            },
        )
        for position, text in enumerate(actions):
            VisitAction.objects.update_or_create(visit=visit, text=text, defaults={"position": position})
        visits.append(visit)

    stories = list(ServiceProblem.objects.filter(campaign=campaign, status=ServiceProblem.Status.WON)[:3])
    if not stories:
        for offset, (title, benefits, before, after, figure) in enumerate(STORIES):
            story, _ = ServiceProblem.objects.update_or_create(
                campaign=campaign,
                title=title,
                defaults={
                    "status": ServiceProblem.Status.WON,
                    "won_on": today - timedelta(days=14 + 9 * offset),
                    "benefits": benefits,
                    "story_before": before,
                    "story_after": after,
                    "story_figure": figure,
                    "story_what": (
                        "A champion and two colleagues mapped the handoffs and removed the one nobody needed."
                    ),
                },
            )
            stories.append(story)

    BriefingPack.objects.filter(campaign=campaign, title__in=DEMO_PACK_TITLES).delete()
    # Leaders read their mail where they work: two of them abroad, the rest where the campaign is.
    for leader, zone in zip(leaders[1:3], ("America/New_York", "Asia/Singapore"), strict=False):
        Leader.objects.filter(pk=leader.pk).update(time_zone=zone)
        leader.time_zone = zone
    sent = BriefingPack.objects.create(
        campaign=campaign,
        title="Three wins from the warehouse floor",
        note=(
            "A short read: three things our own people fixed this month, and an invitation we would love you to accept."
        ),
        talking_points="Everyone serves someone who serves a customer.\nSmall wins first, then bigger ones.",
        status=BriefingPack.Status.SENT,
        created_by=champion,
        sent_by=champion,
        sent_at=timezone.now() - timedelta(days=12),
        created_at=timezone.now() - timedelta(days=13),
    )
    sent.recipients.set(leaders[:4])
    sent.stories.set(stories[:2])
    sent.clippings.set(clippings[:1])
    sent.visits.set(visits[:1])
    sent.events.set(events[:1])
    # Who opened the web version, and how often: the first two did (one of them three times), the others not.
    opens = {0: (3, timedelta(hours=2)), 1: (1, timedelta(days=1, hours=5))}
    for index, leader in enumerate(leaders[:4]):
        count, after = opens.get(index, (0, None))
        PackDelivery.objects.create(
            pack=sent,
            leader=leader,
            status=DeliveryStatus.SENT,
            attempts=1,
            created_at=sent.sent_at,
            claimed_at=sent.sent_at,
            sent_at=sent.sent_at,
            opened_at=sent.sent_at + after if after else None,
            last_opened_at=sent.sent_at + after + timedelta(days=count - 1) if after else None,
            open_count=count,
        )
    _seed_pack_schedules(campaign, champion, admin, leaders, stories)
    draft = BriefingPack.objects.create(
        campaign=campaign,
        title="What our customers noticed this month",
        note="I thought you would like to see what changed for our trade customers.",
        created_by=champion,
    )
    draft.recipients.set(leaders[4:7])
    draft.clippings.set(clippings[1:3])
    # The answers to what its leaders raised, with the campaign's numbers filled in live.
    draft.answers.set(Objection.objects.filter(leaders__in=leaders[4:7]).exclude(evidence_kind="none").distinct())


DEMO_PACK_TITLES = [
    "Three wins from the warehouse floor",
    "What our customers noticed this month",
    "October in one page",
    "The returns desk, before and after",
    "A morning with the trade counter",
]


def _seed_pack_schedules(campaign, champion, admin, leaders, stories):
    """
    An older pack (so one leader has been sent two and opened neither: the leaders list flags them), a pack
    scheduled for next Monday 08:00 in each leader's own zone, and one waiting for a second champion.
    """
    now = timezone.now()
    older = BriefingPack.objects.create(
        campaign=campaign,
        title="October in one page",
        note="One page on what October's wins did for our trade customers.",
        status=BriefingPack.Status.SENT,
        created_by=admin,
        sent_by=admin,
        sent_at=now - timedelta(days=40),
        created_at=now - timedelta(days=41),
    )
    older.recipients.set(leaders[2:4])
    older.stories.set(stories[2:3])
    for leader in leaders[2:4]:
        opened = older.sent_at + timedelta(hours=20) if leader == leaders[2] else None
        PackDelivery.objects.create(
            pack=older,
            leader=leader,
            status=DeliveryStatus.SENT,
            attempts=1,
            created_at=older.sent_at,
            claimed_at=older.sent_at,
            sent_at=older.sent_at,
            opened_at=opened,
            last_opened_at=opened,
            open_count=1 if opened else 0,
        )

    monday = campaign.today() + timedelta(days=7 - campaign.today().weekday())
    scheduled = BriefingPack.objects.create(
        campaign=campaign,
        title="The returns desk, before and after",
        note="How the returns desk cut a week of waiting to two days, told by the people who did it.",
        created_by=champion,
    )
    scheduled.recipients.set(leaders[:3])
    scheduled.stories.set(stories[:1])
    if not campaign.packs_need_approval:  # an admin who switched approval on sees it waiting instead, below
        pack_send(pack=scheduled, by=champion, send_on=monday, send_time=time(8, 0))

    waiting = BriefingPack.objects.create(
        campaign=campaign,
        title="A morning with the trade counter",
        note="Would you spend an hour at the trade counter with us? Here is what you would see.",
        talking_points="Our counter staff fixed the quote queue themselves.",
        created_by=champion,
        status=BriefingPack.Status.AWAITING_APPROVAL,
        approval_requested_by=champion,
        approval_requested_at=now - timedelta(hours=3),
    )
    waiting.recipients.set(leaders[3:5])
    waiting.stories.set(stories[1:2])
