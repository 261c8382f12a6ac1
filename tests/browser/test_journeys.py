"""First journeys through the site in a real browser, each page checked with axe."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, log_in
from tests.factories import DepartmentFactory

NEW_WHY = "So that nobody waits on us twice — inside or outside."


def campaign_home_url(live_server, campaign):
    return f"{live_server.url}/c/{campaign.slug}/"


def test_admin_logs_in_and_opens_the_campaign(page, axe_path, live_server, campaign, admin_user):
    log_in(page, admin_user.username, axe_path=axe_path)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1, name="Your campaigns")).to_be_visible()
    check_accessibility(page, axe_path, "the campaign list")

    page.get_by_role("main").get_by_role("link", name=campaign.name).click()

    expect(page).to_have_url(campaign_home_url(live_server, campaign))
    expect(page.get_by_role("heading", level=1, name=campaign.name)).to_be_visible()
    expect(page.get_by_text(campaign.service_focus)).to_be_visible()
    check_accessibility(page, axe_path, "the campaign home")
    assert page.console_log.errors == []


def test_admin_edits_the_golden_circle_inline(page, axe_path, live_server, campaign, admin_user):
    home = campaign_home_url(live_server, campaign)
    log_in(page, admin_user.username)
    page.goto(home)
    check_accessibility(page, axe_path, "the campaign home")

    page.get_by_role("link", name="Edit the Golden Circle").click()
    why = page.get_by_label(re.compile(r"^Why"))
    expect(why).to_be_visible()
    assert page.url == home, "editing the Golden Circle should not leave the page"
    check_accessibility(page, axe_path, "the Golden Circle form on the campaign home")

    why.fill(NEW_WHY)
    page.get_by_role("button", name="Save").click()

    circle = page.locator("#golden-circle")
    expect(circle).to_contain_text(NEW_WHY)
    expect(circle.get_by_role("link", name="Edit the Golden Circle")).to_be_visible()
    expect(page.locator("#messages")).to_contain_text("The Golden Circle is saved.")
    expect(page.locator("#messages")).to_be_visible()
    assert page.url == home
    check_accessibility(page, axe_path, "the campaign home after saving the Golden Circle")

    page.reload()
    expect(page.locator("#golden-circle")).to_contain_text(NEW_WHY)
    campaign.refresh_from_db()
    assert campaign.why == NEW_WHY
    assert page.console_log.errors == []


def test_admin_adds_edits_and_removes_a_department(page, axe_path, live_server, campaign, admin_user):
    url = f"{live_server.url}/c/{campaign.slug}/settings/departments/"
    log_in(page, admin_user.username)
    page.goto(url)
    check_accessibility(page, axe_path, "the departments settings page")

    section = page.locator("#department-section")
    empty = section.get_by_text("No departments yet")
    expect(empty).to_be_visible()

    # Add.
    add_form = section.locator("form", has=page.get_by_role("button", name="Add department"))
    add_form.get_by_label("Name").fill("Finance & Billing")
    add_form.get_by_label("Kind").select_option(label="Internal service provider")
    add_form.get_by_role("button", name="Add department").click()

    row = section.locator("li.row", has_text="Finance & Billing")
    expect(row).to_be_visible()
    expect(row).to_contain_text("Internal service provider")
    expect(empty).to_have_count(0)
    expect(page.locator("#messages")).to_contain_text("Added department “Finance & Billing”.")
    assert page.url == url
    check_accessibility(page, axe_path, "the departments page after adding one")

    # Edit in place.
    row.get_by_role("link", name="Edit Finance & Billing").click()
    editing = section.locator("li.row--editing")
    expect(editing).to_be_visible()
    check_accessibility(page, axe_path, "the departments page while editing a row")
    name = editing.get_by_label("Name")
    expect(name).to_have_value("Finance & Billing")
    name.fill("Finance")
    editing.get_by_role("button", name="Save").click()

    expect(editing).to_have_count(0)
    expect(section.locator("li.row strong")).to_have_text(["Finance"])
    expect(page.locator("#messages")).to_contain_text("Saved department “Finance”.")
    assert page.url == url

    # Remove, accepting the confirm dialog.
    page.once("dialog", lambda dialog: dialog.accept())
    section.get_by_role("link", name="Remove Finance").click()

    expect(section.get_by_text("No departments yet")).to_be_visible()
    expect(section.locator("li.row")).to_have_count(0)
    expect(page.locator("#messages")).to_contain_text("Removed department “Finance”.")
    assert page.url == url
    assert not campaign.departments.exists()
    check_accessibility(page, axe_path, "the departments page after removing the last one")
    assert page.console_log.errors == []


def test_add_form_keeps_its_labels_while_a_row_is_edited(page, axe_path, live_server, campaign, admin_user):
    """Editing a row must not take the add form's labels: its fields need ids of their own."""
    DepartmentFactory(campaign=campaign, name="Logistics")
    log_in(page, admin_user.username)
    page.goto(f"{live_server.url}/c/{campaign.slug}/settings/departments/")
    section = page.locator("#department-section")
    section.get_by_role("link", name="Edit Logistics").click()
    expect(section.locator("li.row--editing")).to_be_visible()
    check_accessibility(page, axe_path, "the departments page while editing a row")

    duplicates = page.evaluate(
        """() => {
            const ids = [...document.querySelectorAll('[id]')].map((element) => element.id);
            return [...new Set(ids.filter((id, index) => ids.indexOf(id) !== index))];
        }"""
    )
    assert duplicates == [], f"ids used twice while a row is edited: {duplicates}"
    add_form = section.locator("form", has=page.get_by_role("button", name="Add department"))
    expect(add_form.get_by_role("textbox", name="Name")).to_be_visible()
    expect(add_form.get_by_role("combobox", name="Kind")).to_be_visible()


def test_viewer_cannot_edit_or_reach_settings(page, axe_path, live_server, campaign, viewer):
    log_in(page, viewer.username)
    page.goto(campaign_home_url(live_server, campaign))
    check_accessibility(page, axe_path, "the campaign home, as a viewer")

    expect(page.get_by_role("heading", level=1, name=campaign.name)).to_be_visible()
    nav = page.get_by_role("navigation", name="Campaign")
    expect(nav.get_by_role("link", name="Home")).to_be_visible()
    expect(nav.get_by_role("link", name="Settings")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit the Golden Circle")).to_have_count(0)

    response = page.goto(f"{live_server.url}/c/{campaign.slug}/settings/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1, name="You can't do that here")).to_be_visible()
    check_accessibility(page, axe_path, "the 403 page")


def test_no_console_errors_or_csp_violations(strict_page, live_server, campaign, admin_user):
    """Journeys a and b again, with the site's CSP enforced (so without axe, which needs it bypassed)."""
    page = strict_page
    home = campaign_home_url(live_server, campaign)

    log_in(page, admin_user.username)
    page.get_by_role("main").get_by_role("link", name=campaign.name).click()
    expect(page).to_have_url(home)

    page.get_by_role("link", name="Edit the Golden Circle").click()
    page.get_by_label(re.compile(r"^Why")).fill(NEW_WHY)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#golden-circle")).to_contain_text(NEW_WHY)
    # The message only shows if app.js (loaded under the CSP nonce) ran.
    expect(page.locator("#messages")).to_contain_text("The Golden Circle is saved.")
    assert page.url == home

    assert page.console_log.errors == []
