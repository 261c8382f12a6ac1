"""
The activity rollup equals a direct count of the rows after every kind of write, and the registry is
what home, momentum and new campaigns read.
"""

import json
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from allies.models import Stage, StageChange, Touchpoint
from allies.transfer import allies_import
from campaign import activity, registry
from campaign.models import ActivityCount, Campaign, ServiceProblem
from campaign.services import campaign_create
from campaign.tasks import recount_recent_activity
from leadership.models import Feedback, Objection
from personas.models import PersonaCard
from tests.factories import (
    AllyFactory,
    ApiTokenFactory,
    DepartmentFactory,
    FeedbackFactory,
    PersonaCardFactory,
    ServiceProblemFactory,
    TouchpointFactory,
    UserFactory,
)

DAY = date(2026, 11, 10)


def rollup(campaign):
    """{(source, day): count} as the rollup holds it."""
    rows = ActivityCount.objects.filter(campaign=campaign).values_list("source", "day", "count")
    return {(source, day): n for source, day, n in rows}


def direct(campaign):
    """The same, counted from the rows themselves, source by source."""
    found = {}
    for source in registry.activity_sources():
        first, last = date(2000, 1, 1), date(2100, 1, 1)
        for day, n in activity.day_counts(source, campaign, first, last).items():
            if n:
                found[(source.key, day)] = n
    return found


def agrees(campaign):
    held, counted = rollup(campaign), direct(campaign)
    assert held == counted
    return held


def test_every_registered_source_is_there_in_order():
    keys = [source.key for source in registry.activity_sources(momentum=True)]
    assert keys == ["allies_moved_up", "touchpoints", "persona_cards", "problems_started", "problems_won", "feedback"]
    # The coverage page's growth steps are counted too, but are not momentum's.
    assert {"allies_onto_committed", "allies_off_committed"} <= {s.key for s in registry.activity_sources()}


def test_single_writes_of_every_source_keep_the_rollup_equal_to_a_direct_count(campaign, other_campaign):
    ally = AllyFactory(campaign=campaign)
    StageChange.objects.create(ally=ally, from_stage="", to_stage=Stage.IDENTIFIED)
    StageChange.objects.create(ally=ally, from_stage=Stage.IDENTIFIED, to_stage=Stage.DECLINED)  # not a move up
    touchpoint = TouchpointFactory(campaign=campaign, happened_on=DAY)
    TouchpointFactory(campaign=other_campaign, happened_on=DAY)
    PersonaCardFactory(campaign=campaign)
    problem = ServiceProblemFactory(campaign=campaign, started_on=DAY)
    feedback = FeedbackFactory(campaign=campaign, received_on=DAY)
    held = agrees(campaign)
    assert held[("touchpoints", DAY)] == 1
    assert held[("problems_started", DAY)] == 1
    assert held[("feedback", DAY)] == 1
    assert sum(n for (key, _), n in held.items() if key == "allies_moved_up") == 1
    agrees(other_campaign)

    # Edits that move a row to another day leave nothing behind on the old one.
    touchpoint.happened_on = DAY - timedelta(days=3)
    touchpoint.save()
    problem.status, problem.won_on, problem.story_what = ServiceProblem.Status.WON, DAY + timedelta(days=1), "x"
    problem.save()
    fresh = Feedback.objects.get(pk=feedback.pk)  # a fresh copy, as a form would load it
    fresh.received_on = DAY - timedelta(days=1)
    fresh.save(update_fields=["received_on"])
    held = agrees(campaign)
    assert ("touchpoints", DAY) not in held and held[("touchpoints", DAY - timedelta(days=3))] == 1
    assert held[("problems_won", DAY + timedelta(days=1))] == 1
    assert ("feedback", DAY) not in held

    # Deletes.
    touchpoint.delete()
    problem.delete()
    Feedback.objects.filter(pk=feedback.pk).delete()
    held = agrees(campaign)
    assert not [key for key in held if key[0] in ("touchpoints", "problems_started", "problems_won", "feedback")]


def test_a_stage_change_counts_on_the_day_of_the_campaigns_time_zone(campaign):
    campaign.time_zone = "Pacific/Auckland"
    campaign.save()
    ally = AllyFactory(campaign=campaign)
    # 11:30 UTC on the 10th is already the 11th in Auckland.
    StageChange.objects.create(
        ally=ally, from_stage="", to_stage=Stage.IDENTIFIED, changed_at=datetime(2026, 11, 10, 11, 30, tzinfo=UTC)
    )
    assert agrees(campaign) == {("allies_moved_up", date(2026, 11, 11)): 1}


def test_a_csv_import_of_allies_is_counted(campaign, champion):
    DepartmentFactory(campaign=campaign, name="Finance")
    allies_import(campaign=campaign, data=b"Name,Department,Level\nAna,Finance,top\nBo,Finance,middle\n", by=champion)
    held = agrees(campaign)
    assert sum(n for (key, _), n in held.items() if key == "allies_moved_up") == 2


def test_an_api_batch_of_feedback_is_counted_on_the_days_received(client, campaign):
    DepartmentFactory(campaign=campaign, name="Customer Support")
    token = ApiTokenFactory(campaign=campaign)
    items = [
        {"external_id": f"HD-{n}", "kind": "compliment", "received_on": f"2026-01-1{n % 3}", "summary": f"Late ({n})"}
        for n in range(9)
    ]
    response = client.post(
        f"/api/v1/campaigns/{campaign.slug}/feedback",
        json.dumps({"items": items}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token.raw}"},
    )
    assert response.status_code in (200, 201), response.content
    held = agrees(campaign)
    assert [held[("feedback", date(2026, 1, 10 + n))] for n in range(3)] == [3, 3, 3]
    # The same batch again stores nothing and counts nothing twice.
    client.post(
        f"/api/v1/campaigns/{campaign.slug}/feedback",
        json.dumps({"items": items}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token.raw}"},
    )
    assert agrees(campaign)[("feedback", date(2026, 1, 10))] == 3


def test_the_beat_task_catches_writes_behind_the_orms_back_and_is_idempotent(campaign):
    today = campaign.today()
    Touchpoint.objects.bulk_create([TouchpointFactory.build(campaign=campaign, happened_on=today) for _ in range(4)])
    card = PersonaCardFactory(campaign=campaign)
    PersonaCard.objects.filter(pk=card.pk).update(created_at=datetime.now(UTC) - timedelta(days=2))
    assert rollup(campaign) != direct(campaign)
    recount_recent_activity()
    first = agrees(campaign)
    recount_recent_activity()
    assert agrees(campaign) == first
    assert first[("touchpoints", today)] == 4


def test_the_demo_and_a_migrated_database_get_their_rollup(campaign, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    demo = Campaign.objects.get(slug="demo")
    assert agrees(demo)
    # A campaign from before the rollup (no rows yet) gets its history after migrate.
    TouchpointFactory(campaign=campaign, happened_on=DAY)
    ActivityCount.objects.filter(campaign=campaign).delete()
    activity.backfill()
    assert agrees(campaign) == {("touchpoints", DAY): 1}


def test_deferred_recounts_once_at_the_end(campaign):
    with activity.deferred() as touched:
        for n in range(20):
            TouchpointFactory(campaign=campaign, happened_on=DAY - timedelta(days=n))
        assert rollup(campaign) == {}
        assert touched == {campaign.pk}
    assert sum(agrees(campaign).values()) == 20


def test_a_new_campaign_is_set_up_by_the_apps_that_registered(db):
    creator = UserFactory()
    campaign = campaign_create(name="Tidewater", slug="tidewater", creator=creator)
    assert Objection.objects.filter(campaign=campaign).exists()  # leadership's objection handbook
    assert "objection-handbook" in registry._campaign_created


def test_home_reads_movement_and_momentum_through_the_registry(client_for, viewer, campaign, monkeypatch):
    seen = []

    def movement(campaign, *, departments):
        seen.append(campaign.pk)
        return []

    monkeypatch.setattr(registry, "_movement", [movement])
    TouchpointFactory(campaign=campaign, happened_on=campaign.today())
    response = client_for(viewer).get(campaign.get_absolute_url())
    assert response.status_code == 200
    assert seen == [campaign.pk]
    assert response.context["momentum"].weeks[-1].counts["touchpoints"] == 1


@pytest.mark.parametrize("source", ["touchpoints", "feedback"])
def test_the_rollup_keeps_one_row_per_campaign_day_and_source(campaign, source):
    for _ in range(3):
        if source == "touchpoints":
            TouchpointFactory(campaign=campaign, happened_on=DAY)
        else:
            FeedbackFactory(campaign=campaign, received_on=DAY)
    assert ActivityCount.objects.filter(campaign=campaign, source=source).count() == 1
    assert ActivityCount.objects.get(campaign=campaign, source=source).count == 3


def test_moving_the_campaign_to_another_time_zone_moves_its_moments_days(campaign):
    ally = AllyFactory(campaign=campaign)
    StageChange.objects.create(
        ally=ally, from_stage="", to_stage=Stage.IDENTIFIED, changed_at=datetime(2026, 11, 10, 11, 30, tzinfo=UTC)
    )
    assert ("allies_moved_up", date(2026, 11, 10)) in agrees(campaign)
    campaign.time_zone = "Pacific/Auckland"
    campaign.save()
    assert ("allies_moved_up", date(2026, 11, 11)) in agrees(campaign)
