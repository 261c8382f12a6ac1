"""
Leader emails: a briefing pack's, an executive summary's and a summary's test copy, each with its web
version (the email's own HTML without the 'read it on the web' link, so what a leader opens in a
browser is what they were sent), and the message every kind of the outbox shows as rendered.

A summary goes to hundreds of leaders, and most of it is the same in every copy: its figures,
complaints, compliments and wins (`emails/_summary-shared.*`). That part is rendered once per summary
(`summary_shared`; a batch of deliveries renders it once for all of them, `summary_delivery_builder`)
and each copy's template puts it between what is the reader's own: the greeting, their links and the
roadblocks put to them.
"""

from types import SimpleNamespace

from django.conf import settings
from django.template.loader import render_to_string

from campaign.emails import make_message
from campaign.outbox import member_delivery_message
from campaign.posts import post_build
from leadership import calendar, evidence, selectors, signing, summaries, tone
from leadership.models import CalendarMethod, ExecutiveSummary, InvitationUpdate, RecognitionMoment, SummaryDelivery

TEST_COPY_SUBJECT_PREFIX = "[Test] "


def web_html(name, context):
    return render_to_string(f"emails/{name}-body.html", {"site_url": settings.SITE_URL, **context, "web": True})


# --- Briefing packs -----------------------------------------------------------------------------


def pack_context(delivery, *, pack=None):
    """What the pack templates need for `delivery`'s leader; `pack` when already loaded by pack_for_reading."""
    pack = pack or selectors.pack_for_reading(delivery.pack)
    leader = delivery.leader
    sender = pack.sent_by or pack.created_by
    events = []
    for event in pack.events.all():
        event.campaign = pack.campaign  # the same row: its time zone, without a query per invitation
        events.append(
            {
                "event": event,
                "accept_url": signing.answer_url(event=event, leader=leader, accepted=True),
                "decline_url": signing.answer_url(event=event, leader=leader, accepted=False),
            }
        )
    stories = list(pack.stories.all())
    for story in stories:
        # A win celebrated in person shows its photo, through a signed link (never an attachment).
        shared = getattr(story, "shared_moments", None) or []
        story.celebration_photo = (
            {"url": signing.photo_url(shared[0].pk), "leader": shared[0].leader.name, "quote": shared[0].quote}
            if shared
            else None
        )
    return {
        "pack": pack,
        "campaign": pack.campaign,
        "leader": leader,
        "sender_name": (sender.get_full_name() or sender.username) if sender else "the campaign team",
        "stories": stories,
        "clippings": list(pack.clippings.all()),
        "visits": list(pack.visits.all()),
        "events": events,
        "roadblocks": selectors.roadblocks_for(pack, leader),
        "answers": evidence.answers_with_evidence(pack.campaign, selectors.answers_for(pack, leader)),
        "talking_points": pack.talking_point_list(),
        "web_url": signing.pack_web_url(delivery) if delivery.pk else None,
        # The leader's own order of the sections (what goes well first, or what goes wrong).
        "sections": tone.pack_sections(leader.leads_with),
    }


def pack_message(delivery, *, pack=None):
    """
    The multipart email of `delivery` (not sent); replies go to the champion who sent it. Each invitation
    still on comes with its calendar (leadership.calendar); a cancelled one has nothing to add.
    """
    context = pack_context(delivery, pack=pack)
    sender = context["pack"].sent_by or context["pack"].created_by
    headers = {"Reply-To": sender.email} if sender and sender.email else None
    message = make_message("briefing-pack", [delivery.leader.email], context, headers=headers)
    calendars = [
        calendar.event_calendar(item["event"], delivery.leader, answer_urls=(item["accept_url"], item["decline_url"]))
        for item in context["events"]
        if not item["event"].is_cancelled
    ]
    return calendar.attach(message, calendars, calendar.REQUEST)


def pack_web_html(delivery):
    """The HTML the leader reads on the web for a briefing pack."""
    return web_html("briefing-pack", pack_context(delivery))


# --- Changed and cancelled invitations ---------------------------------------------------------


def _invitation_update_of(delivery):
    if InvitationUpdate.event.is_cached(delivery) and "campaign" in delivery.event._state.fields_cache:
        return delivery.event
    return type(delivery.event).objects.select_related("campaign").get(pk=delivery.event_id)


def invitation_update_context(delivery):
    event = _invitation_update_of(delivery)
    leader = delivery.leader
    return {
        "event": event,
        "campaign": event.campaign,
        "leader": leader,
        "cancelled": delivery.method == InvitationUpdate.Method.CANCEL,
        "accept_url": signing.answer_url(event=event, leader=leader, accepted=True),
        "decline_url": signing.answer_url(event=event, leader=leader, accepted=False),
    }


def invitation_update_message(delivery):
    """
    A changed invitation's update, or its cancellation, to a leader who had it: the calendar part carries
    the sequence of this delivery, so a calendar holding an older version replaces it.
    """
    context = invitation_update_context(delivery)
    event, leader = context["event"], delivery.leader
    message = make_message("invitation-update", [leader.email], context)
    # The version this row was queued for: a later change has its own row with a higher sequence.
    event.sequence = delivery.sequence
    ics = calendar.event_calendar(
        event,
        leader,
        answer_urls=(context["accept_url"], context["decline_url"]),
        method=delivery.method,
    )
    return calendar.attach(message, [ics], delivery.method)


# --- Recognition moments -----------------------------------------------------------------------


def _moment_of(delivery):
    moment = delivery.moment
    cache = moment._state.fields_cache
    if all(name in cache for name in ("campaign", "story", "leader")):
        return moment
    return RecognitionMoment.objects.select_related("campaign", "story", "leader").get(pk=delivery.moment_id)


def recognition_context(delivery):
    moment = _moment_of(delivery)
    return {
        "moment": moment,
        "campaign": moment.campaign,
        "to_name": delivery.to_name,
        "is_leader": delivery.leader_id is not None,
        "cancelled": delivery.method == CalendarMethod.CANCEL,
        "updated": delivery.sequence > 0,
        "local_start": moment.starts_at.astimezone(moment.campaign.zone),
    }


def recognition_message(delivery):
    """A recognition moment's invitation (or update, or cancellation) with its speech card and calendar."""
    context = recognition_context(delivery)
    moment = context["moment"]
    message = make_message("recognition-invitation", [delivery.to_email], context)
    moment.sequence = delivery.sequence  # the version this row was queued for
    attendees = [(moment.leader.name, moment.leader.email)]
    if moment.copy_to and moment.copy_to.lower() != moment.leader.email.lower():
        attendees.append(("", moment.copy_to))
    if delivery.to_email not in {email.lower() for _name, email in attendees}:
        attendees.append((delivery.to_name, delivery.to_email))  # someone since dropped: their own cancel
    ics = calendar.moment_calendar(moment, attendees=attendees, method=delivery.method)
    return calendar.attach(message, [ics], delivery.method)


# --- Executive summaries ------------------------------------------------------------------------


# The shared part's sections (partials of emails/_summary-shared.*), each rendered once per summary.
SUMMARY_SHARED_SECTIONS = ("figures", "wrong", "well")


def summary_shared(summary):
    """
    The part of `summary` (or a test copy) every reader's copy shares, rendered once, section by section:
    {"text": {"figures": …, "wrong": …, "well": …}, "html": {…}}. Each leader's copy puts the sections in
    their own order (tone.summary_sections) without rendering any of them again.
    """
    context = {"summary": summary, "campaign": summary.campaign, "s": summary.snapshot}
    # Photos go as signed links (one per batch rendering), never as attachments to every copy.
    context["celebrations"] = [
        {**item, "photo_url": signing.photo_url(item["moment_id"], "thumb")}
        for item in summary.snapshot.get("celebrations", [])
    ]
    return {
        kind: {
            section: render_to_string(f"emails/_summary-shared.{ext}#{section}", context)
            for section in SUMMARY_SHARED_SECTIONS
        }
        for kind, ext in (("text", "txt"), ("html", "html"))
    }


def _summary_context(summary, leader=None, *, shared=None, **extra):
    """The summary templates' context; a leader sees only the roadblocks put to them or to no one."""
    context = summaries.summary_context(summary, leader)
    context["shared"] = shared or summary_shared(summary)
    # The leader's order of the sections; a test copy (or no leader) reads what is going well first.
    context["sections"] = tone.summary_sections(getattr(leader, "leads_with", None))
    if leader is not None:
        context.update(leader=leader, unsubscribe_url=signing.unsubscribe_url(leader))
    context.update(extra)
    return context


def _summary_headers(reply_to, unsubscribe_url=None):
    headers = {"Reply-To": reply_to} if reply_to else {}
    if unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def summary_message(*, summary, to, leader=None, web_url=None, shared=None):
    """The summary email for `to`; with a leader, it carries their web-version and unsubscribe links."""
    context = _summary_context(summary, leader, shared=shared, web_url=web_url)
    headers = _summary_headers(summary.reply_to, context.get("unsubscribe_url"))
    return make_message("summary", [to], context, headers=headers)


def _summary_of(delivery):
    if SummaryDelivery.summary.is_cached(delivery) and ExecutiveSummary.campaign.is_cached(delivery.summary):
        return delivery.summary  # loaded with the claimed row
    return ExecutiveSummary.objects.select_related("campaign").get(pk=delivery.summary_id)


def summary_delivery_message(delivery, *, shared=None):
    """The email of one summary delivery (what `delivery_send` sends); `shared` when already rendered."""
    leader = delivery.leader
    return summary_message(
        summary=_summary_of(delivery),
        to=leader.email,
        leader=leader,
        web_url=signing.summary_web_url(delivery),
        shared=shared,
    )


def summary_delivery_builder():
    """
    A build function for one batch of deliveries (`delivery_send_batch`): the shared part of each
    summary is rendered for the first of its deliveries and used for the others. It lives as long as the
    batch, so a summary is never read from a rendering older than the task.
    """
    shared = {}

    def build(delivery):
        summary = _summary_of(delivery)
        if summary.pk not in shared:
            shared[summary.pk] = summary_shared(summary)
        return summary_delivery_message(delivery, shared=shared[summary.pk])

    return build


def summary_web_html(delivery):
    """The HTML the leader reads on the web for an executive summary, with its unsubscribe link."""
    return web_html("summary", _summary_context(delivery.summary, delivery.leader))


# --- Test copies of summaries -------------------------------------------------------------------


def _test_copy_context(copy, **extra):
    """A test copy reads as a leader's copy greeting its requester, with every roadblock and its own links."""
    context = _summary_context(copy, **extra)
    context.update(
        leader=SimpleNamespace(name=copy.name),
        test_copy=copy,
        unsubscribe_url=signing.summary_test_copy_unsubscribe_url(copy),
    )
    return context


def summary_test_copy_message(copy):
    """The email of one test copy (what `delivery_send` sends): a leader's copy, marked as a test."""
    context = _test_copy_context(copy, web_url=signing.summary_test_copy_web_url(copy))
    message = make_message("summary", [copy.email], context, headers=_summary_headers("", context["unsubscribe_url"]))
    message.subject = TEST_COPY_SUBJECT_PREFIX + message.subject
    return message


def summary_test_copy_web_html(copy):
    """The web version of a test copy, as a leader's web version looks."""
    return web_html("summary", _test_copy_context(copy))


# --- The outbox's "as rendered" -----------------------------------------------------------------

# Each kind of the outbox (leadership.selectors.OUTBOX_KINDS) -> the unsent message of one of its rows.
OUTBOX_MESSAGES = {
    "pack": pack_message,
    "invitation-update": invitation_update_message,
    "recognition": recognition_message,
    "summary": summary_delivery_message,
    "summary-test": summary_test_copy_message,
    "member": member_delivery_message,
    "post": post_build,
}


def outbox_message(kind, delivery):
    """The message of `delivery`, a row of outbox kind `kind`, as it was (or will be) sent."""
    return OUTBOX_MESSAGES[kind](delivery)
