"""
Test copies of executive summaries: a member sends themselves the next summary as it stands (from
its preview) or one already sent, to see what leaders will read before they read it.

A test copy goes through the outbox like a leader's copy (a SummaryTestCopy row, claimed and sent
by a task, retried on transient errors), and its links work: the web version opens this copy, and
the unsubscribe link records that it was used on this copy. Neither link names a leader or a
delivery, so a test can never unsubscribe a leader or mark a leader's copy opened. The copy keeps
its own snapshot: testing the next summary creates no ExecutiveSummary, and beat still creates the
real one for that period when it is due.
"""

from types import SimpleNamespace

from django.db import transaction
from django.utils import timezone

from campaign.emails import make_message
from leadership import emails, signing, summaries
from leadership.models import SummaryTestCopy

SUBJECT_PREFIX = "[Test] "


def summary_test_copy_create(*, campaign, user, summary=None):
    """
    Queue a test copy for `user`'s own address: of `summary`, or of the next summary as its preview
    shows it now. Sent by a task once the transaction commits.
    """
    from leadership.tasks import send_summary_test_copy

    if summary is None:
        period, snapshot = summaries.summary_preview(campaign=campaign)
        start, end = period.start, period.end
    else:
        start, end, snapshot = summary.period_start, summary.period_end, summary.snapshot
    with transaction.atomic():
        copy = SummaryTestCopy.objects.create(
            campaign=campaign,
            requested_by=user,
            name=user.get_full_name() or user.get_username(),
            email=user.email,
            of_next=summary is None,
            period_start=start,
            period_end=end,
            snapshot=snapshot,
        )
        send_summary_test_copy.delay_on_commit(copy.pk)
    return copy


def _context(copy):
    return {
        **summaries.summary_context(copy),
        "leader": SimpleNamespace(name=copy.name),
        "test_copy": copy,
        "unsubscribe_url": signing.summary_test_copy_unsubscribe_url(copy),
    }


def build_test_copy_message(copy):
    """The email of one test copy (what `delivery_send` sends): a leader's copy, marked as a test."""
    context = {**_context(copy), "web_url": signing.summary_test_copy_web_url(copy)}
    headers = {
        "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    message = make_message("summary", [copy.email], context, headers=headers)
    message.subject = SUBJECT_PREFIX + message.subject
    return message


def summary_test_copy_web_html(copy):
    """The web version of a test copy, as a leader's web version looks."""
    return emails.web_html("summary", _context(copy))


def summary_test_copy_mark_opened(*, copy):
    SummaryTestCopy.objects.filter(pk=copy.pk, opened_at__isnull=True).update(opened_at=timezone.now())


def summary_test_copy_unsubscribe(*, copy):
    """What a leader's unsubscribe would do, done to the test copy only: record it, stop nobody."""
    SummaryTestCopy.objects.filter(pk=copy.pk, unsubscribe_tried_at__isnull=True).update(
        unsubscribe_tried_at=timezone.now()
    )
