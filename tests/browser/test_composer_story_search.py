"""The composer's story search in the browser: matches replace the list in place, ticked stories stay ticked."""

from datetime import date, timedelta

from playwright.sync_api import expect

from campaign.models import ServiceProblem
from leadership.selectors import STORIES_SHOWN
from tests.browser.conftest import check_accessibility, log_in
from tests.factories import BriefingPackFactory


def test_a_champion_searches_the_won_stories_and_keeps_what_they_ticked(
    page, axe_path, live_server, campaign, admin_user
):
    start = date(2026, 1, 1)
    ServiceProblem.objects.bulk_create(
        ServiceProblem(
            campaign=campaign,
            title=f"Win number {i}",
            status="won",
            won_on=start + timedelta(days=i),
            difficulty="easy",
            impact="medium",
        )
        for i in range(STORIES_SHOWN + 20)
    )
    pack = BriefingPackFactory(campaign=campaign, title="Spring briefing")
    log_in(page, admin_user.username)
    page.goto(f"{live_server.url}{pack.get_absolute_url()}")

    choices = page.locator("#story-choices")
    expect(choices.locator("li")).to_have_count(STORIES_SHOWN)
    expect(choices).to_contain_text(f"of {STORIES_SHOWN + 20} won stories")
    page.get_by_label("Win number 60").check()

    page.get_by_label("Find a story by its title").fill("number 1")
    # "Win number 1" and 10 to 19, and the ticked "Win number 60", still ticked.
    expect(choices.locator("li")).to_have_count(12)
    expect(choices).to_contain_text("11 won stories match “number 1”")
    expect(page.get_by_label("Win number 60")).to_be_checked()
    check_accessibility(page, axe_path, "the composer's story search")

    page.get_by_label("Win number 12", exact=True).check()
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#messages")).to_contain_text("Draft saved")
    assert sorted(pack.stories.values_list("title", flat=True)) == ["Win number 12", "Win number 60"]


def test_show_more_lists_the_next_stories_in_place(page, live_server, campaign, admin_user):
    start = date(2026, 1, 1)
    ServiceProblem.objects.bulk_create(
        ServiceProblem(
            campaign=campaign,
            title=f"Story {i}",
            status="won",
            won_on=start + timedelta(days=i),
            difficulty="easy",
            impact="medium",
        )
        for i in range(STORIES_SHOWN + 5)
    )
    pack = BriefingPackFactory(campaign=campaign)
    log_in(page, admin_user.username)
    page.goto(f"{live_server.url}{pack.get_absolute_url()}")
    page.get_by_label("Story 54").check()
    page.get_by_role("link", name="Show more stories").click()
    expect(page.locator("#story-choices li")).to_have_count(STORIES_SHOWN + 5)
    expect(page.get_by_role("link", name="Show more stories")).to_have_count(0)
    expect(page.get_by_label("Story 54")).to_be_checked()
    expect(page.get_by_label("Story 0", exact=True)).to_be_visible()
