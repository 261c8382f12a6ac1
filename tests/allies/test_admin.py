import pytest
from django.urls import reverse

from tests.factories import AllyFactory, JoinLinkFactory, StageChangeFactory, TouchpointFactory, UserFactory


@pytest.fixture
def staff_client(db, client):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_allies_touchpoints_and_join_links_are_in_django_admin_with_filters(staff_client, campaign):
    ally = AllyFactory(campaign=campaign, name="Ana Admin")
    StageChangeFactory(ally=ally, to_stage="identified")
    TouchpointFactory(campaign=campaign, allies=[ally], note="Coffee")
    JoinLinkFactory(campaign=campaign)
    for model in ("ally", "touchpoint", "joinlink"):
        response = staff_client.get(reverse(f"admin:allies_{model}_changelist"))
        assert response.status_code == 200
        assert 'id="changelist-filter"' in response.text
    found = staff_client.get(reverse("admin:allies_ally_changelist"), {"q": "ana"})
    assert "Ana Admin" in found.text
    change = staff_client.get(reverse("admin:allies_ally_change", args=[ally.pk]))
    assert change.status_code == 200
    assert "Stage changes" in change.text


def test_adding_and_moving_an_ally_in_django_admin_keeps_the_history(staff_client, campaign):
    from allies.models import Ally
    from tests.factories import DepartmentFactory

    department = DepartmentFactory(campaign=campaign)
    data = {
        "campaign": campaign.pk,
        "name": "Ada Admin",
        "email": "",
        "department": department.pk,
        "level": "top",
        "stage": "identified",
        "source": "recruited",
        "motivation": "",
        "note": "",
        "recruited_by": "",
        "follow_up_on": "",
        "stage_changes-TOTAL_FORMS": "0",
        "stage_changes-INITIAL_FORMS": "0",
    }
    response = staff_client.post(reverse("admin:allies_ally_add"), data)
    assert response.status_code == 302, response.text
    ally = Ally.objects.get(name="Ada Admin")
    data.update({"stage": "committed", "stage_changes-TOTAL_FORMS": "1", "stage_changes-INITIAL_FORMS": "1"})
    data.update({"stage_changes-0-id": ally.stage_changes.get().pk, "stage_changes-0-ally": ally.pk})
    response = staff_client.post(reverse("admin:allies_ally_change", args=[ally.pk]), data)
    assert response.status_code == 302, response.text
    steps = list(ally.stage_changes.values_list("from_stage", "to_stage"))
    assert steps == [("", "identified"), ("identified", "committed")]


def test_an_ally_cannot_belong_to_another_campaigns_department(campaign, other_campaign):
    from django.core.exceptions import ValidationError

    from tests.factories import DepartmentFactory

    ally = AllyFactory.build(campaign=campaign, department=DepartmentFactory(campaign=other_campaign))
    with pytest.raises(ValidationError, match="this campaign's departments"):
        ally.full_clean()
