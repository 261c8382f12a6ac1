from datetime import date

import pytest
from django.core.exceptions import ValidationError

from allies import services
from allies.models import Ally, JoinLink, Stage, StageChange, Touchpoint
from tests.factories import AllyFactory, DepartmentFactory, TouchpointFactory


def test_creating_an_ally_records_the_stage_they_start_at(campaign, department, champion):
    ally = services.ally_create(campaign=campaign, by=champion, name="Ana", department=department, stage="approached")
    change = StageChange.objects.get(ally=ally)
    assert (change.from_stage, change.to_stage, change.changed_by) == ("", Stage.APPROACHED, champion)
    assert change.changed_at == ally.stage_changed_at


def test_creating_an_ally_refuses_a_duplicate_email(campaign, department, champion):
    AllyFactory(campaign=campaign, email="ana@example.com")
    with pytest.raises(ValidationError):
        services.ally_create(campaign=campaign, by=champion, name="Ana", department=department, email="ANA@example.com")
    assert Ally.objects.count() == 1


def test_moving_an_ally_keeps_every_step_of_the_history(campaign, champion):
    ally = services.ally_create(
        campaign=campaign, by=champion, name="Bo", department=DepartmentFactory(campaign=campaign)
    )
    assert services.ally_move_stage(ally=ally, stage=Stage.INTERESTED, by=champion)
    assert services.ally_move_stage(ally=ally, stage=Stage.COMMITTED, by=None)
    ally.refresh_from_db()
    assert ally.stage == Stage.COMMITTED
    steps = list(ally.stage_changes.values_list("from_stage", "to_stage"))
    assert steps == [("", "identified"), ("identified", "interested"), ("interested", "committed")]
    assert ally.stage_changed_at == ally.stage_changes.last().changed_at


def test_moving_to_the_stage_an_ally_is_at_records_nothing(campaign, champion):
    ally = AllyFactory(campaign=campaign, stage="committed")
    assert not services.ally_move_stage(ally=ally, stage="committed", by=champion)
    assert not ally.stage_changes.exists()


def test_moving_to_an_unknown_stage_is_refused(campaign, champion):
    ally = AllyFactory(campaign=campaign)
    with pytest.raises(ValueError):
        services.ally_move_stage(ally=ally, stage="hero", by=champion)


def test_updating_the_stage_goes_through_the_history(campaign, champion):
    ally = AllyFactory(campaign=campaign, stage="identified")
    services.ally_update(ally=ally, by=champion, note="Keen", stage="approached")
    ally.refresh_from_db()
    assert (ally.note, ally.stage) == ("Keen", "approached")
    assert ally.stage_changes.get().to_stage == "approached"


def test_deleting_an_ally_keeps_touchpoints_shared_with_others(campaign):
    leaving, staying = AllyFactory(campaign=campaign), AllyFactory(campaign=campaign)
    shared = TouchpointFactory(campaign=campaign, allies=[leaving, staying])
    alone = TouchpointFactory(campaign=campaign, allies=[leaving])
    untouched = TouchpointFactory(campaign=campaign, allies=[staying])
    services.ally_delete(ally=leaving)
    assert not Ally.objects.filter(pk=leaving.pk).exists()
    assert set(Touchpoint.objects.all()) == {shared, untouched}
    assert list(shared.allies.all()) == [staying]
    assert not Touchpoint.objects.filter(pk=alone.pk).exists()


def test_a_touchpoint_is_logged_for_several_allies(campaign, champion):
    allies = [AllyFactory(campaign=campaign), AllyFactory(campaign=campaign)]
    touchpoint = services.touchpoint_log(
        campaign=campaign, allies=allies, kind="lunch", happened_on="2026-11-01", note="Lunch", by=champion
    )
    assert set(touchpoint.allies.all()) == set(allies)
    assert touchpoint.logged_by == champion


def test_a_touchpoint_sets_the_next_follow_up_only_when_given_one(campaign, champion):
    ana = AllyFactory(campaign=campaign, follow_up_on=date(2026, 11, 2))
    services.touchpoint_log(
        campaign=campaign, allies=[ana], kind="lunch", happened_on="2026-11-01", note="", by=champion
    )
    ana.refresh_from_db()
    assert ana.follow_up_on == date(2026, 11, 2)
    services.touchpoint_log(
        campaign=campaign,
        allies=[ana],
        kind="lunch",
        happened_on="2026-11-01",
        note="",
        by=champion,
        follow_up_on=date(2026, 11, 20),
    )
    ana.refresh_from_db()
    assert ana.follow_up_on == date(2026, 11, 20)


def test_a_touchpoint_cannot_involve_another_campaigns_ally(campaign, other_campaign, champion):
    with pytest.raises(ValueError):
        services.touchpoint_log(
            campaign=campaign,
            allies=[AllyFactory(campaign=other_campaign)],
            kind="lunch",
            happened_on="2026-11-01",
            note="",
            by=champion,
        )
    assert not Touchpoint.objects.exists()


def test_a_volunteer_lands_interested_and_awaiting_review(campaign, department):
    ally, created = services.ally_volunteer(
        campaign=campaign, name="Vi", email="vi@example.com", department=department, level="middle", motivation="Yes"
    )
    assert created
    assert (ally.source, ally.stage, ally.awaiting_review) == ("volunteered", "interested", True)
    assert ally.motivation == "Yes"
    assert ally.stage_changes.get().to_stage == "interested"


def test_a_volunteer_already_on_the_list_is_merged_not_doubled(campaign, department, champion):
    existing = AllyFactory(
        campaign=campaign, email="vi@example.com", department=department, stage="approached", recruited_by=champion
    )
    ally, created = services.ally_volunteer(
        campaign=campaign,
        name="Someone Else",
        email="VI@example.com",
        department=DepartmentFactory(campaign=campaign),
        level="top",
        motivation="Late invoices",
    )
    assert not created
    assert ally.pk == existing.pk
    assert Ally.objects.count() == 1
    existing.refresh_from_db()
    assert (existing.motivation, existing.stage, existing.department) == ("Late invoices", "interested", department)
    assert existing.name != "Someone Else"
    assert existing.stage_changes.get().to_stage == "interested"


def test_merging_never_moves_an_ally_down_the_ladder(campaign, department):
    existing = AllyFactory(campaign=campaign, email="vi@example.com", stage="committed", motivation="Old reason")
    services.ally_volunteer(
        campaign=campaign, name="Vi", email="vi@example.com", department=department, level="top", motivation=""
    )
    existing.refresh_from_db()
    assert (existing.stage, existing.motivation) == ("committed", "Old reason")
    assert not existing.stage_changes.exists()


def test_a_new_join_link_switches_the_old_one_off(campaign, admin_user):
    first = services.join_link_create(campaign=campaign, by=admin_user)
    second = services.join_link_create(campaign=campaign, by=admin_user)
    first.refresh_from_db()
    assert not first.active
    assert second.active
    assert first.token != second.token
    assert services.join_link_switch_off(campaign=campaign) == 1
    assert not JoinLink.objects.active().exists()
    assert services.join_link_switch_off(campaign=campaign) == 0


def test_a_sign_up_racing_another_with_the_same_email_is_merged(campaign, department, monkeypatch):
    """The second of two simultaneous sign-ups loses the unique constraint and merges instead of failing."""
    racer = AllyFactory(campaign=campaign, email="vi@example.com", stage="interested")
    real, calls = services._ally_with_email, []

    def lookup(campaign, email):
        calls.append(email)
        return None if len(calls) == 1 else real(campaign, email)  # the first look misses the racer

    monkeypatch.setattr(services, "_ally_with_email", lookup)
    ally, created = services.ally_volunteer(
        campaign=campaign, name="Vi", email="vi@example.com", department=department, level="top", motivation="Me too"
    )
    assert not created
    assert ally.pk == racer.pk
    assert len(calls) == 2
    assert Ally.objects.count() == 1
