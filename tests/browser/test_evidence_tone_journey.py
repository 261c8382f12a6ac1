"""
A champion reads a leader's answers with the campaign's numbers, sets how the leader likes to be told,
then puts the answer in a pack and watches the tone checks follow the choices as the pack is edited.
"""

from datetime import date

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, log_in
from tests.factories import (
    BriefingPackFactory,
    ClippingFactory,
    LeaderFactory,
    ObjectionFactory,
    ServiceProblemFactory,
)


def test_answers_with_evidence_the_leaders_order_and_the_tone_checks(page, axe_path, live_server, campaign, champion):
    leader = LeaderFactory(campaign=campaign, name="Rupert Vance", wiifm=["budget"])
    cost = ObjectionFactory(
        campaign=campaign,
        objection="Service is a cost.",
        response="We already pay for poor service.",
        evidence_kind="cost",
    )
    leader.objections.add(cost)
    ServiceProblemFactory(
        campaign=campaign,
        title="Invoices keyed once",
        status="won",
        won_on=date(2026, 10, 1),
        benefits=["cost_saved"],
        story_figure="2 hours a day saved",
    )
    ClippingFactory(campaign=campaign, title="Airline loses the bags", kind="disaster")
    pack = BriefingPackFactory(campaign=campaign, title="November", note="A short read.")
    pack.recipients.add(leader)

    log_in(page, champion.username)
    page.goto(f"{live_server.url}{leader.get_absolute_url()}")
    answers = page.locator("section", has=page.get_by_role("heading", name="Answers to what they raised"))
    expect(answers).to_contain_text("Service is a cost.")
    expect(answers).to_contain_text("Invoices keyed once")
    expect(answers).to_contain_text("2 hours a day saved")
    check_accessibility(page, axe_path, "a leader's page with answers and evidence")

    panel = page.locator("#leads-with")
    panel.get_by_label("Lead with what is going wrong").check()
    panel.get_by_role("button", name="Save").click()
    expect(page.locator("#leads-with")).to_contain_text("Lead with what is going wrong.")
    expect(page.locator("#messages")).to_contain_text("Rupert Vance: lead with what is going wrong")

    page.goto(f"{live_server.url}{pack.get_absolute_url()}")
    expect(page.locator("#recipient-choices")).to_contain_text("Going wrong first")
    tone = page.locator("#tone-checks")
    page.get_by_label("Airline loses the bags").check()  # a disaster, and no win yet
    expect(tone).to_contain_text("More problems than wins")
    expect(tone).to_contain_text("Nothing in it is tied to what Rupert Vance values")
    check_accessibility(page, axe_path, "the composer with its tone checks")
    page.get_by_label("“Service is a cost.”").check()  # its evidence lists a win that saved money
    expect(tone).to_contain_text("Nothing to flag")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#messages")).to_contain_text("Draft saved")
    assert list(pack.answers.all()) == [cost]
