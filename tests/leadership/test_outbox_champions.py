"""The outbox lists member mail beside leader mail; champions see what they sent, admins everything."""

import pytest
from django.urls import reverse

from campaign.models import MemberDelivery, Role
from campaign.outbox import HIDDEN
from campaign.services import member_add_by_email
from leadership.models import DeliveryStatus, PackDelivery
from tests.factories import (
    BriefingPackFactory,
    CampaignFactory,
    LeaderFactory,
    MembershipFactory,
    SummaryDeliveryFactory,
)


def url(name, campaign, **kwargs):
    return reverse(f"leadership:{name}", kwargs={"slug": campaign.slug, **kwargs})


def pack_delivery(campaign, *, sent_by, title, leader_name):
    pack = BriefingPackFactory(campaign=campaign, status="sent", title=title, sent_by=sent_by)
    return PackDelivery.objects.create(pack=pack, leader=LeaderFactory(campaign=campaign, name=leader_name))


def member_delivery(campaign, *, by, email, subject, **fields):
    return MemberDelivery.objects.create(
        campaign=campaign, to_email=email, template="added-to-campaign", subject=subject, triggered_by=by, **fields
    )


@pytest.fixture
def mail_of_everyone(campaign, admin_user, champion):
    """A pack and a member email each from the champion, from another champion and from the admin; a summary."""
    other = MembershipFactory(campaign=campaign, role=Role.CHAMPION).user
    return {
        "mine_pack": pack_delivery(campaign, sent_by=champion, title="My pack", leader_name="Rupert Vance"),
        "their_pack": pack_delivery(campaign, sent_by=other, title="Their pack", leader_name="Margaret Hale"),
        "mine_mail": member_delivery(campaign, by=champion, email="mine@example.com", subject="Mine to a member"),
        "admin_mail": member_delivery(campaign, by=admin_user, email="adm@example.com", subject="Admin to a member"),
        "signup": member_delivery(campaign, by=None, email="all@example.com", subject="Vi volunteered"),
        "summary": SummaryDeliveryFactory(summary__campaign=campaign, leader=LeaderFactory(campaign=campaign)),
    }


def test_a_champion_sees_only_the_packs_and_member_mail_they_sent(client_for, champion, campaign, mail_of_everyone):
    page = client_for(champion).get(url("outbox-list", campaign)).text
    assert "My pack" in page and "Mine to a member" in page and "mine@example.com" in page
    for other in ("Their pack", "Admin to a member", "Vi volunteered", "Executive summary"):
        assert other not in page
    assert "The emails you sent" in page


def test_an_admin_sees_every_kind_of_mail_including_member_mail(client_for, admin_user, campaign, mail_of_everyone):
    page = client_for(admin_user).get(url("outbox-list", campaign)).text
    for subject in ("My pack", "Their pack", "Mine to a member", "Admin to a member", "Vi volunteered"):
        assert subject in page
    assert "Executive summary" in page
    assert "Member email" in page
    delivery = mail_of_everyone["signup"]
    assert url("outbox-message", campaign, kind="member", pk=delivery.pk) in page


def test_the_state_filter_applies_to_member_mail(client_for, admin_user, campaign, mail_of_everyone):
    MemberDelivery.objects.filter(pk=mail_of_everyone["signup"].pk).update(status=DeliveryStatus.FAILED)
    page = client_for(admin_user).get(url("outbox-list", campaign), {"status": "failed"}).text
    assert "Vi volunteered" in page
    assert "Mine to a member" not in page


def test_a_champion_opens_their_own_mail_and_gets_403_for_anyone_elses(
    client_for, champion, campaign, mail_of_everyone
):
    client = client_for(champion)
    mine = [("pack", mail_of_everyone["mine_pack"]), ("member", mail_of_everyone["mine_mail"])]
    theirs = [
        ("pack", mail_of_everyone["their_pack"]),
        ("member", mail_of_everyone["admin_mail"]),
        ("member", mail_of_everyone["signup"]),
        ("summary", mail_of_everyone["summary"]),
    ]
    for kind, delivery in mine:
        assert client.get(url("outbox-message", campaign, kind=kind, pk=delivery.pk)).status_code == 200
        assert client.get(url("outbox-message-html", campaign, kind=kind, pk=delivery.pk)).status_code == 200
    for kind, delivery in theirs:
        assert client.get(url("outbox-message", campaign, kind=kind, pk=delivery.pk)).status_code == 403
        assert client.get(url("outbox-message-html", campaign, kind=kind, pk=delivery.pk)).status_code == 403


def test_viewers_cannot_open_the_outbox_or_its_messages(client_for, viewer, campaign, mail_of_everyone):
    client = client_for(viewer)
    assert client.get(url("outbox-list", campaign)).status_code == 403
    delivery = mail_of_everyone["signup"]
    assert client.get(url("outbox-message", campaign, kind="member", pk=delivery.pk)).status_code == 403


def test_another_campaigns_member_mail_is_404(client_for, admin_user, campaign):
    foreign = member_delivery(CampaignFactory(), by=None, email="x@example.com", subject="Elsewhere")
    client = client_for(admin_user)
    assert client.get(url("outbox-message", campaign, kind="member", pk=foreign.pk)).status_code == 404
    assert "Elsewhere" not in client.get(url("outbox-list", campaign)).text


def test_an_invitation_in_the_outbox_is_shown_as_rendered_without_its_link(
    client_for, admin_user, campaign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        member_add_by_email(campaign=campaign, email="new@example.com", role=Role.CHAMPION, by=admin_user)
    delivery = MemberDelivery.objects.get()
    client = client_for(admin_user)
    page = client.get(url("outbox-message", campaign, kind="member", pk=delivery.pk)).text
    assert "new@example.com" in page
    assert "You&#x27;re invited to Harbour Line" in page or "You're invited to Harbour Line" in page
    assert "/accounts/invitation/" not in page
    html = client.get(url("outbox-message-html", campaign, kind="member", pk=delivery.pk)).text
    assert "/accounts/invitation/" not in html
    assert HIDDEN in html


def test_a_champion_sees_the_outbox_link_on_a_pack_they_sent(client_for, champion, campaign, mail_of_everyone):
    pack = mail_of_everyone["mine_pack"].pack
    page = client_for(champion).get(pack.get_absolute_url()).text
    assert url("outbox-message", campaign, kind="pack", pk=mail_of_everyone["mine_pack"].pk) in page


@pytest.mark.parametrize("persona", ["champion", "admin_user"])
def test_the_outbox_with_every_kind_stays_flat(request, campaign, client_for, persona, django_assert_max_num_queries):
    user = request.getfixturevalue(persona)
    for n in range(30):
        pack_delivery(campaign, sent_by=user, title=f"Pack {n}", leader_name=f"Leader {n}")
        member_delivery(campaign, by=user, email=f"m{n}@example.com", subject=f"Member mail {n}")
        SummaryDeliveryFactory(summary__campaign=campaign, leader=LeaderFactory(campaign=campaign))
    client = client_for(user)
    with django_assert_max_num_queries(8):
        response = client.get(url("outbox-list", campaign))
    assert response.text.count("tag--delivery-") == 25
