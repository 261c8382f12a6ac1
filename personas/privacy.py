"""The personas app's personal data (campaign.privacy.registry): "who I serve" cards and workshops."""

from campaign.privacy.registry import FREE_TEXT, register_collector, register_model
from personas.models import PersonaCard


def register():
    register_model("personas.workshop", campaign_path="campaign", not_personal=["title"])
    register_model(
        "personas.personacard",
        campaign_path="campaign",
        personal=[
            ("persona_name", FREE_TEXT, "'my name is': often a real colleague or customer"),
            ("role", FREE_TEXT, "'and I am'"),
            ("wants", FREE_TEXT, "'I want'"),
            ("so_that", FREE_TEXT, "'so I can'"),
        ],
        not_personal=["scope", "rhythm"],
    )
    register_collector(collect_cards)


def collect_cards(match):
    """The cards an ally or a member wrote (a card stays, as an anonymous fact, after its writer is erased)."""
    writer = {"ally": "writer_ally_id", "member": "writer_member_id"}.get(match.kind)
    if writer is None:
        return {}
    cards = PersonaCard.objects.filter(campaign_id=match.campaign_id, **{writer: match.pk})
    return {"persona_cards_written": list(cards.values("persona_name", "role", "wants", "so_that", "created_at"))}
