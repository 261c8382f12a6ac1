"""A second champion's approval of a briefing pack, when the campaign asks for one."""

from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaign.models import MemberDelivery, Role
from leadership.models import BriefingPack, PackDelivery
from leadership.services import pack_approve, pack_request_approval, pack_send
from tests.factories import BriefingPackFactory, LeaderFactory, MembershipFactory

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def url(name, campaign, **kwargs):
    return reverse(f"leadership:{name}", kwargs={"slug": campaign.slug, **kwargs})


@pytest.fixture
def strict(campaign):
    """The campaign asks a second champion's approval of every pack."""
    campaign.packs_need_approval = True
    campaign.save()
    return campaign


@pytest.fixture
def second(campaign):
    """Sam, another champion: the one who approves Chris's packs."""
    return MembershipFactory(campaign=campaign, role=Role.CHAMPION, user__username="sam").user


@pytest.fixture
def pack(strict, champion):
    pack = BriefingPackFactory(campaign=strict, title="Wins this month", note="Three wins to share.")
    pack.recipients.add(LeaderFactory(campaign=strict, name="Rupert Vance", email="rupert@example.com"))
    return pack


def test_with_approval_on_a_pack_cannot_simply_be_sent(pack, champion, second):
    with pytest.raises(ValidationError, match="need a second champion's approval"):
        pack_send(pack=pack, by=champion)
    assert not PackDelivery.objects.exists()


def test_asking_for_approval_tells_the_other_champions_and_admins(
    client_for, pack, champion, second, admin_user, viewer, send_member_mail, django_capture_on_commit_callbacks
):
    client = client_for(champion)
    assert "Ask for approval…" in client.get(pack.get_absolute_url()).text
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(url("pack-send", pack.campaign, pk=pack.pk), {"when": "now"}, follow=True)
    assert "Asked for approval of “Wins this month”" in response.text
    pack.refresh_from_db()
    assert pack.status == BriefingPack.Status.AWAITING_APPROVAL
    assert pack.approval_requested_by == champion
    send_member_mail()
    # The author and the viewer are not asked.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([second.email, admin_user.email])
    message = mail.outbox[0]
    assert "Approval asked: “Wins this month”" in message.subject
    review = url("pack-review", pack.campaign, pk=pack.pk)
    assert review in message.body and review in message.alternatives[0][0]
    assert MemberDelivery.objects.filter(template="pack-needs-approval").count() == 2
    # While it waits, the composer sends its author to the review page and nothing can be changed.
    response = client.post(pack.get_absolute_url(), {"title": "Changed"}, follow=True)
    assert "withdraw the request to change it" in response.text
    assert BriefingPack.objects.get().title == "Wins this month"


def test_nobody_else_to_approve_is_said_at_once(pack, champion):
    with pytest.raises(ValidationError, match="Nobody else can approve it"):
        pack_request_approval(pack=pack, by=champion)


def test_the_author_cannot_approve_their_own_pack(client_for, pack, champion, second):
    pack_request_approval(pack=pack, by=champion)
    with pytest.raises(ValidationError, match="You asked for this approval"):
        pack_approve(pack=pack, by=champion)
    client = client_for(champion)
    page = client.get(url("pack-review", pack.campaign, pk=pack.pk)).text
    assert "Approve and send" not in page
    assert "Withdraw the request" in page
    response = client.post(url("pack-approve", pack.campaign, pk=pack.pk), follow=True)
    assert "another champion or an admin must approve it" in response.text
    assert BriefingPack.objects.get().is_awaiting_approval
    assert not PackDelivery.objects.exists()


def test_another_champion_reviews_and_approves_and_it_goes(
    client_for, pack, champion, second, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    pack_request_approval(pack=pack, by=champion)
    client = client_for(second)
    review = url("pack-review", pack.campaign, pk=pack.pk)
    page = client.get(review).text
    assert "Three wins to share." in page
    assert "As Rupert Vance sees it" in page
    assert "The composer's checks pass" in page
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url("pack-approve", pack.campaign, pk=pack.pk), follow=True)
    assert "Approved “Wins this month”: it is on its way" in response.text
    pack.refresh_from_db()
    assert (pack.status, pack.approved_by, pack.sent_by) == ("sent", second, champion)
    assert PackDelivery.objects.get().status == "queued"
    assert len(callbacks) == 1
    assert "Approved by" in client.get(pack.get_absolute_url()).text


@time_machine.travel(NOW, tick=False)
def test_an_approved_schedule_goes_as_asked_and_unscheduling_needs_approval_again(client_for, pack, champion, second):
    pack_request_approval(pack=pack, by=champion, send_on=date(2026, 12, 7), send_time=time(8, 0))
    response = client_for(second).post(url("pack-approve", pack.campaign, pk=pack.pk), follow=True)
    assert "scheduled for 7 December 2026 at 08:00" in response.text
    pack.refresh_from_db()
    assert pack.is_scheduled and pack.approved_by == second
    client = client_for(champion)
    response = client.post(url("pack-unschedule", pack.campaign, pk=pack.pk), follow=True)
    assert "needs approval again once changed" in response.text
    pack.refresh_from_db()
    assert pack.is_draft and pack.approved_by is None
    with pytest.raises(ValidationError, match="approval"):
        pack_send(pack=pack, by=champion)


def test_a_schedule_that_passed_while_waiting_cannot_be_approved(pack, champion, second):
    pack_request_approval(pack=pack, by=champion, send_on=date(2026, 12, 7), send_time=time(8, 0), now=NOW)
    with pytest.raises(ValidationError, match="has already passed"):
        pack_approve(pack=pack, by=second, now=datetime(2026, 12, 8, tzinfo=UTC))
    assert BriefingPack.objects.get().is_awaiting_approval


def test_sending_back_with_a_note_shows_the_note_to_the_author(client_for, pack, champion, second):
    pack_request_approval(pack=pack, by=champion)
    client = client_for(second)
    response = client.post(url("pack-send-back", pack.campaign, pk=pack.pk), {"note": "  "}, follow=True)
    assert "Say what should change" in response.text
    assert BriefingPack.objects.get().is_awaiting_approval
    note = "Open with the win, not the complaint."
    response = client.post(url("pack-send-back", pack.campaign, pk=pack.pk), {"note": note}, follow=True)
    assert "Sent “Wins this month” back" in response.text
    pack.refresh_from_db()
    assert pack.is_draft and pack.return_note == note and pack.returned_by == second
    page = client_for(champion).get(pack.get_absolute_url()).text
    assert "Sent back by" in page and note in page


def test_the_author_withdraws_to_edit(client_for, pack, champion, second):
    pack_request_approval(pack=pack, by=champion)
    response = client_for(champion).post(url("pack-withdraw", pack.campaign, pk=pack.pk), follow=True)
    assert "is a draft again" in response.text
    assert BriefingPack.objects.get().is_draft


def test_the_review_page_reads_in_few_queries_whatever_the_recipients(
    client_for, pack, champion, second, django_assert_max_num_queries
):
    pack.recipients.add(*LeaderFactory.create_batch(40, campaign=pack.campaign, time_zone="Asia/Tokyo"))
    pack_request_approval(pack=pack, by=champion, send_on=date(2027, 1, 4), send_time=time(9, 0))
    client = client_for(second)
    with django_assert_max_num_queries(22):
        response = client.get(url("pack-review", pack.campaign, pk=pack.pk))
    assert response.text.count("As ") >= 41
    assert "4 Jan 2027, 09:00 their time" in response.text


def test_review_is_for_champions_of_the_campaign(client_for, pack, champion, viewer, outsider):
    review = url("pack-review", pack.campaign, pk=pack.pk)
    assert client_for(viewer).get(review).status_code == 403
    other = BriefingPackFactory(campaign=outsider.memberships.get().campaign)
    assert client_for(champion).get(url("pack-review", pack.campaign, pk=other.pk)).status_code == 404
    # A draft's review page says it is not waiting (an empty state, not an error).
    assert "not waiting for approval" in client_for(champion).get(review).text


def test_the_setting_is_on_the_campaign_settings_page(client_for, admin_user, campaign):
    page = client_for(admin_user).get(reverse("campaign:settings", kwargs={"slug": campaign.slug})).text
    assert "Packs need a second champion" in page


def test_a_hostile_note_title_and_zone_are_shown_as_text(client_for, strict, champion, second):
    payload = '<script>alert("xss")</script>'
    pack = BriefingPackFactory(campaign=strict, title=payload, note=payload)
    # A zone that is not one (written around the form) falls back to the campaign's, never breaks a page.
    pack.recipients.add(LeaderFactory(campaign=strict, name=payload, time_zone=payload))
    pack_request_approval(pack=pack, by=champion, send_on=date(2030, 1, 7), send_time=time(8, 0))
    review = client_for(second).get(url("pack-review", strict, pk=pack.pk)).text
    assert payload not in review and "&lt;script&gt;" in review
    client_for(second).post(url("pack-send-back", strict, pk=pack.pk), {"note": payload})
    page = client_for(champion).get(pack.get_absolute_url()).text
    assert payload not in page and "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in page
