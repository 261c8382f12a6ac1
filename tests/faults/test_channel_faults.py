"""
Posts to chat channels (campaign.posts) reach each channel exactly once through a real worker, the
private Redis and a local receiver (tests/receiver.py): a receiver failing or rate-limiting is retried,
a worker killed mid-post and Redis restarted with posts queued lose nothing and double nothing.
"""

import time

import pytest

from campaign import events
from campaign.models import Channel, ChannelDelivery
from campaign.tasks import requeue_stale_channel_deliveries
from tests.factories import CampaignFactory
from tests.faults.conftest import drop_broker_pools, wait_until

pytestmark = [pytest.mark.needs_postgres, pytest.mark.needs_redis]

Status = ChannelDelivery.Status


def in_hand():
    return ChannelDelivery.objects.filter(status__in=(Status.QUEUED, Status.SENDING)).exists()


def reap_until_settled(seconds=60):
    """Wait until no post is queued or sending, ringing the reaper now and then as beat would."""
    deadline = time.monotonic() + seconds
    next_reap = 0.0
    while time.monotonic() < deadline:
        if not in_hand():
            return
        if time.monotonic() >= next_reap:
            requeue_stale_channel_deliveries.delay()
            next_reap = time.monotonic() + 1.0
        time.sleep(0.2)
    raise AssertionError(f"posts still queued or sending after {seconds} s")


def announce_wins(campaign, receiver, count=3):
    for kind in ("slack", "webhook"):
        Channel.objects.create(
            campaign=campaign, name=kind, kind=kind, secret_url=receiver.url, events=["win_celebrated"]
        )
    for n in range(count):
        events.announce(campaign, "win_celebrated", key=f"problem:{n}", subject=f"Win {n}")


def assert_each_posted_once(receiver):
    accepted = receiver.accepted()
    for delivery in ChannelDelivery.objects.select_related("channel"):
        assert delivery.status == Status.SENT, (delivery.status, delivery.last_error)
        if delivery.channel.kind == "webhook":
            assert accepted[delivery.message_id] == 1, delivery.message_id
    slack_bodies = [
        body
        for headers, body, answer in receiver.requests
        if receiver.is_accepted(answer) and not headers.get("X-RisingTide-Delivery")
    ]
    assert len(slack_bodies) == len(set(slack_bodies)) == ChannelDelivery.objects.filter(channel__kind="slack").count()


def test_a_failing_and_rate_limiting_receiver_gets_each_post_once(worker, receiver):
    receiver.script = [500, (429, 1), 200]
    worker.start()
    announce_wins(CampaignFactory(), receiver)  # outside a transaction: each enqueue rings at once

    reap_until_settled()
    assert_each_posted_once(receiver)
    assert ChannelDelivery.objects.count() == 6


def test_a_worker_killed_mid_post_and_restarted_posts_once(worker, receiver):
    receiver.script = [("hang", 20), 200]
    worker.start(concurrency=1, CHANNEL_TIMEOUT="30")
    announce_wins(CampaignFactory(), receiver, count=1)
    wait_until(lambda: len(receiver.requests) >= 1, seconds=20, what="a post in hand")

    worker.kill()
    worker.start(concurrency=1)

    reap_until_settled()
    assert_each_posted_once(receiver)


def test_redis_restarted_with_posts_queued_loses_none(worker, receiver, private_redis):
    receiver.script = [("slow", 3), 200]
    worker.start(concurrency=1, CHANNEL_TIMEOUT="10")
    announce_wins(CampaignFactory(), receiver)
    wait_until(lambda: len(receiver.requests) >= 1, seconds=20, what="the first post in hand")

    # Redis keeps nothing on disk: the messages of the five posts still queued die with it.
    private_redis.kill()
    wait_until(lambda: ChannelDelivery.objects.filter(status=Status.SENT).exists(), seconds=20, what="the post in hand")
    private_redis.start()
    drop_broker_pools()

    reap_until_settled()
    assert_each_posted_once(receiver)
    assert ChannelDelivery.objects.count() == 6
