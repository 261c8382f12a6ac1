"""A champion's first ally in a real browser: add, log a touchpoint, move up the ladder, see the map change."""

import re

from playwright.sync_api import expect

from allies.models import Ally, Touchpoint
from tests.browser.conftest import check_accessibility, log_in
from tests.factories import DepartmentFactory


def coverage_cell(page, department, column):
    """The coverage map's cell for `department` in `column` (0 top, 1 middle, 2 frontline, 3 total)."""
    row = page.locator("tr", has=page.get_by_role("rowheader", name=department, exact=True))
    return row.locator("td").nth(column)


def test_champion_adds_an_ally_logs_a_touchpoint_moves_a_stage_and_sees_the_coverage_map_change(
    page, axe_path, live_server, campaign, champion
):
    """The issue's journey in one go: the map starts empty and shows the ally once they commit."""
    DepartmentFactory(campaign=campaign, name="Finance & Billing")
    log_in(page, champion.username)
    coverage = f"{live_server.url}/c/{campaign.slug}/allies/coverage/"
    page.goto(coverage)
    expect(coverage_cell(page, "Finance & Billing", 1)).to_have_text("0")
    expect(page.locator("#check-empty-departments")).to_contain_text("1 of 1 department has nobody committed")
    expect(page.locator("#check-missing-level")).to_contain_text("Nobody at the top, middle and frontline levels")

    page.goto(f"{live_server.url}/c/{campaign.slug}/allies/")
    expect(page.get_by_role("heading", name="find your first few allies")).to_be_visible()
    check_accessibility(page, axe_path, "the empty ally list")

    page.get_by_role("link", name="Add your first ally").click()
    check_accessibility(page, axe_path, "the add-ally form")
    page.get_by_label("Name").fill("Priya <b>Patel</b>")
    page.get_by_label("Department").select_option(label="Finance & Billing")
    page.get_by_label("Level").select_option(label="Middle")
    page.get_by_role("button", name="Add ally").click()

    expect(page.get_by_role("heading", level=1, name="Priya <b>Patel</b>")).to_be_visible()
    ally_url = page.url
    ally = Ally.objects.get(campaign=campaign)
    check_accessibility(page, axe_path, "the ally page")

    # Log a touchpoint in place: the touchpoints region reloads with it.
    form = page.locator("#touchpoint-form")
    form.get_by_label("Kind").select_option(label="Lunch")
    form.get_by_label("Note (optional)").fill("Talked about invoices nobody can read")
    form.get_by_role("button", name="Log touchpoint").click()
    expect(page.locator("#touchpoint-region")).to_contain_text("Logged: lunch")
    touchpoints = page.locator("#ally-activity")
    expect(touchpoints).to_contain_text("Talked about invoices nobody can read")
    assert page.url == ally_url

    # Move a stage with the keyboard-usable select and button; the history shows the step.
    page.get_by_label("Stage of Priya <b>Patel</b>").select_option(label="Interested")
    page.get_by_role("button", name="Move Priya <b>Patel</b>").click()
    history = page.locator(".stage-history")
    expect(history).to_contain_text("Interested — reached")
    expect(history).to_contain_text("from identified")
    expect(page.locator("#messages")).to_contain_text("is now at “Interested”")
    check_accessibility(page, axe_path, "the ally page after a stage move")
    assert list(ally.stage_changes.values_list("to_stage", flat=True)) == ["identified", "interested"]

    # On the list, the same move happens in place, row by row.
    page.get_by_role("navigation", name="Allies").get_by_role("link", name="List").click()
    row = page.locator(f"#ally-{ally.pk}")
    expect(row).to_contain_text("Finance & Billing")
    check_accessibility(page, axe_path, "the ally list")
    row.get_by_label("Stage of Priya <b>Patel</b>").select_option(label="Committed")
    row.get_by_role("button", name="Move Priya <b>Patel</b>").click()
    expect(page.locator(f"#ally-{ally.pk} select")).to_have_value("committed")
    # Keyboard users keep their place: focus comes back to the row's Move button after the swap.
    expect(page.locator(f"#move-{ally.pk}")).to_be_focused()
    expect(page.locator("#messages")).to_contain_text("is now at “Committed”")
    ally.refresh_from_db()
    assert ally.stage == "committed"

    # Committed now, so the coverage map counts them where they sit: Finance & Billing, middle.
    page.get_by_role("navigation", name="Allies").get_by_role("link", name="Coverage").click()
    expect(page.get_by_role("heading", level=1, name="Coverage")).to_be_visible()
    expect(coverage_cell(page, "Finance & Billing", 1)).to_have_text("1")
    expect(coverage_cell(page, "Finance & Billing", 3)).to_have_text("1")
    expect(page.locator("#check-empty-departments")).to_contain_text("Every department has a committed ally")
    expect(page.locator("#check-missing-level")).to_contain_text("Nobody at the top and frontline levels")
    check_accessibility(page, axe_path, "the coverage page after the ally committed")
    assert page.console_log.errors == []


def test_ticked_allies_share_one_touchpoint_under_the_sites_csp(strict_page, live_server, campaign, champion):
    """With the CSP enforced: tick two rows, log once, and the list reloads showing today's touch."""
    from django.utils import timezone

    from tests.factories import AllyFactory

    page = strict_page
    ana = AllyFactory(campaign=campaign, name="Ana Ames")
    bo = AllyFactory(campaign=campaign, name="Bo Berg")
    AllyFactory(campaign=campaign, name="Cy Cole")
    log_in(page, champion.username)
    page.goto(f"{live_server.url}/c/{campaign.slug}/allies/")
    page.get_by_label("Choose Ana Ames").check()
    page.get_by_label("Choose Bo Berg").check()
    form = page.locator("#touchpoint-form")
    form.get_by_label("Kind").select_option(label="Book club")
    form.get_by_role("button", name="Log touchpoint").click()

    expect(page.locator("#touchpoint-region")).to_contain_text("with Ana Ames, Bo Berg")
    today = timezone.localdate().strftime("%-d %b %Y")
    expect(page.locator(f"#ally-{ana.pk}")).to_contain_text(today)
    expect(page.locator(f"#ally-{bo.pk}")).to_contain_text(today)
    expect(page.locator("#ally-table")).to_contain_text("Never")  # Cy was not ticked
    expect(page.get_by_label("Choose Ana Ames")).not_to_be_checked()

    # A row's Log button brings the form for that ally and puts the keyboard in it.
    page.locator(f"#ally-{bo.pk}").get_by_role("link", name="Log a touchpoint with Bo Berg").click()
    expect(form.get_by_label("Bo Berg")).to_be_checked()
    expect(form.get_by_label("Kind")).to_be_focused()
    note = form.get_by_label("Note (optional)")
    note.fill("Quick word in the corridor")
    note.press("Enter")
    expect(page.locator("#touchpoint-region")).to_contain_text("Logged: one-on-one")
    assert Touchpoint.objects.filter(note="Quick word in the corridor", allies=bo).exists()
    assert page.console_log.errors == []


def test_a_colleague_volunteers_through_the_join_link(page, axe_path, live_server, campaign, monkeypatch):
    from allies import forms
    from tests.factories import JoinLinkFactory

    # The robot fills the form faster than a person; the time trap is tested without a browser.
    monkeypatch.setattr(forms, "JOIN_MIN_SECONDS", 0)

    DepartmentFactory(campaign=campaign, name="Logistics")
    link = JoinLinkFactory(campaign=campaign)
    page.goto(f"{live_server.url}/join/{link.token}/")
    expect(page.get_by_text(campaign.why)).to_be_visible()
    expect(page.get_by_label("Leave this field empty")).to_be_hidden()
    check_accessibility(page, axe_path, "the public join page")

    page.get_by_label("Your name").fill("Vi Volunteer")
    page.get_by_label("Your work email").fill("vi@example.com")
    page.get_by_label("Your department").select_option(label="Logistics")
    page.get_by_label("Middle — I lead a team").check()
    page.get_by_label("Why you care, in a line").fill("Our drivers hear it first")
    page.get_by_role("button", name="Count me in").click()

    expect(page.get_by_role("heading", level=1, name="Thank you — you're in")).to_be_visible()
    check_accessibility(page, axe_path, "the join thank-you page")
    ally = Ally.objects.get(campaign=campaign)
    assert (ally.stage, ally.source, ally.awaiting_review, ally.level) == ("interested", "volunteered", True, "middle")
    assert page.console_log.errors == []


def test_follow_ups_and_the_join_link_page_are_accessible(page, axe_path, live_server, campaign, admin_user):
    from django.utils import timezone

    from tests.factories import AllyFactory

    AllyFactory(campaign=campaign, name="Due Dana", recruited_by=admin_user, follow_up_on=timezone.localdate())
    log_in(page, admin_user.username)
    page.goto(f"{live_server.url}/c/{campaign.slug}/allies/follow-ups/")
    expect(page.get_by_role("link", name="Due Dana", exact=True)).to_be_visible()
    check_accessibility(page, axe_path, "my follow-ups")
    # A follow-up done is logged from its row, and the champion lands back on the follow-ups.
    page.get_by_role("link", name="Log a touchpoint with Due Dana").click()
    page.get_by_label("Note (optional)").fill("Coffee, as promised")
    page.get_by_role("button", name="Log touchpoint").click()
    expect(page.get_by_role("heading", level=1, name="My follow-ups")).to_be_visible()
    expect(page.locator("#messages")).to_contain_text("Logged a one-on-one with Due Dana.")

    page.get_by_role("navigation", name="Allies").get_by_role("link", name="Join link").click()
    page.get_by_role("button", name="Publish a join link").click()
    expect(page.get_by_label("Share this address")).to_have_value(re.compile(f"^{re.escape(live_server.url)}/join/"))
    check_accessibility(page, axe_path, "the join link page")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Switch off").click()
    expect(page.get_by_role("heading", name="No join link is on")).to_be_visible()
    assert page.console_log.errors == []
