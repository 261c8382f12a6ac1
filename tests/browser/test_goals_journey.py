"""A champion opens a measured goal from home, adds a reading, and sees it on the chart and in the checkup."""

import re
from datetime import timedelta
from decimal import Decimal

from playwright.sync_api import expect

from campaign.models import GoalReading
from tests.browser.conftest import check_accessibility, log_in
from tests.factories import GoalFactory


def test_champion_adds_a_reading_and_sees_the_goal_behind_its_line(page, axe_path, live_server, campaign, champion):
    today = campaign.today()
    goal = GoalFactory(
        campaign=campaign, title="Win back regional share", unit="%", direction="up",
        baseline_value=Decimal("18"), baseline_on=today - timedelta(days=365),
        target_value=Decimal("24"), target_on=today + timedelta(days=180), cadence="monthly",
    )  # fmt: skip
    GoalReading.objects.create(goal=goal, taken_on=today - timedelta(days=60), value=Decimal("19.5"))
    log_in(page, champion.username)
    page.goto(f"{live_server.url}/c/{campaign.slug}/")
    # The last reading is two months old on a monthly cadence: the checkup says so.
    expect(page.locator("#check-goal-readings")).to_contain_text("No reading for longer than its cadence")
    page.get_by_role("link", name="Win back regional share").click()
    expect(page.get_by_role("heading", name="Win back regional share")).to_be_visible()
    check_accessibility(page, axe_path, "a goal's page")

    # A date in the future is refused beside the field.
    page.get_by_label("Date").fill((today + timedelta(days=2)).isoformat())
    page.get_by_label("Value").fill("20.1")
    page.get_by_role("button", name="Save the reading").click()
    expect(page.locator("form.panel")).to_contain_text("is in the future")

    page.get_by_label("Date").fill((today - timedelta(days=2)).isoformat())
    page.get_by_label("Value").fill("20.1")
    page.get_by_role("button", name="Save the reading").click()
    expect(page.locator("#messages")).to_contain_text("Added the reading")
    expect(page.locator("svg.goal-chart circle")).to_have_count(2)
    expect(page.get_by_role("cell", name="20.1%")).to_be_visible()
    expect(page.locator(".goal-status--behind")).to_contain_text("Behind its line")

    page.goto(f"{live_server.url}/c/{campaign.slug}/")
    expect(page.locator("#check-goal-readings")).to_have_class(re.compile("checkup__item--(amber|red)"))
    expect(page.locator("#check-goal-readings")).to_contain_text("behind its line")
