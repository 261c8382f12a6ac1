from collections import Counter

from allies.models import Ally
from personas import demo
from personas.models import PersonaCard, Workshop
from personas.selectors import service_map
from tests.factories import AllyFactory, DepartmentFactory, MembershipFactory


def demo_departments(campaign):
    return {
        name: DepartmentFactory(campaign=campaign, name=name)
        for name in {entry[0] for entry in demo.CARDS} | {entry[1] for entry in demo.CARDS if entry[1]}
    }


def snapshot(campaign):
    return sorted(
        PersonaCard.objects.filter(campaign=campaign).values_list(
            "persona_name", "role", "scope", "department_served__name", "writer_ally__name", "workshop__title"
        )
    )


def test_demo_cards_are_written_by_members_when_there_are_no_allies(campaign):
    demo_departments(campaign)
    member = MembershipFactory(campaign=campaign).user
    demo.seed(campaign)
    cards = PersonaCard.objects.filter(campaign=campaign)
    assert cards.count() == demo.CARD_COUNT
    assert set(cards.values_list("writer_member", flat=True)) == {member.pk}
    assert Counter(cards.values_list("scope", flat=True)).keys() == {"inside", "outside"}
    assert Workshop.objects.filter(campaign=campaign).count() == 3


def test_demo_cards_are_written_by_allies_of_the_writers_department(campaign):
    departments = demo_departments(campaign)
    for department in departments.values():
        AllyFactory(campaign=campaign, department=department)
    demo.seed(campaign)
    cards = PersonaCard.objects.filter(campaign=campaign).select_related("writer_ally")
    assert all(card.writer_ally for card in cards)
    the_map = service_map(campaign)
    assert the_map.total > 40
    assert {d.name for d in the_map.serve_unserved} == {"IT", "Facilities"}


def test_demo_is_deterministic_and_idempotent(campaign):
    demo_departments(campaign)
    AllyFactory(campaign=campaign, department=campaign.departments.get(name="Sales"))
    demo.seed(campaign)
    first = snapshot(campaign)
    demo.seed(campaign)
    assert snapshot(campaign) == first
    assert PersonaCard.objects.filter(campaign=campaign).count() == demo.CARD_COUNT
    assert Workshop.objects.filter(campaign=campaign).count() == 3
    assert Ally.objects.filter(campaign=campaign).count() == 1
