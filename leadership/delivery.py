"""
Exactly-once email to leaders: claim a delivery row, send it, mark it.

A task calls `delivery_send(model=…, pk=…, build=…)`. The conditional update
(queued → sending) means two workers handed the same delivery (a retried or
duplicated task, a reaper's re-enqueue) cannot both send it: only the one whose
update changed a row goes on. Transient failures put the row back to queued and
re-raise, so the task's `autoretry_for` retries it with backoff; after
MAX_ATTEMPTS tries, or at once on a permanent rejection, the row is marked
failed. Rows left queued or sending too long (a lost broker message, a killed
worker) are put back by `deliveries_release_stale`, for a reaper to enqueue again.
The claim, the send-and-mark and the release are the mechanics every outbox shares
(campaign.outbox); this module adds what leader mail needs on top: the kept SMTP
connection and the batches of a summary's fan-out.

A summary's fan-out sends in batches (`delivery_send_batch`): one task claims up
to BATCH_SIZE deliveries with the same conditional update, then sends and marks
each in turn; anything that needs a retry leaves the batch for the one-delivery
task above, so retries and their bounds are the same as ever.

The one window left: a worker killed after the SMTP server accepted the message
and before the row says sent. The reaper then sends it again, with the same
Message-ID, which lets a mail system drop the copy. Nothing else resends.

Each worker process keeps its SMTP connection open from one delivery to the next
(`KeptConnection`): a fan-out of hundreds of emails pays the connect, greeting and
QUIT once, not once per message. A connection that failed in any way is dropped
and the next send opens a new one; one idle for a while is checked with a NOOP
before it carries a message, so a connection the server has since closed costs a
reconnect, not a failed attempt. Nothing is ever sent twice for a reconnect: the
check happens before the message goes out, and a failed send goes through the
same retry path as before.
"""

import copy
import logging
import os
import smtplib
import threading
import time

from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.core.mail import mailers
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db.models import F

from campaign import outbox
from leadership.models.delivery import DeliveryStatus

logger = logging.getLogger(__name__)

# Tries per delivery, the first included. Retries wait 30 s, 1, 2 and 4 minutes (with jitter, never
# more than RETRY_BACKOFF_MAX): all of it far inside the Redis visibility timeout (an hour), so a
# waiting retry is never redelivered as if it were lost. Settings (DELIVERY_*) can shorten them.
MAX_ATTEMPTS = outbox.MAX_ATTEMPTS
RETRY_BACKOFF = settings.DELIVERY_RETRY_BACKOFF
RETRY_BACKOFF_MAX = settings.DELIVERY_RETRY_BACKOFF_MAX
RETRY_JITTER = settings.DELIVERY_RETRY_JITTER
# Longer than any retry wait, so the reaper does not pick up a delivery that is only waiting its turn.
STALE_AFTER = outbox.STALE_AFTER


class TransientSendError(Exception):
    """A failure worth retrying: the server was unreachable, slow, or answered 4xx."""


# Deliveries per batch task (a summary's fan-out), and how long a batch may run before it hands the
# rest over to one-delivery tasks (the task's soft time limit is four minutes).
BATCH_SIZE = 20
BATCH_BUDGET = 60

# A kept connection idle longer than this is checked (NOOP) before it carries a message; one idle
# longer than KEEP_IDLE is closed and opened afresh (servers drop idle clients after a few minutes).
PROBE_AFTER_IDLE = 2.0
KEEP_IDLE = 60.0
# Some servers limit the messages per connection: open a new one now and then, before they refuse.
MESSAGES_PER_CONNECTION = 200


class KeptConnection:
    """
    The default mailer's SMTP connection, kept open across deliveries in this process and thread.

    Other backends (locmem in tests, console, file) are used as `message.send()` would: nothing kept.
    A change of MAILERS (a test's override_settings) or of process (a fork) starts a new connection.
    """

    def __init__(self):
        self._local = threading.local()

    def _state(self):
        state = self._local
        config = mailers.settings.get("default")
        if getattr(state, "config", None) != config or getattr(state, "pid", None) != os.getpid():
            if getattr(state, "pid", None) == os.getpid():
                self.drop()
            state.config = copy.deepcopy(config)
            state.pid = os.getpid()
            state.backend = mailers.default
            state.used_at = 0.0
            state.sent = 0
        return state

    def send(self, message):
        """Send `message` over the kept connection, opening or renewing it first when needed."""
        state = self._state()
        backend = state.backend
        if not isinstance(backend, SmtpBackend):
            return message.send()
        if backend.connection is not None:
            idle = time.monotonic() - state.used_at
            if (
                idle > KEEP_IDLE
                or state.sent >= MESSAGES_PER_CONNECTION
                or (idle > PROBE_AFTER_IDLE and not self._alive(backend))
            ):
                self.drop()
        try:
            if backend.open():
                state.sent = 0
            # Open already, so send_messages leaves the connection open after the message.
            sent = backend.send_messages([message])
        except BaseException:
            # Whatever state the session is in (mid-DATA, timed out), it cannot carry another message.
            self.drop()
            raise
        state.used_at = time.monotonic()
        state.sent += 1
        return sent

    @staticmethod
    def _alive(backend):
        try:
            return backend.connection.noop()[0] == 250
        except (smtplib.SMTPException, OSError):
            return False

    def drop(self):
        """Forget the connection at once: no QUIT, which a hung or gone server would make wait."""
        backend = getattr(self._local, "backend", None)
        if not isinstance(backend, SmtpBackend):
            return
        for name in ("connection", "_partial_connection"):
            connection = getattr(backend, name, None)
            if connection is not None:
                setattr(backend, name, None)
                connection.close()


kept_connection = KeptConnection()


def delivery_claim(*, model, pk, related=("leader",)):
    """Move the delivery from queued to sending; the row (with `related` loaded) when this caller won it, else None."""
    return outbox.delivery_claim(model=model, pk=pk, related=related)


def deliveries_claim(*, model, pks, related=("leader",)):
    """Claim every delivery of `pks` still queued, in one conditional update (see campaign.outbox)."""
    return outbox.deliveries_claim(model=model, pks=pks, related=related)


def delivery_send(*, model, pk, build, related=("leader",)):
    """
    Send delivery `pk` of `model` once. `build(delivery)` returns the unsent EmailMessage; `related`
    names what the claimed row is loaded with (what `build` reads, in the same query).

    Returns the final status, or None when another worker holds it or it is already done.
    Raises TransientSendError after putting the row back to queued, for the task to retry,
    unless this was the last attempt: then the row is failed and the status returned.
    """
    delivery = delivery_claim(model=model, pk=pk, related=related)
    if delivery is None:
        logger.info("delivery %s %s not queued any more; nothing to do", model._meta.label, pk)
        return None
    return _send_claimed(delivery, build)


def _send_claimed(delivery, build):
    return outbox.delivery_send_claimed(
        delivery=delivery, build=build, send=kept_connection.send, transient=TransientSendError
    )


def retry_countdown(attempts):
    """Seconds before the try after `attempts` failed ones: the backoff the tasks' autoretry uses."""
    return get_exponential_backoff_interval(
        factor=RETRY_BACKOFF, retries=attempts - 1, maximum=RETRY_BACKOFF_MAX, full_jitter=RETRY_JITTER
    )


def delivery_send_batch(*, model, pks, build, single, related=("leader",)):
    """
    Send the deliveries `pks` of `model` one after another: all claimed at once (one update, one read),
    then each sent and marked exactly as `delivery_send` does, over the kept connection.

    A batch never retries anything itself: when a send fails transiently, that delivery's retry and
    every delivery after it go to `single` (the one-delivery task, with its own bounded retries), so an
    absent or hanging server is met by one delivery, not by the whole batch in turn. The same hand-over
    happens once the batch has run BATCH_BUDGET seconds, to stay far inside the task's time limit.
    Deliveries handed over unsent are first given back (queued, their attempt not counted). A delivery
    whose message cannot be built is failed and the batch goes on. A worker killed mid-batch leaves its
    claimed rows in sending, for the reaper, like a single delivery's.
    Returns {pk: status} for the deliveries this batch tried.
    """
    started = time.monotonic()
    claimed = deliveries_claim(model=model, pks=pks, related=related)
    outcome = {}
    for index, delivery in enumerate(claimed):
        if time.monotonic() - started > BATCH_BUDGET:
            _hand_over(single, claimed[index:])
            break
        try:
            outcome[delivery.pk] = _send_claimed(delivery, build)
        except TransientSendError:
            outcome[delivery.pk] = DeliveryStatus.QUEUED
            single.apply_async((delivery.pk,), countdown=retry_countdown(delivery.attempts))
            _hand_over(single, claimed[index + 1 :])
            break
        except Exception:
            logger.exception("delivery %s %s could not be built; failed", model._meta.label, delivery.pk)
            outcome[delivery.pk] = DeliveryStatus.FAILED
    return outcome


def _hand_over(single, deliveries):
    """Give claimed but untried deliveries back to the queue, uncounted, and enqueue each on its own."""
    if not deliveries:
        return
    given_back = []
    for delivery in deliveries:
        if outbox.claimed_row(delivery).update(status=DeliveryStatus.QUEUED, attempts=F("attempts") - 1):
            given_back.append(delivery.pk)
    for pk in given_back:
        single.delay(pk)
    logger.info("handed %s deliveries of a batch over to single tasks", len(given_back))


def deliveries_release_stale(*, model, older_than=STALE_AFTER):
    """
    Put back the deliveries of `model` a killed worker left in sending (to queued, or failed on their last
    attempt) and return the ids to enqueue again: queued and not picked up for longer than `older_than`.
    """
    return outbox.deliveries_release_stale(model=model, older_than=older_than)
