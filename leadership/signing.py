"""
Signed links for leaders, who never log in: the web version of a briefing pack or an executive
summary, Accept/Decline on an invitation, and the summaries' unsubscribe link. Each purpose has
its own salt, so a token made for one can never open another, and an age limit. A tampered or
expired token is a 404, and a log line for whoever watches for probing.
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
SUMMARY_SALT = "leadership.summary-web-version"
UNSUBSCRIBE_SALT = "leadership.summary-unsubscribe"
TEST_COPY_SALT = "leadership.summary-test-copy"
# Long enough to read a pack after a holiday; short enough that a forwarded mail stops working.
PACK_MAX_AGE = timedelta(days=60)
ANSWER_MAX_AGE = timedelta(days=60)
SUMMARY_MAX_AGE = timedelta(days=90)
# None: an unsubscribe link in an old email must still work, and it can only switch summaries off.
UNSUBSCRIBE_MAX_AGE = None
# A test copy is read the day it is sent; its two links share one token.
TEST_COPY_MAX_AGE = timedelta(days=30)


def _absolute(path):
    return settings.SITE_URL + path


def pack_web_url(delivery):
    token = signing.dumps({"d": delivery.pk}, salt=PACK_SALT, compress=True)
    return _absolute(reverse("leadership:pack-web", kwargs={"token": token}))


def answer_url(*, event, leader, accepted):
    token = signing.dumps({"e": event.pk, "l": leader.pk, "a": int(bool(accepted))}, salt=ANSWER_SALT, compress=True)
    return _absolute(reverse("leadership:event-answer", kwargs={"token": token}))


def summary_web_token(delivery):
    return signing.dumps({"d": delivery.pk}, salt=SUMMARY_SALT, compress=True)


def summary_web_url(delivery):
    return _absolute(reverse("leadership:summary-web", kwargs={"token": summary_web_token(delivery)}))


def unsubscribe_token(leader):
    return signing.dumps({"l": leader.pk, "c": leader.campaign_id}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(leader):
    return _absolute(reverse("leadership:summary-unsubscribe", kwargs={"token": unsubscribe_token(leader)}))


def summary_test_copy_token(copy):
    return signing.dumps({"t": copy.pk}, salt=TEST_COPY_SALT, compress=True)


def summary_test_copy_web_url(copy):
    return _absolute(reverse("leadership:summary-test-web", kwargs={"token": summary_test_copy_token(copy)}))


def summary_test_copy_unsubscribe_url(copy):
    return _absolute(reverse("leadership:summary-test-unsubscribe", kwargs={"token": summary_test_copy_token(copy)}))


def load(token, *, salt, max_age):
    """The payload of a token, or Http404 (logged) when it was tampered with or has expired."""
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        logger.warning("expired leader link refused (%s)", salt)
    except signing.BadSignature:
        logger.warning("tampered leader link refused (%s): %.40s", salt, token)
    raise Http404("This link is not valid.")


PHOTO_SALT = "leadership.recognition-photo"
# A photo in a summary or a pack is looked at for weeks after; not for ever.
PHOTO_MAX_AGE = timedelta(days=90)
PHOTO_SIZES = ("thumb", "full")


def photo_url(moment_id, size="thumb"):
    """A leader's signed link to a recognition photo: the summary and packs show it through this."""
    token = signing.dumps({"m": moment_id, "s": size}, salt=PHOTO_SALT, compress=True)
    return _absolute(reverse("leadership:moment-photo-signed", kwargs={"token": token}))
