"""The composer with many won stories: the best fits listed, the rest a search or "Show more" away, nothing lost."""

import re
from datetime import date, timedelta

from campaign.models import ServiceProblem
from leadership import selectors, services
from leadership.models import PackDelivery
from tests.factories import BriefingPackFactory, ClippingFactory, LeaderFactory, ServiceProblemFactory

SHOWN = selectors.STORIES_SHOWN


def won_stories(campaign, count, *, benefits=("team",), prefix="Story"):
    start = date(2026, 1, 1)
    return ServiceProblem.objects.bulk_create(
        [
            ServiceProblem(
                campaign=campaign,
                title=f"{prefix} {i}",
                status="won",
                won_on=start + timedelta(days=i),
                benefits=list(benefits),
                difficulty="easy",
                impact="medium",
            )
            for i in range(count)
        ]
    )


def listed_story_ids(html):
    return [int(pk) for pk in re.findall(r'name="stories" value="(\d+)"', html)]


def test_the_composer_lists_the_best_fitting_stories_first_and_says_how_many_there_are(client_for, champion, campaign):
    plain = won_stories(campaign, SHOWN + 20)
    fitting = won_stories(campaign, 3, benefits=["time_saved"], prefix="Time")
    pack = BriefingPackFactory(campaign=campaign)
    pack.recipients.add(LeaderFactory(campaign=campaign, wiifm=["efficiency"]))

    response = client_for(champion).get(pack.get_absolute_url())

    ids = listed_story_ids(response.text)
    assert len(ids) == SHOWN
    assert ids[:3] == [story.pk for story in reversed(fitting)]  # the fits, newest first
    assert ids[3] == plain[-1].pk  # then the newest of the rest
    assert f"of {SHOWN + 23} won stories" in response.text
    assert "Show more stories" in response.text
    assert f"stories_shown={2 * SHOWN}" in response.text


def test_a_chosen_story_stays_listed_and_ticked_beyond_the_limit(client_for, champion, campaign):
    stories = won_stories(campaign, SHOWN + 10)
    oldest = stories[0]
    pack = BriefingPackFactory(campaign=campaign)
    pack.stories.add(oldest)

    response = client_for(champion).get(pack.get_absolute_url())

    assert oldest.pk in listed_story_ids(response.text)
    assert f'value="{oldest.pk}" id="id_stories_{oldest.pk}" checked' in response.text
    # Saving the page as it is keeps the story.
    client_for(champion).post(pack.get_absolute_url(), {"title": pack.title, "stories": [oldest.pk]})
    assert list(pack.stories.all()) == [oldest]


def test_show_more_lists_the_next_stories(client_for, champion, campaign):
    won_stories(campaign, SHOWN + 10)
    pack = BriefingPackFactory(campaign=campaign)
    response = client_for(champion).get(pack.get_absolute_url(), {"stories_shown": 2 * SHOWN})
    assert len(listed_story_ids(response.text)) == SHOWN + 10
    assert "Show more stories" not in response.text


def test_searching_stories_with_htmx_returns_the_list_alone_and_keeps_the_ticked_ones(client_for, champion, campaign):
    stories = won_stories(campaign, SHOWN + 10)
    ticked = stories[3]
    pack = BriefingPackFactory(campaign=campaign)
    response = client_for(champion).get(
        pack.get_absolute_url(),
        {"stories_q": "story 5", "stories": [ticked.pk, "junk", "²", "9" * 40]},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="story-choices",
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="story-choices"')
    ids = listed_story_ids(response.text)
    # "Story 5" and "Story 50" to "Story 59", and the ticked "Story 3", still ticked.
    assert set(ids) == {stories[5].pk, *(s.pk for s in stories[50:60]), ticked.pk}
    assert f'id="id_stories_{ticked.pk}" checked' in response.text
    assert "11 won stories match “story 5”" in response.text


def test_a_search_without_javascript_reloads_the_composer_with_the_matches(client_for, champion, campaign):
    stories = won_stories(campaign, 5)
    pack = BriefingPackFactory(campaign=campaign)
    response = client_for(champion).get(pack.get_absolute_url(), {"stories_q": "Story 2"})
    assert listed_story_ids(response.text) == [stories[2].pk]
    assert 'value="Story 2"' in response.text
    assert "1 won story match" in response.text


def test_a_search_that_finds_nothing_says_so(client_for, champion, campaign):
    won_stories(campaign, 3)
    pack = BriefingPackFactory(campaign=campaign)
    response = client_for(champion).get(pack.get_absolute_url(), {"stories_q": "zebra"})
    assert "No won story matches “zebra”." in response.text


def test_the_search_field_is_not_sent_with_the_draft(client_for, champion, campaign):
    won_stories(campaign, 3)
    pack = BriefingPackFactory(campaign=campaign)
    html = client_for(champion).get(pack.get_absolute_url()).text
    assert re.search(r'<label for="id_stories_q">', html)
    assert re.search(r'name="stories_q"[^>]*form="story-search"', html)
    assert '<form id="story-search" method="get"' in html


def test_composer_queries_stay_within_the_budget_with_sent_packs(
    client_for, champion, campaign, django_assert_max_num_queries
):
    stories = won_stories(campaign, 200, benefits=["time_saved"])
    leaders = [LeaderFactory(campaign=campaign) for _ in range(30)]
    clipping = ClippingFactory(campaign=campaign, benefits=["team"])
    earlier = BriefingPackFactory(campaign=campaign, status="sent")
    earlier.stories.add(*stories[-5:])
    earlier.clippings.add(clipping)
    for leader in leaders:
        PackDelivery.objects.create(pack=earlier, leader=leader, status="sent")
    pack = BriefingPackFactory(campaign=campaign)
    pack.recipients.add(*leaders[:20])
    pack.stories.add(stories[-1])  # chosen again, though sent before: listed, and flagged
    client = client_for(champion)
    with django_assert_max_num_queries(20):  # 15, and the tone checks' reads of the chosen parts
        response = client.get(pack.get_absolute_url())
    # The other four sent stories rank after the 199 fresh ones that fit as well, beyond the first 50.
    assert response.text.count("Already sent to") == 2


def test_the_composer_escapes_what_people_typed(client_for, champion, campaign):
    payload = "<script>alert(1)</script>"
    won_stories(campaign, 1, prefix=payload)
    pack = BriefingPackFactory(campaign=campaign)
    pack.recipients.add(LeaderFactory(campaign=campaign, name=payload, wiifm=["team"]))
    ServiceProblemFactory(campaign=campaign, title=payload, is_roadblock=True, roadblock_ask=payload)
    html = client_for(champion).get(pack.get_absolute_url()).text
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_pack_problems_reads_the_pack_in_one_query(campaign, other_campaign, django_assert_num_queries):
    pack = BriefingPackFactory(campaign=campaign, note="")
    with django_assert_num_queries(1):
        assert services.pack_problems(pack) == [
            "Choose at least one leader to send it to.",
            "Add some content: a note, a story, a clipping, a report, an invitation, an answer or talking points.",
        ]
    pack.recipients.add(LeaderFactory(campaign=other_campaign))
    pack.stories.add(won_stories(campaign, 1)[0])
    assert services.pack_problems(pack) == ["Every recipient must be a leader of this campaign."]


def test_each_leader_is_offered_with_stance_and_what_they_value(client_for, champion, campaign):
    chosen = LeaderFactory(campaign=campaign, name="Ana & Co", stance="champion", wiifm=["budget", "team"])
    unknown = LeaderFactory(campaign=campaign, name="Bo", stance="neutral", wiifm=[])
    pack = BriefingPackFactory(campaign=campaign)
    pack.recipients.add(chosen)
    html = client_for(champion).get(pack.get_absolute_url()).text
    assert (
        f'<li class="choice"><input type="checkbox" name="recipients" value="{chosen.pk}" '
        f'id="id_recipients_{chosen.pk}" checked><label for="id_recipients_{chosen.pk}">Ana &amp; Co</label>'
        f'<span class="choice__meta"><span class="tag tag--stance-champion">{chosen.get_stance_display()}</span> '
        f'<span class="tag tag--wiifm">{chosen.wiifm_labels()[0]}</span> '
        f'<span class="tag tag--wiifm">{chosen.wiifm_labels()[1]}</span> '
        '<span class="tag tag--leads-well">Going well first</span></span></li>'
    ) in html
    assert (
        f'id="id_recipients_{unknown.pk}"><label for="id_recipients_{unknown.pk}">Bo</label>'
        f'<span class="choice__meta"><span class="tag tag--stance-neutral">{unknown.get_stance_display()}</span> '
        '<span class="muted">Not known yet</span> <span class="tag tag--leads-well">Going well first</span></span></li>'
    ) in html
