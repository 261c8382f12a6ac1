"""
Recognition moments: the list, planning one from a won story, its page (what was sent, recording that it
happened with a photo and a quote), changing and cancelling it, and its photo: served after the campaign's
access check, or to a leader through a signed link; never from a public media address.
"""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from campaign.access import campaign_view
from campaign.models import ServiceProblem
from leadership import recognition, selectors, signing
from leadership.forms import MomentForm, MomentHeldForm
from leadership.models import RecognitionMoment
from leadership.views.leaders import PER_PAGE, champion_only


def _moment(request, pk):
    try:
        return selectors.moment_for_page(request.campaign, pk)
    except ObjectDoesNotExist:
        raise Http404("No such recognition moment in this campaign.") from None


@require_GET
@campaign_view()
def moment_list(request):
    status = request.GET.get("status", "")
    status = status if status in RecognitionMoment.Status.values else ""
    page = Paginator(selectors.moment_list(request.campaign, status), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "campaign": request.campaign,
        "page": page,
        "status": status,
        "statuses": RecognitionMoment.Status.choices,
        "stories": selectors.stories_to_recognise(request.campaign),
    }
    return render(request, "leadership/moment_list.html", context)


@champion_only
def moment_new(request):
    won = ServiceProblem.objects.filter(campaign=request.campaign, status=ServiceProblem.Status.WON)
    if not _pk(request):
        # No story chosen yet: the wins that wait for one, each a link back here with its id.
        context = {"campaign": request.campaign, "stories": selectors.stories_to_recognise(request.campaign)}
        return render(request, "leadership/moment_pick.html", context)
    story = get_object_or_404(won.select_related("department").prefetch_related("people"), pk=_pk(request))
    moment = RecognitionMoment(campaign=request.campaign, story=story)
    initial = {"speech": recognition.speech_card_draft(story), "leader": story.celebrated_by_id}
    with timezone.override(request.campaign.zone):
        form = MomentForm(request.POST or None, instance=moment, campaign=request.campaign, initial=initial)
        if request.method == "POST" and form.is_valid():
            moment = recognition.moment_plan(moment=form.save(commit=False), by=request.user)
            messages.success(request, f"Planned. {moment.leader.name} is sent the invitation with the speech card.")
            return redirect(moment)
        context = {"campaign": request.campaign, "form": form, "story": story, "moment": None}
        return render(request, "leadership/moment_form.html", context)


def _pk(request):
    value = request.GET.get("story") or request.POST.get("story") or ""
    return int(value) if value.isdigit() and len(value) < 18 else 0


@require_GET
@campaign_view()
def moment_detail(request, pk):
    moment = _moment(request, pk)
    form = MomentHeldForm(instance=moment) if moment.status != RecognitionMoment.Status.CANCELLED else None
    context = {"campaign": request.campaign, "moment": moment, "held_form": form}
    with timezone.override(request.campaign.zone):
        return render(request, "leadership/moment_detail.html", context)


@champion_only
def moment_edit(request, pk):
    moment = _moment(request, pk)
    if not moment.is_planned:
        messages.error(request, "Only a planned moment can be changed.")
        return redirect(moment)
    with timezone.override(request.campaign.zone):
        form = MomentForm(request.POST or None, instance=moment, campaign=request.campaign)
        if request.method == "POST" and form.is_valid():
            told = recognition.moment_update(moment=form.save(commit=False), changed=form.changed_data)
            messages.success(request, "Saved." + (f" {told} calendar update(s) on their way." if told else ""))
            return redirect(moment)
        context = {"campaign": request.campaign, "form": form, "story": moment.story, "moment": moment}
        return render(request, "leadership/moment_form.html", context)


@champion_only
def moment_cancel(request, pk):
    moment = _moment(request, pk)
    if not moment.is_planned:
        raise Http404("Only a planned moment can be cancelled.")
    if request.method == "POST":
        recognition.moment_cancel(moment=moment)
        messages.success(request, "Cancelled. The calendar entry is taken out for everyone invited.")
        return redirect(moment)
    return render(request, "leadership/moment_cancel.html", {"campaign": request.campaign, "moment": moment})


@require_POST
@champion_only
def moment_held(request, pk):
    moment = _moment(request, pk)
    form = MomentHeldForm(request.POST, request.FILES, instance=moment)
    if form.is_valid():
        photo, thumbnail = form.processed or (None, None)
        try:
            recognition.moment_record_held(
                moment=moment,
                held_on=form.cleaned_data["held_on"],
                quote=form.cleaned_data["quote"],
                photo=photo,
                thumbnail=thumbnail,
                photo_consent=form.cleaned_data["photo_consent"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Recorded. The win now shows as celebrated, and the leader's log has it.")
            return redirect(moment)
    moment.refresh_from_db()
    context = {"campaign": request.campaign, "moment": _moment(request, pk), "held_form": form}
    with timezone.override(request.campaign.zone):
        return render(request, "leadership/moment_detail.html", context)


@require_POST
@champion_only
def moment_photo_remove(request, pk):
    moment = _moment(request, pk)
    recognition.moment_photo_remove(moment=moment)
    messages.success(request, "Photo removed and its files deleted.")
    return redirect(moment)


def _photo_response(moment, size):
    field = moment.thumbnail if size == "thumb" else moment.photo
    if not field:
        raise Http404("No photo.")
    try:
        handle = field.storage.open(field.name, "rb")
    except FileNotFoundError:
        raise Http404("No photo.") from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"  # personal data: no shared cache, no copy left behind
    response["Content-Disposition"] = "inline"
    return response


@require_GET
@campaign_view()
def moment_photo(request, pk, size):
    if size not in signing.PHOTO_SIZES:
        raise Http404("No such size.")
    moment = get_object_or_404(RecognitionMoment.objects.filter(campaign=request.campaign), pk=pk)
    return _photo_response(moment, size)


@require_GET
@never_cache
def moment_photo_signed(request, token):
    """A leader's link (from a summary or a pack): the photo only while its people's consent stands."""
    payload = signing.load(token, salt=signing.PHOTO_SALT, max_age=signing.PHOTO_MAX_AGE)
    moment = RecognitionMoment.objects.filter(pk=payload.get("m"), photo_consent=True).first()
    if moment is None or payload.get("s") not in signing.PHOTO_SIZES:
        raise Http404("This photo is no longer shared.")
    return _photo_response(moment, payload["s"])
