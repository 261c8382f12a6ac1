"""What personas brings to the campaign's pages (see `campaign.registry`): persona cards as activity."""

from campaign import registry
from personas.models import PersonaCard

registry.activity_source(
    key="persona_cards",
    label="persona cards",
    model=PersonaCard,
    date_field="created_at",
    order=30,
)
