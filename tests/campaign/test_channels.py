"""
Posts to chat channels and webhooks (campaign.events, campaign.posts): one delivery per event and
channel, exactly once, retried on 5xx, 429 and timeouts, failed at once on any other 4xx, checked
against a local receiver (tests/receiver.py); and the admins' channel settings pages.
"""

import hashlib
import hmac
import json

import pytest
from django.urls import reverse

from campaign import events, posts
from campaign.models import AuditEntry, Channel, ChannelDelivery, Role
from campaign.services import problem_celebrate, problem_roadblock_clear
from campaign.tasks import requeue_stale_channel_deliveries, send_channel_delivery
from tests.factories import CampaignFactory, LeaderFactory, MembershipFactory, ServiceProblemFactory

Status = ChannelDelivery.Status


def channel(campaign, url, kind="webhook", events_=("win_celebrated", "roadblock_cleared"), **fields):
    return Channel.objects.create(
        campaign=campaign,
        name=f"{kind} {Channel.objects.count()}",
        kind=kind,
        secret_url=url,
        events=list(events_),
        **fields,
    )


def celebrate(problem, by=None):
    return problem_celebrate(
        problem=problem, celebration="", celebrated_on=problem.opened_on, celebrated_by=None, by=by
    )


@pytest.fixture
def short_timeout(monkeypatch):
    monkeypatch.setattr(posts, "TIMEOUT", 0.5)


# --- One delivery per event and channel -------------------------------------------------------------


def test_an_event_gets_one_delivery_per_channel_that_takes_it(campaign, receiver, django_capture_on_commit_callbacks):
    takes = channel(campaign, receiver.url)
    channel(campaign, receiver.url, events_=["summary_sent"])  # not this kind
    channel(campaign, "")  # not configured
    channel(campaign, receiver.url, is_active=False)  # paused
    channel(CampaignFactory(), receiver.url)  # another campaign's
    problem = ServiceProblemFactory(campaign=campaign, title="Faster refunds")

    with django_capture_on_commit_callbacks() as callbacks:
        celebrate(problem)
        celebrate(problem)  # celebrated again: announced once
    assert list(ChannelDelivery.objects.values_list("channel", flat=True)) == [takes.pk]
    assert len(callbacks) == 1


def test_an_event_announced_in_a_rolled_back_transaction_leaves_nothing(campaign, receiver):
    from django.db import transaction

    channel(campaign, receiver.url)
    with pytest.raises(RuntimeError), transaction.atomic():
        events.announce(campaign, "win_celebrated", key="x", subject="Rolled back")
        raise RuntimeError
    assert not ChannelDelivery.objects.exists()


def test_an_unknown_kind_is_refused(campaign):
    with pytest.raises(ValueError):
        events.announce(campaign, "made_up", key="1", subject="No")


# --- Sending -------------------------------------------------------------------------------------


def queued_post(campaign, receiver, kind="webhook", subject="Faster refunds"):
    target = channel(campaign, receiver.url, kind=kind)
    event = events.announce(
        campaign,
        "win_celebrated",
        key=f"{kind}-{subject}",
        subject=subject,
        url="/c/harbour/wins/1/",
        facts=[("With", "Dana <COO>")],
    )
    return ChannelDelivery.objects.get(event=event, channel=target)


def test_a_webhook_post_is_signed_json_sent_once(campaign, receiver):
    delivery = queued_post(campaign, receiver)

    assert posts.channel_delivery_send(pk=delivery.pk) == Status.SENT
    assert posts.channel_delivery_send(pk=delivery.pk) is None  # sent already: nothing happens

    ((headers, body, _),) = receiver.requests
    payload = json.loads(body)
    assert payload["event"] == "win_celebrated"
    assert payload["subject"] == "Faster refunds"
    assert payload["url"].endswith("/c/harbour/wins/1/")
    assert payload["facts"] == [{"label": "With", "value": "Dana <COO>"}]
    assert headers["X-RisingTide-Delivery"] == delivery.message_id
    secret = delivery.channel.signing_secret
    signed = f"{headers['X-RisingTide-Timestamp']}.".encode() + body
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-RisingTide-Signature"], expected)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == (Status.SENT, 1, 200)


def test_slack_and_teams_posts_show_user_text_literally(campaign, receiver):
    hostile = "<!channel> <https://evil.example|click> *bold* [x](https://evil.example)"
    for kind in ("slack", "teams"):
        delivery = queued_post(campaign, receiver, kind=kind, subject=hostile)
        assert posts.channel_delivery_send(pk=delivery.pk) == Status.SENT
    slack, teams = receiver.bodies()
    text = slack["blocks"][0]["text"]["text"]
    assert "<!channel>" not in text and "<https://evil" not in text
    assert "&lt;!channel&gt;" in text
    assert "Dana &lt;COO&gt;" in text
    card = teams["attachments"][0]["content"]
    shown = json.dumps(card["body"])
    assert "[x](https://evil.example)" not in shown
    assert card["actions"][0]["url"].endswith("/c/harbour/wins/1/")


def test_a_5xx_is_retried_and_the_post_arrives_once(campaign, receiver):
    receiver.script = [500, 200]
    delivery = queued_post(campaign, receiver)

    with pytest.raises(posts.PostServerError):
        posts.channel_delivery_send(pk=delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == (Status.QUEUED, 1, 500)
    assert "500" in delivery.last_error

    assert posts.channel_delivery_send(pk=delivery.pk) == Status.SENT
    assert receiver.accepted()[delivery.message_id] == 1


def test_a_4xx_fails_at_once(campaign, receiver):
    receiver.script = [400]
    delivery = queued_post(campaign, receiver)

    assert posts.channel_delivery_send(pk=delivery.pk) == Status.FAILED
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.FAILED, 1)
    assert "400" in delivery.last_error
    assert len(receiver.requests) == 1


def test_a_429_is_retried_after_its_retry_after(campaign, receiver):
    receiver.script = [(429, 7), 200]
    delivery = queued_post(campaign, receiver)

    with pytest.raises(posts.PostRateLimited) as raised:
        posts.channel_delivery_send(pk=delivery.pk)
    assert raised.value.retry_after == 7
    assert ChannelDelivery.objects.get(pk=delivery.pk).status == Status.QUEUED


def test_the_task_retries_a_429_and_a_500_until_the_post_is_sent(campaign, receiver, settings):
    receiver.script = [(429, 1), 500, 200]
    delivery = queued_post(campaign, receiver)

    send_channel_delivery.apply(args=[delivery.pk])  # eager: its retries run in turn, without waiting

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.SENT, 3)
    assert receiver.accepted()[delivery.message_id] == 1


def test_a_receiver_that_hangs_times_out_and_the_post_is_tried_again(campaign, receiver, short_timeout):
    receiver.script = [("hang", 2), 200]
    delivery = queued_post(campaign, receiver)

    with pytest.raises(TimeoutError):
        posts.channel_delivery_send(pk=delivery.pk)
    assert ChannelDelivery.objects.get(pk=delivery.pk).status == Status.QUEUED
    assert posts.channel_delivery_send(pk=delivery.pk) == Status.SENT
    assert receiver.accepted()[delivery.message_id] == 1


def test_a_receiver_that_is_down_is_a_transient_failure(campaign, receiver):
    delivery = queued_post(campaign, receiver)
    receiver.stop()
    with pytest.raises(ConnectionError):
        posts.channel_delivery_send(pk=delivery.pk)
    assert ChannelDelivery.objects.get(pk=delivery.pk).status == Status.QUEUED


def test_the_last_attempt_fails_the_post(campaign, receiver):
    receiver.script = [500]
    delivery = queued_post(campaign, receiver)
    ChannelDelivery.objects.filter(pk=delivery.pk).update(attempts=posts.outbox.MAX_ATTEMPTS - 1)
    assert posts.channel_delivery_send(pk=delivery.pk) == Status.FAILED


def test_stale_posts_are_requeued_once(campaign, receiver):
    from datetime import timedelta

    from django.utils import timezone

    delivery = queued_post(campaign, receiver)
    long_ago = timezone.now() - timedelta(hours=1)
    ChannelDelivery.objects.filter(pk=delivery.pk).update(status=Status.SENDING, claimed_at=long_ago, attempts=1)
    assert requeue_stale_channel_deliveries() == [delivery.pk]
    assert posts.channel_delivery_send(pk=delivery.pk) == Status.SENT
    assert requeue_stale_channel_deliveries() == []


@pytest.mark.parametrize("url", ["http://hooks.example.com/x", "https://127.0.0.1/x", "https://10.1.2.3/x"])
def test_private_or_plain_http_addresses_are_refused_in_production(settings, url):
    settings.CHANNEL_ALLOW_LOCAL_URLS = False
    with pytest.raises(posts.PostRejected):
        posts.address_check(url)


def test_a_redirect_is_not_followed(campaign, receiver):
    receiver.script = [302]
    delivery = queued_post(campaign, receiver)
    assert posts.channel_delivery_send(pk=delivery.pk) == Status.FAILED


# --- Where events come from ------------------------------------------------------------------------


def test_a_cleared_roadblock_is_posted(campaign, receiver, admin_user):
    channel(campaign, receiver.url, events_=["roadblock_cleared"])
    leader = LeaderFactory(campaign=campaign, name="Dana")
    problem = ServiceProblemFactory(campaign=campaign, is_roadblock=True, roadblock_leader=leader, title="Budget")
    problem_roadblock_clear(problem=problem, by=admin_user)
    delivery = ChannelDelivery.objects.get()
    assert delivery.event.subject == "Roadblock cleared: Budget"
    assert delivery.event.facts == [["Decided by", "Dana"]]


# --- The settings pages ----------------------------------------------------------------------------


def test_an_admin_adds_a_webhook_and_sees_its_secret_once(client_for, admin_user, campaign, receiver):
    client = client_for(admin_user)
    url = reverse("campaign:settings-channels", kwargs={"slug": campaign.slug})
    data = {
        "name": "Ops system",
        "kind": "webhook",
        "url": receiver.url,
        "events": ["win_celebrated"],
        "is_active": "on",
    }
    response = client.post(url, data, follow=True)
    added = Channel.objects.get(campaign=campaign)
    assert added.secret_url == receiver.url and added.events == ["win_celebrated"]
    assert added.signing_secret in response.content.decode()
    page = client.get(reverse("campaign:settings-channels-edit", kwargs={"slug": campaign.slug, "pk": added.pk}))
    assert added.signing_secret not in page.content.decode()  # shown once
    listing = client.get(url).content.decode()
    assert receiver.url not in listing and added.masked_url in listing
    entry = AuditEntry.objects.get(action="Chat channel added")
    assert receiver.url not in json.dumps(entry.after) and "secret" not in json.dumps(entry.after)


def test_editing_with_an_empty_address_keeps_the_stored_one(client_for, admin_user, campaign):
    kept = channel(campaign, "https://hooks.slack.com/services/T0/B0/secretpart", kind="slack")
    url = reverse("campaign:settings-channels-edit", kwargs={"slug": campaign.slug, "pk": kept.pk})
    page = client_for(admin_user).get(url).content.decode()
    assert "secretpart" not in page and "…part" in page
    client_for(admin_user).post(url, {"name": "Wins", "kind": "slack", "url": "", "events": ["summary_sent"]})
    kept.refresh_from_db()
    assert kept.secret_url.endswith("secretpart")
    assert (kept.name, kept.events, kept.is_active) == ("Wins", ["summary_sent"], False)


def test_an_address_that_is_not_https_is_refused_next_to_the_field(client_for, admin_user, campaign, settings):
    settings.CHANNEL_ALLOW_LOCAL_URLS = False
    url = reverse("campaign:settings-channels", kwargs={"slug": campaign.slug})
    response = client_for(admin_user).post(url, {"name": "X", "kind": "slack", "url": "http://hooks.example.com/x"})
    assert response.status_code == 200
    assert "starts with https://" in response.content.decode()
    assert not Channel.objects.exists()


def test_a_test_post_is_queued_and_shown_in_the_outbox(
    client_for, admin_user, campaign, receiver, django_capture_on_commit_callbacks
):
    target = channel(campaign, receiver.url)
    client = client_for(admin_user)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("campaign:settings-channels-test", kwargs={"slug": campaign.slug, "pk": target.pk}))
    delivery = ChannelDelivery.objects.get()
    assert delivery.event is None and delivery.triggered_by == admin_user
    assert posts.channel_delivery_send(pk=delivery.pk) == Status.SENT
    outbox = client.get(reverse("leadership:outbox-list", kwargs={"slug": campaign.slug})).content.decode()
    assert "Chat post" in outbox and delivery.subject in outbox
    detail_url = reverse("leadership:outbox-message", kwargs={"slug": campaign.slug, "kind": "post", "pk": delivery.pk})
    detail = client.get(detail_url).content.decode()
    assert "Sent" in detail and target.signing_secret not in detail and receiver.url not in detail
    html_url = reverse(
        "leadership:outbox-message-html", kwargs={"slug": campaign.slug, "kind": "post", "pk": delivery.pk}
    )
    assert client.get(html_url).status_code == 404


def test_removing_a_channel_asks_first(client_for, admin_user, campaign):
    gone = channel(campaign, "https://hooks.example.com/x")
    url = reverse("campaign:settings-channels-delete", kwargs={"slug": campaign.slug, "pk": gone.pk})
    assert "Remove" in client_for(admin_user).get(url).content.decode()
    assert Channel.objects.exists()
    client_for(admin_user).post(url)
    assert not Channel.objects.exists()


def test_another_campaigns_channel_is_404(client_for, admin_user, campaign):
    foreign = channel(CampaignFactory(), "https://hooks.example.com/x")
    for name in ("settings-channels-edit", "settings-channels-delete", "settings-channels-test"):
        url = reverse(f"campaign:{name}", kwargs={"slug": campaign.slug, "pk": foreign.pk})
        assert client_for(admin_user).post(url, {"name": "Hijack"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.name != "Hijack" and not ChannelDelivery.objects.exists()


def test_a_champion_cannot_add_a_channel(client_for, campaign):
    champion = MembershipFactory(campaign=campaign, role=Role.CHAMPION).user
    url = reverse("campaign:settings-channels", kwargs={"slug": campaign.slug})
    assert client_for(champion).post(url, {"name": "X", "kind": "slack"}).status_code == 403
    assert not Channel.objects.exists()


def test_the_empty_list_says_what_channels_are_for(client_for, admin_user, campaign):
    page = client_for(admin_user).get(reverse("campaign:settings-channels", kwargs={"slug": campaign.slug}))
    assert "No chat channels yet" in page.content.decode()


def test_the_list_reads_a_fixed_number_of_queries(client_for, admin_user, campaign, django_assert_max_num_queries):
    for n in range(30):
        target = channel(campaign, f"https://hooks.example.com/{n}")
        ChannelDelivery.objects.create(
            campaign=campaign, channel=target, subject=f"Post {n}", status=Status.FAILED, last_error="boom"
        )
    client = client_for(admin_user)
    url = reverse("campaign:settings-channels", kwargs={"slug": campaign.slug})
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.content.decode().count("boom") == 30
