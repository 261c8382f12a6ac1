"""
The outbox of member mail: emails to members and would-be members of a campaign (added to a campaign,
an invitation, "a volunteer signed up"), one MemberDelivery row per recipient, sent by a worker.

The shape is the leader outbox's (leadership.delivery), kept here because `campaign/` imports no other
app: `member_mail_queue` writes the rows and rings the broker once the transaction commits;
`member_delivery_send` claims a row with a conditional update (queued → sending), so a retried or
duplicated task cannot send it twice, renders it, sends it (the mailer has EMAIL_TIMEOUT) and marks it.
A transient failure puts the row back to queued and re-raises, for the task's autoretry (SMTPException,
ConnectionError, TimeoutError only) to try again with backoff; a permanent one (a 5xx) or the last
attempt fails the row. `member_deliveries_release_stale` finds rows a lost broker message or a killed
worker left behind, for beat's requeue task to enqueue again. The tries, backoff and stale delay are
the leader mail's settings (DELIVERY_*), so both outboxes behave alike.
"""

import logging
import smtplib
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from campaign.emails import make_message, render_subject
from campaign.models import MemberDelivery

logger = logging.getLogger(__name__)

Status = MemberDelivery.Status

MAX_ATTEMPTS = settings.DELIVERY_MAX_ATTEMPTS
STALE_AFTER = timedelta(seconds=settings.DELIVERY_STALE_AFTER_SECONDS)
# Named, not imported: the task module imports this one (tasks stand on services, not the reverse).
SEND_TASK = "campaign.tasks.send_member_delivery"
# What the outbox page shows in place of a value that only the recipient may see (a single-use link).
HIDDEN = "(hidden: only the recipient sees this link)"


def campaign_values(campaign):
    """What member mail says of its campaign, as the plain values an outbox row keeps."""
    return {"campaign": {"name": campaign.name, "why": campaign.why}}


def _enqueue(pk):
    current_app.send_task(SEND_TASK, args=(pk,))


@transaction.atomic
def member_mail_queue(*, campaign, template, recipients, context, secret_context=None, triggered_by=None):
    """
    Queue email `template` to each of `recipients` (pairs of address and that recipient's own context,
    merged over `context`), one row each, and enqueue their sending once the transaction commits (a
    rolled-back transaction sends nothing). Every value must be plain JSON. Returns the rows.
    """
    rows = []
    for email, own in recipients:
        values = {**context, **own}
        rows.append(
            MemberDelivery(
                campaign=campaign,
                to_email=email,
                template=template,
                subject=render_subject(template, values)[:300],
                context=values,
                secret_context=secret_context or {},
                triggered_by=triggered_by,
            )
        )
    # One INSERT however many recipients; PostgreSQL and SQLite both return the new ids for the tasks.
    rows = MemberDelivery.objects.bulk_create(rows)
    for row in rows:
        transaction.on_commit(lambda pk=row.pk: _enqueue(pk))
    return rows


def member_delivery_message(delivery, *, reveal=False):
    """The unsent message of `delivery`; its secret values only when `reveal` (the send), never for a page."""
    secrets = {key: value if reveal and value is not None else HIDDEN for key, value in delivery.secret_context.items()}
    message = make_message(delivery.template, [delivery.to_email], {**delivery.context, **secrets})
    message.extra_headers["Message-ID"] = delivery.message_id
    return message


def is_transient(error):
    """Worth another try: the server was unreachable or slow, or answered 4xx."""
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in error.recipients.values())
    return isinstance(error, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, TimeoutError))


def _describe(error):
    return f"{type(error).__name__}: {error}"[:500]


def member_delivery_claim(*, pk):
    """Move the delivery from queued to sending: the row when this caller won it, None otherwise."""
    claimed = MemberDelivery.objects.filter(pk=pk, status=Status.QUEUED).update(
        status=Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    return MemberDelivery.objects.get(pk=pk) if claimed else None


def member_delivery_send(*, pk):
    """
    Send member delivery `pk` once. Returns its final status, or None when another worker holds it or it
    is done already. Re-raises a transient error (the row back at queued) for the task to retry, unless
    this was the last attempt: then the row is failed and the status returned.
    """
    delivery = member_delivery_claim(pk=pk)
    if delivery is None:
        logger.info("member delivery %s not queued any more; nothing to do", pk)
        return None
    # Marks apply to this claim only: if the reaper handed the row to another worker meanwhile, this
    # worker's outcome must not overwrite that worker's.
    mine = MemberDelivery.objects.filter(pk=pk, status=Status.SENDING, claimed_at=delivery.claimed_at)
    forget = dict.fromkeys(delivery.secret_context)
    try:
        message = member_delivery_message(delivery, reveal=True)
    except Exception as error:
        # A message that cannot be built will not build on a retry either.
        mine.update(status=Status.FAILED, last_error=_describe(error), secret_context=forget)
        raise
    try:
        message.send()
    except Exception as error:
        if is_transient(error) and delivery.attempts < MAX_ATTEMPTS:
            mine.update(status=Status.QUEUED, last_error=_describe(error))
            raise
        mine.update(status=Status.FAILED, last_error=_describe(error), secret_context=forget)
        logger.warning("member delivery %s failed for good after %s attempt(s): %s", pk, delivery.attempts, error)
        return Status.FAILED
    mine.update(status=Status.SENT, sent_at=timezone.now(), last_error="", secret_context=forget)
    return Status.SENT


def member_deliveries_release_stale(*, older_than=STALE_AFTER):
    """
    Put back the deliveries left in sending too long (the worker died mid-send): to queued, or to failed
    when they used all their attempts. Returns the ids of the queued ones nobody has picked up for
    `older_than`, for the caller to enqueue again (the claim keeps a second task from sending twice).
    """
    cutoff = timezone.now() - older_than
    stuck = MemberDelivery.objects.filter(status=Status.SENDING, claimed_at__lt=cutoff)
    stuck.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Status.FAILED, last_error="The worker stopped while sending, on the last attempt.", secret_context={}
    )
    stuck.filter(attempts__lt=MAX_ATTEMPTS).update(status=Status.QUEUED)
    stale = MemberDelivery.objects.filter(
        Q(status=Status.QUEUED) & (Q(claimed_at__lt=cutoff) | Q(claimed_at__isnull=True, created_at__lt=cutoff))
    )
    return list(stale.values_list("pk", flat=True))
