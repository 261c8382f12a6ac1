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
