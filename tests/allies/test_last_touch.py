"""Ally.last_touch_on: the latest touchpoint's date, kept right by every write that changes touchpoints."""

import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from allies import services
from allies.coverage import ally_figures
from allies.models import Ally, StageChange, Touchpoint
from tests.factories import AllyFactory, TouchpointFactory, UserFactory

backfill = importlib.import_module("allies.migrations.0004_ally_last_touch_on")

TODAY = timezone.localdate()


def days_ago(n):
    return TODAY - timedelta(days=n)


def last_touch(ally):
    return Ally.objects.values_list("last_touch_on", flat=True).get(pk=ally.pk)


def log(campaign, allies, day, by=None):
    return services.touchpoint_log(campaign=campaign, allies=allies, kind="lunch", happened_on=day, note="", by=by)


def test_logging_a_touchpoint_sets_the_last_touch_and_an_older_one_leaves_it(campaign):
    ana = AllyFactory(campaign=campaign)
    assert last_touch(ana) is None
    log(campaign, [ana], days_ago(3))
    assert last_touch(ana) == days_ago(3)
    log(campaign, [ana], days_ago(10))
    assert last_touch(ana) == days_ago(3)


def test_logging_for_several_allies_sets_each_ones_last_touch_in_one_update(campaign, django_assert_max_num_queries):
    allies = [AllyFactory(campaign=campaign) for _ in range(5)]
    log(campaign, allies[:1], days_ago(1))
    # Savepoint, touchpoint, the links (read, insert), one UPDATE for every ally's last touch, and the
    # activity rollup's day recounted (count, clear, write).
    with django_assert_max_num_queries(10):
        log(campaign, allies, days_ago(20))
    assert [last_touch(ally) for ally in allies] == [days_ago(1)] + [days_ago(20)] * 4


def test_logging_over_the_view_sets_the_last_touch(client_for, champion, campaign):
    allies = [AllyFactory(campaign=campaign), AllyFactory(campaign=campaign)]
    client_for(champion).post(
        reverse("allies:touchpoint-new", kwargs={"slug": campaign.slug}),
        {"allies": [a.pk for a in allies], "kind": "lunch", "happened_on": days_ago(2).isoformat(), "note": ""},
    )
    assert [last_touch(ally) for ally in allies] == [days_ago(2), days_ago(2)]


def test_removing_a_touchpoint_works_the_last_touch_out_again(client_for, champion, campaign):
    ana, bo = AllyFactory(campaign=campaign), AllyFactory(campaign=campaign)
    log(campaign, [ana], days_ago(9))
    latest = log(campaign, [ana, bo], days_ago(1))
    client_for(champion).post(reverse("allies:touchpoint-delete", kwargs={"slug": campaign.slug, "pk": latest.pk}))
    assert not Touchpoint.objects.filter(pk=latest.pk).exists()
    assert (last_touch(ana), last_touch(bo)) == (days_ago(9), None)


def test_the_orm_paths_keep_it_too_re_dating_removing_and_adding_from_either_side(campaign):
    ana, bo = AllyFactory(campaign=campaign), AllyFactory(campaign=campaign)
    touchpoint = TouchpointFactory(campaign=campaign, allies=[ana, bo], happened_on=days_ago(5))
    assert last_touch(ana) == days_ago(5)
    touchpoint.happened_on = days_ago(2)
    touchpoint.save()
    assert (last_touch(ana), last_touch(bo)) == (days_ago(2), days_ago(2))
    touchpoint.allies.remove(bo)
    assert last_touch(bo) is None
    bo.touchpoints.add(touchpoint)
    assert last_touch(bo) == days_ago(2)
    touchpoint.allies.clear()
    assert (last_touch(ana), last_touch(bo)) == (None, None)
    ana.touchpoints.set([touchpoint])
    assert last_touch(ana) == days_ago(2)
    ana.touchpoints.clear()
    assert last_touch(ana) is None


def test_deleting_an_ally_leaves_the_others_on_a_shared_touchpoint_as_they_were(campaign):
    ana, bo = AllyFactory(campaign=campaign), AllyFactory(campaign=campaign)
    log(campaign, [ana, bo], days_ago(4))
    log(campaign, [ana], days_ago(1))
    services.ally_delete(ally=ana)
    assert last_touch(bo) == days_ago(4)


def test_a_volunteer_merged_into_an_existing_ally_keeps_their_last_touch(campaign, department):
    ana = AllyFactory(campaign=campaign, email="ana@example.com", department=department)
    log(campaign, [ana], days_ago(6))
    merged, created = services.ally_volunteer(
        campaign=campaign,
        name="Ana",
        email="ANA@example.com",
        department=department,
        level=ana.level,
        motivation="Again",
    )
    assert (merged.pk, created) == (ana.pk, False)
    assert last_touch(ana) == days_ago(6)


@pytest.fixture
def staff_client(db, client):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_the_admin_keeps_it_on_save_and_delete(staff_client, campaign):
    ana, bo = AllyFactory(campaign=campaign), AllyFactory(campaign=campaign)
    old = log(campaign, [ana], days_ago(30))
    touchpoint = log(campaign, [ana, bo], days_ago(3))
    change = reverse("admin:allies_touchpoint_change", args=[touchpoint.pk])
    data = {"campaign": campaign.pk, "allies": [bo.pk], "kind": "lunch", "happened_on": days_ago(1), "note": ""}
    response = staff_client.post(change, {**data, "logged_by": ""})
    assert response.status_code == 302
    assert (last_touch(ana), last_touch(bo)) == (days_ago(30), days_ago(1))

    staff_client.post(reverse("admin:allies_touchpoint_delete", args=[touchpoint.pk]), {"post": "yes"})
    assert last_touch(bo) is None
    staff_client.post(
        reverse("admin:allies_touchpoint_changelist"),
        {"action": "delete_selected", "_selected_action": [old.pk], "post": "yes"},
    )
    assert not Touchpoint.objects.exists()
    assert last_touch(ana) is None


def test_the_migration_back_fills_every_ally_from_its_own_campaigns_touchpoints(campaign, other_campaign):
    allies = [AllyFactory(campaign=campaign) for _ in range(4)]
    stranger = AllyFactory(campaign=other_campaign)
    log(campaign, allies[:2], days_ago(8))
    log(campaign, allies[1:3], days_ago(2))
    # A link across campaigns (only the admin could make one) does not count for the stranger.
    Touchpoint.allies.through.objects.create(touchpoint=Touchpoint.objects.first(), ally=stranger)
    Ally.objects.update(last_touch_on=None)

    backfill.backfill_last_touch(apps, SimpleNamespace(connection=connection))

    assert [last_touch(ally) for ally in allies] == [days_ago(8), days_ago(2), days_ago(2), None]
    assert last_touch(stranger) is None


def test_refresh_matches_the_touchpoints_for_many_allies(campaign, many_allies):
    expected = dict(
        Touchpoint.allies.through.objects.filter(touchpoint__campaign=campaign)
        .values("ally_id")
        .annotate(last=Max("touchpoint__happened_on"))
        .values_list("ally_id", "last")
    )
    Ally.objects.update(last_touch_on=None)
    assert services.refresh_last_touch(ally.pk for ally in many_allies) == len(many_allies)
    actual = dict(Ally.objects.filter(campaign=campaign).values_list("pk", "last_touch_on"))
    assert actual == {ally.pk: expected.get(ally.pk) for ally in many_allies}
    assert services.refresh_last_touch([]) == 0


def test_stale_on_the_list_and_in_the_checks_count_the_same_allies_around_the_cut_off(campaign):
    campaign.stale_after_days = 30
    campaign.save()
    long_ago = timezone.now() - timedelta(days=60)
    at_cutoff, before_cutoff, never, recent = (AllyFactory(campaign=campaign) for _ in range(4))
    declined = AllyFactory(campaign=campaign, stage="declined")
    new = AllyFactory(campaign=campaign)
    Ally.objects.exclude(pk=new.pk).update(created_at=long_ago)
    log(campaign, [at_cutoff], days_ago(30))
    log(campaign, [before_cutoff], days_ago(31))
    log(campaign, [recent], days_ago(1))
    stale = set(Ally.objects.stale(campaign).values_list("pk", flat=True))
    assert stale == {before_cutoff.pk, never.pk}
    assert declined.pk not in stale
    assert ally_figures(campaign, TODAY).stale == 2


def test_saving_an_ally_read_before_a_touchpoint_was_logged_keeps_the_new_last_touch(campaign, champion):
    ana = AllyFactory(campaign=campaign)
    earlier_copy = Ally.objects.get(pk=ana.pk)
    log(campaign, [ana], days_ago(1))
    services.ally_update(ally=earlier_copy, by=champion, note="Met at the canteen")
    assert last_touch(ana) == days_ago(1)
    assert Ally.objects.get(pk=ana.pk).note == "Met at the canteen"


def test_the_demo_allies_last_touch_matches_their_touchpoints(db, settings):
    settings.DEBUG = True  # seed_demo refuses otherwise
    call_command("seed_demo")
    expected = dict(
        Touchpoint.allies.through.objects.values("ally_id")
        .annotate(last=Max("touchpoint__happened_on"))
        .values_list("ally_id", "last")
    )
    actual = dict(Ally.objects.values_list("pk", "last_touch_on"))
    assert expected
    assert actual == {pk: expected.get(pk) for pk in actual}


def test_a_stage_change_takes_its_allys_campaign(campaign, champion, department):
    ally = services.ally_create(
        campaign=campaign, by=champion, name="Ana Ruiz", stage="identified", department=department
    )
    services.ally_move_stage(ally=ally, stage="approached", by=champion)
    assert list(StageChange.objects.filter(ally=ally).values_list("campaign_id", flat=True)) == [campaign.pk] * 2


def test_the_migration_copies_each_moves_campaign(campaign, other_campaign):
    migration = importlib.import_module("allies.migrations.0005_stagechange_campaign")
    ours, theirs = AllyFactory(campaign=campaign), AllyFactory(campaign=other_campaign)
    for ally in (ours, theirs):
        StageChange.objects.create(ally=ally, to_stage="identified")
    StageChange.objects.update(campaign_id=campaign.pk)  # as if the column had just been filled wrongly
    migration.copy_campaign(apps, SimpleNamespace(connection=connection))
    assert StageChange.objects.get(ally=theirs).campaign_id == other_campaign.pk
    assert StageChange.objects.get(ally=ours).campaign_id == campaign.pk
