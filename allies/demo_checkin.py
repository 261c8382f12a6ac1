"""
The demo campaign's middle's check-in: last month's round, closed, and this month's, open, each with a
few answers from the thin middle the allies demo has, so the check-in pages, the wins board's Recognise
section, the asks of leadership and home's checkup all have something to show.

Idempotent: the campaign's rounds, nominations, check-in mail and the problems raised from the middle are
cleared and made again. The demo's emails are marked sent (nobody reads the demo's mail).
"""

from datetime import timedelta

from django.utils import timezone

from allies import checkin
from allies.models import CheckinInvite, CheckinRound
from campaign.models import MemberDelivery, Membership, Nomination

# (question, person named, the line written), handed out in turn to the middle allies who answer.
ANSWERS = [
    ("praise", "Kemi Mensah", "Rang every customer hit by the billing outage before they rang us."),
    ("roadblock", "", "Refunds over 50 need a director's signature; most wait a week for it."),
    ("suggestion", "", "Let the warehouse see support tickets about their deliveries."),
    ("praise", "Hugo Novak", "Rebuilt the returns checklist with the drivers; mistakes halved."),
    ("suggestion", "", "A shared glossary: sales and billing call the same plan three names."),
    ("roadblock", "", "We cannot hire the temp cover approved in September: the requisition is stuck."),
    ("praise", "Rosa Ito", "Stayed with a distressed caller until the engineer arrived."),
]


def _answer(invites, answers, today):
    for invite, (question, person, text) in zip(invites, answers, strict=False):
        checkin.checkin_answer(invite_id=invite.pk, question=question, text=text, person=person, today=today)


def seed(campaign):
    CheckinRound.objects.filter(campaign=campaign).delete()
    Nomination.objects.filter(campaign=campaign).delete()
    MemberDelivery.objects.filter(campaign=campaign, template=checkin.TEMPLATE).delete()
    campaign.problems.filter(from_the_middle=True).delete()

    # The demo champion asked for the check-in too, though not a middle-level ally.
    Membership.objects.filter(campaign=campaign, user__username="demo-champion").update(gets_checkin=True)
    today = campaign.today()
    this_start, _ = checkin.checkin_period(campaign.checkin_cadence, today)
    last_month = this_start - timedelta(days=1)
    past = checkin.checkin_round_open(campaign=campaign, today=last_month)
    current = checkin.checkin_round_open(campaign=campaign, today=today)
    # Last month everyone asked answered; this month the round is young and two have.
    _answer(CheckinInvite.objects.filter(round=past).order_by("pk")[:4], ANSWERS[:4], today=last_month)
    _answer(CheckinInvite.objects.filter(round=current).order_by("-pk")[:2], ANSWERS[5:], today=today)
    past_moment = timezone.now() - timedelta(days=today.day + 3)
    CheckinInvite.objects.filter(round=past, answered_at__isnull=False).update(answered_at=past_moment)
    past.created_at = past_moment - timedelta(days=20)
    past.save(update_fields=["created_at"])
    # The first of last month's nominations has been celebrated since; the second is planned.
    nominations = list(Nomination.objects.filter(campaign=campaign).order_by("pk"))
    if nominations:
        Nomination.objects.filter(pk=nominations[0].pk).update(
            status=Nomination.Status.CELEBRATED, celebrated_on=today - timedelta(days=4), created_at=past_moment
        )
    if len(nominations) > 1:
        Nomination.objects.filter(pk=nominations[1].pk).update(
            status=Nomination.Status.PLANNED, planned_on=today + timedelta(days=6), created_at=past_moment
        )
    MemberDelivery.objects.filter(campaign=campaign, template=checkin.TEMPLATE).update(
        status=MemberDelivery.Status.SENT, sent_at=timezone.now(), attempts=1, secret_context={}
    )
