"""A champion reads the coverage map, imports allies from a CSV file, and sees the map change."""

from playwright.sync_api import expect

from allies.models import Ally, Stage
from campaign.models import Department, Level
from tests.browser.conftest import check_accessibility, log_in
from tests.factories import AllyFactory, DepartmentFactory

CSV = (
    "name,email,department,level,stage,source\n"
    "Mina Osei,mina@example.com,finance,middle,committed,volunteered\n"
    "Tom Berg,,FINANCE,frontline,interested,recruited\n"
)


def finance_row(page):
    return page.locator("tr", has=page.get_by_role("rowheader", name="Finance", exact=True))


def test_champion_imports_allies_and_sees_the_coverage_map_change(page, axe_path, live_server, campaign, champion):
    support = DepartmentFactory(campaign=campaign, name="Support", kind=Department.Kind.CUSTOMER_FACING, headcount=30)
    DepartmentFactory(campaign=campaign, name="Finance", kind=Department.Kind.INTERNAL_PROVIDER)
    AllyFactory(campaign=campaign, department=support, level=Level.FRONTLINE, stage=Stage.COMMITTED)
    coverage = f"{live_server.url}/c/{campaign.slug}/allies/coverage/"
    log_in(page, champion.username)

    page.goto(coverage)
    expect(page.get_by_role("heading", level=1, name="Coverage")).to_be_visible()
    expect(page.get_by_role("table", name="Committed allies by department and level")).to_be_visible()
    expect(finance_row(page).locator("td").nth(1)).to_have_text("0")
    empty_departments = page.locator("#check-empty-departments")
    expect(empty_departments).to_contain_text("1 of 2 departments has nobody committed: Finance.")
    check_accessibility(page, axe_path, "the coverage page")

    page.get_by_role("link", name="Import allies (CSV)").click()
    check_accessibility(page, axe_path, "the import page")
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "allies.csv", "mimeType": "text/csv", "buffer": CSV.encode()}]
    )
    page.get_by_role("button", name="Preview the import").click()

    expect(page.get_by_role("heading", name="2 allies to create")).to_be_visible()
    assert not Ally.objects.filter(name="Mina Osei").exists()
    check_accessibility(page, axe_path, "the import preview")
    page.get_by_role("button", name="Import 2 allies").click()
    expect(page.locator("#messages")).to_contain_text("Imported 2 allies from allies.csv.")

    page.goto(coverage)
    expect(finance_row(page).locator("td").nth(1)).to_have_text("1")
    expect(empty_departments).to_contain_text("Every department has a committed ally: all 2 of them.")
    check_accessibility(page, axe_path, "the coverage page after the import")
    assert page.console_log.errors == []


def test_the_coverage_page_keeps_to_the_content_security_policy(strict_page, live_server, campaign, champion):
    support = DepartmentFactory(campaign=campaign, name="Support", headcount=30)
    AllyFactory(campaign=campaign, department=support, level=Level.MIDDLE, stage=Stage.COMMITTED)
    log_in(strict_page, champion.username)

    strict_page.goto(f"{live_server.url}/c/{campaign.slug}/allies/coverage/")

    expect(strict_page.get_by_role("img", name="Allies per stage")).to_be_visible()
    # A refused inline style or script shows up as a console error.
    assert strict_page.console_log.errors == []
