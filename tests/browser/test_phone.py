"""
The two most frequent actions on a phone (390×844): logging a touchpoint from the ally list and logging a
complaint from the feedback log, each on one screen. Screenshots go to test-results/phone/ to be looked at.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from allies.models import Touchpoint
from campaign.models import Level, Membership, Role
from leadership.models import Feedback
from tests.browser.conftest import ROOT, check_accessibility, log_in
from tests.factories import (
    AllyFactory,
    DepartmentFactory,
    FeedbackFactory,
    FeedbackThemeFactory,
    TouchpointFactory,
    UserFactory,
)

PHONE = {"width": 390, "height": 844}
SHOTS = ROOT / "test-results" / "phone"


@pytest.fixture
def phone(browser, live_server):
    """A page the size of a phone (390×844 CSS pixels, touch), CSP bypassed so axe can be injected."""
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def busy_campaign(campaign):
    """A campaign in full swing: departments with long names, thirty allies, touchpoints and feedback."""
    departments = [
        DepartmentFactory(campaign=campaign, name=name)
        for name in ("Customer Support", "Finance & Billing", "Logistics and Warehousing", "IT Service Desk")
    ]
    levels = [Level.TOP, Level.MIDDLE, Level.FRONTLINE]
    today = timezone.localdate()
    for n in range(30):
        ally = AllyFactory(
            campaign=campaign,
            name=f"Alexandra Montgomery-Smythe {n:02d}" if n == 0 else f"Ally Person {n:02d}",
            department=departments[n % 4],
            level=levels[n % 3],
            follow_up_on=today - timedelta(days=n % 5),
        )
        if n % 2:
            TouchpointFactory(campaign=campaign, allies=[ally], happened_on=today - timedelta(days=n))
    theme = FeedbackThemeFactory(campaign=campaign, name="Waiting times")
    for n in range(40):
        FeedbackFactory(
            campaign=campaign,
            kind="complaint" if n % 3 else "compliment",
            severity="medium" if n % 3 else "",
            department=departments[n % 4],
            theme=theme,
            received_on=today - timedelta(days=n * 2),
        )
    return campaign


@pytest.fixture
def phone_admin(campaign):
    """An admin with a long name: the longest header, and every section in the nav (Settings too)."""
    user = UserFactory(username="chris", first_name="Christabel", last_name="Featherstonehaugh")
    Membership.objects.create(user=user, campaign=campaign, role=Role.ADMIN)
    return user


def top_of_page(locator):
    """Where the element lies on the page (scrolled or not): top, bottom, left and right in CSS pixels."""
    return locator.evaluate(
        """e => { const r = e.getBoundingClientRect();
            return {top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left, right: r.right}; }"""
    )


def on_screen(locator):
    """The element comes to lie wholly inside the phone's screen (a smooth scroll may still be moving)."""
    try:
        expect(locator).to_be_in_viewport(ratio=1)
    except AssertionError:
        return False
    return True


def in_first_screen(locator):
    """The element lies wholly inside the first screen: seen without scrolling at all."""
    r = top_of_page(locator)
    return r["top"] >= 0 and r["bottom"] <= PHONE["height"] and r["left"] >= 0 and r["right"] <= PHONE["width"]


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def shot(page, name, *, full_page=False):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def test_on_a_phone_the_nav_shows_every_section_in_a_short_header(phone, live_server, busy_campaign, phone_admin):
    page = phone
    log_in(page, phone_admin.username)
    page.goto(f"/c/{busy_campaign.slug}/")
    nav = page.get_by_role("navigation", name="Campaign")
    for name in ("Home", "Allies", "Feedback", "Summaries", "Settings"):
        link = nav.get_by_role("link", name=name, exact=True)
        expect(link).to_be_visible()
        assert in_first_screen(link), f"{name} is off the screen: {top_of_page(link)}"
    assert no_sideways_scroll(page)
    header = top_of_page(page.locator(".site-header"))
    assert header["bottom"] <= 130, f"the header and nav take {header['bottom']} px"
    shot(page, "home")
    nav.get_by_role("link", name="Feedback").click()
    expect(page.get_by_role("heading", level=1, name="Feedback")).to_be_visible()


def test_on_a_phone_a_touchpoint_is_logged_from_the_ally_list_on_one_screen(
    phone, axe_path, live_server, busy_campaign, phone_admin
):
    page = phone
    log_in(page, phone_admin.username)
    page.goto(f"/c/{busy_campaign.slug}/allies/")
    shot(page, "allies-first-screen")
    assert no_sideways_scroll(page)
    first = page.locator(".ally-table tbody tr").first
    name = first.get_by_role("link", name="Alexandra Montgomery-Smythe 00", exact=True)
    log = first.get_by_role("link", name="Log a touchpoint with Alexandra Montgomery-Smythe 00")
    assert in_first_screen(name), top_of_page(name)
    assert in_first_screen(log), top_of_page(log)
    # Name and button share the row's first line.
    assert abs(top_of_page(name)["top"] - top_of_page(log)["top"]) < 24
    check_accessibility(page, axe_path, "the ally list on a phone")
    shot(page, "allies-full", full_page=True)

    # An ally further down: their Log button brings the form, and the form comes on screen whole.
    row = page.locator(".ally-table tbody tr").filter(has_text="Ally Person 07")
    row.scroll_into_view_if_needed()
    row.get_by_role("link", name="Log a touchpoint with Ally Person 07").click()
    form = page.locator("#touchpoint-form")
    expect(form.get_by_label("Ally Person 07")).to_be_checked()
    submit = form.get_by_role("button", name="Log touchpoint")
    assert on_screen(form.get_by_label("Ally Person 07"))
    assert on_screen(submit)
    shot(page, "allies-log-form")
    form.get_by_label("Kind").select_option(label="Lunch")
    form.get_by_label("Note (optional)").fill("Sandwiches and the invoice backlog")
    submit.click()

    done = page.locator("#touchpoint-region .message--success")
    expect(done).to_contain_text("Logged: lunch")
    expect(done).to_contain_text("Ally Person 07")
    assert on_screen(done)
    shot(page, "allies-logged")
    assert Touchpoint.objects.filter(note="Sandwiches and the invoice backlog", allies__name="Ally Person 07").exists()


def test_on_a_phone_a_follow_up_is_logged_on_one_screen_and_confirmed_at_the_top_of_the_next(
    phone, live_server, busy_campaign, phone_admin
):
    AllyFactory(
        campaign=busy_campaign,
        name="Dana Due",
        department=busy_campaign.departments.first(),
        recruited_by=phone_admin,
        follow_up_on=timezone.localdate(),
    )
    page = phone
    log_in(page, phone_admin.username)
    page.goto(f"/c/{busy_campaign.slug}/allies/follow-ups/")
    log = page.get_by_role("link", name="Log a touchpoint with Dana Due")
    assert in_first_screen(page.get_by_role("link", name="Dana Due", exact=True))
    assert in_first_screen(log)
    log.click()
    expect(page.get_by_role("heading", level=1, name="Log a touchpoint")).to_be_visible()
    assert in_first_screen(page.get_by_role("button", name="Log touchpoint"))
    assert no_sideways_scroll(page)
    shot(page, "follow-up-form")
    page.get_by_role("button", name="Log touchpoint").click()
    expect(page.get_by_role("heading", level=1, name="My follow-ups")).to_be_visible()
    message = page.locator("#messages .message--success")
    expect(message).to_contain_text("Logged a one-on-one with Dana Due.")
    assert in_first_screen(message)


def test_on_a_phone_the_ally_filters_beyond_the_search_open_when_asked_and_stay_open_while_in_use(
    phone, live_server, busy_campaign, phone_admin
):
    page = phone
    log_in(page, phone_admin.username)
    page.goto(f"/c/{busy_campaign.slug}/allies/")
    department = page.get_by_label("Department")
    expect(page.get_by_label("Search by name")).to_be_visible()
    expect(department).to_be_hidden()
    page.get_by_label("More filters").check()
    department.select_option(label="Finance & Billing")
    page.get_by_role("button", name="Show allies").click()
    expect(page.get_by_text("allies match")).to_be_visible()
    expect(department).to_be_visible()
    expect(department).to_have_value(str(busy_campaign.departments.get(name="Finance & Billing").pk))

    # Ticking allies brings the shared touchpoint form's fields, which wait folded until then.
    form = page.locator("#touchpoint-form")
    expect(form.get_by_label("Kind")).to_be_hidden()
    page.get_by_label("Choose Ally Person 01").check()
    expect(form.get_by_label("Kind")).to_be_visible()
    assert on_screen(form.get_by_role("button", name="Log touchpoint"))
    shot(page, "allies-ticked")
    assert no_sideways_scroll(page)
    page.goto(f"/c/{busy_campaign.slug}/allies/coverage/")
    assert no_sideways_scroll(page)


def test_on_a_phone_a_complaint_is_logged_on_one_screen(phone, axe_path, live_server, busy_campaign, phone_admin):
    page = phone
    log_in(page, phone_admin.username)
    page.goto(f"/c/{busy_campaign.slug}/feedback/")
    shot(page, "feedback-first-screen")
    assert no_sideways_scroll(page)
    quick = page.locator("form.feedback-quick-entry")
    log_it = quick.get_by_role("button", name="Log it")
    assert in_first_screen(log_it), top_of_page(log_it)
    check_accessibility(page, axe_path, "the feedback log on a phone")

    quick.get_by_label("Kind").select_option("complaint")
    quick.get_by_label("Department concerned").select_option(label="Customer Support")
    quick.get_by_label("Severity").select_option("high")
    quick.get_by_label("Summary").fill("The app logged me out mid-order, twice")
    log_it.click()

    done = page.locator("#quick-entry-status")
    expect(done).to_have_text("Complaint logged.")
    assert on_screen(done), top_of_page(done)
    # Right under the button the thumb just pressed, not at the top of the page.
    assert 0 <= top_of_page(done)["top"] - top_of_page(quick.get_by_role("button", name="Log it"))["bottom"] < 40
    expect(page.locator("#messages")).to_be_empty()
    expect(page.locator("li.feedback-row").filter(has_text="The app logged me out mid-order, twice")).to_have_count(1)
    shot(page, "feedback-logged")
    check_accessibility(page, axe_path, "the feedback log on a phone after logging")

    # The next entry starts without the last one's confirmation; a refused one says why beside the field.
    quick.get_by_label("Summary").fill("")
    quick.get_by_role("button", name="Log it").click()
    expect(quick.locator("#id_quick_summary_error")).to_be_visible()
    expect(done).to_be_empty()
    assert Feedback.objects.filter(summary="The app logged me out mid-order, twice").count() == 1


def test_on_a_wide_screen_the_feedback_log_keeps_its_charts_before_the_quick_entry(
    page, live_server, busy_campaign, phone_admin
):
    log_in(page, phone_admin.username)
    page.goto(f"/c/{busy_campaign.slug}/feedback/")
    charts = top_of_page(page.locator(".feedback-charts"))
    quick = top_of_page(page.locator("form.feedback-quick-entry"))
    assert charts["bottom"] < quick["top"]
    page.locator("form.feedback-quick-entry").get_by_label("Summary").fill("Too many forms to fill in")
    page.locator("form.feedback-quick-entry").get_by_label("Severity").select_option("low")
    page.get_by_role("button", name="Log it").click()
    expect(page.locator("#quick-entry-status")).to_have_text("Complaint logged.")
    page.locator("form.feedback-quick-entry").screenshot(path=str(SHOTS / "wide-feedback-logged.png"))
    # The ally list is still a table with its headings.
    page.goto(f"/c/{busy_campaign.slug}/allies/")
    expect(page.get_by_role("columnheader", name="Last touch")).to_be_visible()
    expect(page.get_by_label("More filters")).to_be_hidden()
    expect(page.locator("#id_department")).to_be_visible()  # every filter, without asking
