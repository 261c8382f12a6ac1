from campaign.models import Campaign


def campaign_nav(request):
    """
    The campaign switcher's entries, read lazily so pages that never show the
    header (emails, fragments) pay nothing for it.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def switcher():
        return list(Campaign.objects.for_user(user).only("name", "slug"))

    return {"switcher_campaigns": switcher}
