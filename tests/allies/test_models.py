from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from allies.models import Ally, JoinLink, Stage
from tests.factories import AllyFactory, DepartmentFactory, JoinLinkFactory, TouchpointFactory, UserFactory

TODAY = timezone.localdate


def names(allies):
    return [ally.name for ally in allies]


def test_the_ladder_ranks_stages_and_puts_declined_beside_it():
    assert [stage.rank for stage in Stage] == [1, 2, 3, 4, 5, 0]


def test_list_filters_by_department_level_stage_and_awaiting_review(campaign, department):
    other = DepartmentFactory(campaign=campaign, name="Finance")
    AllyFactory(campaign=campaign, name="Ana", department=department, level="middle", stage="committed")
    AllyFactory(campaign=campaign, name="Bo", department=other, level="frontline", stage="committed")
    AllyFactory(campaign=campaign, name="Cy", department=department, level="frontline", awaiting_review=True)
    assert names(Ally.objects.for_list(campaign, department=department)) == ["Ana", "Cy"]
    assert names(Ally.objects.for_list(campaign, level="middle")) == ["Ana"]
    assert names(Ally.objects.for_list(campaign, stage="committed")) == ["Ana", "Bo"]
    assert names(Ally.objects.for_list(campaign, awaiting=True)) == ["Cy"]


def test_list_search_is_by_name_and_case_insensitive(campaign):
    AllyFactory(campaign=campaign, name="Priya Patel")
    AllyFactory(campaign=campaign, name="Paul Smith")
    assert names(Ally.objects.for_list(campaign, q=" patel ")) == ["Priya Patel"]


def test_list_never_shows_another_campaigns_allies(campaign, other_campaign):
    AllyFactory(campaign=other_campaign, name="Elsewhere")
    assert names(Ally.objects.for_list(campaign)) == []


def test_list_annotates_the_latest_touchpoint(campaign):
    ally = AllyFactory(campaign=campaign)
    TouchpointFactory(campaign=campaign, allies=[ally], happened_on=TODAY() - timedelta(days=9))
    TouchpointFactory(campaign=campaign, allies=[ally], happened_on=TODAY() - timedelta(days=2))
    assert Ally.objects.for_list(campaign).get().last_touch == TODAY() - timedelta(days=2)


def test_list_sorts_by_stage_last_touch_and_follow_up(campaign):
    a = AllyFactory(campaign=campaign, name="A", stage="identified", follow_up_on=TODAY() + timedelta(days=3))
    AllyFactory(campaign=campaign, name="B", stage="champion", follow_up_on=None)
    c = AllyFactory(campaign=campaign, name="C", stage="declined", follow_up_on=TODAY())
    TouchpointFactory(campaign=campaign, allies=[a], happened_on=TODAY())
    TouchpointFactory(campaign=campaign, allies=[c], happened_on=TODAY() - timedelta(days=40))
    assert names(Ally.objects.for_list(campaign, sort="stage")) == ["B", "A", "C"]
    # Never touched first, then the longest ago: who needs attention most.
    assert names(Ally.objects.for_list(campaign, sort="last_touch")) == ["B", "C", "A"]
    assert names(Ally.objects.for_list(campaign, sort="follow_up")) == ["C", "A", "B"]
    assert names(Ally.objects.for_list(campaign, sort="nonsense")) == ["A", "B", "C"]


def test_an_ally_is_stale_without_a_touchpoint_within_the_campaigns_window(campaign):
    campaign.stale_after_days = 30
    campaign.save()
    fresh = AllyFactory(campaign=campaign, name="Fresh")
    edge = AllyFactory(campaign=campaign, name="Edge")
    old = AllyFactory(campaign=campaign, name="Old")
    AllyFactory(campaign=campaign, name="Never")
    gone = AllyFactory(campaign=campaign, name="Declined", stage="declined")
    TouchpointFactory(campaign=campaign, allies=[fresh, old], happened_on=TODAY() - timedelta(days=40))
    TouchpointFactory(campaign=campaign, allies=[fresh], happened_on=TODAY() - timedelta(days=3))
    TouchpointFactory(campaign=campaign, allies=[edge], happened_on=TODAY() - timedelta(days=30))
    TouchpointFactory(campaign=campaign, allies=[gone], happened_on=TODAY() - timedelta(days=90))
    Ally.objects.update(created_at=timezone.now() - timedelta(days=31))
    AllyFactory(campaign=campaign, name="Just added")
    assert sorted(names(Ally.objects.stale(campaign))) == ["Never", "Old"]
    assert names(Ally.objects.for_list(campaign, stale=True)) == ["Never", "Old"]


def test_follow_ups_are_the_members_own_allies_due_or_coming_up(campaign, champion, admin_user):
    mine_overdue = AllyFactory(campaign=campaign, name="Overdue", recruited_by=champion)
    mine_overdue.follow_up_on = TODAY() - timedelta(days=4)
    mine_overdue.save()
    AllyFactory(campaign=campaign, name="Today", recruited_by=champion, follow_up_on=TODAY())
    AllyFactory(campaign=campaign, name="Soon", recruited_by=champion, follow_up_on=TODAY() + timedelta(days=7))
    AllyFactory(campaign=campaign, name="Later", recruited_by=champion, follow_up_on=TODAY() + timedelta(days=8))
    AllyFactory(campaign=campaign, name="Unplanned", recruited_by=champion)
    AllyFactory(campaign=campaign, name="Declined", recruited_by=champion, stage="declined", follow_up_on=TODAY())
    AllyFactory(campaign=campaign, name="Not mine", recruited_by=admin_user, follow_up_on=TODAY())
    assert names(Ally.objects.follow_ups_due(champion, campaign)) == ["Overdue", "Today"]
    assert names(Ally.objects.follow_ups_upcoming(champion, campaign)) == ["Soon"]
    assert names(Ally.objects.follow_ups_due(UserFactory(), campaign)) == []


def test_an_email_is_unique_per_campaign_case_insensitively(campaign, other_campaign):
    AllyFactory(campaign=campaign, email="Sam@Example.com")
    AllyFactory(campaign=other_campaign, email="sam@example.com")
    AllyFactory(campaign=campaign, email="")
    AllyFactory(campaign=campaign, email="")
    with pytest.raises(IntegrityError):
        AllyFactory(campaign=campaign, email="sam@example.COM")


def test_a_campaign_has_at_most_one_active_join_link(campaign):
    JoinLinkFactory(campaign=campaign, active=False)
    first = JoinLinkFactory(campaign=campaign)
    assert len(first.token) >= 40
    assert JoinLink.objects.for_token(first.token).get() == first
    with pytest.raises(IntegrityError):
        JoinLinkFactory(campaign=campaign)


def test_a_switched_off_link_is_not_found_by_its_token(campaign):
    link = JoinLinkFactory(campaign=campaign, active=False)
    assert not JoinLink.objects.for_token(link.token).exists()
