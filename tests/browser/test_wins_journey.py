"""The easy-wins journey: add an easy problem, start it, win it with its story, celebrate it, see the checkup change."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, log_in
from tests.factories import GoalFactory

TITLE = "Delivery notes miss the customer's reference"


def test_champion_takes_an_easy_problem_from_backlog_to_a_celebrated_story(
    page, axe_path, live_server, campaign, champion
):
    goal = GoalFactory(campaign=campaign, title="Be known as the distributor that answers")
    home = f"{live_server.url}/c/{campaign.slug}/"
    log_in(page, champion.username)
    page.goto(home)
    expect(page.locator("#check-easy-wins")).to_have_class(re.compile("checkup__item--amber"))
    # No win yet: nothing to celebrate, so neither on track nor behind.
    expect(page.locator("#check-celebration")).to_have_class(re.compile("checkup__item--none"))
    check_accessibility(page, axe_path, "the campaign home with its checkup")

    # Add an easy problem: it lands in the backlog, suggested next.
    page.get_by_role("navigation", name="Campaign").get_by_role("link", name="Easy wins").click()
    page.get_by_role("link", name="Add a service problem").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Difficulty").select_option(label="Easy")
    page.get_by_label("Expected impact").select_option(label="High")
    page.get_by_label("Bull's-eye goal").select_option(label=goal.title)
    check_accessibility(page, axe_path, "the new problem form")
    page.get_by_role("button", name="Add to the backlog").click()

    backlog = page.locator("section.board__column--backlog")
    card = backlog.locator("li.card", has_text=TITLE)
    expect(card).to_contain_text("Suggested next")
    expect(card).to_contain_text(f"Aims at {goal.title}")
    check_accessibility(page, axe_path, "the board")
    board_url = page.url

    # Start it with one click, from the keyboard.
    card.get_by_role("button", name=f"Start: {TITLE}").press("Enter")
    in_progress = page.locator("section.board__column--in_progress")
    card = in_progress.locator("li.card", has_text=TITLE)
    expect(card).to_be_visible()
    expect(card).to_be_focused()
    expect(page.locator("#messages")).to_contain_text("Moved")

    # Won without a story: the story form opens in the card, which stays in progress.
    # Cancelling it from the keyboard puts focus back on the card; then the story is written.
    card.get_by_role("button", name=f"Won: {TITLE}").click()
    story = in_progress.locator("li.card--editing")
    expect(story.get_by_label("What they did")).to_be_focused()
    story.get_by_role("link", name="Cancel").press("Enter")
    expect(in_progress.locator("li.card", has_text=TITLE)).to_be_focused()
    in_progress.locator("li.card", has_text=TITLE).get_by_role("button", name=f"Won: {TITLE}").press("Enter")
    story = in_progress.locator("li.card--editing")
    expect(story.get_by_label("What they did")).to_be_focused()
    check_accessibility(page, axe_path, "the story form on the board")
    story.get_by_role("button", name="Save the story and move it to won").click()
    expect(in_progress.locator("li.card--editing")).to_contain_text("A story needs this")

    story = in_progress.locator("li.card--editing")
    story.get_by_label("What they did").fill("Warehouse leads added the reference to the picking template.")
    story.get_by_label("Before: how service was").fill("Customers rang to match deliveries to orders")
    story.get_by_label("After: how service is now").fill("Every note carries the customer's reference")
    story.get_by_label("The figure").fill("40 calls a week → 6")
    story.get_by_label("Time saved").check()
    story.get_by_role("button", name="Save the story and move it to won").click()

    won = page.locator("section.board__column--won").locator("li.card", has_text=TITLE)
    expect(won).to_contain_text("Not celebrated yet")
    expect(page.locator("#board")).to_contain_text("1 win has not been celebrated.")
    assert page.url == board_url

    # The story page, and the celebration.
    won.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=2, name="The service story")).to_be_visible()
    expect(page.get_by_text("40 calls a week → 6")).to_be_visible()
    check_accessibility(page, axe_path, "the story page")
    page.get_by_role("link", name="Record a celebration").click()
    page.get_by_label("How it was celebrated").select_option(label="Handshake")
    page.get_by_role("button", name="Record the celebration").click()
    expect(page.get_by_text(re.compile(r"^Handshake on"))).to_be_visible()

    page.get_by_role("navigation", name="Campaign").get_by_role("link", name="Stories").click()
    expect(page.locator("li.story", has_text=TITLE)).to_contain_text("Celebrated")
    check_accessibility(page, axe_path, "the stories list")

    # The checkup has changed.
    page.goto(home)
    expect(page.locator("#check-easy-wins")).to_have_class(re.compile("checkup__item--green"))
    expect(page.locator("#check-easy-wins")).to_contain_text("1 win is in")
    expect(page.locator("#check-celebration")).to_have_class(re.compile("checkup__item--green"))
    expect(page.locator("#check-celebration")).to_contain_text("Every win has been celebrated.")
    assert page.console_log.errors == []


def test_board_moves_work_under_the_sites_csp(strict_page, live_server, campaign, champion):
    from tests.factories import ServiceProblemFactory

    ServiceProblemFactory(campaign=campaign, title="Hold music loops")
    page = strict_page
    log_in(page, champion.username)
    page.goto(f"{live_server.url}/c/{campaign.slug}/wins/")
    page.get_by_role("button", name="Start: Hold music loops").click()
    expect(page.locator("section.board__column--in_progress")).to_contain_text("Hold music loops")
    expect(page.locator("#messages")).to_contain_text("Moved “Hold music loops” to in progress.")
    assert page.console_log.errors == []
