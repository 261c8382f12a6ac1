"""A champion's journey through leaders and briefings: from a new leader to the leader's web version."""

import re
from datetime import date

from playwright.sync_api import expect

from leadership.models import PackDelivery
from leadership.tasks import send_pack_delivery
from tests.browser.conftest import check_accessibility, log_in
from tests.factories import ServiceProblemFactory


def test_admin_briefs_a_new_leader_and_opens_the_web_version_from_the_outbox(
    page, axe_path, live_server, campaign, admin_user, tasks_enqueued, settings
):
    settings.SITE_URL = live_server.url  # links in the email point at this test server
    # The worker does not run here: note what would be enqueued, and run those tasks below.
    ServiceProblemFactory(
        campaign=campaign,
        title="Crews meet the night shift",
        status="won",
        won_on=date(2026, 10, 20),
        benefits=["team"],
    )
    ServiceProblemFactory(
        campaign=campaign,
        title="Same-day delivery slots",
        status="won",
        won_on=date(2026, 10, 1),
        benefits=["time_saved"],
        story_figure="2 days → 4 hours",
    )
    log_in(page, admin_user.username)

    page.goto(f"{live_server.url}/c/{campaign.slug}/")
    page.get_by_role("navigation", name="Campaign").get_by_role("link", name="Leaders").click()
    page.get_by_role("link", name="Add a leader").click()
    page.get_by_label("Name").fill("Rupert Vance")
    page.get_by_label("Email").fill("rupert@example.com")
    page.get_by_label("Efficiency targets").check()
    check_accessibility(page, axe_path, "the new leader form")
    page.get_by_role("button", name="Add leader").click()
    expect(page.get_by_role("heading", level=1, name="Rupert Vance")).to_be_visible()
    expect(page.get_by_text("Efficiency targets")).to_be_visible()
    check_accessibility(page, axe_path, "the leader page")

    page.get_by_role("navigation", name="Campaign").get_by_role("link", name="Briefings").click()
    page.get_by_label("Title").fill("Wins this month")
    page.get_by_role("button", name="Start a pack").click()
    # Choosing a leader saves the draft in place and reorders the stories by what they value.
    page.get_by_label("Rupert Vance").check()
    stories = page.locator("fieldset", has_text="Stories from our own wins").locator("li")
    expect(stories.first).to_contain_text("Suggested for Rupert Vance")
    expect(stories.first).to_contain_text("Same-day delivery slots")
    expect(page.get_by_label("Rupert Vance")).to_be_checked()
    check_accessibility(page, axe_path, "the composer")
    page.get_by_label("Same-day delivery slots").check()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("link", name=re.compile(r"^Send to 1 leader"))).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Send to 1 leader")).click()
    page.get_by_role("button", name="Yes, send it").click()
    expect(page.locator("#messages")).to_contain_text("Sending “Wins this month” to 1 leader")
    expect(page.locator("#delivery-states")).to_contain_text("Queued")

    assert tasks_enqueued.names() == ["leadership.tasks.send_pack_delivery"]
    for _name, (pk,) in tasks_enqueued:
        send_pack_delivery.run(pk)
    assert PackDelivery.objects.get().status == "sent"

    page.get_by_role("link", name="Outbox").click()
    check_accessibility(page, axe_path, "the outbox")
    page.get_by_role("link", name="Wins this month").click()
    expect(page.locator(".mail-text")).to_contain_text("Dear Rupert Vance")
    page.get_by_role("link", name="Open the HTML part as rendered").click()
    page.get_by_role("link", name="Read it on the web").click()

    expect(page).to_have_url(re.compile(r"/l/briefing/"))
    expect(page.get_by_text("Dear Rupert Vance")).to_be_visible()
    expect(page.get_by_text("2 days → 4 hours")).to_be_visible()
    assert page.console_log.errors == []
