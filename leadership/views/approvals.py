"""
A second champion's approval of a briefing pack, when the campaign asks for one, and taking a scheduled
pack back before it goes. The review page shows the pack as each leader will see it and the checks the
composer runs; another champion or an admin approves it (it then goes as the author asked) or sends it
back with a note. The author can withdraw the request, never approve it.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from campaign.access import campaign_view
from campaign.models import Role
from leadership import evidence, selectors, services, tone
from leadership.forms import PackSendBackForm
from leadership.models import BriefingPack
from leadership.views.briefings import pack_schedule_label
from leadership.views.leaders import champion_only


def _pack(request, pk):
    return get_object_or_404(BriefingPack.objects.filter(campaign=request.campaign), pk=pk)


def _done(request, pack, action, success):
    """Run `action()`; say what happened (or every reason it could not), then go to the pack."""
    try:
        pack = action()
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
    else:
        messages.success(request, success(pack))
    return redirect(pack)


@require_GET
@champion_only
def pack_review(request, pk):
    pack = selectors.pack_for_reading(_pack(request, pk))
    context = {
        "campaign": request.campaign,
        "pack": pack,
        "recipients": selectors.pack_review_recipients(pack),
        "talking_points": pack.talking_point_list(),
        # What stops it going (the composer's own checks), then the tone checks (advice, never a block).
        "problems": services.pack_problems(pack, awaiting=pack.is_awaiting_approval),
        "tone_checks": tone.pack_tone_checks(pack),
        "review": True,
        # The content in the default order; each leader's own order is in their preview.
        "sections": tone.pack_sections("well"),
        "answers": evidence.answers_with_evidence(request.campaign, pack.answers.all()),
        "is_author": pack.approval_requested_by_id == request.user.pk,
        "form": PackSendBackForm(),
        "schedule": pack_schedule_label(pack) if pack.send_on else None,
    }
    return render(request, "leadership/pack_review.html", context)


@require_POST
@campaign_view(write=Role.CHAMPION)
def pack_approve(request, pk):
    pack = _pack(request, pk)
    return _done(
        request,
        pack,
        lambda: services.pack_approve(pack=pack, by=request.user),
        lambda pack: (
            f"Approved “{pack}”: "
            + (
                f"scheduled for {pack_schedule_label(pack)}."
                if pack.is_scheduled
                else "it is on its way to its leaders."
            )
        ),
    )


@require_POST
@campaign_view(write=Role.CHAMPION)
def pack_send_back(request, pk):
    pack = _pack(request, pk)
    form = PackSendBackForm(request.POST)
    if not form.is_valid():
        for problem in form.errors.get("note", []):
            messages.error(request, problem)
        return redirect("leadership:pack-review", slug=request.campaign.slug, pk=pack.pk)
    note = form.cleaned_data["note"]
    return _done(
        request,
        pack,
        lambda: services.pack_send_back(pack=pack, by=request.user, note=note),
        lambda pack: f"Sent “{pack}” back to its author with your note.",
    )


@require_POST
@campaign_view(write=Role.CHAMPION)
def pack_withdraw(request, pk):
    pack = _pack(request, pk)
    return _done(
        request,
        pack,
        lambda: services.pack_withdraw_approval(pack=pack, by=request.user),
        lambda pack: f"Withdrew the request: “{pack}” is a draft again.",
    )


@require_POST
@campaign_view(write=Role.CHAMPION)
def pack_unschedule(request, pk):
    pack = _pack(request, pk)
    return _done(
        request,
        pack,
        lambda: services.pack_unschedule(pack=pack, by=request.user),
        lambda pack: (
            f"Unscheduled “{pack}”: it is a draft again"
            + (", and needs approval again once changed." if pack.campaign.packs_need_approval else ".")
        ),
    )
