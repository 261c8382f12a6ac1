"""
The middle's check-in: "don't forget the middle" as a routine. Once a period (the campaign's cadence,
monthly unless changed) every middle-level ally, and every member who opted in, gets a short email with
three questions; each is answered on a signed page, no account needed, and each answer becomes
something on the wins board:

- "Who on your team did great service lately?" → a recognition candidate (campaign.Nomination);
- "What should leadership hear about?" → a backlog problem tagged "from the middle", with its author;
- "What is in your way?" → an ask of leadership (a roadblock problem), which briefing packs and
  executive summaries carry like every other open roadblock.

Rounds: one per campaign and period (a unique constraint, so a second beat tick opens nothing). A round
is open until its period ends. Each person is asked once per round (CheckinInvite, unique per round and
person) through the member outbox (one MemberDelivery each: claimed, retried, visible in the outbox).

Links: each question's link is signed for one invite and one question, and single use: the first answer
counts, and opening the link again shows what the answer became. A round that has closed takes no more
answers. The unsubscribe link (also the List-Unsubscribe header) is signed per person and never expires:
it can only switch the check-in off.
"""

import logging
import zoneinfo
from datetime import date, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from allies.models import Ally, CheckinAnswer, CheckinInvite, CheckinRound, Stage
from campaign import events
from campaign.checkup import AMBER, GREEN, NONE, RED, CheckItem
from campaign.models import Campaign, CheckinCadence, Level, Membership, Nomination, ServiceProblem
from campaign.outbox import campaign_values, member_mail_queue

logger = logging.getLogger(__name__)

Question = CheckinAnswer.Question
TEMPLATE = "middle-checkin"
ANSWER_SALT = "allies.checkin-answer"
UNSUBSCRIBE_SALT = "allies.checkin-unsubscribe"
# The round's own end is what closes a link; this only bounds a link found in a very old mail.
ANSWER_MAX_AGE = timedelta(days=120)
# Fortnights are counted from a fixed Monday, so every campaign's fortnights line up and never drift.
FORTNIGHT_ANCHOR = date(2024, 1, 1)


class AlreadyAnswered(Exception):
    """This question of this invite has its answer already (the link is single use)."""

    def __init__(self, answer):
        super().__init__("This question has been answered already.")
        self.answer = answer


class RoundClosed(Exception):
    """The round's period is over: it takes no more answers."""


# --- Periods -------------------------------------------------------------------------------------


def checkin_period(cadence, day):
    """The period (first day, day after the last) of `cadence` that holds `day`; None when the check-in is off."""
    if cadence == CheckinCadence.FORTNIGHTLY:
        start = day - timedelta(days=(day - FORTNIGHT_ANCHOR).days % 14)
        return start, start + timedelta(days=14)
    if cadence == CheckinCadence.MONTHLY:
        start = day.replace(day=1)
    elif cadence == CheckinCadence.QUARTERLY:
        start = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    else:
        return None
    months = 3 if cadence == CheckinCadence.QUARTERLY else 1
    month = start.month - 1 + months
    return start, start.replace(year=start.year + month // 12, month=month % 12 + 1)


# --- Signed links --------------------------------------------------------------------------------


def _absolute(path):
    return settings.SITE_URL + path


def answer_url(invite, question):
    token = signing.dumps({"i": invite.pk, "q": question}, salt=ANSWER_SALT, compress=True)
    return _absolute(reverse("allies:checkin-answer", kwargs={"token": token}))


def unsubscribe_url(invite):
    person = {"a": invite.ally_id} if invite.ally_id else {"m": invite.member_id}
    token = signing.dumps({**person, "c": invite.round.campaign_id}, salt=UNSUBSCRIBE_SALT, compress=True)
    return _absolute(reverse("allies:checkin-unsubscribe", kwargs={"token": token}))


def load_token(token, *, salt, max_age):
    """The payload of a check-in link, or None (logged) when it was tampered with or has expired."""
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        logger.warning("expired check-in link refused (%s)", salt)
    except signing.BadSignature:
        logger.warning("tampered check-in link refused (%s): %.40s", salt, token)
    return None


# --- Rounds --------------------------------------------------------------------------------------


def checkin_recipients(campaign):
    """
    Who a new round asks: the middle-level allies with an address who have not unsubscribed (not those
    who declined or still wait to be accepted), then the members who opted in, each address once.
    """
    allies = (
        Ally.objects.filter(campaign=campaign, level=Level.MIDDLE, checkin_unsubscribed_at__isnull=True)
        .exclude(email="")
        .exclude(stage=Stage.DECLINED)
        .filter(awaiting_review=False)
        .only("pk", "name", "email", "department_id")
        .order_by("name", "pk")
    )
    members = (
        Membership.objects.filter(campaign=campaign, gets_checkin=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user__username")
    )
    seen, people = set(), []
    for ally in allies:
        if ally.email.lower() not in seen:
            seen.add(ally.email.lower())
            people.append(CheckinInvite(ally=ally, name=ally.name, department_id=ally.department_id))
            people[-1].email = ally.email
    for membership in members:
        user = membership.user
        if user.email.lower() not in seen:
            seen.add(user.email.lower())
            people.append(CheckinInvite(member=user, name=user.get_full_name() or user.username))
            people[-1].email = user.email
    return people


@transaction.atomic
def checkin_round_open(*, campaign, today=None):
    """
    Open the round of `campaign`'s current period and queue one email per person: the round, or None when
    the check-in is off or the round exists already (a second tick, or a race with one: the unique
    constraint decides, and the loser changes nothing).
    """
    today = today or campaign.today()
    period = checkin_period(campaign.checkin_cadence, today)
    if period is None:
        return None
    try:
        with transaction.atomic():
            round_ = CheckinRound.objects.create(
                campaign=campaign, period_start=period[0], period_end=period[1], cadence=campaign.checkin_cadence
            )
    except IntegrityError:
        return None
    invites = checkin_recipients(campaign)
    addresses = [invite.email for invite in invites]
    for invite in invites:
        invite.round = round_
    invites = CheckinInvite.objects.bulk_create(invites)
    recipients = []
    for invite, email in zip(invites, addresses, strict=True):
        links = {f"{question}_url": answer_url(invite, question) for question in Question.values}
        recipients.append((email, {"name": invite.name}, {**links, "unsubscribe_url": unsubscribe_url(invite)}))
    if recipients:
        rows = member_mail_queue(
            campaign=campaign,
            template=TEMPLATE,
            recipients=recipients,
            context={
                **campaign_values(campaign),
                "round": {"last_day": f"{round_.last_day.day} {round_.last_day:%B %Y}"},
                "questions": dict(Question.choices),
            },
        )
        for invite, row in zip(invites, rows, strict=True):
            invite.delivery = row
        CheckinInvite.objects.bulk_update(invites, ["delivery"])
    logger.info("opened check-in round %s for %s: %s people asked", round_.pk, campaign.slug, len(invites))
    return round_


def checkins_dispatch_due(*, now=None):
    """Beat's tick: open the current round of every active campaign whose check-in is on. Returns the new rounds."""
    now = now or timezone.now()
    campaigns = Campaign.objects.filter(status=Campaign.Status.ACTIVE, deletion_started_at__isnull=True).exclude(
        checkin_cadence=CheckinCadence.OFF
    )
    opened = []
    for campaign in campaigns:
        today = now.astimezone(zoneinfo.ZoneInfo(campaign.time_zone)).date()
        period = checkin_period(campaign.checkin_cadence, today)
        if CheckinRound.objects.filter(campaign=campaign, period_start=period[0]).exists():
            continue
        round_ = checkin_round_open(campaign=campaign, today=today)
        if round_ is not None:
            opened.append(round_)
    return opened


def current_round(campaign):
    """The campaign's round still open today (the newest), or None."""
    rounds = CheckinRound.objects.filter(campaign=campaign, period_end__gt=campaign.today())
    return rounds.order_by("-period_start").first()


# --- Answers -------------------------------------------------------------------------------------


def _becomes(invite, question, text, person):
    """What an answer turns into on the wins board: a recognition candidate, a backlog problem, or an ask."""
    campaign = invite.round.campaign
    author = {"raised_by": invite.ally, "raised_by_member": invite.member}
    if question == Question.PRAISE:
        nomination = Nomination.objects.create(
            campaign=campaign,
            person=person,
            what=text,
            department_id=invite.department_id,
            nominated_by=invite.ally,
            nominated_by_member=invite.member,
        )
        return {"nomination": nomination}
    problem = ServiceProblem.objects.create(
        campaign=campaign,
        title=Truncator(text).chars(160),
        description=text,
        department_id=invite.department_id,
        from_the_middle=True,
        is_roadblock=question == Question.ROADBLOCK,
        roadblock_ask=text if question == Question.ROADBLOCK else "",
        **author,
    )
    return {"problem": problem}


@transaction.atomic
def checkin_answer(*, invite_id, question, text, person="", today=None):
    """
    Record the answer to `question` of invite `invite_id` and what it becomes. Raises AlreadyAnswered (with
    the first answer) when the question has its answer, RoundClosed once the round's period is over.
    """
    invite = (
        CheckinInvite.objects.select_for_update(of=("self",))
        .select_related("round__campaign", "ally", "member")
        .get(pk=invite_id)
    )
    existing = invite.answers.filter(question=question).first()
    if existing is not None:
        raise AlreadyAnswered(existing)
    if not invite.round.is_open(today):
        raise RoundClosed()
    answer = CheckinAnswer.objects.create(
        invite=invite, question=question, text=text, person=person, **_becomes(invite, question, text, person)
    )
    if invite.answered_at is None:
        invite.answered_at = timezone.now()
        invite.save(update_fields=["answered_at"])
    campaign = invite.round.campaign
    owner = invite.ally.recruited_by_id if invite.ally_id else None
    events.announce(
        campaign,
        "checkin_answered",
        key=f"answer:{answer.pk}",
        subject=f"{invite.name} answered “{answer.get_question_display()}”",
        url=reverse("allies:checkin-round", kwargs={"slug": campaign.slug, "pk": invite.round_id}),
        facts=[("Answer", Truncator(text).chars(200))],
        audience=[owner] if owner else None,
    )
    return answer


# --- Unsubscribing -------------------------------------------------------------------------------


def checkin_person(payload):
    """The ally or the membership an unsubscribe link names, with its campaign; None when it is gone."""
    if payload.get("a"):
        return Ally.objects.select_related("campaign").filter(pk=payload["a"], campaign_id=payload.get("c")).first()
    if payload.get("m"):
        return (
            Membership.objects.select_related("campaign", "user")
            .filter(user_id=payload["m"], campaign_id=payload.get("c"))
            .first()
        )
    return None


def checkin_unsubscribe(*, person):
    """Leave `person` (an ally or a membership) out of later rounds; unsubscribing twice changes nothing."""
    if isinstance(person, Ally):
        Ally.objects.filter(pk=person.pk, checkin_unsubscribed_at__isnull=True).update(
            checkin_unsubscribed_at=timezone.now()
        )
    else:
        Membership.objects.filter(pk=person.pk).update(gets_checkin=False)


def this_round_by_department(campaign):
    """
    The open round and, per department, whether its middle were asked and answered: (round, asked ids,
    answered ids), or (None, empty, empty) without an open round. Two queries.
    """
    round_ = current_round(campaign)
    if round_ is None:
        return None, set(), set()
    round_.campaign = campaign
    rows = [row for row in round_departments(round_) if row["department_id"] is not None]
    return round_, {row["department_id"] for row in rows}, {row["department_id"] for row in rows if row["answered"]}


# --- Reads for the champions' pages --------------------------------------------------------------


def round_departments(round_):
    """Per department of the people asked in `round_`: its name, how many were asked and how many answered."""
    return list(
        round_.invites.order_by()
        .values("department_id", "department__name")
        .annotate(asked=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
        .order_by("department__name")
    )


def round_answers(round_):
    """The round's answers by department and person, with what each became (a nomination or a problem) joined."""
    return (
        CheckinAnswer.objects.filter(invite__round=round_)
        .select_related("invite__department", "nomination", "problem")
        .order_by("invite__department__name", "invite__name", "invite_id", "question", "pk")
    )


def checkup_middle_answered(campaign):
    """
    Home's checkup: the departments whose middle answered this round, of those asked. Nothing to say with
    the check-in off or no round open; "nothing yet" while a round has asked nobody.
    """
    if campaign.checkin_cadence == CheckinCadence.OFF:
        return None
    round_, asked, answered = this_round_by_department(campaign)
    if round_ is None:
        return None
    url = round_.get_absolute_url()
    title = "The middle speaks up"
    if not asked:
        summary = "Nobody in the middle was asked this round: no middle-level ally has an email address."
        step = "Add middle managers as allies, with their addresses."
        return CheckItem(
            "middle-answered", title, NONE, "0", summary, step, reverse("allies:ally-list", args=[campaign.slug])
        )
    number = f"{len(answered)} of {len(asked)}"
    missing = len(asked) - len(answered)
    if not missing:
        status, summary = GREEN, "Every department asked this round has had an answer from its middle."
        step = "Recognise who they named and take their asks to leadership."
    else:
        status = AMBER if len(answered) * 2 >= len(asked) else RED
        summary = f"Departments whose middle answered this round: {number}. {missing} still silent."
        step = "Have a word with the middle managers who have not answered; the check-in takes a minute."
    return CheckItem("middle-answered", title, status, number, summary, step, url)
