"""
The one access mechanism for campaign pages.

Every view under /c/<slug>/ is wrapped in `campaign_view`. It resolves the
campaign through the requesting user's memberships, so another campaign's
address answers 404 exactly as a campaign that does not exist, and it checks
the role in one place: reads need `read`, unsafe methods need `write`.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from campaign.models import Membership, Role


def user_memberships(user):
    """All the user's memberships with their campaigns, in the switcher's order (campaign name): one query."""
    return list(Membership.objects.filter(user=user).select_related("campaign").order_by("campaign__name", "campaign"))


def find_membership(memberships, slug):
    """The membership of the campaign `slug` among `memberships`; 404 when there is none."""
    for membership in memberships:
        if membership.campaign.slug == slug and not membership.campaign.is_being_deleted:
            return membership
    raise Http404("No such campaign.")


def _second_factor_checked(request):
    """Did this session pass a second factor: a code at password sign-in, or the company IdP's own sign-in?"""
    return bool(request.session.get("signin_mfa") or request.session.get("sso_provider"))


def campaign_view(read=Role.VIEWER, write=Role.CHAMPION):
    """
    Decorate a view taking `slug`; it receives `request.campaign` and `request.membership`.

    Safe methods (GET, HEAD) need at least `read`; anything else needs `write`.

    One query reads all the user's memberships with their campaigns: the one for `slug` is the access
    check, and the campaigns are the layout's switcher (`request.switcher_campaigns`), so a page pays
    one query, not two, before its own.
    """

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            memberships = user_memberships(request.user)
            membership = find_membership(memberships, slug)
            required = read if request.method in ("GET", "HEAD", "OPTIONS") else write
            if not membership.role_enum.allows(required):
                raise PermissionDenied("Your role in this campaign does not allow this.")
            if membership.campaign.require_mfa and not _second_factor_checked(request):
                return redirect(f"{reverse('signin-mfa-setup')}?{urlencode({'next': request.get_full_path()})}")
            request.membership = membership
            request.campaign = membership.campaign
            request.switcher_campaigns = [m.campaign for m in memberships if not m.campaign.is_being_deleted]
            return view(request, *args, **kwargs)

        wrapper.campaign_roles = {"read": Role(read), "write": Role(write)}
        return wrapper

    return decorator


def can_create_campaign(user):
    """May `user` start a new campaign? The site's CAMPAIGN_CREATORS setting decides."""
    if not user.is_authenticated:
        return False
    if user.is_staff or settings.CAMPAIGN_CREATORS == "members":
        return True
    if settings.CAMPAIGN_CREATORS == "staff-and-admins":
        return Membership.objects.filter(user=user, role=Role.ADMIN).exists()
    return False
