from campaign.models import Campaign


def campaign_nav(request):
    """
    The campaign switcher's entries, read lazily so pages that never show the
    header (emails, fragments) pay nothing for it. Campaign pages already have
    them: `campaign_view` read them with the membership (campaign/access.py).
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def switcher():
        campaigns = getattr(request, "switcher_campaigns", None)
        if campaigns is not None:
            return campaigns
        return list(Campaign.objects.filter(memberships__user=user).only("name", "slug"))

    return {"switcher_campaigns": switcher}
