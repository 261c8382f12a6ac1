"""
The campaign app's own declarations: its models, the accounts of members, and the member as a kind
of person (found by username, name or email among the campaigns' members).
"""

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.db import models

from campaign.models import AuditEntry, Invitation, MemberDelivery, Membership, Role
from campaign.outbox import member_delivery_message
from campaign.privacy.registry import (
    COPY,
    EMAIL,
    FREE_TEXT,
    NAME,
    PLACEHOLDER,
    Match,
    PersonKind,
    register_model,
    register_person,
)
from campaign.privacy.retention import blanking_rule, register_retention
from campaign.privacy.scrub import scrub_values

FOUND = 20  # matches of one kind a search shows

_PROBLEM_TEXT = "the problem and its story, as champions wrote them; may name a customer or colleague"


def register():
    register_model(
        "campaign.campaign",
        campaign_path="pk",
        not_personal=[
            "name",
            "slug",
            "service_focus",
            "why",
            "how",
            "what",
            "status",
            "time_zone",
            "sso_domains",
            "sso_default_role",
            "checkin_cadence",
        ],
    )
    register_model("campaign.department", campaign_path="campaign", not_personal=["name", "kind"])
    register_model(
        "campaign.goal",
        campaign_path="campaign",
        not_personal=["title", "kind", "measure", "unit", "direction", "cadence"],
    )
    register_model("campaign.goalreading", campaign_path="goal__campaign", not_personal=["note", "source"])
    register_model("campaign.membership", campaign_path="campaign", not_personal=["role"])
    register_model("campaign.heartbeat", campaign_path=None, not_personal=["name"])
    register_model("campaign.activitycount", campaign_path="campaign", not_personal=["source"])
    register_model(
        "campaign.campaignexport",
        campaign_path="campaign",
        not_personal=["status", "file_name"],
        retention="the export's zip until an admin deletes the campaign",
    )
    register_model(
        "campaign.invitation",
        campaign_path="campaign",
        personal=[("email", EMAIL, "where the single-use invitation link was sent")],
        not_personal=["role", "token_hash"],
        retention="until accepted or revoked; erased with the member",
    )
    register_model(
        "campaign.serviceproblem",
        campaign_path="campaign",
        personal=[
            (name, FREE_TEXT, _PROBLEM_TEXT)
            for name in ("title", "description", "story_what", "story_before", "story_after", "roadblock_ask")
        ],
        not_personal=["difficulty", "impact", "status", "story_figure", "celebration"],
    )
    register_model(
        "campaign.nomination",
        campaign_path="campaign",
        personal=[
            ("person", NAME, "a colleague put forward for recognition in the middle's check-in"),
            ("what", FREE_TEXT, "what they did, in the nominator's words"),
        ],
        not_personal=["status"],
    )
    register_model(
        "campaign.auditentry",
        campaign_path="campaign",
        personal=[
            ("actor_name", NAME, "who made a change, readable after the account is gone"),
            ("target", COPY, "what was changed: may be a member's username or an invited address"),
            ("before", COPY, "the values before the change"),
            ("after", COPY, "the values after the change"),
        ],
        not_personal=["action", "subject"],
        retention="as long as the campaign; an erasure replaces the person's values in it",
    )
    register_model(
        "campaign.memberdelivery",
        campaign_path="campaign",
        personal=[
            ("to_email", EMAIL, "where the email went"),
            ("subject", COPY, "the email's subject as sent"),
            ("context", COPY, "the email's values (names, links): its body is rendered from them"),
            ("secret_context", COPY, "an invitation's link until the email is sent"),
        ],
        not_personal=["template", "status", "last_error"],
        retention="the campaign's 'bodies of sent emails' setting; the row itself stays",
    )
    register_model(
        "campaign.announcement",
        campaign_path="campaign",
        personal=[
            ("subject", COPY, "what happened, as posted and emailed: may name a leader or a win's title"),
            ("facts", COPY, "details under the subject: may name a leader"),
            ("extra", COPY, "what the event's email reads: a volunteer's name and why they care"),
        ],
        not_personal=["kind", "key", "url"],
        retention="as long as the campaign",
    )
    register_model(
        "campaign.channel",
        campaign_path="campaign",
        not_personal=["name", "kind", "secret_url", "signing_secret"],
        retention="until an admin removes the channel",
    )
    register_model(
        "campaign.channeldelivery",
        campaign_path="campaign",
        personal=[("subject", COPY, "the post's subject as sent")],
        not_personal=["status", "last_error"],
        retention="as long as its channel",
    )
    register_model("campaign.notificationsettings", campaign_path="membership__campaign")
    register_model("campaign.notificationdigest", campaign_path="campaign", not_personal=["cadence"])
    register_model(
        "campaign.privacyjob",
        campaign_path="campaign",
        not_personal=["kind", "subject_kind", "subject_label", "status", "error"],
        retention="an export's zip until its link expires",
    )
    register_model(
        "auth.user",
        campaign_path="memberships__campaign",
        personal=[
            ("username", NAME, "signing in"),
            ("first_name", NAME, "how pages name the member"),
            ("last_name", NAME, "how pages name the member"),
            ("email", EMAIL, "password resets and the member emails"),
        ],
        not_personal=["password"],
        retention="as long as the account",
    )
    register_model(
        "admin.logentry",
        campaign_path=None,
        personal=[
            ("object_repr", COPY, "Django admin's history: the changed object's name"),
            ("change_message", COPY, "Django admin's history: what changed"),
        ],
        not_personal=["object_id"],
    )
    register_retention(
        blanking_rule(
            "retain_email_bodies_days",
            "member emails' bodies",
            model=MemberDelivery,
            dated_by="sent_at",
            blank={"context": {}, "secret_context": {}},
        )
    )
    register_person(
        PersonKind(
            key="member",
            label="Member",
            find=find_members,
            get=get_member,
            collect=collect_member,
            erase=erase_member,
            refuse=refuse_member,
            order=40,
        )
    )


def _match(membership):
    user = membership.user
    full = user.get_full_name()
    return Match(
        kind="member",
        pk=user.pk,
        campaign_id=membership.campaign_id,
        name=full or user.get_username(),
        email=user.email,
        detail=f"{membership.get_role_display()}, signs in as {user.get_username()}",
        aliases=(user.get_username(), full) if full else (),
    )


def find_members(campaign_ids, text):
    rows = Membership.objects.filter(campaign_id__in=campaign_ids).select_related("user")
    rows = rows.filter(
        models.Q(user__username__icontains=text)
        | models.Q(user__first_name__icontains=text)
        | models.Q(user__last_name__icontains=text)
        | models.Q(user__email__icontains=text)
    )
    return [_match(membership) for membership in rows.order_by("user__username", "campaign_id")[:FOUND]]


def get_member(campaign_id, pk):
    membership = Membership.objects.filter(campaign_id=campaign_id, user_id=pk).select_related("user").first()
    return _match(membership) if membership else None


def collect_member(match):
    user = get_user_model().objects.get(pk=match.pk)
    memberships = Membership.objects.filter(user=user).select_related("campaign")
    deliveries = MemberDelivery.objects.filter(campaign_id=match.campaign_id, to_email__iexact=user.email or "-")
    return {
        "member_account": [
            {
                "username": user.get_username(),
                "first_name": user.first_name,
                "last_name": user.last_name,
                "email": user.email,
                "date_joined": user.date_joined,
                "last_login": user.last_login,
            }
        ],
        "member_campaigns": [
            {"campaign": m.campaign.name, "role": m.get_role_display(), "since": m.created_at} for m in memberships
        ],
        "member_invitations": list(
            Invitation.objects.filter(campaign_id=match.campaign_id, email__iexact=user.email or "-").values(
                "email", "role", "created_at", "expires_at", "accepted_at"
            )
        ),
        "emails_sent": [_delivery_row(delivery) for delivery in deliveries.order_by("created_at", "pk")],
        "member_changes_made": list(
            AuditEntry.objects.filter(campaign_id=match.campaign_id, actor=user).values("at", "action", "target")
        ),
    }


def _delivery_row(delivery):
    message = member_delivery_message(delivery)
    return {
        "to": delivery.to_email,
        "subject": delivery.subject,
        "status": delivery.get_status_display(),
        "created_at": delivery.created_at,
        "sent_at": delivery.sent_at,
        "body": message.body,
    }


def refuse_member(match, user):
    if match.pk == user.pk:
        return "You cannot erase your own account here."
    elsewhere = Membership.objects.filter(user_id=match.pk).exclude(
        campaign__in=Membership.objects.filter(user=user, role=Role.ADMIN).values("campaign")
    )
    if elsewhere.exists():
        return "They also belong to a campaign you do not administer: its admin must agree, or ask a site admin."
    return None


def erase_member(match):
    """
    The account keeps its id (so what they logged stays as anonymous facts) but loses its names, its
    address and its password, and leaves every campaign; their invitations go, their emails' addresses
    are blanked, and audit entries name them by the placeholder.
    """
    user = get_user_model().objects.get(pk=match.pk)
    email = user.email
    campaign_ids = list(Membership.objects.filter(user=user).values_list("campaign_id", flat=True))
    user.username = f"erased-{user.pk}"
    user.first_name = user.last_name = user.email = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    changed = {"member_account": 1, "member_campaigns": Membership.objects.filter(user=user).delete()[0]}
    if email:
        changed["member_invitations"] = Invitation.objects.filter(email__iexact=email).delete()[0]
        changed["emails_sent"] = MemberDelivery.objects.filter(to_email__iexact=email).update(to_email="")
    changed["audit_entries"] = AuditEntry.objects.filter(actor=user).update(actor_name=PLACEHOLDER)
    LogEntry.objects.filter(user=user).update(change_message="")
    for campaign_id in campaign_ids:
        if campaign_id != match.campaign_id:
            scrub_values(campaign_id=campaign_id, values=match.values)
    return changed
