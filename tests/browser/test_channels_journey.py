"""
Chat channels and notifications: an admin adds a Slack channel pointed at a local receiver, sends a
test post and finds it in the outbox; a champion chooses a digest for roadblocks and follows a
one-click link to stop volunteer emails.
"""

from playwright.sync_api import expect

from campaign import notifications
from campaign.models import ChannelDelivery
from campaign.posts import channel_delivery_send
from tests.browser.conftest import check_accessibility, log_in


def test_an_admin_adds_a_channel_and_a_champion_chooses_notifications(
    page, axe_path, live_server, campaign, admin_user, champion, receiver
):
    log_in(page, admin_user.username)
    page.goto(f"{live_server.url}/c/{campaign.slug}/settings/channels/")
    expect(page.get_by_text("No chat channels yet")).to_be_visible()
    check_accessibility(page, axe_path, "the chat channels page, empty")
    page.get_by_label("Name").fill("#service-wins")
    page.get_by_label("Kind").select_option("slack")
    page.get_by_label("Webhook address").fill(receiver.url)
    page.get_by_role("button", name="Add the channel").click()
    expect(page.locator("#messages")).to_contain_text("Channel “#service-wins” added.")
    expect(page.locator(".rows")).not_to_contain_text(receiver.url)

    page.get_by_role("button", name="Send a test post to #service-wins").click()
    expect(page.locator("#messages")).to_contain_text("A test post to “#service-wins” is on its way")
    channel_delivery_send(pk=ChannelDelivery.objects.get().pk)  # the worker's part
    page.goto(f"{live_server.url}/c/{campaign.slug}/outbox/")
    page.get_by_role("link", name="Test post from").first.click()
    expect(page.get_by_text("The post as sent")).to_be_visible()
    check_accessibility(page, axe_path, "a chat post in the outbox")
    assert len(receiver.requests) == 1

    page.context.clear_cookies()
    log_in(page, champion.username)
    page.goto(f"{live_server.url}/c/{campaign.slug}/notifications/")
    check_accessibility(page, axe_path, "the notification settings")
    page.get_by_label("A roadblock cleared").select_option("weekly")
    page.get_by_role("button", name="Save my notifications").click()
    expect(page.locator("#messages")).to_contain_text("Your notification settings are saved.")
    expect(page.get_by_label("A roadblock cleared")).to_have_value("weekly")

    off = notifications.off_url(champion.memberships.get(), "volunteer_joined")
    page.goto(live_server.url + "/" + off.split("://", 1)[1].split("/", 1)[1])
    page.get_by_role("button", name="Stop these emails").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Switched off")
