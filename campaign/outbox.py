"""
Outboxes: one row per email and recipient, claimed before sending, retried on transient errors only.

The mechanics every outbox shares live here, on the ground, so the leader outbox (leadership.delivery)
and the member outbox below use one copy of them:

- `delivery_claim` / `deliveries_claim` move rows from queued to sending with a conditional update, so a
  retried or duplicated task cannot send a row twice: only the caller whose update changed it goes on;
- `delivery_send_claimed` builds, sends (the mailer has EMAIL_TIMEOUT) and marks a claimed row; a
  transient failure puts it back to queued and raises, for the task's autoretry to try again with
  backoff; a permanent one (a 5xx) or the last attempt fails the row;
- `deliveries_release_stale` puts back rows a killed worker left in sending and names the ones a lost
  broker message left queued, for beat's requeue task to enqueue again;
- `enqueue_on_commit` rings the broker once the transaction commits, by task name: services stand below
  the tasks that call them and never import them.

The tries, backoff and stale delay are settings (DELIVERY_*), so every outbox behaves alike.

The member outbox: emails to members and would-be members of a campaign (added to a campaign, an
invitation, "a volunteer signed up"), one MemberDelivery row per recipient. `member_mail_queue` writes
the rows; `member_delivery_send` sends one.
"""

import logging
import smtplib
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from campaign.emails import make_message, render_subject
from campaign.models import MemberDelivery

logger = logging.getLogger(__name__)

# Every outbox's statuses have these values (MemberDelivery.Status, leadership's DeliveryStatus).
Status = MemberDelivery.Status

MAX_ATTEMPTS = settings.DELIVERY_MAX_ATTEMPTS
STALE_AFTER = timedelta(seconds=settings.DELIVERY_STALE_AFTER_SECONDS)
SEND_MEMBER_DELIVERY = "campaign.tasks.send_member_delivery"
# What the outbox page shows in place of a value that only the recipient may see (a single-use link).
HIDDEN = "(hidden: only the recipient sees this link)"


def enqueue_on_commit(task_name, *args):
    """
    Enqueue task `task_name` with `args` (ids, plain JSON) once the transaction commits; a rolled-back
    transaction enqueues nothing. By name, so a service never imports the tasks module standing on it.
    """
    transaction.on_commit(lambda: current_app.send_task(task_name, args=args))


def is_transient(error):
    """Worth another try: the server was unreachable or slow, or answered 4xx."""
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in error.recipients.values())
    return isinstance(error, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, TimeoutError))


def describe_error(error):
    """The error as a row's `last_error` keeps it."""
    return f"{type(error).__name__}: {error}"[:500]


def deliveries_claim(*, model, pks, related=()):
    """
    Claim every row of `pks` still queued in one conditional update (queued → sending, one attempt
    counted): the rows this caller won, with `related` loaded, in the order of `pks`.
    """
    claimed_at = timezone.now()
    model.objects.filter(pk__in=pks, status=Status.QUEUED).update(
        status=Status.SENDING, claimed_at=claimed_at, attempts=F("attempts") + 1
    )
    rows = model.objects.select_related(*related) if related else model.objects
    won = rows.filter(pk__in=pks, status=Status.SENDING, claimed_at=claimed_at)
    rows = {row.pk: row for row in won}
    return [rows[pk] for pk in dict.fromkeys(pks) if pk in rows]


def delivery_claim(*, model, pk, related=()):
    """Claim row `pk` of `model` (see deliveries_claim): the row when this caller won it, None otherwise."""
    won = deliveries_claim(model=model, pks=[pk], related=related)
    return won[0] if won else None


def claimed_row(delivery):
    """
    The row while it is still this claim's. Marks apply to this claim only: if the reaper gave the row to
    another worker meanwhile (a send that outlasted STALE_AFTER), this worker's outcome must not overwrite
    that worker's.
    """
    return type(delivery).objects.filter(pk=delivery.pk, status=Status.SENDING, claimed_at=delivery.claimed_at)


def delivery_send_claimed(*, delivery, build, send, done=None, transient=None):
    """
    Build, send and mark a row this caller has claimed. `build(delivery)` gives the unsent message,
    `send(message)` sends it; `done` are the fields to set once the row is sent or has failed (what must
    not outlive the send). Returns the final status. A transient failure before the last attempt puts
    the row back to queued and raises (`transient(str(error))` when given, else the error itself).
    """
    mine = claimed_row(delivery)
    done = done or {}
    try:
        message = build(delivery)
    except Exception as error:
        # A message that cannot be built will not build on a retry either: fail it rather than leave
        # it in sending, where the reaper would put it back to queued again and again.
        mine.update(status=Status.FAILED, last_error=describe_error(error), **done)
        raise
    message.extra_headers["Message-ID"] = delivery.message_id
    try:
        send(message)
    except Exception as error:
        if is_transient(error) and delivery.attempts < MAX_ATTEMPTS:
            mine.update(status=Status.QUEUED, last_error=describe_error(error))
            if transient is None:
                raise
            raise transient(str(error)) from error
        mine.update(status=Status.FAILED, last_error=describe_error(error), **done)
        logger.warning(
            "delivery %s %s failed for good after %s attempt(s): %s",
            delivery._meta.label,
            delivery.pk,
            delivery.attempts,
            error,
        )
        return Status.FAILED
    mine.update(status=Status.SENT, sent_at=timezone.now(), last_error="", **done)
    return Status.SENT


def deliveries_release_stale(*, model, older_than=STALE_AFTER, done=None):
    """
    Put back the rows of `model` left in sending too long (the worker died mid-send): to queued, or to
    failed (with `done` set) when they used all their attempts. Returns the ids of the queued ones nobody
    has picked up for `older_than`, for the caller to enqueue again (the claim keeps a second task from
    sending twice).
    """
    cutoff = timezone.now() - older_than
    stuck = model.objects.filter(status=Status.SENDING, claimed_at__lt=cutoff)
    stuck.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Status.FAILED, last_error="The worker stopped while sending, on the last attempt.", **(done or {})
    )
    stuck.filter(attempts__lt=MAX_ATTEMPTS).update(status=Status.QUEUED)
    stale = model.objects.filter(
        Q(status=Status.QUEUED) & (Q(claimed_at__lt=cutoff) | Q(claimed_at__isnull=True, created_at__lt=cutoff))
    )
    return list(stale.values_list("pk", flat=True))


# --- Member mail -------------------------------------------------------------------------------


def campaign_values(campaign):
    """
    What member mail says of its campaign, as the plain values an outbox row keeps; every member mail
    links to the page where the member chooses what the campaign emails them about.
    """
    settings_path = reverse("campaign:notifications", kwargs={"slug": campaign.slug})
    return {"campaign": {"name": campaign.name, "why": campaign.why}, "settings_url": settings.SITE_URL + settings_path}


@transaction.atomic
def member_mail_queue(*, campaign, template, recipients, context, secret_context=None, triggered_by=None, event=None):
    """
    Queue email `template` to each of `recipients` (pairs of address and that recipient's own context,
    merged over `context`; or triples whose third item is that recipient's own secret values, merged over
    `secret_context`), one row each, and enqueue their sending once the transaction commits (a
    rolled-back transaction sends nothing). Every value must be plain JSON. Returns the rows.
    """
    rows = []
    for email, own, *own_secrets in recipients:
        values = {**context, **own}
        rows.append(
            MemberDelivery(
                campaign=campaign,
                to_email=email,
                template=template,
                subject=render_subject(template, values)[:300],
                context=values,
                secret_context={**(secret_context or {}), **(own_secrets[0] if own_secrets else {})},
                triggered_by=triggered_by,
                event=event,
            )
        )
    # One INSERT however many recipients; PostgreSQL and SQLite both return the new ids for the tasks.
    rows = MemberDelivery.objects.bulk_create(rows)
    for row in rows:
        enqueue_on_commit(SEND_MEMBER_DELIVERY, row.pk)
    return rows


def member_delivery_message(delivery, *, reveal=False):
    """
    The unsent message of `delivery`; its secret values only when `reveal` (the send), never for a page.
    Recurring mail keeps its one-click unsubscribe address as the secret `unsubscribe_url`: the sent
    message then carries the RFC 8058 headers too.
    """
    secrets = {key: value if reveal and value is not None else HIDDEN for key, value in delivery.secret_context.items()}
    headers = {}
    if reveal and delivery.secret_context.get("unsubscribe_url"):
        headers = {
            "List-Unsubscribe": f"<{delivery.secret_context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    message = make_message(delivery.template, [delivery.to_email], {**delivery.context, **secrets}, headers=headers)
    message.extra_headers["Message-ID"] = delivery.message_id
    return message


def member_delivery_send(*, pk):
    """
    Send member delivery `pk` once. Returns its final status, or None when another worker holds it or it
    is done already. Re-raises a transient error (the row back at queued) for the task to retry, unless
    this was the last attempt: then the row is failed and the status returned. The secret values are
    blanked once the row is sent or has failed.
    """
    delivery = delivery_claim(model=MemberDelivery, pk=pk)
    if delivery is None:
        logger.info("member delivery %s not queued any more; nothing to do", pk)
        return None
    return delivery_send_claimed(
        delivery=delivery,
        build=lambda row: member_delivery_message(row, reveal=True),
        send=lambda message: message.send(),
        done={"secret_context": dict.fromkeys(delivery.secret_context)},
    )


def member_deliveries_release_stale(*, older_than=STALE_AFTER):
    """The member rows to enqueue again (see deliveries_release_stale); a failed one forgets its secrets."""
    return deliveries_release_stale(model=MemberDelivery, older_than=older_than, done={"secret_context": {}})
