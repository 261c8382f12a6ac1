"""
What personas brings to the campaign's pages (see `campaign.registry`): persona cards as activity, and
the checkup's question to providers that complaints start with but that have written no "who I serve" card.
"""

from django.urls import reverse

from campaign import registry
from campaign.checkup import AMBER, GREEN, CheckItem
from personas.models import PersonaCard
from personas.selectors import providers_behind_complaints

registry.activity_source(
    key="persona_cards",
    label="persona cards",
    model=PersonaCard,
    date_field="created_at",
    order=30,
)


def _names(departments):
    names = [department.name for department in departments]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def check_traced_providers(campaign):
    """
    Complaints traced to where they started, against the cards: a department that front-line complaints
    start in, and whose people have not written who they serve, is asked to (a workshop is the quickest
    way). Nothing to say while no complaint is traced.
    """
    providers = providers_behind_complaints(campaign)
    if not providers:
        return None
    title = "Providers behind complaints know who they serve"
    without = [provider for provider in providers if not provider.has_cards]
    if not without:
        return CheckItem(
            "traced-providers", title, GREEN, f"{len(providers)} of {len(providers)}",
            f"Complaints were traced to {_names(providers)}; their people have written who they serve.",
            "Share the complaints traced to them with their card writers.",
            reverse("personas:service-map", kwargs={"slug": campaign.slug}),
        )  # fmt: skip
    traced = sum(provider.traced for provider in without)
    plural = "complaint was" if traced == 1 else "complaints were"
    verb = "has" if len(without) == 1 else "have"
    return CheckItem(
        "traced-providers", title, AMBER, f"{len(providers) - len(without)} of {len(providers)}",
        f"{traced} recent or open {plural} traced to {_names(without)}, which {verb} no “who I serve” card yet.",
        f"Ask {without[0].name} to write who they serve.",
        reverse("personas:workshop-list", kwargs={"slug": campaign.slug}),
    )  # fmt: skip


registry.checkup_check("traced-providers", check_traced_providers, order=50)
