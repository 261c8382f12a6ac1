"""
Leader emails as the leader's web versions: the email's own HTML, without the 'read it on the web'
link, so what a leader opens in a browser is what they were sent. And a briefing pack's email.
"""

from django.conf import settings
from django.template.loader import render_to_string

from campaign.emails import make_message
from leadership import selectors, signing, summaries


def pack_context(delivery, *, pack=None):
    """What the pack templates need for `delivery`'s leader; `pack` when already loaded by pack_for_reading."""
    pack = pack or selectors.pack_for_reading(delivery.pack)
    leader = delivery.leader
    sender = pack.sent_by or pack.created_by
    events = [
        {
            "event": event,
            "accept_url": signing.answer_url(event=event, leader=leader, accepted=True),
            "decline_url": signing.answer_url(event=event, leader=leader, accepted=False),
        }
        for event in pack.events.all()
    ]
    return {
        "pack": pack,
        "campaign": pack.campaign,
        "leader": leader,
        "sender_name": (sender.get_full_name() or sender.username) if sender else "the campaign team",
        "stories": list(pack.stories.all()),
        "clippings": list(pack.clippings.all()),
        "visits": list(pack.visits.all()),
        "events": events,
        "roadblocks": selectors.roadblocks_for(pack, leader),
        "talking_points": pack.talking_point_list(),
        "web_url": signing.pack_web_url(delivery) if delivery.pk else None,
    }


def pack_message(delivery, *, pack=None):
    """The multipart email of `delivery` (not sent); replies go to the champion who sent it."""
    context = pack_context(delivery, pack=pack)
    sender = context["pack"].sent_by or context["pack"].created_by
    headers = {"Reply-To": sender.email} if sender and sender.email else None
    return make_message("briefing-pack", [delivery.leader.email], context, headers=headers)


def web_html(name, context):
    return render_to_string(f"emails/{name}-body.html", {"site_url": settings.SITE_URL, **context, "web": True})


def pack_web_html(delivery):
    """The HTML the leader reads on the web for a briefing pack."""
    return web_html("briefing-pack", pack_context(delivery))


def summary_web_html(delivery):
    """The HTML the leader reads on the web for an executive summary, with its unsubscribe link."""
    context = summaries.summary_context(delivery.summary, delivery.leader)
    context.update(leader=delivery.leader, unsubscribe_url=signing.unsubscribe_url(delivery.leader))
    return web_html("summary", context)
