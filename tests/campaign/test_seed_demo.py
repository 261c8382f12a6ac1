import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from campaign.models import Campaign, Department, Goal, Membership, Role

User = get_user_model()


@pytest.fixture(autouse=True)
def _debug_on(settings):
    """seed_demo runs freely in DEBUG, as under make run (pytest-django turns DEBUG off)."""
    settings.DEBUG = True


def test_seed_demo_builds_the_demo_campaign_and_is_idempotent(db):
    call_command("seed_demo")
    call_command("seed_demo")
    campaign = Campaign.objects.get(slug="demo")
    assert Campaign.objects.count() == 1
    assert Department.objects.filter(campaign=campaign).count() == 12
    assert set(Department.objects.values_list("kind", flat=True)) == {"customer_facing", "internal_provider"}
    assert Goal.objects.filter(campaign=campaign).count() == 3
    roles = dict(Membership.objects.filter(campaign=campaign).values_list("user__username", "role"))
    assert roles == {"demo-admin": Role.ADMIN, "demo-champion": Role.CHAMPION, "demo-viewer": Role.VIEWER}
    assert campaign.golden_circle_complete


def test_seed_demo_uses_demo_password(db, settings):
    settings.DEMO_PASSWORD = "a-chosen-demo-password"
    call_command("seed_demo")
    assert User.objects.get(username="demo-viewer").check_password("a-chosen-demo-password")


def test_seed_demo_refuses_without_force_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    settings.DEMO_PASSWORD = ""
    with pytest.raises(CommandError, match="DEMO_PASSWORD"):
        call_command("seed_demo", force=True)
    assert not Campaign.objects.exists()
