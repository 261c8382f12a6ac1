"""A briefing pack's email to one leader, and the same content as the leader's web version."""

from django.template.loader import render_to_string

from campaign.emails import make_message
from leadership import selectors, signing


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


def pack_web_html(delivery):
    """The HTML the leader reads on the web: the email's own HTML, without the 'read on the web' link."""
    from django.conf import settings

    context = {"site_url": settings.SITE_URL, **pack_context(delivery), "web": True}
    return render_to_string("emails/briefing-pack-body.html", context)
