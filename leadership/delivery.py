"""
Exactly-once email to leaders: claim a delivery row, send it, mark it.

A task calls `delivery_send(model=…, pk=…, build=…)`. The conditional update
(queued → sending) means two workers handed the same delivery (a retried or
duplicated task, a reaper's re-enqueue) cannot both send it: only the one whose
update changed a row goes on. Transient failures put the row back to queued and
re-raise, so the task's `autoretry_for` retries it with backoff; after
MAX_ATTEMPTS tries, or at once on a permanent rejection, the row is marked
failed. Rows left queued or sending too long (a lost broker message, a killed
worker) are found by `deliveries_stale`, for a reaper to enqueue again.

The one window left: a worker killed after the SMTP server accepted the message
and before the row says sent. The reaper then sends it again, with the same
Message-ID, which lets a mail system drop the copy. Nothing else resends.
"""

import logging
import smtplib
import socket
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from leadership.models.delivery import DeliveryStatus

logger = logging.getLogger(__name__)

# Tries per delivery, the first included. Retries wait 30 s, 1, 2 and 4 minutes (with jitter, never
# more than RETRY_BACKOFF_MAX): all of it far inside the Redis visibility timeout (an hour), so a
# waiting retry is never redelivered as if it were lost. Settings (DELIVERY_*) can shorten them.
MAX_ATTEMPTS = settings.DELIVERY_MAX_ATTEMPTS
RETRY_BACKOFF = settings.DELIVERY_RETRY_BACKOFF
RETRY_BACKOFF_MAX = settings.DELIVERY_RETRY_BACKOFF_MAX
RETRY_JITTER = settings.DELIVERY_RETRY_JITTER
# Longer than any retry wait, so the reaper does not pick up a delivery that is only waiting its turn.
STALE_AFTER = timedelta(seconds=settings.DELIVERY_STALE_AFTER_SECONDS)


class TransientSendError(Exception):
    """A failure worth retrying: the server was unreachable, slow, or answered 4xx."""


def is_transient(error):
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in error.recipients.values())
    return isinstance(
        error, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, TimeoutError, socket.timeout)
    )


def delivery_claim(*, model, pk):
    """Move the delivery from queued to sending; the row when this caller won it, None otherwise."""
    claimed = model.objects.filter(pk=pk, status=DeliveryStatus.QUEUED).update(
        status=DeliveryStatus.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    return model.objects.select_related("leader").get(pk=pk) if claimed else None


def _describe(error):
    return f"{type(error).__name__}: {error}"[:500]


def delivery_send(*, model, pk, build):
    """
    Send delivery `pk` of `model` once. `build(delivery)` returns the unsent EmailMessage.

    Returns the final status, or None when another worker holds it or it is already done.
    Raises TransientSendError after putting the row back to queued, for the task to retry,
    unless this was the last attempt: then the row is failed and the status returned.
    """
    delivery = delivery_claim(model=model, pk=pk)
    if delivery is None:
        logger.info("delivery %s %s not queued any more; nothing to do", model._meta.label, pk)
        return None
    # Marks apply to this claim only: if the reaper gave the row to another worker meanwhile (a send that
    # outlasted STALE_AFTER), this worker's outcome must not overwrite that worker's.
    mine = model.objects.filter(pk=pk, status=DeliveryStatus.SENDING, claimed_at=delivery.claimed_at)
    try:
        message = build(delivery)
    except Exception as error:
        # A message that cannot be built will not build on a retry either: fail it rather than leave
        # it in sending, where the reaper would put it back to queued again and again.
        mine.update(status=DeliveryStatus.FAILED, last_error=_describe(error))
        raise
    message.extra_headers["Message-ID"] = delivery.message_id
    try:
        message.send()
    except Exception as error:
        transient = is_transient(error)
        give_up = not transient or delivery.attempts >= MAX_ATTEMPTS
        status = DeliveryStatus.FAILED if give_up else DeliveryStatus.QUEUED
        mine.update(status=status, last_error=_describe(error))
        if not give_up:
            raise TransientSendError(str(error)) from error
        logger.warning(
            "delivery %s %s failed for good after %s attempt(s): %s", model._meta.label, pk, delivery.attempts, error
        )
        return status
    mine.update(status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error="")
    return DeliveryStatus.SENT


def deliveries_stale(*, model, older_than=STALE_AFTER):
    """
    Deliveries a reaper should enqueue again: queued and never picked up, or stuck in sending
    (the worker died mid-send), for longer than `older_than`. Stuck ones go back to queued, or
    to failed when they have used all their attempts.
    """
    cutoff = timezone.now() - older_than
    stuck = model.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=cutoff)
    stuck.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=DeliveryStatus.FAILED, last_error="The worker stopped while sending, on the last attempt."
    )
    stuck.filter(attempts__lt=MAX_ATTEMPTS).update(status=DeliveryStatus.QUEUED)
    return model.objects.filter(
        Q(status=DeliveryStatus.QUEUED) & (Q(claimed_at__lt=cutoff) | Q(claimed_at__isnull=True, created_at__lt=cutoff))
    )
