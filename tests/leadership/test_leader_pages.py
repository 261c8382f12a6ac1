"""The leaders' own pages, reached without an account: both web versions, Accept/Decline, unsubscribe."""

import logging
from datetime import date

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from leadership import signing
from leadership.emails import summary_delivery_message
from leadership.models import PackDelivery
from leadership.models.summaries import Period
from leadership.summaries import summary_content
from leadership.tasks import send_pack_delivery
from tests.factories import (
    BriefingPackFactory,
    EventFactory,
    ExecutiveSummaryFactory,
    LeaderFactory,
    SummaryDeliveryFactory,
)


@pytest.fixture
def summary_delivery(campaign):
    summary = ExecutiveSummaryFactory(campaign=campaign, period_start=date(2026, 11, 9), period_end=date(2026, 11, 16))
    period = Period(start=summary.period_start, end=summary.period_end, due_at=summary.due_at)
    summary.snapshot = summary_content(campaign=campaign, period=period)
    summary.save()
    return SummaryDeliveryFactory(summary=summary, leader=LeaderFactory(campaign=campaign, name="Helen Osei"))


@pytest.fixture
def pack_delivery(campaign, champion):
    pack = BriefingPackFactory(campaign=campaign, status="sent", title="November briefing", created_by=champion)
    leader = LeaderFactory(campaign=campaign, name="Rupert Vance")
    pack.recipients.add(leader)
    return PackDelivery.objects.create(pack=pack, leader=leader)


def local(url):
    return url.removeprefix(settings.SITE_URL)


def test_both_web_versions_are_the_emails_own_html_under_the_same_csp(client, pack_delivery, summary_delivery):
    send_pack_delivery(pack_delivery.pk)
    pack_page = client.get(local(signing.pack_web_url(pack_delivery)))
    summary_page = client.get(local(signing.summary_web_url(summary_delivery)))
    for page in (pack_page, summary_page):
        assert page.status_code == 200
        assert page["Content-Security-Policy"] == pack_page["Content-Security-Policy"]
        assert "script-src" not in page["Content-Security-Policy"]
        assert "Read it on the web" not in page.text  # already on the web
        assert "You receive this" in page.text  # the email's footer
        assert "no-cache" in page["Cache-Control"]
    assert "Dear Rupert Vance" in pack_page.text
    assert "Dear Helen Osei" in summary_page.text
    assert "Stop these summaries" in summary_page.text


def test_both_emails_share_the_web_link_and_the_footer(summary_delivery, pack_delivery):
    send_pack_delivery(pack_delivery.pk)
    pack = mail.outbox[0]
    summary = summary_delivery_message(summary_delivery)
    for message in (pack, summary):
        text, html = message.body, message.alternatives[0].content
        assert "Read it on the web: http" in text
        assert "Easier to read in a browser?" in html
        assert "You receive this" in text and "as one of its leaders" in text
        assert "as one of its leaders" in html
        assert "\n--\nSent by " in text


def test_a_member_following_a_summary_link_is_not_counted_as_the_leader_opening_it(
    client_for, admin_user, summary_delivery
):
    client_for(admin_user).get(local(signing.summary_web_url(summary_delivery)))
    summary_delivery.refresh_from_db()
    assert summary_delivery.opened_at is None


@pytest.mark.parametrize("kind", ["pack", "summary", "unsubscribe", "answer"])
def test_a_tampered_leader_link_is_a_logged_404(client, caplog, kind, pack_delivery, summary_delivery, campaign):
    url = {
        "pack": lambda: signing.pack_web_url(pack_delivery),
        "summary": lambda: signing.summary_web_url(summary_delivery),
        "unsubscribe": lambda: signing.unsubscribe_url(summary_delivery.leader),
        "answer": lambda: signing.answer_url(
            event=EventFactory(campaign=campaign), leader=pack_delivery.leader, accepted=True
        ),
    }[kind]()
    tampered = local(url).replace(":", ":x", 1)
    with caplog.at_level(logging.WARNING, logger="leadership.signing"):
        response = client.get(tampered)
    assert response.status_code == 404
    assert "tampered leader link refused" in caplog.text


def test_a_token_for_one_purpose_does_not_open_another(client, summary_delivery):
    token = local(signing.summary_web_url(summary_delivery)).split("/")[2]
    assert client.get(f"/l/briefing/{token}/").status_code == 404
    assert client.get(f"/s/{token}/unsubscribe/").status_code == 404


def test_the_unsubscribe_and_answer_pages_need_no_login_and_look_alike(
    client, summary_delivery, pack_delivery, campaign
):
    event = EventFactory(campaign=campaign, title="Trade breakfast")
    answer = client.get(local(signing.answer_url(event=event, leader=pack_delivery.leader, accepted=True)))
    unsubscribe = client.get(local(signing.unsubscribe_url(summary_delivery.leader)))
    for page in (answer, unsubscribe):
        assert page.status_code == 200
        assert '<div class="narrow panel">' in page.text
        assert campaign.name in page.text
        assert 'class="campaign-nav"' not in page.text


def test_the_pack_and_summary_pages_show_delivery_states_the_same_way(
    client_for, admin_user, viewer, campaign, pack_delivery, summary_delivery
):
    PackDelivery.objects.filter(pk=pack_delivery.pk).update(status="failed", attempts=3, last_error="550 no such user")
    pages = {
        "pack": reverse("leadership:pack-compose", kwargs={"slug": campaign.slug, "pk": pack_delivery.pack_id}),
        "summary": reverse(
            "leadership:summary-detail", kwargs={"slug": campaign.slug, "pk": summary_delivery.summary_id}
        ),
    }
    admin = client_for(admin_user)
    for kind, address in pages.items():
        text = admin.get(address).text
        assert "Delivery to each leader" in text
        assert '<th scope="col">The email</th>' in text
        assert (
            reverse(
                "leadership:outbox-message",
                kwargs={
                    "slug": campaign.slug,
                    "kind": kind,
                    "pk": (pack_delivery if kind == "pack" else summary_delivery).pk,
                },
            )
            in text
        )
    pack_page = admin.get(pages["pack"]).text
    assert "after 3 attempts" in pack_page and "550 no such user" in pack_page
    # A viewer cannot open the outbox: the pack page offers the preview instead, the summary page no link.
    assert "As Rupert Vance sees it" in client_for(viewer).get(pages["pack"]).text
    viewer_summary = client_for(viewer).get(pages["summary"]).text
    assert "/outbox/" not in viewer_summary
    assert '<th scope="col">The email</th>' not in viewer_summary


def test_date_fields_render_the_iso_value_a_date_input_accepts(client_for, champion, campaign):
    # A date input ignores "23/10/2026" (the en-gb format): the edit form would show an empty date.
    from tests.factories import BenchmarkVisitFactory

    visit = BenchmarkVisitFactory(campaign=campaign, visited_on=date(2026, 10, 23))
    response = client_for(champion).get(
        reverse("leadership:visit-edit", kwargs={"slug": campaign.slug, "pk": visit.pk})
    )
    assert 'name="visited_on" value="2026-10-23"' in response.text


def test_a_leaders_page_says_whether_they_still_receive_summaries(client_for, viewer, campaign):
    leader = LeaderFactory(campaign=campaign, receives_summaries=False)
    address = reverse("leadership:leader-detail", kwargs={"slug": campaign.slug, "pk": leader.pk})
    assert "unsubscribed from this campaign's summaries" in client_for(viewer).get(address).text


def test_a_test_copy_of_a_summary_says_it_is_one_and_its_unsubscribe_unsubscribes_nobody(
    client, summary_delivery, admin_user
):
    from leadership.emails import summary_test_copy_message
    from leadership.services import summary_test_copy_create

    copy = summary_test_copy_create(
        campaign=summary_delivery.summary.campaign, user=admin_user, summary=summary_delivery.summary
    )
    message = summary_test_copy_message(copy)
    for part in (message.body, message.alternatives[0].content):
        assert "Test copy" in part or "TEST COPY" in part
        assert "unsubscribes nobody" in part
        assert signing.summary_test_copy_unsubscribe_url(copy) in part
        assert signing.unsubscribe_url(summary_delivery.leader) not in part
    client.post(local(signing.summary_test_copy_unsubscribe_url(copy)))
    summary_delivery.leader.refresh_from_db()
    assert summary_delivery.leader.receives_summaries is True


def test_the_outbox_page_of_a_summary_says_whether_the_leader_opened_it(
    client_for, admin_user, campaign, summary_delivery
):
    from django.utils import timezone

    type(summary_delivery).objects.filter(pk=summary_delivery.pk).update(opened_at=timezone.now())
    address = reverse(
        "leadership:outbox-message", kwargs={"slug": campaign.slug, "kind": "summary", "pk": summary_delivery.pk}
    )
    text = client_for(admin_user).get(address).text
    assert "Opened the web version" in text
    assert "not yet" not in text.split("Opened the web version")[1][:80]
