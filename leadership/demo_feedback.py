"""
Demo feedback for seed_demo: a few hundred complaints and compliments over three months, a weekly
summary schedule, and the two most recent summaries as already sent to the campaign's leaders.

Idempotent: the demo's feedback carries `demo-` sender ids and is replaced on each run; the two
summaries are replaced by period.
"""

import random
from datetime import timedelta

from django.utils import timezone

from campaign.models import Department
from leadership.models import DeliveryStatus, ExecutiveSummary, Feedback, FeedbackTheme, SummaryDelivery
from leadership.models.feedback import Channel, Kind, Severity, Source, Status
from leadership.summaries import schedule_for, summary_content, summary_recipients, summary_reply_to

THEMES = ["Billing", "Delivery", "Staff attitude", "Waiting time", "Product quality"]

COMPLAINTS = {
    "Billing": [
        "Invoice showed last month's prices after the price change.",
        "Charged twice for the same pallet order.",
        "Credit note promised three weeks ago has not arrived.",
        "Nobody could explain the surcharge on our invoice.",
    ],
    "Delivery": [
        "Order arrived two days after the promised date.",
        "Driver left the goods outside in the rain.",
        "Half of the order was missing and nobody called.",
        "Wrong items delivered to the site for the second time.",
    ],
    "Staff attitude": [
        "The person on the phone was short with us and hung up.",
        "Was told 'not my department' and left to find the right person.",
        "Sales rep never returned three calls.",
    ],
    "Waiting time": [
        "On hold for forty minutes before anyone answered.",
        "Waited a week for a reply to a simple stock question.",
        "Collection counter queue took over an hour.",
    ],
    "Product quality": [
        "Batch of fittings arrived with cracked seals.",
        "Replacement part did not match the order code.",
    ],
}
COMPLIMENTS = [
    "The driver helped us unload and stacked everything where we needed it.",
    "Support sorted our order in one call — first time ever.",
    "Thank you for the early warning about the supplier delay.",
    "Your account manager found us a cheaper alternative without being asked.",
    "Invoices are finally easy to read. Thank you!",
    "The warehouse team stayed late to get our urgent order out.",
]
# What is being done, by theme: a leader reading the summary should see an answer that fits the complaint.
ACTIONS = {
    "Billing": [
        "Called the customer back, apologised and issued a credit note.",
        "Billing runs a duplicate check before invoices go out.",
        "Price changes now reach the invoicing system the day they are agreed.",
    ],
    "Delivery": [
        "Route planning now checks site opening hours before dispatch.",
        "Drivers call ahead when a site is unattended instead of leaving goods outside.",
        "Picking lists are checked against the order before the van is loaded.",
    ],
    "Staff attitude": [
        "Team briefing on warm transfers: no customer is passed on without a name.",
        "The team lead called the customer to apologise in person.",
    ],
    "Waiting time": [
        "Extra person on the phones on Monday mornings.",
        "Stock questions now get an answer within one working day.",
    ],
    "Product quality": [
        "Supplier asked for a corrective plan; goods inspected on arrival meanwhile.",
        "Order codes are checked against the part before a replacement ships.",
    ],
}
CUSTOMERS = ["Hartley Builders", "Greenway Plumbing", "Oak & Sons", "Millbrook Hotels", "City Facilities Ltd", ""]
DEPARTMENT_FOR_THEME = {
    "Billing": "Finance & Billing",
    "Delivery": "Logistics & Warehousing",
    "Staff attitude": "Customer Support",
    "Waiting time": "Customer Support",
    "Product quality": "Logistics & Warehousing",
}

# Where some complaints started: the internal provider whose service to the front line was behind them.
# Facilities has no ally, so no card of its own on the service map: the checkup asks it to write one.
TRACED_TO = {
    "Invoice showed last month's prices after the price change.": "IT",
    "Charged twice for the same pallet order.": "Finance & Billing",
    "Half of the order was missing and nobody called.": "Logistics & Warehousing",
    "Wrong items delivered to the site for the second time.": "Logistics & Warehousing",
    "Order arrived two days after the promised date.": "Logistics & Warehousing",
    "Waited a week for a reply to a simple stock question.": "Data Management",
    "Replacement part did not match the order code.": "Data Management",
    "Collection counter queue took over an hour.": "Facilities",
}


def _traced_to(summary, n, departments):
    """Most, not all, of those complaints traced (a few still wait for someone to ask where they started)."""
    name = TRACED_TO.get(summary)
    return departments.get(name) if name and n % 4 else None


# The demo's one leader who opens nothing we send (the leaders list flags them): packs or summaries.
NEVER_OPENS = "t.kowal@northwind.example"


def seed(campaign):
    rng = random.Random(7_2026)
    themes = {name: FeedbackTheme.objects.update_or_create(campaign=campaign, name=name)[0] for name in THEMES}
    departments = {d.name: d for d in Department.objects.filter(campaign=campaign)}
    Feedback.objects.filter(campaign=campaign, external_id__startswith="demo-").delete()
    today = timezone.localdate()
    rows = []
    for n in range(320):
        received = today - timedelta(days=rng.randint(0, 90))
        if rng.random() < 0.72:
            theme = rng.choice(THEMES)
            age = (today - received).days
            status = (
                Status.RESOLVED if age > 20 and rng.random() < 0.7 else rng.choice([Status.OPEN, Status.IN_PROGRESS])
            )
            resolved_on = (
                min(today, received + timedelta(days=rng.randint(1, 15))) if status == Status.RESOLVED else None
            )
            rows.append(
                Feedback(
                    kind=Kind.COMPLAINT,
                    severity=rng.choices(Severity.values, weights=[4, 5, 3, 1])[0],
                    status=status,
                    resolved_on=resolved_on,
                    action=rng.choice(ACTIONS[theme]) if status != Status.OPEN or rng.random() < 0.3 else "",
                    summary=rng.choice(COMPLAINTS[theme]),
                    theme=themes[theme],
                    department=departments.get(DEPARTMENT_FOR_THEME[theme]),
                    **_common(campaign, n, received, rng),
                )
            )
            rows[-1].traced_to = _traced_to(rows[-1].summary, n, departments)
        else:
            rows.append(
                Feedback(
                    kind=Kind.COMPLIMENT,
                    severity="",
                    featured=rng.random() < 0.15,
                    summary=rng.choice(COMPLIMENTS),
                    department=rng.choice(list(departments.values())) if departments else None,
                    **_common(campaign, n, received, rng),
                )
            )
    Feedback.objects.bulk_create(rows)
    schedule = schedule_for(campaign)
    schedule.enabled, schedule.cadence, schedule.weekday, schedule.hour = True, "weekly", 0, 8
    schedule.save()
    _seed_past_summaries(campaign, schedule)


def _common(campaign, n, received, rng):
    return {
        "campaign": campaign,
        "received_on": received,
        "channel": rng.choice(Channel.values),
        "customer": rng.choice(CUSTOMERS),
        "external_id": f"demo-{n:04d}",
        "source": rng.choice([Source.FORM, Source.FORM, Source.IMPORT, Source.API]),
    }


def _seed_past_summaries(campaign, schedule):
    """The last two weekly summaries, as if beat had sent them: delivered, one of them opened."""
    latest = schedule.latest_due_period()
    periods = [schedule.period_ending(latest.start), latest]
    ExecutiveSummary.objects.filter(campaign=campaign, period_start__in=[p.start for p in periods]).delete()
    # Turned on before those periods were due, so the dispatcher treats them as its own.
    schedule.active_since = periods[0].due_at - timedelta(days=1)
    schedule.save(update_fields=["active_since"])
    leaders = list(summary_recipients(schedule))
    for index, period in enumerate(periods):
        content = summary_content(campaign=campaign, period=period, as_of=period.end)
        summary = ExecutiveSummary.objects.create(
            campaign=campaign,
            period_start=period.start,
            period_end=period.end,
            due_at=period.due_at,
            snapshot=content,
            is_empty=content["is_empty"],
            reply_to=summary_reply_to(schedule),
        )
        SummaryDelivery.objects.bulk_create(
            SummaryDelivery(
                summary=summary,
                leader=leader,
                status=DeliveryStatus.SENT,
                attempts=1,
                created_at=period.due_at,
                claimed_at=period.due_at,
                sent_at=period.due_at + timedelta(seconds=5),
                opened_at=(
                    period.due_at + timedelta(hours=3) if (n + index) % 2 == 0 and leader.email != NEVER_OPENS else None
                ),
            )
            for n, leader in enumerate(leaders)
        )
