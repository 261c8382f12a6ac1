"""
Hostile input through every new field of chat posts, notification mails, digests and the channel and
notification pages: line breaks never reach a mail header, markup is escaped in HTML, shown literally
in posts (Slack's mrkdwn, Teams' markdown, JSON), and channel names with markup are inert on pages.
"""

from datetime import UTC, datetime

from django.core import mail
from django.urls import reverse

from campaign import events, notifications, posts
from campaign.models import Channel, ChannelDelivery, MemberDelivery, Role
from campaign.outbox import member_delivery_send
from tests.factories import MembershipFactory, UserFactory
from tests.security.test_email_headers import EVIL, assert_clean

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def send_mail():
    for pk in MemberDelivery.objects.filter(status="queued").values_list("pk", flat=True):
        member_delivery_send(pk=pk)


def test_notification_and_digest_mails_keep_injected_text_out_of_headers_and_html(campaign, time_machine):
    campaign.name = f"Harbour{EVIL}"
    campaign.save()
    reader = MembershipFactory(
        campaign=campaign, role=Role.ADMIN, user=UserFactory(email="r@example.com", first_name=XSS)
    )
    notifications.notification_settings_save(membership=reader, choices={"roadblock_cleared": "daily"})
    time_machine.move_to(datetime(2026, 12, 2, 12, tzinfo=UTC))
    events.announce(campaign, "summary_failed", key="1", subject=f"Failed {EVIL}{XSS}", facts=[(XSS, XSS)])
    events.announce(campaign, "roadblock_cleared", key="2", subject=f"Cleared {EVIL}{XSS}", facts=[(XSS, XSS)])
    time_machine.move_to(datetime(2026, 12, 3, 9, tzinfo=UTC))
    notifications.digests_build()
    send_mail()
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert_clean(message, ["r@example.com"])
        html = message.alternatives[0].content
        assert "<script>" not in html and "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")
        assert "&lt;script&gt;" in html


def test_posts_carry_hostile_text_literally(campaign, receiver):
    for kind in ("slack", "teams", "webhook"):
        Channel.objects.create(
            campaign=campaign, name=kind, kind=kind, secret_url=receiver.url, events=["win_celebrated"]
        )
    events.announce(campaign, "win_celebrated", key="x", subject=f"{EVIL}<!here> {XSS}", facts=[("With", XSS)])
    for pk in ChannelDelivery.objects.values_list("pk", flat=True):
        assert posts.channel_delivery_send(pk=pk) == "sent"
    slack, teams, webhook = receiver.bodies()
    assert "<!here>" not in slack["blocks"][0]["text"]["text"] and "<script>" not in slack["text"]
    assert "\r\n" not in webhook["subject"] and "Bcc:" in webhook["subject"]  # on one line, as data
    assert webhook["facts"] == [{"label": "With", "value": XSS}]
    assert "\\<script\\>" in str(teams) or "\\\\<script" in str(teams)
    for headers, _, _ in receiver.requests:
        assert headers.get("Bcc") is None and headers.get("X-Injected") is None


def test_channel_names_and_errors_are_escaped_on_the_settings_page_and_in_the_outbox(client_for, admin_user, campaign):
    channel = Channel.objects.create(campaign=campaign, name=XSS, kind="slack", secret_url="https://h.example.com/x")
    ChannelDelivery.objects.create(campaign=campaign, channel=channel, subject=XSS, status="failed", last_error=XSS)
    client = client_for(admin_user)
    pages = [
        reverse("campaign:settings-channels", kwargs={"slug": campaign.slug}),
        reverse("campaign:settings-channels-edit", kwargs={"slug": campaign.slug, "pk": channel.pk}),
        reverse("leadership:outbox-list", kwargs={"slug": campaign.slug}),
        reverse(
            "leadership:outbox-message",
            kwargs={"slug": campaign.slug, "kind": "post", "pk": ChannelDelivery.objects.get().pk},
        ),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html, url


def test_the_notification_pages_escape_the_campaign_name(client, client_for, campaign):
    campaign.name = XSS
    campaign.save()
    membership = MembershipFactory(campaign=campaign, role=Role.CHAMPION)
    for response in (
        client.get(notifications.off_url(membership)),
        client_for(membership.user).get(reverse("campaign:notifications", kwargs={"slug": campaign.slug})),
    ):
        html = response.content.decode()
        assert response.status_code == 200 and "<script>alert" not in html
