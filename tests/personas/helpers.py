"""Many cards quickly, for the query-count ceilings."""

from personas.models import PersonaCard
from tests.factories import AllyFactory, DepartmentFactory


def bulk_cards(campaign, count, *, departments=8, allies=40):
    """`count` cards spread over new departments and allies, inside and outside, in one insert."""
    depts = [DepartmentFactory(campaign=campaign) for _ in range(departments)]
    writers = [AllyFactory(campaign=campaign, department=depts[i % departments]) for i in range(allies)]
    cards = []
    for i in range(count):
        inside = i % 3 != 0
        cards.append(
            PersonaCard(
                campaign=campaign,
                writer_ally=writers[i % allies],
                persona_name=f"Persona {i}",
                role="Buyer",
                wants="the weekly report by Monday",
                so_that="plan the week",
                scope="inside" if inside else "outside",
                department_served=depts[(i * 7) % departments] if inside else None,
            )
        )
    PersonaCard.objects.bulk_create(cards)
    return depts, writers
