"""A pack scheduled for each leader's morning, approved by a second champion, then opened by a leader."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from leadership import signing
from leadership.models import PackDelivery
from tests.browser.conftest import check_accessibility, log_in
from tests.factories import BriefingPackFactory, LeaderFactory


def test_a_champion_asks_an_admin_approves_and_the_leader_page_shows_the_opening(
    page, axe_path, live_server, campaign, champion, admin_user, tasks_enqueued, client
):
    campaign.packs_need_approval = True
    campaign.save()
    pack = BriefingPackFactory(campaign=campaign, title="Wins this month", note="Three wins to share.")
    pack.recipients.add(LeaderFactory(campaign=campaign, name="Aiko Tanaka", time_zone="Asia/Tokyo"))
    day = (timezone.now() + timedelta(days=3)).date()

    log_in(page, champion.username)
    page.goto(f"{live_server.url}/c/{campaign.slug}/briefings/{pack.pk}/")
    page.get_by_role("link", name="Ask for approval…").click()
    page.get_by_label("Later").check()
    page.locator("#id_send_on").fill(day.isoformat())
    page.get_by_label("Time (each leader's local time)").fill("08:00")
    check_accessibility(page, axe_path, "the send page")
    page.get_by_role("button", name="Ask for approval").click()
    expect(page.locator("#messages")).to_contain_text("Asked for approval of “Wins this month”")
    expect(page.get_by_role("button", name="Withdraw the request")).to_be_visible()

    page.context.clear_cookies()
    log_in(page, admin_user.username)
    page.goto(f"{live_server.url}/c/{campaign.slug}/briefings/{pack.pk}/review/")
    expect(page.get_by_text("Three wins to share.")).to_be_visible()
    expect(page.get_by_role("link", name="As Aiko Tanaka sees it")).to_be_visible()
    check_accessibility(page, axe_path, "the review page")
    page.get_by_role("button", name=re.compile("^Approve and schedule")).click()
    expect(page.locator("#messages")).to_contain_text("Approved “Wins this month”: scheduled for")
    expect(page.locator("p.panel", has_text="Scheduled for")).to_contain_text("(each leader's local time)")
    expect(page.locator("#delivery-states")).to_contain_text("08:00 their time (Asia/Tokyo)")

    # The day comes, the email goes; the leader opens the web version (no session: the link is the key).
    delivery = PackDelivery.objects.get()
    PackDelivery.objects.filter(pk=delivery.pk).update(status="sent", sent_at=timezone.now(), due_at=None)
    client.get(signing.pack_web_url(delivery))
    page.goto(f"{live_server.url}/c/{campaign.slug}/leaders/{delivery.leader_id}/")
    expect(page.get_by_role("heading", name="What they were sent, and opened")).to_be_visible()
    expect(page.locator("section", has_text="What they were sent, and opened")).to_contain_text("Wins this month")
    expect(page.get_by_text("1 sent, 1 opened", exact=False)).to_be_visible()
    check_accessibility(page, axe_path, "the leader page")
