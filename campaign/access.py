"""
The one access mechanism for campaign pages.

Every view under /c/<slug>/ is wrapped in `campaign_view`. It resolves the
campaign through the requesting user's memberships, so another campaign's
address answers 404 exactly as a campaign that does not exist, and it checks
the role in one place: reads need `read`, unsafe methods need `write`.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from campaign.models import Membership, Role


def get_membership(user, slug):
    """The user's membership of the campaign `slug`, with the campaign; 404 when there is none."""
    try:
        return Membership.objects.select_related("campaign").get(user=user, campaign__slug=slug)
    except Membership.DoesNotExist:
        raise Http404("No such campaign.") from None


def campaign_view(read=Role.VIEWER, write=Role.CHAMPION):
    """
    Decorate a view taking `slug`; it receives `request.campaign` and `request.membership`.

    Safe methods (GET, HEAD) need at least `read`; anything else needs `write`.
    """

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            membership = get_membership(request.user, slug)
            required = read if request.method in ("GET", "HEAD", "OPTIONS") else write
            if not membership.role_enum.allows(required):
                raise PermissionDenied("Your role in this campaign does not allow this.")
            request.membership = membership
            request.campaign = membership.campaign
            return view(request, *args, **kwargs)

        wrapper.campaign_roles = {"read": Role(read), "write": Role(write)}
        return wrapper

    return decorator
