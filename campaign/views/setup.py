"""Campaign set-up: the campaign list, settings, members, invitations, and the health check."""

import logging
import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from campaign import services
from campaign.access import campaign_view, can_create_campaign
from campaign.audit import audit_record, describe_changes, snapshot
from campaign.confirm import confirm_removal
from campaign.forms import (
    CampaignForm,
    DepartmentForm,
    GoalForm,
    GoldenCircleForm,
    InvitationAcceptForm,
    MemberInviteForm,
    MembershipRoleForm,
    NewCampaignForm,
)
from campaign.inline import InlineList
from campaign.models import AuditEntry, Campaign, Department, Goal, Heartbeat, Invitation, Role
from campaign.privacy import views as privacy_views
from campaign.sso import configured_providers, provider_health
from campaign.views.closing import closing_context
from campaign.views.home import home_context

logger = logging.getLogger(__name__)


@login_required
def campaign_list(request):
    campaigns = list(Campaign.objects.for_user(request.user).with_counts())
    if request.user.is_staff or settings.CAMPAIGN_CREATORS != "staff-and-admins":
        may_create = can_create_campaign(request.user)
    else:  # the list already says whether the user is an admin somewhere
        may_create = any(c.role == Role.ADMIN for c in campaigns)
    deleting = any(c.is_being_deleted for c in campaigns)
    context = {"campaigns": campaigns, "may_create": may_create, "deleting": deleting}
    template = "campaign/campaign_list.html"
    if request.htmx and campaigns:  # the cards polled while a deletion runs
        template += "#campaign-cards"
    return render(request, template, context)


@login_required
def campaign_new(request):
    if not can_create_campaign(request.user):
        raise PermissionDenied("Starting a campaign is not open to your account on this site.")
    form = NewCampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        campaign = services.campaign_create(creator=request.user, **form.cleaned_data)
        messages.success(request, f"Campaign “{campaign}” created. You are its admin.")
        return redirect(campaign)
    return render(request, "campaign/campaign_new.html", {"form": form})


@campaign_view(read=Role.ADMIN, write=Role.ADMIN)
def golden_circle_edit(request):
    campaign = request.campaign
    before = snapshot(campaign, GoldenCircleForm.Meta.fields)
    form = GoldenCircleForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        form.save()
        audit_record(
            campaign=campaign,
            actor=request.user,
            action="Golden Circle changed",
            before=before,
            after=snapshot(campaign),
        )
        messages.success(request, "The Golden Circle is saved.")
        if request.htmx:
            # The checkup's why and the setup checklist read the Golden Circle: swap them too.
            return render(request, "campaign/home.html#golden-circle-saved", home_context(campaign))
        return redirect(campaign)
    template = "campaign/golden_circle_edit.html"
    if request.htmx:
        template += "#golden-circle-form"
    return render(request, template, {"campaign": campaign, "form": form})


@require_GET
@campaign_view()
def golden_circle(request):
    """The Golden Circle region on its own: what 'Cancel' swaps back in."""
    return render(request, "campaign/home.html#golden-circle", {"campaign": request.campaign})


@campaign_view(read=Role.ADMIN, write=Role.ADMIN)
def settings_general(request):
    campaign = request.campaign
    before = snapshot(campaign)
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        campaign = form.save()
        after = snapshot(campaign)
        audit_record(
            campaign=campaign, actor=request.user, action="Campaign settings changed", before=before, after=after
        )
        messages.success(request, "Campaign settings saved.")
        return redirect("campaign:settings", slug=campaign.slug)
    context = {
        "campaign": campaign,
        "form": form,
        **closing_context(campaign),
        **privacy_views.retention_context(campaign),
    }
    return render(request, "campaign/settings_general.html", context)


departments = InlineList(
    model=Department,
    form_class=DepartmentForm,
    template="campaign/settings_departments.html",
    noun="department",
    url_name="campaign:settings-departments",
)

goals = InlineList(
    model=Goal,
    form_class=GoalForm,
    template="campaign/settings_goals.html",
    noun="goal",
    url_name="campaign:settings-goals",
)


def _members_context(request, **extra):
    campaign = request.campaign
    return {
        "campaign": campaign,
        "memberships": campaign.memberships.select_related("user"),
        "invitations": campaign.invitations.pending().select_related("invited_by"),
        "roles": Role.choices,
        **extra,
    }


def _render_members(request, form, status=200):
    template = "campaign/settings_members.html"
    if request.htmx:
        template += "#members-section"
    return render(request, template, _members_context(request, form=form), status=status)


@campaign_view(read=Role.ADMIN, write=Role.ADMIN)
def member_list(request):
    form = MemberInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome, obj = services.member_add_by_email(campaign=request.campaign, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if outcome == "added":
                messages.success(request, f"{obj.user.email} already had an account and is now a member.")
            else:
                messages.success(request, f"Invitation sent to {obj.email}.")
            if not request.htmx:
                return redirect("campaign:settings-members", slug=request.campaign.slug)
            form = MemberInviteForm()
    return _render_members(request, form)


@require_POST
@campaign_view(read=Role.ADMIN, write=Role.ADMIN)
def member_role(request, pk):
    membership = get_object_or_404(request.campaign.memberships, pk=pk)
    form = MembershipRoleForm(request.POST, instance=membership)
    if form.is_valid():
        try:
            services.membership_change_role(membership=membership, role=form.cleaned_data["role"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{membership.user} is now {membership.get_role_display().lower()}.")
    else:
        messages.error(request, "Choose one of the roles offered.")
    if request.htmx:
        return _render_members(request, MemberInviteForm())
    return redirect("campaign:settings-members", slug=request.campaign.slug)


@campaign_view(read=Role.ADMIN, write=Role.ADMIN)
def member_remove(request, pk):
    membership = get_object_or_404(request.campaign.memberships.select_related("user"), pk=pk)
    back_url = reverse("campaign:settings-members", kwargs={"slug": request.campaign.slug})
    if request.method == "POST":
        try:
            services.membership_remove(membership=membership, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{membership.user} is no longer a member of this campaign.")
        if request.htmx:
            return _render_members(request, MemberInviteForm())
        return redirect(back_url)
    return confirm_removal(request, item=membership.user, noun="member", back_url=back_url)


@require_POST
@campaign_view(read=Role.ADMIN, write=Role.ADMIN)
def invitation_revoke(request, pk):
    invitation = get_object_or_404(request.campaign.invitations.pending(), pk=pk)
    invitation.delete()
    audit_record(
        campaign=request.campaign,
        actor=request.user,
        action="Invitation revoked",
        target=invitation.email,
        before={"role": invitation.role},
        subject="campaign.invitation",
    )
    messages.success(request, f"The invitation to {invitation.email} is revoked; its link no longer works.")
    if request.htmx:
        return _render_members(request, MemberInviteForm())
    return redirect("campaign:settings-members", slug=request.campaign.slug)


@never_cache
def invitation_accept(request, token):
    invitation = Invitation.objects.for_token(token).select_related("campaign").first()
    if invitation is None:
        raise Http404("No such invitation.")
    problem = services.invitation_check(invitation)
    if problem:
        return render(request, "registration/invitation_unusable.html", {"problem": problem}, status=410)
    form = InvitationAcceptForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.invitation_accept(
                invitation=invitation,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                password=data["password1"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to {membership.campaign}.")
            return redirect(membership.campaign)
    return render(request, "registration/invitation_accept.html", {"invitation": invitation, "form": form})


@require_GET
@never_cache
def healthz(request):
    """
    Database, broker, the last heartbeat from beat and a worker, and each identity provider's metadata:
    200 when all are fine, else 503.
    """
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"ok": True}
    except Exception as error:  # noqa: BLE001 - any failure here is what the check reports
        logger.warning("healthz: database check failed: %s", error)
        checks["database"] = {"ok": False, "error": error.__class__.__name__}

    checks["broker"] = _broker_check()

    beat = None
    if checks["database"]["ok"]:
        beat = Heartbeat.objects.filter(name="beat").first()
    if beat is None:
        checks["heartbeat"] = {"ok": False, "last_seen_at": None, "age_seconds": None}
    else:
        age = (timezone.now() - beat.last_seen_at).total_seconds()
        checks["heartbeat"] = {
            "ok": age <= settings.HEARTBEAT_MAX_AGE,
            "last_seen_at": beat.last_seen_at.isoformat(),
            "age_seconds": round(age),
        }
    # One line per configured identity provider: is its discovery document or metadata there and sound?
    for provider in configured_providers():
        checks[f"idp:{provider['provider_id']}"] = provider_health(provider)
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if healthy else "failing", **checks}, status=200 if healthy else 503)


def _broker_check():
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return {"ok": True}
    except Exception as error:  # noqa: BLE001 - any failure here is what the check reports
        logger.warning("healthz: broker check failed: %s", error)
        return {"ok": False, "error": error.__class__.__name__}


@require_GET
@campaign_view(read=Role.ADMIN, write=Role.ADMIN)
def audit_log(request):
    """The campaign's audit log, newest first, 50 a page; read-only for everyone."""
    entries = AuditEntry.objects.filter(campaign=request.campaign).select_related("actor")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    tz = zoneinfo.ZoneInfo(request.campaign.time_zone)
    rows = [(entry, describe_changes(entry, tz=tz)) for entry in page.object_list]
    context = {"campaign": request.campaign, "page": page, "rows": rows, "time_zone": tz}
    return render(request, "campaign/settings_audit.html", context)
