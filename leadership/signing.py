"""
Signed links for leaders, who never log in: the web version of a pack, and Accept/Decline on an
invitation. Each purpose has its own salt, so a token made for one can never open the other, and
an age limit. A tampered or expired token is a 404, and a log line for whoever watches for probing.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.urls import reverse

logger = logging.getLogger(__name__)

PACK_SALT = "leadership.pack-web"
ANSWER_SALT = "leadership.event-answer"
# Long enough to read a pack after a holiday; short enough that a forwarded mail stops working.
PACK_MAX_AGE = timedelta(days=60)
ANSWER_MAX_AGE = timedelta(days=60)


def _absolute(path):
    return settings.SITE_URL + path


def pack_web_url(delivery):
    token = signing.dumps({"d": delivery.pk}, salt=PACK_SALT, compress=True)
    return _absolute(reverse("leadership:pack-web", kwargs={"token": token}))


def answer_url(*, event, leader, accepted):
    token = signing.dumps({"e": event.pk, "l": leader.pk, "a": int(bool(accepted))}, salt=ANSWER_SALT, compress=True)
    return _absolute(reverse("leadership:event-answer", kwargs={"token": token}))


def load(token, *, salt, max_age):
    """The payload of a token, or Http404 (logged) when it was tampered with or has expired."""
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        logger.warning("expired leader link refused (%s)", salt)
    except signing.BadSignature:
        logger.warning("tampered leader link refused (%s): %.40s", salt, token)
    raise Http404("This link is not valid.")
