"""The easy-wins board: moves, the story before a win, roadblocks, celebrations, stories, and their limits."""

from datetime import date

import pytest
from django.urls import reverse

from campaign.models import ServiceProblem
from tests.factories import (
    AllyFactory,
    DepartmentFactory,
    GoalFactory,
    LeaderFactory,
    MembershipFactory,
    ServiceProblemFactory,
    UserFactory,
)

HTMX = {"HTTP_HX_REQUEST": "true"}
S, D = ServiceProblem.Status, ServiceProblem.Difficulty
STORY = {
    "story_what": "Added the reference to the template.",
    "story_before": "Customers rang",
    "story_after": "No calls",
}


def url(name, campaign, **kwargs):
    return reverse(f"campaign:{name}", kwargs={"slug": campaign.slug, **kwargs})


def won_problem(campaign, **fields):
    return ServiceProblemFactory(campaign=campaign, status=S.WON, **{"won_on": "2026-11-02", **STORY, **fields})


# --- the board ------------------------------------------------------------------------


def test_board_shows_columns_and_marks_the_top_three_of_the_backlog(client_for, viewer, campaign):
    for index in range(4):
        ServiceProblemFactory(campaign=campaign, title=f"Easy {index}", opened_on=f"2026-10-0{index + 1}")
    ServiceProblemFactory(campaign=campaign, title="Hard one", difficulty=D.HARD, opened_on="2026-09-01")
    response = client_for(viewer).get(url("board", campaign))
    assert response.status_code == 200
    cards = response.context["columns"][0]["cards"]
    assert [card.title for card in cards] == ["Easy 0", "Easy 1", "Easy 2", "Easy 3", "Hard one"]
    assert response.context["suggested_ids"] == {card.pk for card in cards[:3]}
    assert response.text.count("Suggested next") == 3
    # Viewers read the board but get no buttons to move cards.
    assert url("problem-move", campaign, pk=cards[0].pk) not in response.text


def test_board_shows_each_rule_as_a_sentence_with_its_number(client_for, champion, campaign):
    ServiceProblemFactory(campaign=campaign, difficulty=D.HARD, status=S.IN_PROGRESS)
    ServiceProblemFactory(campaign=campaign)
    won_problem(campaign)
    response = client_for(champion).get(url("board", campaign))
    assert "1 hard problem is in progress while 1 easy one waits and only 1 win is in." in response.text
    assert "1 win has not been celebrated." in response.text
    assert "1 of 1 win (100%) serves no bull&#x27;s-eye goal." in response.text


def test_board_empty_state_says_what_to_do(client_for, champion, campaign):
    response = client_for(champion).get(url("board", campaign))
    assert "Nothing waiting. Add a problem people feel every day" in response.text
    assert url("problem-new", campaign) in response.text


def test_board_htmx_gets_the_board_region_only(client_for, viewer, campaign):
    response = client_for(viewer).get(url("board", campaign), **HTMX)
    assert response.text.lstrip().startswith('<div id="board">')
    assert "<html" not in response.text


def test_full_columns_link_to_the_paginated_list(client_for, viewer, campaign):
    ServiceProblem.objects.bulk_create([ServiceProblemFactory.build(campaign=campaign) for _ in range(30)])
    response = client_for(viewer).get(url("board", campaign))
    assert len(response.context["columns"][0]["cards"]) == 12
    assert "Showing 12 of 30." in response.text
    assert f"{url('problem-list', campaign)}?status=backlog" in response.text
    listing = client_for(viewer).get(url("problem-list", campaign), {"status": "backlog", "page": 2})
    assert len(listing.context["page"].object_list) == 10


def test_board_lists_ten_roadblocks_and_links_to_the_rest(client_for, viewer, campaign, other_campaign):
    roadblock = {"is_roadblock": True, "roadblock_ask": "Sign it off"}
    ServiceProblem.objects.bulk_create(
        [ServiceProblemFactory.build(campaign=campaign, title=f"Blocked {n:02}", **roadblock) for n in range(23)]
        + [ServiceProblemFactory.build(campaign=other_campaign, title="Elsewhere", **roadblock)]
    )
    response = client_for(viewer).get(url("board", campaign))
    assert len(response.context["roadblocks"]) == 10
    assert f"{url('problem-list', campaign)}?roadblocks=1" in response.text
    assert "See all 23" in response.text
    listing = client_for(viewer).get(url("problem-list", campaign), {"roadblocks": "1", "page": 2})
    assert listing.context["page"].paginator.count == 23
    assert "Open roadblocks: every ask of leadership" in listing.text
    assert "?roadblocks=1&amp;page=1" in listing.text
    assert "Elsewhere" not in listing.text


def test_a_few_roadblocks_need_no_link_to_the_rest(client_for, viewer, campaign):
    ServiceProblemFactory(campaign=campaign, is_roadblock=True, roadblock_ask="Sign it off")
    response = client_for(viewer).get(url("board", campaign))
    assert len(response.context["roadblocks"]) == 1
    assert "?roadblocks=1" not in response.text


# --- adding and editing --------------------------------------------------------------


def test_champion_adds_a_problem_to_the_backlog(client_for, champion, campaign):
    goal, department = GoalFactory(campaign=campaign), DepartmentFactory(campaign=campaign)
    ally = AllyFactory(campaign=campaign, department=department)
    response = client_for(champion).post(
        url("problem-new", campaign),
        {
            "title": "  Invoices   list codes ",
            "difficulty": "easy",
            "impact": "high",
            "goal": goal.pk,
            "department": department.pk,
            "owner": champion.pk,
            "people": [ally.pk],
        },
    )
    assert response.status_code == 302
    problem = ServiceProblem.objects.get(campaign=campaign)
    assert (problem.title, problem.status, problem.goal, problem.owner) == (
        "Invoices list codes",
        S.BACKLOG,
        goal,
        champion,
    )
    assert list(problem.people.all()) == [ally]


def test_new_problem_form_offers_the_user_as_owner(client_for, champion, campaign):
    response = client_for(champion).get(url("problem-new", campaign))
    assert response.context["form"].initial["owner"] == champion.pk


@pytest.mark.parametrize("field", ["goal", "department", "people", "owner"])
def test_another_campaigns_choices_are_refused(client_for, champion, campaign, other_campaign, field):
    foreign = {
        "goal": lambda: GoalFactory(campaign=other_campaign).pk,
        "department": lambda: DepartmentFactory(campaign=other_campaign).pk,
        "people": lambda: [AllyFactory(campaign=other_campaign).pk],
        "owner": lambda: MembershipFactory(campaign=other_campaign).user.pk,
    }[field]()
    data = {"title": "Forged", "difficulty": "easy", "impact": "low", field: foreign}
    response = client_for(champion).post(url("problem-new", campaign), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not ServiceProblem.objects.exists()


def test_owner_must_be_a_member(client_for, champion, campaign):
    stranger = UserFactory()
    data = {"title": "Who owns it", "difficulty": "easy", "impact": "low", "owner": stranger.pk}
    response = client_for(champion).post(url("problem-new", campaign), data)
    assert "Select a valid choice" in response.text
    assert not ServiceProblem.objects.exists()


def test_a_problem_needs_a_title(client_for, champion, campaign):
    response = client_for(champion).post(url("problem-new", campaign), {"title": "   ", "difficulty": "easy"})
    assert response.status_code == 200
    assert response.context["form"].errors["title"]


def test_champion_edits_a_problem(client_for, champion, campaign):
    problem = ServiceProblemFactory(campaign=campaign)
    response = client_for(champion).post(
        url("problem-edit", campaign, pk=problem.pk), {"title": "Renamed", "difficulty": "medium", "impact": "low"}
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert (problem.title, problem.difficulty) == ("Renamed", "medium")


def test_another_campaigns_problem_is_404(client_for, admin_user, campaign, other_campaign):
    foreign = ServiceProblemFactory(campaign=other_campaign)
    client = client_for(admin_user)
    assert client.get(url("problem-detail", campaign, pk=foreign.pk)).status_code == 404
    assert client.post(url("problem-move", campaign, pk=foreign.pk), {"to": "in_progress"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == S.BACKLOG


def test_viewer_cannot_move_a_card(client_for, viewer, campaign):
    problem = ServiceProblemFactory(campaign=campaign)
    response = client_for(viewer).post(url("problem-move", campaign, pk=problem.pk), {"to": "in_progress"})
    assert response.status_code == 403
    problem.refresh_from_db()
    assert problem.status == S.BACKLOG


# --- moves -----------------------------------------------------------------------------


def test_starting_a_problem_is_one_click_and_returns_the_board(client_for, champion, campaign):
    problem = ServiceProblemFactory(campaign=campaign)
    response = client_for(champion).post(url("problem-move", campaign, pk=problem.pk), {"to": "in_progress"}, **HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="board">')
    assert f'id="problem-{problem.pk}" tabindex="-1" data-moved' in response.text
    problem.refresh_from_db()
    assert problem.status == S.IN_PROGRESS
    assert problem.started_on is not None
    assert "Moved" in response.headers["HX-Trigger"]


def test_a_plain_move_redirects_to_the_board(client_for, champion, campaign):
    problem = ServiceProblemFactory(campaign=campaign)
    response = client_for(champion).post(url("problem-move", campaign, pk=problem.pk), {"to": "dropped"})
    assert response.status_code == 302
    assert response.url == url("board", campaign)
    problem.refresh_from_db()
    assert problem.status == S.DROPPED and problem.dropped_on


def test_a_move_the_problem_does_not_allow_changes_nothing(client_for, champion, campaign):
    problem = ServiceProblemFactory(campaign=campaign)
    response = client_for(champion).post(url("problem-move", campaign, pk=problem.pk), {"to": "won"}, **HTMX)
    assert response.status_code == 200
    assert "cannot move there" in response.headers["HX-Trigger"]
    problem.refresh_from_db()
    assert problem.status == S.BACKLOG


def test_moving_to_won_without_a_story_asks_for_it_and_leaves_the_card(client_for, champion, campaign):
    problem = ServiceProblemFactory(campaign=campaign, status=S.IN_PROGRESS)
    response = client_for(champion).post(url("problem-move", campaign, pk=problem.pk), {"to": "won"}, **HTMX)
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == f"#problem-{problem.pk}"
    assert response.headers["HX-Reswap"] == "outerHTML"
    assert "What they did" in response.text
    problem.refresh_from_db()
    assert problem.status == S.IN_PROGRESS and problem.won_on is None


def test_moving_to_won_without_javascript_goes_to_the_story_page(client_for, champion, campaign):
    problem = ServiceProblemFactory(campaign=campaign, status=S.IN_PROGRESS)
    response = client_for(champion).post(url("problem-move", campaign, pk=problem.pk), {"to": "won"})
    assert response.url == url("problem-story", campaign, pk=problem.pk)


def test_an_incomplete_story_is_refused_and_the_card_stays(client_for, champion, campaign):
    problem = ServiceProblemFactory(campaign=campaign, status=S.IN_PROGRESS)
    data = {"story_what": "We fixed it", "story_before": "  ", "story_after": ""}
    response = client_for(champion).post(url("problem-story", campaign, pk=problem.pk), data, **HTMX)
    assert response.headers["HX-Retarget"] == f"#problem-{problem.pk}"
    assert response.text.count("A story needs this") == 2
    problem.refresh_from_db()
    assert problem.status == S.IN_PROGRESS


def test_writing_the_story_wins_the_problem(client_for, champion, campaign):
    ally = AllyFactory(campaign=campaign)
    problem = ServiceProblemFactory(campaign=campaign, status=S.IN_PROGRESS)
    data = {**STORY, "story_figure": "40 → 6 calls", "benefits": ["time_saved"], "people": [ally.pk]}
    response = client_for(champion).post(url("problem-story", campaign, pk=problem.pk), data, **HTMX)
    assert response.text.lstrip().startswith('<div id="board">')
    problem.refresh_from_db()
    assert problem.status == S.WON and problem.won_on is not None
    assert problem.has_story and problem.benefits == ["time_saved"]
    assert list(problem.people.all()) == [ally]


def test_the_story_page_refuses_a_backlog_problem(client_for, champion, campaign):
    problem = ServiceProblemFactory(campaign=campaign)
    assert client_for(champion).get(url("problem-story", campaign, pk=problem.pk)).status_code == 404


def test_a_win_can_only_be_reached_with_its_story():
    problem = ServiceProblem(status=S.IN_PROGRESS)
    with pytest.raises(ValueError, match="story"):
        problem.move_to(S.WON)
    problem.story_what, problem.story_before, problem.story_after = "Did", "slow", "fast"
    problem.move_to(S.WON)
    assert problem.status == S.WON and problem.won_on


# --- celebrations, roadblocks, stories ----------------------------------------------------------


def test_celebrating_a_win_with_a_leader(client_for, champion, campaign):
    problem = won_problem(campaign)
    leader = LeaderFactory(campaign=campaign)
    data = {"celebration": "handshake", "celebrated_on": "2026-11-05", "celebrated_by": leader.pk}
    response = client_for(champion).post(url("problem-celebrate", campaign, pk=problem.pk), data)
    assert response.status_code == 302
    problem.refresh_from_db()
    assert (problem.celebration, problem.celebrated_by) == ("handshake", leader)


def test_celebration_refuses_another_campaigns_leader(client_for, champion, campaign, other_campaign):
    problem = won_problem(campaign)
    data = {
        "celebration": "photo",
        "celebrated_on": "2026-11-05",
        "celebrated_by": LeaderFactory(campaign=other_campaign).pk,
    }
    response = client_for(champion).post(url("problem-celebrate", campaign, pk=problem.pk), data)
    assert response.context["form"].errors["celebrated_by"]
    problem.refresh_from_db()
    assert problem.celebrated_on is None


def test_marking_and_clearing_a_roadblock(client_for, champion, campaign):
    problem = ServiceProblemFactory(campaign=campaign, status=S.IN_PROGRESS)
    leader = LeaderFactory(campaign=campaign, name="Dana Cole")
    client = client_for(champion)
    response = client.post(
        url("problem-roadblock", campaign, pk=problem.pk),
        {"roadblock_ask": "Approve a second Friday slot.", "roadblock_leader": leader.pk},
    )
    assert response.status_code == 302
    assert list(ServiceProblem.objects.open_roadblocks(campaign)) == [problem]
    board = client.get(url("board", campaign))
    assert "Approve a second Friday slot." in board.text and "Dana Cole" in board.text

    response = client.post(url("problem-roadblock-clear", campaign, pk=problem.pk), **HTMX)
    assert response.status_code == 200
    assert "Approve a second Friday slot." not in response.text
    assert not ServiceProblem.objects.open_roadblocks(campaign).exists()


def test_a_roadblock_needs_its_ask_and_works_without_leaders(client_for, champion, campaign):
    problem = ServiceProblemFactory(campaign=campaign)
    client = client_for(champion)
    page = client.get(url("problem-roadblock", campaign, pk=problem.pk))
    assert "No leaders are listed in this campaign yet" in page.text
    response = client.post(url("problem-roadblock", campaign, pk=problem.pk), {"roadblock_ask": "  "})
    assert response.context["form"].errors["roadblock_ask"]
    response = client.post(url("problem-roadblock", campaign, pk=problem.pk), {"roadblock_ask": "Decide."})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.is_open_roadblock and problem.roadblock_leader is None


def test_open_roadblocks_leave_out_cleared_won_and_other_campaigns(campaign, other_campaign):
    ask = {"is_roadblock": True, "roadblock_ask": "Decide."}
    open_one = ServiceProblemFactory(campaign=campaign, **ask)
    ServiceProblemFactory(campaign=campaign, roadblock_cleared_on="2026-11-01", **ask)
    won_problem(campaign, **ask)
    ServiceProblemFactory(campaign=other_campaign, **ask)
    assert list(ServiceProblem.objects.open_roadblocks(campaign)) == [open_one]


def test_stories_are_won_problems_with_a_story(campaign):
    story = won_problem(campaign, won_on="2026-11-03")
    older = won_problem(campaign, won_on="2026-10-03")
    won_problem(campaign, story_after="")  # no story yet
    ServiceProblemFactory(campaign=campaign, status=S.IN_PROGRESS, **STORY)
    assert list(ServiceProblem.objects.stories(campaign)) == [story, older]


def test_viewer_reads_a_story(client_for, viewer, campaign):
    ally = AllyFactory(campaign=campaign, name="Priya Shah")
    problem = won_problem(campaign, story_figure="40 → 6 calls a week", benefits=["time_saved"])
    problem.people.set([ally])
    response = client_for(viewer).get(url("problem-detail", campaign, pk=problem.pk))
    assert response.status_code == 200
    for text in ("Priya Shah", STORY["story_what"], "Before: Customers rang", "40 → 6 calls a week", "Time saved"):
        assert text in response.text
    assert "Not celebrated yet." in response.text
    assert url("problem-celebrate", campaign, pk=problem.pk) not in response.text


def test_stories_list_is_paginated_and_says_what_to_do_when_empty(client_for, viewer, campaign):
    client = client_for(viewer)
    assert "No stories yet" in client.get(url("stories", campaign)).text
    for _ in range(25):
        won_problem(campaign)
    page_two = client.get(url("stories", campaign), {"page": 2})
    assert len(page_two.context["page"].object_list) == 5
    assert "Page 2 of 2" in page_two.text


def test_story_text_is_escaped(client_for, viewer, campaign):
    problem = won_problem(campaign, story_what="<script>alert(1)</script>")
    response = client_for(viewer).get(url("problem-detail", campaign, pk=problem.pk))
    assert "<script>alert(1)</script>" not in response.text


def test_moves_keep_the_dates_in_step():
    problem = ServiceProblem(status=S.BACKLOG)
    problem.move_to(S.IN_PROGRESS, today=date(2026, 11, 2))
    assert problem.started_on == date(2026, 11, 2)
    problem.move_to(S.BACKLOG)
    assert problem.started_on is None
    problem.move_to(S.DROPPED, today=date(2026, 11, 3))
    assert problem.dropped_on == date(2026, 11, 3)
    problem.move_to(S.BACKLOG)
    assert (problem.status, problem.dropped_on) == (S.BACKLOG, None)
    with pytest.raises(ValueError, match="cannot move"):
        problem.move_to(S.WON)


def test_a_won_problem_can_be_reopened_and_keeps_its_story(client_for, champion, campaign):
    problem = won_problem(campaign)
    client_for(champion).post(url("problem-move", campaign, pk=problem.pk), {"to": "in_progress"})
    problem.refresh_from_db()
    assert (problem.status, problem.won_on) == (S.IN_PROGRESS, None)
    assert problem.has_story
    # With its story already written, winning it again is one click.
    client_for(champion).post(url("problem-move", campaign, pk=problem.pk), {"to": "won"})
    problem.refresh_from_db()
    assert problem.status == S.WON


def test_problem_list_falls_back_to_the_backlog_for_an_unknown_status(client_for, viewer, campaign):
    ServiceProblemFactory(campaign=campaign, title="Waiting one")
    response = client_for(viewer).get(url("problem-list", campaign), {"status": "<script>"})
    assert response.status_code == 200
    assert response.context["status"] == S.BACKLOG
    assert "Waiting one" in response.text


def test_the_people_field_explains_when_there_are_no_allies(client_for, champion, campaign):
    assert "No allies in this campaign yet" in client_for(champion).get(url("problem-new", campaign)).text
    AllyFactory(campaign=campaign, name="Priya Shah")
    page = client_for(champion).get(url("problem-new", campaign)).text
    assert "No allies in this campaign yet" not in page
    assert 'name="people_q"' in page  # the people are found by name, never listed in full


def test_removing_a_problem_asks_first(client_for, champion, campaign):
    problem = ServiceProblemFactory(campaign=campaign, title="Typo problem")
    client = client_for(champion)
    confirm = client.get(url("problem-delete", campaign, pk=problem.pk))
    assert "Remove service problem “Typo problem”?" in confirm.text
    assert ServiceProblem.objects.filter(pk=problem.pk).exists()
    response = client.post(url("problem-delete", campaign, pk=problem.pk))
    assert response.url == url("board", campaign)
    assert not ServiceProblem.objects.filter(pk=problem.pk).exists()


def test_cancelling_the_story_form_puts_the_keyboard_back_on_the_card(client_for, champion, campaign):
    problem = ServiceProblemFactory(campaign=campaign, status=S.IN_PROGRESS, started_on="2026-11-02")
    client = client_for(champion)
    form = client.post(url("problem-move", campaign, pk=problem.pk), {"to": "won"}, **HTMX).text
    assert f'hx-get="{url("board", campaign)}?focus={problem.pk}"' in form
    board = client.get(url("board", campaign), {"focus": problem.pk}, **HTMX).text
    assert f'id="problem-{problem.pk}" tabindex="-1" data-moved' in board
    assert "data-moved" not in client.get(url("board", campaign), {"focus": "x"}, **HTMX).text


def test_cards_link_to_their_page_and_move_form(client_for, champion, campaign):
    # The board reverses each card URL once per board, not once per card: every card still gets its own.
    problems = ServiceProblem.objects.bulk_create([ServiceProblemFactory.build(campaign=campaign) for _ in range(3)])
    response = client_for(champion).get(url("board", campaign))
    for problem in problems:
        assert f'href="{url("problem-detail", campaign, pk=problem.pk)}"' in response.text
        assert f'action="{url("problem-move", campaign, pk=problem.pk)}"' in response.text


def test_the_backlog_index_ranks_follow_the_choices():
    # The index problem_backlog_order and the board's ORDER BY share these: they must follow the choices.
    from campaign.models import DIFFICULTY_ORDER, IMPACT_ORDER

    assert list(DIFFICULTY_ORDER) == ServiceProblem.Difficulty.values
    assert list(IMPACT_ORDER) == ServiceProblem.Impact.values


def test_wins_per_goal_count_won_problems_of_that_goal_only(client_for, viewer, campaign):
    goal, other_goal = GoalFactory(campaign=campaign), GoalFactory(campaign=campaign)
    won = {"status": S.WON, "won_on": date(2026, 11, 2)}
    ServiceProblem.objects.bulk_create(
        [ServiceProblemFactory.build(campaign=campaign, goal=goal, **won) for _ in range(2)]
        + [ServiceProblemFactory.build(campaign=campaign, goal=goal)]
    )
    goals = {g.pk: g.win_count for g in client_for(viewer).get(url("board", campaign)).context["goals"]}
    assert goals == {goal.pk: 2, other_goal.pk: 0}
