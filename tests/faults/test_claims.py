"""
A send that outlives its claim (the reaper handed the delivery to another worker meanwhile) must not
overwrite the other worker's outcome: marks apply to the claim that made them. No services needed.
"""

from django.core.mail import EmailMessage

from leadership.delivery import delivery_claim, delivery_send
from leadership.models import DeliveryStatus, SummaryDelivery
from tests.factories import SummaryDeliveryFactory


def test_a_send_whose_claim_was_taken_over_does_not_mark_the_delivery_sent(db, mailoutbox):
    pending = SummaryDeliveryFactory()
    taken_over = []

    def build(delivery):
        # While this worker is still sending, the reaper puts the row back and another worker claims it.
        SummaryDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.QUEUED)
        taken_over.append(delivery_claim(model=SummaryDelivery, pk=delivery.pk))
        return EmailMessage("Summary", "Body", to=[delivery.leader.email])

    delivery_send(model=SummaryDelivery, pk=pending.pk, build=build)

    pending.refresh_from_db()
    assert taken_over[0] is not None
    assert pending.status == DeliveryStatus.SENDING  # the other worker's claim stands, for it to mark
    assert pending.claimed_at == taken_over[0].claimed_at
    assert pending.attempts == 2


def test_a_send_that_keeps_its_claim_marks_the_delivery_sent(db, mailoutbox):
    pending = SummaryDeliveryFactory()

    status = delivery_send(
        model=SummaryDelivery, pk=pending.pk, build=lambda d: EmailMessage("Summary", "Body", to=[d.leader.email])
    )

    pending.refresh_from_db()
    assert status == pending.status == DeliveryStatus.SENT
    assert len(mailoutbox) == 1
