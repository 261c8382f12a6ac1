"""A champion plans a recognition moment from a won story, sends it, then records it with a photo and consent."""

import io
import re
from datetime import date

from PIL import Image
from playwright.sync_api import expect

from leadership.models import RecognitionDelivery, RecognitionMoment
from leadership.tasks import send_recognition_delivery
from tests.browser.conftest import check_accessibility, log_in
from tests.factories import AllyFactory, LeaderFactory, ServiceProblemFactory


def test_a_champion_plans_a_moment_from_a_win_and_records_it_with_a_photo(
    page, axe_path, live_server, campaign, champion, tasks_enqueued, tmp_path
):
    story = ServiceProblemFactory(
        campaign=campaign,
        title="Refunds in one day",
        status="won",
        won_on=date(2026, 11, 2),
        story_what="Cut the approval chain to one signature",
        story_before="nine days",
        story_after="one day",
    )
    story.people.add(AllyFactory(campaign=campaign, name="Priya Shah"))
    LeaderFactory(campaign=campaign, name="Helen Ford", email="helen@example.com")
    photo = tmp_path / "moment.png"
    Image.new("RGB", (64, 48), (30, 120, 200)).save(photo, format="PNG")
    log_in(page, champion.username)

    page.goto(f"{live_server.url}/c/{campaign.slug}/recognition/")
    check_accessibility(page, axe_path, "the recognition moments page")
    page.get_by_role("link", name="Plan a recognition moment for Refunds in one day").click()
    expect(page.get_by_label("Speech card")).to_have_value(re.compile("I am here to thank Priya Shah"))
    page.get_by_label("Which leader").select_option(label="Helen Ford")
    page.get_by_label("Date and time").fill("2030-03-04T11:00")
    page.get_by_label("Where").fill("Refunds desk, 3rd floor")
    page.get_by_label("Copy the person's manager").fill("manager@example.com")
    check_accessibility(page, axe_path, "the plan form")
    page.get_by_role("button", name="Plan it and send the invitation").click()
    expect(page.get_by_text("Helen Ford is sent the invitation")).to_be_visible()
    for delivery in RecognitionDelivery.objects.all():
        send_recognition_delivery.run(delivery.pk)
    page.reload()
    expect(page.locator(".tag--delivery-sent")).to_have_count(2)

    page.get_by_label("Held on").fill("2026-11-20")
    page.locator("#id_photo_upload").set_input_files(str(photo))
    page.get_by_label("A quote").fill("Nobody had ever come down to see us.")
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_text("have agreed to it being shared")).to_be_visible()  # consent first
    page.locator("#id_photo_upload").set_input_files(str(photo))
    page.get_by_label(re.compile("agreed to it being shared")).check()
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_text("Recorded.")).to_be_visible()
    image = page.get_by_role("img", name="Photo of the recognition for Refunds in one day")
    expect(image).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", image.element_handle()) > 0
    check_accessibility(page, axe_path, "a held moment")
    assert RecognitionMoment.objects.get().status == "held"
    assert Image.open(io.BytesIO(RecognitionMoment.objects.get().photo.read())).format == "JPEG"
