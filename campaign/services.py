"""Writes that touch several models, each in one transaction."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from campaign import events, outbox, registry, signals
from campaign.audit import audit_record
from campaign.models import Campaign, Invitation, Membership, Role, ServiceProblem

User = get_user_model()


@transaction.atomic
def campaign_create(*, name, slug, creator, **fields):
    """Create a campaign whose creator becomes its first admin, set up by every app that registered for it."""
    campaign = Campaign(name=name, slug=slug, **fields)
    campaign.full_clean()
    campaign.save()
    Membership.objects.create(user=creator, campaign=campaign, role=Role.ADMIN)
    for setup in registry.campaign_created_hooks():
        setup(campaign=campaign)
    return campaign


def member_add_by_email(*, campaign, email, role, by):
    """
    Add someone to the campaign by email.

    An existing account becomes a member at once and is told by email; anyone
    else gets a single-use invitation link to set a password. Either email goes through the member
    outbox (campaign.outbox): a worker sends it once this commits, so no request waits on SMTP. Returns
    ("added", membership) or ("invited", invitation).
    """
    email = User.objects.normalize_email(email).lower()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is not None:
            if Membership.objects.filter(campaign=campaign, user=user).exists():
                raise ValidationError({"email": f"{email} is already a member of this campaign."})
            membership = Membership.objects.create(campaign=campaign, user=user, role=role)
            _member_change_announce(
                campaign=campaign,
                by=by,
                role=role,
                action="Member added",
                target=user,
                subject="campaign.membership",
                template="added-to-campaign",
                recipients=[(user.email, {"member_name": user.get_full_name() or user.username})],
                context={
                    "role": membership.get_role_display().lower(),
                    "url": settings.SITE_URL + campaign.get_absolute_url(),
                },
            )
            return "added", membership
        if Invitation.objects.pending().filter(campaign=campaign, email__iexact=email).exists():
            raise ValidationError(
                {"email": f"{email} already has an invitation waiting. Revoke it first to send a new one."}
            )
        invitation = Invitation(campaign=campaign, email=email, role=role, invited_by=by)
        token = invitation.issue_token()
        invitation.save()
        _member_change_announce(
            campaign=campaign,
            by=by,
            role=role,
            action="Member invited",
            target=email,
            subject="campaign.invitation",
            template="invitation",
            recipients=[(email, {})],
            context={
                "inviter_name": (by.get_full_name() or by.username) if by else "",
                "role": invitation.get_role_display().lower(),
                "expires_on": f"{invitation.expires_at:%-d %B %Y}",
            },
            # The raw token is stored hashed on the invitation; the outbox forgets it once it is sent.
            secret_context={"url": settings.SITE_URL + reverse("invitation-accept", kwargs={"token": token})},
        )
        return "invited", invitation


def _member_change_announce(*, campaign, by, role, action, target, subject, template, recipients, context, **mail):
    """
    Record a membership change in the audit log and queue its email in the member outbox.

    `context` is the email's own values; the campaign's common values are added to them. Any other
    keyword (such as `secret_context`) goes to `outbox.member_mail_queue` as it is.
    """
    audit_record(campaign=campaign, actor=by, action=action, target=target, after={"role": role}, subject=subject)
    outbox.member_mail_queue(
        campaign=campaign,
        template=template,
        recipients=recipients,
        context={**outbox.campaign_values(campaign), **context},
        triggered_by=by,
        **mail,
    )


def invitation_check(invitation):
    """Why an invitation can no longer be used, or None when it can."""
    if invitation.is_used:
        return "This invitation has already been used. Log in instead, or ask your campaign admin for a new one."
    if invitation.is_expired:
        return "This invitation has expired. Ask your campaign admin to send a new one."
    return None


def invitation_accept(*, invitation, username, first_name, last_name, password):
    """Create the invitee's account and membership; the invitation can be used once only."""
    with transaction.atomic():
        # Lock the row: two tabs submitting the same link must not create two accounts.
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        problem = invitation_check(invitation)
        if problem:
            raise ValidationError(problem)
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": "That username is taken. Choose another."})
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(
                f"An account for {invitation.email} already exists. Log in, and ask your admin to add that account."
            )
        user = User.objects.create_user(
            username=username,
            email=invitation.email,
            password=password,
            first_name=first_name,
            last_name=last_name,
        )
        membership = Membership.objects.create(user=user, campaign=invitation.campaign, role=invitation.role)
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        return membership


def _ensure_an_admin_remains(membership, new_role=None):
    if membership.role != Role.ADMIN or new_role == Role.ADMIN:
        return
    others = Membership.objects.admins().filter(campaign_id=membership.campaign_id).exclude(pk=membership.pk)
    if not others.exists():
        raise ValidationError(
            "A campaign needs at least one admin. Make someone else an admin first, then change this member."
        )


@transaction.atomic
def membership_change_role(*, membership, role, by=None):
    # Lock the campaign's admin rows so two admins demoting each other at once
    # cannot leave the campaign with none.
    list(Membership.objects.select_for_update().filter(campaign_id=membership.campaign_id, role=Role.ADMIN))
    membership.refresh_from_db()
    _ensure_an_admin_remains(membership, new_role=role)
    before = membership.role
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role"])
    audit_record(
        campaign=membership.campaign,
        actor=by,
        action="Member role changed",
        target=membership.user,
        before={"role": before},
        after={"role": role},
        subject="campaign.membership",
    )
    return membership


@transaction.atomic
def membership_remove(*, membership, by=None):
    list(Membership.objects.select_for_update().filter(campaign_id=membership.campaign_id, role=Role.ADMIN))
    membership.refresh_from_db()
    _ensure_an_admin_remains(membership)
    membership.delete()
    audit_record(
        campaign=membership.campaign,
        actor=by,
        action="Member removed",
        target=membership.user,
        before={"role": membership.role},
        subject="campaign.membership",
    )


@transaction.atomic
def problem_save_story(*, problem, people, story_what, story_before, story_after, story_figure="", benefits=()):
    """
    Write a problem's service story and, when it is still in progress, move it to won.

    The story comes first so that a won problem always has one: the card only moves once
    what they did and how service changed (before and after) are given.
    """
    problem = ServiceProblem.objects.select_for_update().get(pk=problem.pk)
    problem.story_what = story_what.strip()
    problem.story_before = story_before.strip()
    problem.story_after = story_after.strip()
    problem.story_figure = story_figure.strip()
    problem.benefits = list(benefits)
    if problem.status != ServiceProblem.Status.WON:
        problem.move_to(ServiceProblem.Status.WON)
    problem.save()
    problem.people.set(people)
    return problem


@transaction.atomic
def problem_celebrate(*, problem, celebration, celebrated_on, celebrated_by, by):
    """
    Record how a win was celebrated and which leader took part; apps listening to `problem_celebrated`
    (the leader's engagement log) follow in the same transaction.
    """
    problem.celebration = celebration
    problem.celebrated_on = celebrated_on
    problem.celebrated_by = celebrated_by
    problem.save(update_fields=["celebration", "celebrated_on", "celebrated_by", "updated_at"])
    signals.problem_celebrated.send(sender=ServiceProblem, problem=problem, by=by)
    facts = [("Celebrated", problem.get_celebration_display() or problem.celebration)] if problem.celebration else []
    if problem.celebrated_by_id:
        facts.append(("With", problem.celebrated_by.name))
    events.announce(
        problem.campaign,
        "win_celebrated",
        key=f"problem:{problem.pk}",
        subject=f"Win celebrated: {problem.title}",
        url=problem.get_absolute_url(),
        facts=facts,
        by=by,
    )
    return problem


@transaction.atomic
def problem_roadblock_clear(*, problem, by):
    """Clear a problem's roadblock today, and announce it (channels, and members who follow roadblocks)."""
    problem.roadblock_cleared_on = problem.campaign.today()
    problem.save(update_fields=["roadblock_cleared_on", "updated_at"])
    events.announce(
        problem.campaign,
        "roadblock_cleared",
        key=f"problem:{problem.pk}:{problem.roadblock_cleared_on.isoformat()}",
        subject=f"Roadblock cleared: {problem.title}",
        url=problem.get_absolute_url(),
        facts=[("Decided by", problem.roadblock_leader.name)] if problem.roadblock_leader_id else [],
        by=by,
    )
    return problem
