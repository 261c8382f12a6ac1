"""The one page that asks before something is removed (templates/campaign/confirm_delete.html)."""

from django.shortcuts import render


def confirm_removal(request, *, item, noun, back_url):
    """
    The GET side of a remove view: asks "Remove <noun> “<item>”?" with a button that posts back to
    the same address, and a way back to `back_url` that keeps it.
    """
    context = {"campaign": request.campaign, "item": item, "noun": noun, "back_url": back_url, "action": request.path}
    return render(request, "campaign/confirm_delete.html", context)
