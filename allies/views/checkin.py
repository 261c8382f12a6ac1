"""
The middle's check-in (allies.checkin): the champions' pages (the rounds, one round's answers by
department, a member's opt-in), and the signed pages people reach from the email with no account (the
answer to one question, the unsubscribe link).

A bad link (tampered with, expired, or naming what no longer exists) gets a page that says so, as a 404;
a question answered already shows the first answer and what it became; a closed round says it closed.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from allies import checkin
from allies.forms import CheckinAnswerForm
from allies.models import Ally, CheckinInvite, CheckinRound
from campaign.access import campaign_view
from campaign.models import CheckinCadence, Membership, Role

ROUNDS_PER_PAGE = 12
ANSWERS_PER_PAGE = 50


@require_GET
@campaign_view()
def round_list(request):
    """The campaign's rounds, newest first, with how many were asked and answered; the member's opt-in."""
    campaign = request.campaign
    page = Paginator(CheckinRound.objects.for_list(campaign), ROUNDS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "campaign": campaign,
        "page": page,
        "is_off": campaign.checkin_cadence == CheckinCadence.OFF,
        "can_write": request.membership.role_enum.allows(Role.CHAMPION),
        "is_admin": request.membership.role_enum.allows(Role.ADMIN),
    }
    return render(request, "allies/checkin_list.html", context)


@require_GET
@campaign_view()
def round_detail(request, pk):
    """One round: per department who was asked and who answered, then every answer and what it became."""
    round_ = get_object_or_404(CheckinRound.objects.filter(campaign=request.campaign), pk=pk)
    round_.campaign = request.campaign
    answers = Paginator(checkin.round_answers(round_), ANSWERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "campaign": request.campaign,
        "round": round_,
        "is_open": round_.is_open(),
        "departments": checkin.round_departments(round_),
        "answers": answers,
    }
    return render(request, "allies/checkin_round.html", context)


@require_POST
@campaign_view()
def opt_in(request):
    """A member asks for the check-in (or stops it) for themselves."""
    wanted = request.POST.get("gets_checkin") == "on"
    Membership.objects.filter(pk=request.membership.pk).update(gets_checkin=wanted)
    if wanted:
        messages.success(request, "You will get the middle's check-in from the next round.")
    else:
        messages.success(request, "You will not get the middle's check-in any more.")
    return redirect("allies:checkin-list", slug=request.campaign.slug)


# --- Pages reached from the email, no account ----------------------------------------------------


def _invalid(request, status=404):
    return render(request, "allies/checkin_invalid.html", status=status)


@require_http_methods(["GET", "POST"])
@never_cache
def answer(request, token):
    # The link shows the question with its form; only the POST records an answer, so a mail scanner that
    # follows every link answers nothing.
    payload = checkin.load_token(token, salt=checkin.ANSWER_SALT, max_age=checkin.ANSWER_MAX_AGE)
    question = (payload or {}).get("q")
    if payload is None or question not in checkin.Question.values:
        return _invalid(request)
    invite = CheckinInvite.objects.select_related("round__campaign").filter(pk=payload.get("i")).first()
    if invite is None:
        return _invalid(request)
    context = {
        "invite": invite,
        "round": invite.round,
        "campaign": invite.round.campaign,
        "question": question,
        "question_label": checkin.Question(question).label,
    }
    existing = invite.answers.filter(question=question).first()
    if existing is not None:
        return render(request, "allies/checkin_answered.html", {**context, "answer": existing, "again": True})
    if not invite.round.is_open():
        return render(request, "allies/checkin_closed.html", context, status=410)
    form = CheckinAnswerForm(request.POST or None, question=question)
    if request.method == "POST" and form.is_valid():
        try:
            saved = checkin.checkin_answer(invite_id=invite.pk, question=question, **form.cleaned_data)
        except checkin.AlreadyAnswered as already:
            return render(request, "allies/checkin_answered.html", {**context, "answer": already.answer, "again": True})
        except checkin.RoundClosed:
            return render(request, "allies/checkin_closed.html", context, status=410)
        return render(request, "allies/checkin_answered.html", {**context, "answer": saved, "again": False})
    status = 400 if request.method == "POST" else 200
    return render(request, "allies/checkin_answer.html", {**context, "form": form}, status=status)


# An unsubscribe link (RFC 8058): a mail client's one-click POST comes with no cookie and no CSRF token; the
# signed token in the address is the authorisation, and it can only switch the check-in off.
@csrf_exempt
@require_http_methods(["GET", "POST"])
@never_cache
def unsubscribe(request, token):
    payload = checkin.load_token(token, salt=checkin.UNSUBSCRIBE_SALT, max_age=None)
    person = checkin.checkin_person(payload) if payload else None
    if person is None:
        return _invalid(request)
    if request.method == "POST":
        checkin.checkin_unsubscribe(person=person)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse("Unsubscribed.", content_type="text/plain")
    name = person.name if isinstance(person, Ally) else person.user.get_full_name() or person.user.username
    context = {"campaign": person.campaign, "name": name, "done": request.method == "POST"}
    return render(request, "allies/checkin_unsubscribed.html", context)
