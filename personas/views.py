from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from campaign.access import campaign_view
from campaign.confirm import confirm_removal
from campaign.models import Role
from leadership.models.feedback import TRACED_RECENT_DAYS
from personas.export import cards_dataset
from personas.forms import CardFilterForm, CardHintsForm, PersonaCardForm, WorkshopForm
from personas.hints import card_hints
from personas.selectors import service_map as build_service_map
from personas.selectors import traced_providers

CARDS_PER_PAGE = 24
CARDS_PER_SHEET = 6  # two across, three down: fits A4 and Letter alike
PRINT_LIMIT = 480  # 80 sheets; a wall rarely needs more, and the page must stay light

champion_only = campaign_view(read=Role.CHAMPION, write=Role.CHAMPION)


def _filtered(request):
    """The filter form from the query string and the campaign's cards it selects."""
    form = CardFilterForm(request.GET, campaign=request.campaign)
    return form, form.filter(request.campaign.persona_cards.for_gallery())


def _can_edit(request):
    return request.membership.role_enum.allows(Role.CHAMPION)


def _get_card(request, pk):
    # Through the request's campaign: another campaign's card is a 404.
    return get_object_or_404(request.campaign.persona_cards.for_gallery(), pk=pk)


@require_GET
@campaign_view()
def card_list(request):
    filters, cards = _filtered(request)
    page = Paginator(cards, CARDS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"campaign": request.campaign, "filters": filters, "page_obj": page, "can_edit": _can_edit(request)}
    if not page.object_list and filters.active:
        context["campaign_has_cards"] = request.campaign.persona_cards.exists()
    # Going back to a filtered address htmx no longer has in its cache asks for the whole page.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "personas/card_list.html#gallery" if partial else "personas/card_list.html"
    return render(request, template, context)


@require_GET
@campaign_view()
def card_detail(request, pk):
    context = {"campaign": request.campaign, "card": _get_card(request, pk), "can_edit": _can_edit(request)}
    return render(request, "personas/card_detail.html", context)


def _hints_for(request, card=None):
    """Hints for the card as submitted, else as saved: shown beside the form, never blocking it."""
    if request.method == "POST":
        form = CardHintsForm(request.POST)
        return card_hints(**form.cleaned_data) if form.is_valid() else []
    return card_hints(**CardHintsForm.values_of(card)) if card else []


def _save_card(request, form, **extra):
    card = form.save(commit=False)
    if card.writer_ally_id is None and card.writer_member_id is None:
        card.writer_member = request.user
    for name, value in extra.items():
        setattr(card, name, value)
    card.save()
    return card


@champion_only
def card_new(request):
    # "Write a card for them" on an ally page names the writer; the form still checks it is the campaign's.
    writer = request.GET.get("writer_ally", "")
    initial = {"writer_ally": writer} if writer.isdigit() else {}
    form = PersonaCardForm(request.POST or None, campaign=request.campaign, initial=initial)
    if request.method == "POST" and form.is_valid():
        card = _save_card(request, form)
        messages.success(request, f"Card for {card.persona_name or card.role} saved.")
        return redirect("personas:card-list", slug=request.campaign.slug)
    context = {"campaign": request.campaign, "form": form, "hints": _hints_for(request)}
    return render(request, "personas/card_form.html", context)


@champion_only
def card_edit(request, pk):
    card = _get_card(request, pk)
    form = PersonaCardForm(request.POST or None, instance=card, campaign=request.campaign)
    if request.method == "POST" and form.is_valid():
        card = _save_card(request, form)
        messages.success(request, f"Card for {card.persona_name or card.role} saved.")
        return redirect("personas:card-detail", slug=request.campaign.slug, pk=card.pk)
    context = {"campaign": request.campaign, "form": form, "card": card, "hints": _hints_for(request, card)}
    return render(request, "personas/card_form.html", context)


@champion_only
def card_delete(request, pk):
    card = _get_card(request, pk)
    if request.method == "POST":
        card.delete()
        messages.success(request, f"Card for {card.persona_name or card.role} removed.")
        return redirect("personas:card-list", slug=request.campaign.slug)
    back_url = reverse("personas:card-detail", kwargs={"slug": request.campaign.slug, "pk": card.pk})
    return confirm_removal(request, item=card, noun="card", back_url=back_url)


@require_GET
@champion_only
def card_hints_view(request):
    """The hints for the card being written, as the form's fields say it so far (never blocking)."""
    form = CardHintsForm(request.GET)
    hints = card_hints(**form.cleaned_data) if form.is_valid() else []
    return render(request, "personas/_hints.html", {"hints": hints})


@campaign_view()
def workshop_list(request):
    form = WorkshopForm(request.POST or None, campaign=request.campaign)
    if request.method == "POST" and form.is_valid():
        session = form.save(commit=False)
        session.facilitator = request.user
        session.save()
        messages.success(request, f"Session “{session.title}” started. Pick a participant and enter their cards.")
        return redirect(session.get_absolute_url())
    workshops = (
        request.campaign.persona_workshops.select_related("facilitator")
        .annotate(card_count=Count("cards"), participant_count=Count("cards__writer_ally", distinct=True))
        .order_by("-held_on", "-pk")
    )
    page = Paginator(workshops, 20).get_page(request.GET.get("page"))
    context = {"campaign": request.campaign, "form": form, "page_obj": page}
    return render(request, "personas/workshop_list.html", context)


def _session_context(request, workshop, form, saved=None):
    cards = workshop.cards.for_gallery()
    return {
        "campaign": request.campaign,
        "workshop": workshop,
        "form": form,
        "has_allies": request.campaign.allies.exists(),
        "session_cards": cards,
        "counts": cards.session_counts(),
        "saved": saved,
        "saved_hints": card_hints(**CardHintsForm.values_of(saved)) if saved else [],
        "hints": _hints_for(request) if form.is_bound else [],
    }


@champion_only
def workshop(request, pk):
    session = get_object_or_404(request.campaign.persona_workshops.select_related("facilitator"), pk=pk)
    form = PersonaCardForm(request.POST or None, campaign=request.campaign, participant_required=True)
    saved = None
    if request.method == "POST" and form.is_valid():
        saved = _save_card(request, form, workshop=session)
        messages.success(request, f"Card for {saved.persona_name or saved.role} saved for {saved.writer_ally}.")
        if not request.htmx:
            return redirect(session.get_absolute_url())
        # A fresh form for the next card, keeping the participant: they often have several.
        form = PersonaCardForm(
            campaign=request.campaign,
            participant_required=True,
            initial={"writer_ally": saved.writer_ally_id, "scope": saved.scope},
        )
    template = "personas/workshop.html#session" if request.htmx else "personas/workshop.html"
    return render(request, template, _session_context(request, session, form, saved))


@require_GET
@campaign_view()
def print_cards(request):
    """The filtered cards laid out as printable sheets, each headed by the campaign's why."""
    filters, cards = _filtered(request)
    cards = list(cards[: PRINT_LIMIT + 1])
    truncated = len(cards) > PRINT_LIMIT
    cards = cards[:PRINT_LIMIT]
    sheets = [cards[start : start + CARDS_PER_SHEET] for start in range(0, len(cards), CARDS_PER_SHEET)]
    context = {
        "campaign": request.campaign,
        "filters": filters,
        "sheets": sheets,
        "card_count": len(cards),
        "truncated": truncated,
        "print_limit": PRINT_LIMIT,
    }
    return render(request, "personas/print.html", context)


@require_GET
@campaign_view()
def export_cards(request):
    """The filtered cards as CSV."""
    _filters, cards = _filtered(request)
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(cards_dataset(cards).export("csv"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{request.campaign.slug}-persona-cards-{stamp}.csv"'
    return response


@require_GET
@campaign_view()
def service_map(request):
    campaign = request.campaign
    service_map = build_service_map(campaign)
    context = {
        "campaign": campaign,
        "map": service_map,
        "providers": traced_providers(campaign, service_map),
        "traced_days": TRACED_RECENT_DAYS,
    }
    return render(request, "personas/service_map.html", context)
