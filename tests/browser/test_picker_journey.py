"""The ally picker as a champion uses it: find people by typing, tick them from the keyboard, save."""

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, log_in
from tests.factories import AllyFactory, DepartmentFactory


def test_champion_finds_and_ticks_two_allies_without_a_list_of_everyone(page, axe_path, campaign, champion):
    finance = DepartmentFactory(campaign=campaign, name="Finance")
    AllyFactory(campaign=campaign, name="Priya Shah", department=finance)
    AllyFactory(campaign=campaign, name="Sam Okafor", department=finance)
    AllyFactory.create_batch(30, campaign=campaign, department=finance)
    log_in(page, champion.username)
    page.goto(f"/c/{campaign.slug}/wins/new/")
    page.get_by_label("Title").fill("Refund forms ask twice for the order number")
    expect(page.get_by_role("button", name="Find")).to_have_count(0)  # with JavaScript the matches come as you type

    search = page.get_by_label("Find by name")
    search.press_sequentially("pri", delay=30)
    priya = page.get_by_role("checkbox", name="Priya Shah (Finance)")
    expect(priya).to_be_visible()
    check_accessibility(page, axe_path, "the problem form with the picker's matches")
    priya.focus()
    page.keyboard.press("Space")
    expect(priya).to_be_checked()

    # A second search keeps the first choice ticked, above the new matches.
    search.fill("")
    search.press_sequentially("okaf", delay=30)
    sam = page.get_by_role("checkbox", name="Sam Okafor (Finance)")
    expect(sam).to_be_visible()
    expect(page.get_by_role("checkbox", name="Priya Shah (Finance)")).to_be_checked()
    sam.check()
    search.press("Enter")  # searches again, never submits the form
    expect(page).to_have_url(f"{page.url.split('?')[0]}")
    expect(page.get_by_role("checkbox", name="Sam Okafor (Finance)")).to_be_checked()

    page.get_by_role("button", name="Add to the backlog").click()
    page.get_by_role("link", name="Refund forms ask twice for the order number").click()
    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_role("checkbox", name="Priya Shah (Finance)")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Sam Okafor (Finance)")).to_be_checked()
    expect(page.get_by_role("checkbox")).to_have_count(2)  # the chosen, never the campaign's 32 allies
