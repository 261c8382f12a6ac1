"""The composer's suggestions: content ordered by each recipient's WIIFM, content already sent flagged."""

from datetime import date

from campaign.models import ServiceProblem
from leadership.models import PackDelivery
from leadership.selectors import benefits_valued_by, composer_options, sent_content, suggest
from tests.factories import BriefingPackFactory, ClippingFactory, LeaderFactory, ServiceProblemFactory

B = ServiceProblem.Benefit


def won(campaign, title, benefits, day):
    return ServiceProblemFactory(
        campaign=campaign, title=title, status="won", won_on=date(2026, 10, day), benefits=benefits
    )


def test_efficiency_maps_to_time_and_cost_saved(campaign):
    leader = LeaderFactory(campaign=campaign, wiifm=["efficiency"])
    assert benefits_valued_by(leader) == {B.TIME_SAVED, B.COST_SAVED}


def test_a_leader_who_values_efficiency_sees_time_and_cost_stories_first(campaign):
    newest_team = won(campaign, "Team story", [B.TEAM], 20)
    time_story = won(campaign, "Time story", [B.TIME_SAVED], 10)
    cost_story = won(campaign, "Cost story", [B.COST_SAVED], 5)
    leader = LeaderFactory(campaign=campaign, wiifm=["efficiency"])
    pack = BriefingPackFactory(campaign=campaign)
    pack.recipients.add(leader)

    stories = composer_options(pack)["stories"]

    assert [s.item for s in stories] == [time_story, cost_story, newest_team]
    assert stories[0].fits == [leader]
    assert stories[2].fits == []


def test_without_recipients_stories_stay_newest_first(campaign):
    older = won(campaign, "Older", [B.TIME_SAVED], 1)
    newer = won(campaign, "Newer", [B.TEAM], 2)
    pack = BriefingPackFactory(campaign=campaign)
    assert [s.item for s in composer_options(pack)["stories"]] == [newer, older]


def test_a_story_that_fits_two_recipients_comes_before_one_that_fits_one(campaign):
    for_one = won(campaign, "Revenue", [B.REVENUE], 20)
    for_both = won(campaign, "Reputation", [B.REPUTATION], 1)
    sales = LeaderFactory(campaign=campaign, wiifm=["revenue", "reputation"])
    ceo = LeaderFactory(campaign=campaign, wiifm=["reputation"])
    suggestions = suggest([for_one, for_both], [sales, ceo], sent_content([sales, ceo]), "stories")
    assert [s.item for s in suggestions] == [for_both, for_one]


def test_clippings_are_suggested_by_what_they_speak_to(campaign):
    plain = ClippingFactory(campaign=campaign, benefits=[])
    risky = ClippingFactory(campaign=campaign, benefits=[B.RISK])
    lawyer = LeaderFactory(campaign=campaign, wiifm=["risk"])
    pack = BriefingPackFactory(campaign=campaign)
    pack.recipients.add(lawyer)
    assert [s.item for s in composer_options(pack)["clippings"]] == [risky, plain]


def test_content_already_sent_to_a_leader_is_flagged_and_comes_after_fresh_content(campaign):
    sent_story = won(campaign, "Sent before", [B.TIME_SAVED], 20)
    fresh_story = won(campaign, "Fresh", [B.TIME_SAVED], 1)
    leader = LeaderFactory(campaign=campaign, wiifm=["efficiency"])
    other = LeaderFactory(campaign=campaign, wiifm=["efficiency"])
    earlier = BriefingPackFactory(campaign=campaign, status="sent")
    earlier.stories.add(sent_story)
    PackDelivery.objects.create(pack=earlier, leader=leader, status="sent")
    PackDelivery.objects.create(pack=earlier, leader=other, status="failed")  # never reached them

    pack = BriefingPackFactory(campaign=campaign)
    pack.recipients.add(leader, other)
    stories = composer_options(pack)["stories"]

    assert [s.item for s in stories] == [fresh_story, sent_story]
    assert stories[1].sent_to == [leader]
    assert stories[0].sent_to == []


def test_only_open_roadblocks_are_offered(campaign):
    open_one = ServiceProblemFactory(campaign=campaign, is_roadblock=True)
    ServiceProblemFactory(campaign=campaign, is_roadblock=True, roadblock_cleared_on=date(2026, 1, 1))
    ServiceProblemFactory(campaign=campaign, is_roadblock=False)
    pack = BriefingPackFactory(campaign=campaign)
    assert composer_options(pack)["roadblocks"] == [open_one]
