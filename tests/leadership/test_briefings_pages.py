"""Briefing pages: the composer, preview, print, the outbox; and the leaders' signed pages."""

import logging
import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from leadership import signing
from leadership.models import BriefingPack, Engagement, PackDelivery
from leadership.services import pack_send
from leadership.tasks import send_pack_delivery
from tests.factories import (
    BenchmarkVisitFactory,
    BriefingPackFactory,
    ClippingFactory,
    EventFactory,
    LeaderFactory,
    ServiceProblemFactory,
)


def url(name, campaign, **kwargs):
    return reverse(f"leadership:{name}", kwargs={"slug": campaign.slug, **kwargs})


@pytest.fixture
def sent_delivery(campaign, champion, django_capture_on_commit_callbacks):
    """A pack with an invitation, sent to one leader and delivered."""
    pack = BriefingPackFactory(campaign=campaign, title="November briefing", created_by=champion)
    leader = LeaderFactory(campaign=campaign, name="Rupert Vance")
    pack.recipients.add(leader)
    pack.events.add(EventFactory(campaign=campaign, title="Trade breakfast"))
    with django_capture_on_commit_callbacks(execute=False):
        pack_send(pack=pack, by=champion)
    delivery = PackDelivery.objects.get(pack=pack)
    send_pack_delivery.run(delivery.pk)
    delivery.refresh_from_db()
    return delivery


def path_of(absolute_url):
    return urlsplit(absolute_url).path


# --- Composer ---------------------------------------------------------------------------------------


def test_champion_starts_a_pack_and_lands_in_the_composer(client_for, champion, campaign):
    response = client_for(champion).post(url("pack-list", campaign), {"title": "November briefing"})
    pack = BriefingPack.objects.get(campaign=campaign)
    assert response.url == pack.get_absolute_url()
    assert pack.created_by == champion and pack.is_draft


def test_the_composer_saves_the_chosen_leaders_and_content(client_for, champion, campaign):
    pack = BriefingPackFactory(campaign=campaign)
    leader = LeaderFactory(campaign=campaign)
    story = ServiceProblemFactory(campaign=campaign, status="won", won_on=date(2026, 10, 1))
    clipping = ClippingFactory(campaign=campaign)
    data = {"title": "T", "note": "Hi", "recipients": [leader.pk], "stories": [story.pk], "clippings": [clipping.pk]}
    response = client_for(champion).post(pack.get_absolute_url(), data)
    assert response.status_code == 302
    assert list(pack.recipients.all()) == [leader]
    assert list(pack.stories.all()) == [story]
    assert list(pack.clippings.all()) == [clipping]


def test_a_problem_not_yet_won_cannot_be_a_story(client_for, champion, campaign):
    pack = BriefingPackFactory(campaign=campaign)
    backlog = ServiceProblemFactory(campaign=campaign, status="backlog")
    response = client_for(champion).post(pack.get_absolute_url(), {"title": "T", "stories": [backlog.pk]})
    assert "Select a valid choice" in response.text


def test_the_composer_marks_suggestions_and_content_already_sent(client_for, champion, campaign):
    story = ServiceProblemFactory(campaign=campaign, status="won", won_on=date(2026, 10, 1), benefits=["time_saved"])
    leader = LeaderFactory(campaign=campaign, name="Tomasz Kowal", wiifm=["efficiency"])
    earlier = BriefingPackFactory(campaign=campaign, status="sent")
    earlier.stories.add(story)
    PackDelivery.objects.create(pack=earlier, leader=leader, status="sent")
    pack = BriefingPackFactory(campaign=campaign)
    pack.recipients.add(leader)
    response = client_for(champion).get(pack.get_absolute_url())
    assert "Suggested for Tomasz Kowal" in response.text
    assert "Already sent to Tomasz Kowal" in response.text


def test_composer_queries_stay_flat_with_many_rows(client_for, champion, campaign, django_assert_max_num_queries):
    pack = BriefingPackFactory(campaign=campaign)
    leaders = [LeaderFactory(campaign=campaign, wiifm=["efficiency", "team"]) for _ in range(20)]
    pack.recipients.add(*leaders)
    stories = [
        ServiceProblemFactory(campaign=campaign, status="won", won_on=date(2026, 10, 1), benefits=["time_saved"])
        for _ in range(25)
    ]
    clippings = [ClippingFactory(campaign=campaign, benefits=["team"]) for _ in range(15)]
    visits = [BenchmarkVisitFactory(campaign=campaign) for _ in range(5)]
    for _ in range(10):
        EventFactory(campaign=campaign)
        ServiceProblemFactory(campaign=campaign, is_roadblock=True, roadblock_leader=leaders[0])
    earlier = BriefingPackFactory(campaign=campaign, status="sent")
    earlier.stories.add(*stories[:10])
    earlier.clippings.add(*clippings[:5])
    earlier.visits.add(*visits[:2])
    for leader in leaders:
        PackDelivery.objects.create(pack=earlier, leader=leader, status="sent")
    pack.stories.add(*stories[:3])
    client = client_for(champion)
    with django_assert_max_num_queries(15):  # 13 for the page, 2 for the tone checks (leaders with objections, stories)
        response = client.get(pack.get_absolute_url())
    assert response.status_code == 200
    assert response.text.count("Already sent to") == 17


def test_the_send_page_lists_what_is_missing(client_for, champion, campaign):
    pack = BriefingPackFactory(campaign=campaign, note="")
    response = client_for(champion).get(url("pack-send", campaign, pk=pack.pk))
    assert "Choose at least one leader" in response.text
    assert "Add some content" in response.text


def test_sending_from_the_page_enqueues_and_says_so(client_for, champion, campaign, django_capture_on_commit_callbacks):
    pack = BriefingPackFactory(campaign=campaign)
    pack.recipients.add(LeaderFactory(campaign=campaign))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for(champion).post(url("pack-send", campaign, pk=pack.pk), follow=True)
    assert "Sending" in response.text
    assert len(callbacks) == 1


def test_a_sent_pack_cannot_be_edited(client_for, champion, sent_delivery):
    pack = sent_delivery.pack
    response = client_for(champion).post(pack.get_absolute_url(), {"title": "Changed"}, follow=True)
    assert "can no longer be changed" in response.text
    pack.refresh_from_db()
    assert pack.title == "November briefing"


def test_only_drafts_can_be_deleted(client_for, champion, campaign, sent_delivery):
    assert client_for(champion).post(url("pack-delete", campaign, pk=sent_delivery.pack_id)).status_code == 404
    draft = BriefingPackFactory(campaign=campaign)
    client_for(champion).post(url("pack-delete", campaign, pk=draft.pk))
    assert not BriefingPack.objects.filter(pk=draft.pk).exists()


def test_preview_shows_the_pack_as_a_chosen_leader_sees_it(client_for, viewer, campaign):
    pack = BriefingPackFactory(campaign=campaign, note="Look at this")
    leader = LeaderFactory(campaign=campaign, name="Margaret Hale")
    pack.recipients.add(leader)
    response = client_for(viewer).get(url("pack-preview", campaign, pk=pack.pk), {"leader": leader.pk})
    assert "Dear Margaret Hale" in response.text
    assert "style-src 'unsafe-inline'" in response["Content-Security-Policy"]
    assert "script-src" not in response["Content-Security-Policy"]


def test_preview_refuses_a_leader_who_is_not_a_recipient(client_for, viewer, campaign):
    pack = BriefingPackFactory(campaign=campaign)
    other = LeaderFactory(campaign=campaign)
    response = client_for(viewer).get(url("pack-preview", campaign, pk=pack.pk), {"leader": other.pk})
    assert response.status_code == 404


def test_the_print_view_has_one_section_per_part(client_for, viewer, campaign):
    pack = BriefingPackFactory(campaign=campaign, talking_points="- Serve inside\n- Serve outside")
    pack.visits.add(BenchmarkVisitFactory(campaign=campaign, organisation="Harbour Foods"))
    pack.clippings.add(ClippingFactory(campaign=campaign))
    response = client_for(viewer).get(url("pack-print", campaign, pk=pack.pk))
    assert response.text.count('class="print-section"') == 3
    assert "<li>Serve inside</li>" in response.text


def test_another_campaigns_pack_is_404(client_for, admin_user, campaign, other_campaign):
    foreign = BriefingPackFactory(campaign=other_campaign)
    client = client_for(admin_user)
    assert client.get(url("pack-compose", campaign, pk=foreign.pk)).status_code == 404
    assert client.post(url("pack-send", campaign, pk=foreign.pk)).status_code == 404


# --- Outbox -----------------------------------------------------------------------------------------


def test_the_outbox_lists_sent_leader_mail_with_its_state(client_for, admin_user, sent_delivery):
    response = client_for(admin_user).get(url("outbox-list", sent_delivery.pack.campaign))
    assert "November briefing" in response.text
    assert "Rupert Vance" in response.text
    assert "tag--delivery-sent" in response.text


def test_the_outbox_filters_by_state(client_for, admin_user, campaign, sent_delivery):
    response = client_for(admin_user).get(url("outbox-list", campaign), {"status": "failed"})
    assert "November briefing" not in response.text


def test_an_outbox_message_is_rendered_from_the_same_templates(client_for, admin_user, campaign, sent_delivery):
    client = client_for(admin_user)
    page = client.get(url("outbox-message", campaign, kind="pack", pk=sent_delivery.pk))
    assert "Dear Rupert Vance" in page.text  # the text part
    html = client.get(url("outbox-message-html", campaign, kind="pack", pk=sent_delivery.pk))
    sent_html = mail.outbox[0].alternatives[0].content

    def without_tokens(text):
        # Signed links carry the time they were made; everything else must be identical.
        return re.sub(r"/l/(briefing|answer)/[^/\"]+/", "/l/token/", text)

    assert without_tokens(html.text) == without_tokens(sent_html)
    assert "style-src 'unsafe-inline'" in html["Content-Security-Policy"]


def test_outbox_queries_stay_flat(client_for, admin_user, campaign, django_assert_max_num_queries):
    pack = BriefingPackFactory(campaign=campaign, status="sent")
    for _ in range(40):
        PackDelivery.objects.create(pack=pack, leader=LeaderFactory(campaign=campaign), status="sent")
    client = client_for(admin_user)
    with django_assert_max_num_queries(8):
        response = client.get(url("outbox-list", campaign))
    assert response.text.count("tag--delivery-sent") == 25


def test_another_campaigns_mail_is_404_in_the_outbox(client_for, admin_user, campaign, other_campaign):
    pack = BriefingPackFactory(campaign=other_campaign, status="sent")
    delivery = PackDelivery.objects.create(pack=pack, leader=LeaderFactory(campaign=other_campaign))
    response = client_for(admin_user).get(url("outbox-message", campaign, kind="pack", pk=delivery.pk))
    assert response.status_code == 404
    assert client_for(admin_user).get(url("outbox-message", campaign, kind="nope", pk=1)).status_code == 404


def test_a_viewer_cannot_open_the_outbox(client_for, viewer, campaign):
    assert client_for(viewer).get(url("outbox-list", campaign)).status_code == 403


# --- Signed links -----------------------------------------------------------------------------------


def test_the_web_version_opens_without_login(client, sent_delivery):
    response = client.get(path_of(signing.pack_web_url(sent_delivery)))
    assert response.status_code == 200
    assert "Dear Rupert Vance" in response.text
    assert "Read it on the web" not in response.text


def test_a_tampered_web_link_is_404_and_logged(client, sent_delivery, caplog):
    good = path_of(signing.pack_web_url(sent_delivery))
    with caplog.at_level(logging.WARNING, logger="leadership.signing"):
        response = client.get(good[:-3] + "xyz/")
    assert response.status_code == 404
    assert "tampered leader link" in caplog.text


def test_an_expired_web_link_is_404_and_logged(client, sent_delivery, caplog):
    link = path_of(signing.pack_web_url(sent_delivery))
    with time_machine.travel(timedelta(days=61)), caplog.at_level(logging.WARNING, logger="leadership.signing"):
        response = client.get(link)
    assert response.status_code == 404
    assert "expired leader link" in caplog.text


def test_an_answer_token_cannot_open_a_web_version(client, sent_delivery):
    event = sent_delivery.pack.events.get()
    answer = signing.answer_url(event=event, leader=sent_delivery.leader, accepted=True)
    token = answer.rstrip("/").rsplit("/", 1)[1]
    response = client.get(reverse("leadership:pack-web", kwargs={"token": token}))
    assert response.status_code == 404


def test_following_an_answer_link_only_asks_for_confirmation(client, sent_delivery):
    # A mail scanner or a link preview follows every link: the GET must not answer for the leader.
    event = sent_delivery.pack.events.get()
    accept = path_of(signing.answer_url(event=event, leader=sent_delivery.leader, accepted=True))
    response = client.get(accept)
    assert response.status_code == 200
    assert "Yes, I will join" in response.text
    assert 'method="post"' in response.text
    assert not Engagement.objects.exists()


def test_accepting_an_invitation_records_it_once(client, sent_delivery):
    event = sent_delivery.pack.events.get()
    accept = path_of(signing.answer_url(event=event, leader=sent_delivery.leader, accepted=True))
    first = client.post(accept)
    second = client.post(accept)
    assert first.status_code == second.status_code == 200
    assert "will join" in first.text
    engagement = Engagement.objects.get()
    assert (engagement.leader, engagement.event, engagement.outcome) == (sent_delivery.leader, event, "accepted")


def test_the_confirmation_page_shows_the_answer_given_so_far(client, sent_delivery):
    event = sent_delivery.pack.events.get()
    leader = sent_delivery.leader
    client.post(path_of(signing.answer_url(event=event, leader=leader, accepted=True)))
    response = client.get(path_of(signing.answer_url(event=event, leader=leader, accepted=False)))
    assert "Your answer so far: you <strong>will join</strong>" in response.text
    assert "Confirm: I cannot join" in response.text


def test_answering_needs_the_pages_csrf_token(sent_delivery):
    event = sent_delivery.pack.events.get()
    accept = path_of(signing.answer_url(event=event, leader=sent_delivery.leader, accepted=True))
    client = Client(enforce_csrf_checks=True)
    assert client.post(accept).status_code == 403
    page = client.get(accept)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    assert client.post(accept, {"csrfmiddlewaretoken": token}).status_code == 200
    assert Engagement.objects.get().outcome == "accepted"


def test_declining_after_accepting_replaces_the_answer(client, sent_delivery):
    event = sent_delivery.pack.events.get()
    leader = sent_delivery.leader
    client.post(path_of(signing.answer_url(event=event, leader=leader, accepted=True)))
    response = client.post(path_of(signing.answer_url(event=event, leader=leader, accepted=False)))
    assert "cannot join" in response.text
    assert list(Engagement.objects.values_list("outcome", flat=True)) == ["declined"]


def test_a_tampered_answer_link_records_nothing(client, sent_delivery):
    event = sent_delivery.pack.events.get()
    accept = path_of(signing.answer_url(event=event, leader=sent_delivery.leader, accepted=True))
    assert client.get(accept.replace(":", "-", 1)).status_code == 404
    assert client.post(accept.replace(":", "-", 1)).status_code == 404
    assert not Engagement.objects.exists()


def test_an_expired_answer_link_records_nothing(client, sent_delivery):
    event = sent_delivery.pack.events.get()
    accept = path_of(signing.answer_url(event=event, leader=sent_delivery.leader, accepted=True))
    with time_machine.travel(timedelta(days=61)):
        assert client.post(accept).status_code == 404
    assert not Engagement.objects.exists()


def test_the_answer_shows_on_the_leaders_log(client_for, viewer, client, sent_delivery):
    event = sent_delivery.pack.events.get()
    client.post(path_of(signing.answer_url(event=event, leader=sent_delivery.leader, accepted=True)))
    response = client_for(viewer).get(sent_delivery.leader.get_absolute_url())
    assert "Trade breakfast" in response.text
    assert "Accepted" in response.text


def test_choosing_leaders_with_htmx_saves_and_returns_the_composer_with_fresh_suggestions(
    client_for, champion, campaign
):
    pack = BriefingPackFactory(campaign=campaign)
    ServiceProblemFactory(campaign=campaign, status="won", won_on=date(2026, 10, 1), benefits=["risk"])
    lawyer = LeaderFactory(campaign=campaign, name="Daniel Frost", wiifm=["risk"])
    response = client_for(champion).post(
        pack.get_absolute_url(), {"title": pack.title, "recipients": [lawyer.pk]}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'id="composer"' in response.text and "<html" not in response.text
    assert "Suggested for Daniel Frost" in response.text
    assert list(pack.recipients.all()) == [lawyer]


def test_an_invalid_htmx_save_shows_the_errors_in_the_composer(client_for, champion, campaign):
    pack = BriefingPackFactory(campaign=campaign, title="Kept")
    response = client_for(champion).post(pack.get_absolute_url(), {"title": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "This field is required." in response.text
    pack.refresh_from_db()
    assert pack.title == "Kept"


def test_the_outbox_combines_every_kind_of_leader_mail_newest_first(campaign, monkeypatch):
    import dataclasses

    from leadership import selectors

    pack = BriefingPackFactory(campaign=campaign, status="sent")
    for _ in range(3):
        PackDelivery.objects.create(pack=pack, leader=LeaderFactory(campaign=campaign))
    # A second kind, as executive summaries will add: here the same rows again, to exercise the union.
    second = dataclasses.replace(selectors.OUTBOX_KINDS["pack"], name="copy", label="Copy")
    monkeypatch.setitem(selectors.OUTBOX_KINDS, "copy", second)
    entries = selectors.outbox_entries(campaign)
    assert entries.count() == 6
    rows = entries[0:4]
    assert len(rows) == 4
    assert [row.created_at for row in rows] == sorted((row.created_at for row in rows), reverse=True)
    assert selectors.outbox_entries(campaign, status="sent").count() == 0
