"""
Member mail (campaign.outbox) reaches each recipient exactly once through a real worker, the private
Redis and the SMTP sink: a transient SMTP failure is retried, a row another worker holds is not sent
again, a duplicated task sends nothing twice, and rows a lost broker message left behind are requeued.
"""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from campaign.models import MemberDelivery, Role
from campaign.outbox import delivery_claim, member_mail_queue
from campaign.services import member_add_by_email
from campaign.tasks import requeue_stale_member_deliveries, send_member_delivery
from tests.factories import CampaignFactory, MembershipFactory
from tests.faults.conftest import wait_until

pytestmark = [pytest.mark.needs_postgres, pytest.mark.needs_redis]

Status = MemberDelivery.Status


def settled():
    return not MemberDelivery.objects.filter(status__in=(Status.QUEUED, Status.SENDING)).exists()


def queue_unsent(campaign, count, **fields):
    """Rows as member_mail_queue writes them, but with no task enqueued (as if the broker lost it)."""
    return [
        MemberDelivery.objects.create(
            campaign=campaign,
            to_email=f"m{n}@example.com",
            template="added-to-campaign",
            subject="Added",
            context={"campaign": {"name": campaign.name, "why": ""}, "member_name": f"M{n}", "role": "viewer"},
            **fields,
        )
        for n in range(count)
    ]


def test_a_451_is_retried_and_each_member_email_arrives_once(worker, smtp):
    campaign = CampaignFactory()
    admin = MembershipFactory(campaign=campaign, role=Role.ADMIN).user
    smtp.sink.mode = "451-once"
    worker.start()

    # Outside any transaction here: each enqueue goes to the broker at once, as on a request's commit.
    for n in range(3):
        member_add_by_email(campaign=campaign, email=f"new{n}@example.com", role=Role.CHAMPION, by=admin)

    wait_until(settled, seconds=60, what="every member email sent")
    received = smtp.sink.message_ids()
    for delivery in MemberDelivery.objects.all():
        assert delivery.status == Status.SENT, (delivery.status, delivery.last_error)
        assert delivery.attempts == 2
        assert received[delivery.message_id] == 1
        assert smtp.sink.tries[delivery.message_id] == 2
    assert len(received) == 3


def test_a_row_another_worker_holds_is_not_sent_and_duplicated_tasks_send_once(worker, smtp):
    campaign = CampaignFactory()
    held, duplicated = queue_unsent(campaign, 2)
    assert delivery_claim(model=MemberDelivery, pk=held.pk) is not None  # another worker is sending it
    worker.start(concurrency=1)

    for _ in range(3):
        send_member_delivery.delay(held.pk)
        send_member_delivery.delay(duplicated.pk)
    # One pool process takes the tasks in order: once the last one is done, every earlier one is too.
    last = queue_unsent(campaign, 1)[0]
    send_member_delivery.delay(last.pk)
    wait_until(lambda: MemberDelivery.objects.get(pk=last.pk).status == Status.SENT, seconds=30, what="the last send")

    received = smtp.sink.message_ids()
    held.refresh_from_db()
    assert (held.status, held.attempts) == (Status.SENDING, 1)
    assert received[held.message_id] == 0
    assert received[duplicated.message_id] == 1
    assert MemberDelivery.objects.get(pk=duplicated.pk).attempts == 1


def test_rows_a_lost_message_or_a_dead_worker_left_behind_are_requeued_and_sent_once(worker, smtp):
    campaign = CampaignFactory()
    long_ago = timezone.now() - timedelta(hours=1)
    never_enqueued = queue_unsent(campaign, 2, created_at=long_ago)
    stuck = {"status": Status.SENDING, "claimed_at": long_ago, "attempts": 1, "created_at": long_ago}
    stuck_sending = queue_unsent(campaign, 1, **stuck)
    worker.start()

    requeue_stale_member_deliveries.delay()
    wait_until(settled, seconds=60, what="the requeued member emails sent")
    requeue_stale_member_deliveries.delay()  # a second tick finds nothing to do
    received = smtp.sink.message_ids()
    for delivery in [*never_enqueued, *stuck_sending]:
        delivery.refresh_from_db()
        assert delivery.status == Status.SENT, (delivery.status, delivery.last_error)
        assert received[delivery.message_id] == 1


def test_a_sign_up_notice_queued_in_a_rolled_back_transaction_sends_nothing(worker, smtp):
    campaign = CampaignFactory()
    MembershipFactory(campaign=campaign, role=Role.CHAMPION)
    worker.start(concurrency=1)
    with pytest.raises(RuntimeError), transaction.atomic():
        member_mail_queue(
            campaign=campaign, template="added-to-campaign", recipients=[("x@example.com", {})], context={}
        )
        raise RuntimeError("rolled back")
    sent = queue_unsent(campaign, 1)[0]
    send_member_delivery.delay(sent.pk)
    wait_until(lambda: MemberDelivery.objects.get(pk=sent.pk).status == Status.SENT, seconds=30, what="the send")
    assert MemberDelivery.objects.count() == 1
    assert len(smtp.sink.received) == 1
