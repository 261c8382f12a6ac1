"""A persona workshop in the browser: enter cards live, then find them in the gallery, the map and print."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, log_in
from tests.factories import AllyFactory, DepartmentFactory, PersonaCardFactory, WorkshopFactory

CARDS = [
    ("Fay Finch (Finance)", "Jack", "VP of Sales, North-East", "the monthly sales report by the 10th", "Sales"),
    ("Fay Finch (Finance)", "Ola", "Accounts clerk at a retail chain", "one statement a month by the 3rd", None),
    ("Ian Ito (IT)", "Maya", "Support team lead", "the phone queue back within ten minutes", "Customer Support"),
]


def enter_card(page, participant, name, role, wants, served):
    form = page.locator("#workshop-session form")
    chosen = form.get_by_role("radio", name=participant)
    if not (chosen.count() and chosen.is_checked()):
        # The participant is found by typing (a campaign has thousands of allies), then ticked.
        form.get_by_label("Find by name").fill(participant.split()[0])
        form.get_by_role("radio", name=participant).check()
    form.get_by_label("My name is…").fill(name)
    form.get_by_label("And I am… (their role)").fill(role)
    form.get_by_label("I want… (what you provide for them)").fill(wants)
    form.get_by_label("So I can… (how they use it)").fill("plan the week ahead with my team")
    if served:
        form.get_by_label("Inside the organisation").check()
        form.get_by_label("Department they work in").select_option(label=served)
    else:
        form.get_by_label("Outside the organisation").check()
        expect(form.get_by_label("Department they work in")).to_be_hidden()
    form.get_by_role("button", name="Save and write the next card").click()


def test_facilitator_runs_a_workshop_and_finds_the_cards_in_gallery_map_and_print(
    page, axe_path, live_server, campaign, champion
):
    finance = DepartmentFactory(campaign=campaign, name="Finance")
    it = DepartmentFactory(campaign=campaign, name="IT")
    DepartmentFactory(campaign=campaign, name="Sales")
    DepartmentFactory(campaign=campaign, name="Customer Support")
    AllyFactory(campaign=campaign, name="Fay Finch", department=finance)
    AllyFactory(campaign=campaign, name="Ian Ito", department=it)
    base = f"{live_server.url}/c/{campaign.slug}/personas"

    log_in(page, champion.username)
    page.goto(f"{base}/workshops/")
    check_accessibility(page, axe_path, "the workshops page")
    page.get_by_label("Session title").fill("Back office — who we serve")
    page.get_by_role("button", name="Start the session").click()
    expect(page.get_by_role("heading", level=1, name="Back office — who we serve")).to_be_visible()
    session_url = page.url
    check_accessibility(page, axe_path, "an empty workshop session")

    # Hints appear while typing, and never stop a save.
    page.get_by_label("I want… (what you provide for them)").fill("more support")
    expect(page.locator("#workshop-session .hints-region")).to_contain_text("Say what you hand over")

    for number, card in enumerate(CARDS, start=1):
        enter_card(page, *card)
        session = page.locator("#workshop-session")
        expect(session.locator(".session-cards > li")).to_have_count(number)
        expect(session.locator(".session-cards")).to_contain_text(card[1])
        # The form is empty again, the participant kept, and the cursor back on the first card field.
        expect(page.get_by_label("My name is…")).to_have_value("")
        expect(page.get_by_label("My name is…")).to_be_focused()
        expect(page.get_by_role("radio", name=card[0])).to_be_checked()
        assert page.url == session_url, "entering cards should not leave the page"

    counts = page.locator(".counts")
    expect(counts).to_contain_text(re.compile(r"Cards\s*3"))
    expect(counts).to_contain_text(re.compile(r"Participants\s*2"))
    expect(page.locator("#messages")).to_contain_text("Card for Maya saved for Ian Ito")
    check_accessibility(page, axe_path, "a workshop session with three cards")

    # The gallery, filtered to inside cards, in place.
    page.get_by_role("navigation", name="Campaign").get_by_role("link", name="Who I serve").click()
    expect(page.get_by_role("heading", name="3 cards")).to_be_visible()
    page.get_by_label("Inside or outside").select_option(label="Inside the organisation")
    expect(page.get_by_role("heading", name="2 cards matching the filters")).to_be_visible()
    expect(page).to_have_url(re.compile(r"scope=inside"))
    gallery = page.locator("#gallery")
    expect(gallery).to_contain_text("Jack")
    expect(gallery).not_to_contain_text("Ola")
    check_accessibility(page, axe_path, "the filtered gallery")

    # Print honours the filters.
    page.get_by_role("link", name="Print these cards").click()
    expect(page.get_by_role("heading", level=1, name="Print 2 cards")).to_be_visible()
    expect(page.locator(".print-sheet")).to_have_count(1)
    expect(page.locator(".print-sheet")).to_contain_text(campaign.why)
    expect(page.locator(".print-sheet .persona-card")).to_have_count(2)
    check_accessibility(page, axe_path, "the print view")

    # The map: Finance serves Sales once, IT serves Customer Support once; nobody serves either yet.
    page.goto(f"{base}/map/")
    table = page.get_by_role("table", name=re.compile("^Inside cards by the writer's department"))
    expect(table.get_by_role("row", name=re.compile(r"^Finance"))).to_contain_text("1")
    expect(table).to_contain_text("2 cards in all")
    unserved = page.get_by_role("region", name="Serve others, served by nobody on record")
    expect(unserved.get_by_role("listitem")).to_have_text(["Finance", "IT"])
    check_accessibility(page, axe_path, "the service map")
    assert page.console_log.errors == []


def test_workshop_entry_works_under_the_sites_csp(strict_page, live_server, campaign, champion):
    """The focus handling lives in app.js: with the CSP enforced, it must still run and nothing may be refused."""
    page = strict_page
    AllyFactory(campaign=campaign, name="Fay Finch", department=DepartmentFactory(campaign=campaign, name="Finance"))
    DepartmentFactory(campaign=campaign, name="Sales")
    session = WorkshopFactory(campaign=campaign, facilitator=champion)
    log_in(page, champion.username)
    page.goto(f"{live_server.url}/c/{campaign.slug}/personas/workshops/{session.pk}/")
    enter_card(page, *CARDS[0])
    expect(page.locator(".session-cards > li")).to_have_count(1)
    expect(page.get_by_label("My name is…")).to_be_focused()
    expect(page.locator("#messages")).to_contain_text("Card for Jack saved")
    assert page.console_log.errors == []


def test_print_stylesheet_puts_each_sheet_of_six_cards_on_one_a4_or_letter_page(page, live_server, campaign, viewer):
    long_text = "the figures for every region, checked and explained, " * 8
    for index in range(13):
        PersonaCardFactory(campaign=campaign, persona_name=f"Reader {index}", wants=long_text, so_that=long_text)
    log_in(page, viewer.username)
    page.goto(f"{live_server.url}/c/{campaign.slug}/personas/print/")
    expect(page.locator(".print-sheet")).to_have_count(3)
    for paper in ("A4", "Letter"):
        pdf = page.pdf(format=paper)
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 3, f"one sheet per {paper} page"
