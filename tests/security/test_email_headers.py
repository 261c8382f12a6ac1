"""Names with line breaks (a classic header injection) never reach an email's headers."""

from email import message_from_bytes

import pytest
from django.core import mail

from campaign.models import Role
from campaign.services import member_add_by_email
from leadership import emails as leadership_emails
from leadership.models import PackDelivery
from tests.factories import (
    BriefingPackFactory,
    ExecutiveSummaryFactory,
    LeaderFactory,
    SummaryDeliveryFactory,
    UserFactory,
)

EVIL = "Ann\r\nBcc: evil@example.com\r\nX-Injected: yes"


@pytest.fixture
def evil_campaign(campaign):
    campaign.name = f"Harbour{EVIL}"
    campaign.save()
    return campaign


def assert_clean(message, expected_to):
    raw = message.message().as_bytes()
    head = raw.split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in raw else raw.split(b"\n\n", 1)[0]
    parsed = message_from_bytes(raw)
    assert parsed["Bcc"] is None
    assert parsed["X-Injected"] is None
    assert b"evil@example.com" not in head.replace(b"\r\n ", b" ").split(b"Subject:")[0]
    assert message.recipients() == expected_to
    for name, value in parsed.items():
        assert "\n" not in value.replace("\n ", " ").replace("\r\n ", " "), f"{name}: {value!r}"


def test_a_briefing_pack_email_keeps_injected_names_out_of_its_headers(evil_campaign, champion):
    champion.first_name = EVIL
    champion.save()
    pack = BriefingPackFactory(campaign=evil_campaign, title=f"Q3{EVIL}", created_by=champion)
    leader = LeaderFactory(campaign=evil_campaign, name=EVIL, email="ann@example.com")
    delivery = PackDelivery.objects.create(pack=pack, leader=leader)
    assert_clean(leadership_emails.pack_message(delivery), ["ann@example.com"])


def test_a_summary_email_keeps_injected_names_out_of_its_headers(evil_campaign):
    summary = ExecutiveSummaryFactory(campaign=evil_campaign)
    leader = LeaderFactory(campaign=evil_campaign, name=EVIL, email="ann@example.com")
    delivery = SummaryDeliveryFactory(summary=summary, leader=leader)
    assert_clean(leadership_emails.summary_delivery_message(delivery), ["ann@example.com"])


def test_invitation_and_welcome_emails_keep_injected_names_out_of_their_headers(
    evil_campaign, admin_user, settings, django_capture_on_commit_callbacks, send_member_mail
):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    admin_user.first_name = EVIL
    admin_user.save()
    UserFactory(first_name=EVIL, email="m@example.com")
    with django_capture_on_commit_callbacks(execute=False):
        member_add_by_email(campaign=evil_campaign, email="new@example.com", role=Role.VIEWER, by=admin_user)
        member_add_by_email(campaign=evil_campaign, email="m@example.com", role=Role.VIEWER, by=admin_user)
    send_member_mail()
    assert [m.recipients() for m in mail.outbox] == [["new@example.com"], ["m@example.com"]]
    for message in mail.outbox:
        assert_clean(message, message.recipients())


def test_a_pack_approval_request_keeps_injected_names_out_of_its_headers(
    evil_campaign, champion, admin_user, settings, django_capture_on_commit_callbacks, send_member_mail
):
    from leadership.services import pack_request_approval

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    champion.first_name = EVIL
    champion.save()
    pack = BriefingPackFactory(campaign=evil_campaign, title=f"Q3{EVIL}")
    pack.recipients.add(LeaderFactory(campaign=evil_campaign, name=EVIL))
    with django_capture_on_commit_callbacks(execute=False):
        pack_request_approval(pack=pack, by=champion)
    send_member_mail()
    assert [m.recipients() for m in mail.outbox] == [[admin_user.email]]
    assert_clean(mail.outbox[0], [admin_user.email])


def test_an_address_with_a_line_break_is_refused_before_sending(campaign):
    from django.core.exceptions import ValidationError

    leader = LeaderFactory.build(campaign=campaign, name="Ann", email="ann@example.com\r\nBcc: evil@example.com")
    with pytest.raises(ValidationError):
        leader.full_clean()
