"""The leadership part of seed_demo: the promised rows, the same after a second run."""

import pytest
from django.core.management import call_command

from leadership.models import (
    BenchmarkVisit,
    BriefingPack,
    Clipping,
    DeliveryStatus,
    Engagement,
    Leader,
    Objection,
    PackDelivery,
)


@pytest.fixture(autouse=True)
def _debug_on(settings):
    settings.DEBUG = True


def snapshot():
    return {
        "leaders": sorted(Leader.objects.values_list("email", "stance")),
        "engagements": Engagement.objects.count(),
        "clippings": Clipping.objects.count(),
        "visits": BenchmarkVisit.objects.count(),
        "packs": sorted(BriefingPack.objects.values_list("title", "status")),
        "deliveries": sorted(PackDelivery.objects.values_list("leader__email", "status")),
        "objections": Objection.objects.count(),
    }


def test_seed_demo_gives_leaders_engagements_clippings_visits_and_two_packs(db):
    call_command("seed_demo")
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first
    assert len(first["leaders"]) == 8
    # Evidence on the starter objections, a leader drawn to trouble, and a draft answering what its leaders raised.
    assert Objection.objects.filter(objection__startswith="Service is a cost", evidence_kind="cost").exists()
    rupert = Leader.objects.get(email="r.vance@northwind.example")
    assert rupert.leads_with == "wrong"
    assert rupert.objections.filter(evidence_kind="cost").exists()
    draft = BriefingPack.objects.get(status="draft")
    assert draft.answers.filter(evidence_kind="scores").exists()
    assert len({stance for _email, stance in first["leaders"]}) == 5
    assert first["engagements"] > 10
    assert first["clippings"] == 4
    assert first["visits"] == 2
    assert sorted(status for _title, status in first["packs"]) == ["awaiting", "draft", "scheduled", "sent", "sent"]
    assert first["deliveries"] and {status for _email, status in first["deliveries"]} == {
        DeliveryStatus.SENT,
        "scheduled",
    }
    # Opens, time zones and a leader who never opens what we send (the leaders list flags them).
    assert PackDelivery.objects.filter(open_count=3).exists()
    assert Leader.objects.exclude(time_zone=Leader.objects.first().campaign.time_zone).count() == 2
    campaign = Leader.objects.first().campaign
    assert Leader.objects.for_list(campaign).with_reading().never_open().count() == 1
    scheduled = PackDelivery.objects.filter(status="scheduled")
    assert len({delivery.due_at for delivery in scheduled}) == 3
    assert first["objections"] == 5
