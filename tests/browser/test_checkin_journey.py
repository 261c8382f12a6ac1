"""
The middle's check-in journey: a middle manager answers from the email's links with no account (a bad
answer first, a link used twice), then a champion finds what the answers became and plans the recognition.
"""

from playwright.sync_api import expect

from allies import checkin
from campaign.models import Level
from tests.browser.conftest import check_accessibility, log_in
from tests.factories import AllyFactory, DepartmentFactory


def link(live_server, invite, question):
    url = checkin.answer_url(invite, question)
    return live_server.url + "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_the_middle_answers_and_a_champion_acts_on_it(page, axe_path, live_server, campaign, champion):
    finance = DepartmentFactory(campaign=campaign, name="Finance")
    mira = AllyFactory(campaign=campaign, department=finance, level=Level.MIDDLE, name="Mira Patel")
    round_ = checkin.checkin_round_open(campaign=campaign)
    invite = round_.invites.get(ally=mira)

    # Mira opens "Who did great service?" from her email: no login, one line and a name.
    page.goto(link(live_server, invite, "praise"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Who on your team did great service lately?")
    check_accessibility(page, axe_path, "the check-in answer page")
    page.get_by_label("What they did").fill("Rang every customer hit by the billing outage")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_text("Name the person who did great service.")).to_be_visible()
    page.get_by_label("Who").fill("Sam Ortiz")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, Mira Patel")

    # The same link again: the first answer stands.
    page.goto(link(live_server, invite, "praise"))
    expect(page.get_by_role("heading", level=1)).to_have_text("You have answered this already")
    expect(page.get_by_text("Rang every customer hit by the billing outage")).to_be_visible()

    page.goto(link(live_server, invite, "roadblock"))
    page.get_by_label("What is in your way").fill("Refunds over 50 wait a week for a signature")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_text("It is on the board as an ask of leadership")).to_be_visible()

    # A tampered link gets a clear page.
    page.goto(link(live_server, invite, "suggestion")[:-6] + "xyz/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")

    # The champion finds it all on the board and plans the recognition.
    log_in(page, champion.username)
    page.goto(f"{live_server.url}/c/{campaign.slug}/wins/")
    recognise = page.locator("section", has=page.get_by_role("heading", name="Recognise"))
    expect(recognise).to_contain_text("Sam Ortiz")
    expect(recognise).to_contain_text("Nominated by Mira Patel")
    expect(page.locator("#board")).to_contain_text("raised by Mira Patel")
    check_accessibility(page, axe_path, "the board with its Recognise section")
    recognise.get_by_label("When").fill("2030-01-15")
    recognise.get_by_role("button", name="Plan recognising Sam Ortiz").click()
    expect(page.locator("#messages")).to_contain_text("Recognising Sam Ortiz: planned.")
    expect(page.locator("section", has=page.get_by_role("heading", name="Recognise"))).to_contain_text(
        "planned for 15 Jan"
    )

    # The round's page: who answered, per department, and links to what each answer became.
    page.get_by_role("navigation", name="Campaign").get_by_role("link", name="Allies").click()
    page.get_by_role("navigation", name="Allies").get_by_role("link", name="Check-ins").click()
    page.get_by_role("link", name=round_.period_start.strftime("%-d %b %Y"), exact=False).click()
    expect(page.get_by_role("heading", level=3, name="Finance")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Became an ask of leadership")
    check_accessibility(page, axe_path, "a check-in round's page")
    page.get_by_role("link", name="Refunds over 50 wait a week for a signature").click()
    expect(page.get_by_text("Raised in the middle's check-in by Mira Patel")).to_be_visible()
