"""A complaint logged and acted on reaches the leader in the summary, and an admin finds it in the outbox."""

import re
from datetime import timedelta

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from leadership.delivery import delivery_send
from leadership.emails import summary_delivery_message
from leadership.models import SummaryDelivery
from leadership.services import summaries_dispatch_due
from tests.browser.conftest import check_accessibility, log_in
from tests.factories import DepartmentFactory, LeaderFactory, SummaryScheduleFactory

COMPLAINT = "Waited forty minutes on hold & nobody called back"
ACTION = "A second person answers the phones on Monday mornings"


def test_a_complaint_logged_and_acted_on_reaches_the_leaders_summary(
    page, axe_path, live_server, campaign, champion, admin_user, tasks_enqueued
):
    # The delivery is sent below by calling the service; nothing goes to the broker from here.
    DepartmentFactory(campaign=campaign, name="Customer Support")
    LeaderFactory(campaign=campaign, name="Lena Boss", email="lena@example.com")
    log_in(page, champion.username)
    page.goto(f"/c/{campaign.slug}/")
    page.get_by_role("navigation", name="Campaign").get_by_role("link", name="Feedback").click()
    expect(page.get_by_role("heading", level=1, name="Feedback")).to_be_visible()
    check_accessibility(page, axe_path, "the empty feedback log")

    quick = page.locator("#feedback-log form").first
    quick.get_by_label("Kind").select_option("complaint")
    quick.get_by_label("Department concerned").select_option(label="Customer Support")
    quick.get_by_label("Severity").select_option("high")
    quick.get_by_label("Summary").fill(COMPLAINT)
    quick.get_by_role("button", name="Log it").click()
    row = page.locator("li.feedback-row").filter(has_text=COMPLAINT)
    expect(row).to_be_visible()
    # The confirmation shows under the quick entry's button, where the eye is, not at the top of the page.
    expect(page.locator("#quick-entry-status")).to_contain_text("Complaint logged.")

    row.get_by_label("Status").select_option("in_progress")
    row.get_by_label("What is being done").fill(ACTION)
    row.get_by_role("button", name=re.compile("Save")).click()
    expect(page.locator("#messages")).to_contain_text("Status and action saved.")
    expect(page.locator("li.feedback-row").filter(has_text=COMPLAINT).get_by_label("Status")).to_have_value(
        "in_progress"
    )
    check_accessibility(page, axe_path, "the feedback log after an in-place update")

    page.get_by_role("link", name="Preview the next summary").click()
    expect(page.get_by_text(COMPLAINT)).to_be_visible()
    expect(page.get_by_text(ACTION)).to_be_visible()
    check_accessibility(page, axe_path, "the summary preview")

    # Beat's dispatcher, a week later: the summary is created and its delivery sent.
    SummaryScheduleFactory(campaign=campaign)
    [summary] = summaries_dispatch_due(now=timezone.now() + timedelta(days=8))
    delivery = summary.deliveries.get()
    assert tasks_enqueued == [("leadership.tasks.send_summary_deliveries", ([delivery.pk],))]  # one batch
    delivery_send(model=SummaryDelivery, pk=delivery.pk, build=summary_delivery_message)
    web_link = next(line for line in mail.outbox[-1].body.splitlines() if line.startswith("Read it on the web: "))
    address = web_link.removeprefix("Read it on the web: ").replace("http://127.0.0.1:8000", live_server.url)

    leader_page = page.context.browser.new_context(base_url=live_server.url).new_page()
    leader_page.goto(address)
    expect(leader_page.get_by_role("heading", level=1)).to_contain_text("Executive summary")
    expect(leader_page.get_by_text(COMPLAINT)).to_be_visible()
    expect(leader_page.get_by_text(ACTION)).to_be_visible()
    leader_page.context.close()
    delivery.refresh_from_db()
    assert delivery.opened_at is not None

    page.goto(f"/c/{campaign.slug}/summaries/{summary.pk}/")
    expect(page.get_by_role("cell", name=re.compile("Yes,"))).to_be_visible()
    check_accessibility(page, axe_path, "the summary page")
    assert page.console_log.errors == []

    # An admin finds the summary in the outbox, beside any briefing pack, and reads it as sent.
    admin_page = page.context.browser.new_context(base_url=live_server.url, bypass_csp=True).new_page()
    log_in(admin_page, admin_user.username)
    admin_page.goto(f"/c/{campaign.slug}/outbox/")
    admin_page.get_by_role("link", name=re.compile("^Executive summary, ")).click()
    expect(admin_page.locator(".mail-text")).to_contain_text("Dear Lena Boss")
    expect(admin_page.locator(".mail-text")).to_contain_text(ACTION)
    check_accessibility(admin_page, axe_path, "a summary in the outbox")
    admin_page.context.close()
