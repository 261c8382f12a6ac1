"""
Posts to chat channels and webhooks: one ChannelDelivery row per event and channel (written by
campaign.events), sent through the outbox's claim / send / requeue helpers like member mail.

Each kind gets the body its receiver expects:

- Slack incoming webhook: `{"text": …, "blocks": [...]}`, user text escaped for Slack's mrkdwn (`&`, `<`,
  `>`), so a title cannot ping `<!channel>` or hide a link;
- Microsoft Teams (a Workflows "post to a channel when a webhook request is received" address, or a
  connector): a message with one Adaptive Card, user text with markdown's characters escaped;
- generic webhook: the event as JSON, signed: `X-RisingTide-Signature: sha256=<hex HMAC-SHA256 of
  "<timestamp>.<body>" with the channel's signing secret>` and `X-RisingTide-Timestamp` (docs/api.md).

Sent with http.client through urllib.request, not with a notification library: the outbox must tell a
5xx or a timeout (try again, with backoff), a 429 (try again after its Retry-After) and any other 4xx
(fail at once: the address is wrong or revoked) apart, and libraries that post to many services
(apprise) report only "sent or not". Redirects are not followed: a webhook that moved is a failure the
admin should see. Unless CHANNEL_ALLOW_LOCAL_URLS, an address must be https and resolve to a public
host, so a channel cannot be aimed at the site's own network.
"""

import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import re
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from campaign import outbox
from campaign.event_kinds import KINDS
from campaign.models import Channel, ChannelDelivery

logger = logging.getLogger(__name__)

TIMEOUT = settings.CHANNEL_TIMEOUT
USER_AGENT = "RisingTide-Webhook/1"
TEST_LABEL = "Test post"


class PostRejected(Exception):
    """The receiver refused the post for good (a 4xx other than 429, a redirect, a forbidden address)."""


class PostServerError(ConnectionError):
    """The receiver failed (a 5xx): worth another try, with backoff. A ConnectionError, so the outbox's
    is_transient and the task's autoretry treat it as one."""


class PostRateLimited(PostServerError):
    """A 429: worth another try after `retry_after` seconds."""

    def __init__(self, message, retry_after):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class Post:
    """A post ready to go: where, the body, the headers. `extra_headers` as an email has, for the outbox."""

    url: str
    body: bytes
    headers: dict
    extra_headers: dict = field(default_factory=dict)

    def pretty_body(self):
        return json.dumps(json.loads(self.body), indent=2, ensure_ascii=False)


# --- What a post says ------------------------------------------------------------------------------


def post_values(delivery):
    """The plain values every kind of post is made of."""
    event = delivery.event
    campaign = delivery.campaign
    if event is None:
        return {
            "kind": "test",
            "label": TEST_LABEL,
            "subject": delivery.subject,
            "url": settings.SITE_URL + campaign.get_absolute_url(),
            "facts": [["Channel", delivery.channel.name]],
            "campaign": campaign.name,
            "occurred_at": delivery.created_at.isoformat(),
        }
    return {
        "kind": event.kind,
        "label": KINDS[event.kind].label,
        "subject": event.subject,
        "url": event.absolute_url,
        "facts": event.facts,
        "campaign": campaign.name,
        "occurred_at": event.occurred_at.isoformat(),
    }


def slack_escape(text):
    """Text as Slack's mrkdwn shows it literally: &, < and > are its control characters."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<])")


def markdown_escape(text):
    """Text as Teams' markdown shows it literally (no links, emphasis or headings from user input)."""
    return MARKDOWN.sub(r"\\\1", str(text))


def slack_body(values):
    lines = [f"*{slack_escape(values['label'])}* · {slack_escape(values['campaign'])}", slack_escape(values["subject"])]
    lines += [f"{slack_escape(label)}: {slack_escape(value)}" for label, value in values["facts"]]
    if values["url"]:
        lines.append(f"<{values['url']}|Open in Rising Tide>")
    text = "\n".join(lines)
    fallback = f"{values['label']}: {values['subject']}"
    return {"text": slack_escape(fallback), "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]}


def teams_body(values):
    body = [
        {"type": "TextBlock", "text": markdown_escape(values["campaign"]), "isSubtle": True, "wrap": True},
        {"type": "TextBlock", "text": markdown_escape(values["label"]), "weight": "Bolder", "wrap": True},
        {"type": "TextBlock", "text": markdown_escape(values["subject"]), "wrap": True},
    ]
    if values["facts"]:
        facts = [{"title": markdown_escape(label), "value": markdown_escape(value)} for label, value in values["facts"]]
        body.append({"type": "FactSet", "facts": facts})
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if values["url"]:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open in Rising Tide", "url": values["url"]}]
    return {
        "type": "message",
        "summary": f"{values['label']}: {values['subject']}"[:200],
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
        ],
    }


def webhook_body(values, delivery):
    return {
        "id": delivery.message_id,
        "event": values["kind"],
        "label": values["label"],
        "campaign": {"name": values["campaign"], "slug": delivery.campaign.slug},
        "subject": values["subject"],
        "url": values["url"],
        "facts": [{"label": label, "value": value} for label, value in values["facts"]],
        "occurred_at": values["occurred_at"],
    }


def signature(secret, timestamp, body):
    """The X-RisingTide-Signature value: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def post_build(delivery, *, reveal=False):
    """
    The post of `delivery` as it is (or was) sent. Without `reveal` (a page showing it) the address and
    the signature are left out: both are secrets.
    """
    values = post_values(delivery)
    channel = delivery.channel
    if channel.kind == Channel.Kind.SLACK:
        payload = slack_body(values)
    elif channel.kind == Channel.Kind.TEAMS:
        payload = teams_body(values)
    else:
        payload = webhook_body(values, delivery)
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT}
    if channel.kind == Channel.Kind.WEBHOOK:
        timestamp = str(int(time.time()))
        headers["X-RisingTide-Event"] = values["kind"]
        headers["X-RisingTide-Delivery"] = delivery.message_id
        headers["X-RisingTide-Timestamp"] = timestamp
        headers["X-RisingTide-Signature"] = (
            signature(channel.signing_secret, timestamp, body) if reveal else outbox.HIDDEN
        )
    return Post(url=channel.secret_url if reveal else channel.masked_url, body=body, headers=headers)


# --- Sending --------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise PostRejected(f"the receiver answered {code} (a redirect); webhooks are not redirected")


OPENER = urllib.request.build_opener(_NoRedirect)


def address_check(url):
    """Refuse (PostRejected) an address a channel may not post to: not https, or a private host."""
    parts = urlsplit(url)
    if settings.CHANNEL_ALLOW_LOCAL_URLS:
        if parts.scheme not in ("http", "https"):
            raise PostRejected("a webhook address starts with https://")
        return
    if parts.scheme != "https" or not parts.hostname:
        raise PostRejected("a webhook address starts with https://")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror as error:
        raise ConnectionError(f"cannot resolve {parts.hostname}: {error}") from error
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise PostRejected(f"{parts.hostname} is a private address; posts go to public hosts only")


def retry_after_seconds(value):
    """Seconds a Retry-After header asks for (a number or an HTTP date), within CHANNEL_RETRY_AFTER_MAX."""
    if not value:
        return None
    try:
        seconds = int(value)
    except ValueError:
        try:
            seconds = int((parsedate_to_datetime(value) - timezone.now()).total_seconds())
        except (TypeError, ValueError):
            return None
    return max(1, min(seconds, settings.CHANNEL_RETRY_AFTER_MAX))


def post_send(post, *, delivery_pk=None):
    """
    POST `post`; returns the status code of a 2xx. Raises PostServerError (5xx), PostRateLimited (429),
    PostRejected (any other answer), TimeoutError or ConnectionError (no answer). The answer's status is
    kept on delivery `delivery_pk`.
    """
    address_check(post.url)
    request = urllib.request.Request(post.url, data=post.body, headers=post.headers, method="POST")  # noqa: S310
    status = None
    try:
        with OPENER.open(request, timeout=TIMEOUT) as response:
            status = response.status
            response.read(1024)
    except urllib.error.HTTPError as error:
        status = error.code
        detail = error.read(200).decode("utf-8", "replace").strip()
        message = f"the receiver answered {error.code} {error.reason}" + (f": {detail}" if detail else "")
        if error.code == 429:
            raise PostRateLimited(message, retry_after_seconds(error.headers.get("Retry-After"))) from None
        if error.code >= 500:
            raise PostServerError(message) from None
        raise PostRejected(message) from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError | socket.timeout):
            raise TimeoutError(f"the receiver did not answer within {TIMEOUT} s") from None
        raise ConnectionError(f"cannot reach the receiver: {error.reason}") from None
    except (http.client.HTTPException, ConnectionResetError) as error:
        raise ConnectionError(f"the receiver broke off: {error}") from None
    finally:
        if delivery_pk is not None and status is not None:
            ChannelDelivery.objects.filter(pk=delivery_pk).update(response_status=status)
    if not 200 <= status < 300:
        raise PostRejected(f"the receiver answered {status}")
    return status


DELIVERY_RELATED = ("channel", "event", "campaign")


def channel_delivery_send(*, pk):
    """
    Post channel delivery `pk` once. Returns its final status, or None when another worker holds it or
    it is done. A transient failure (5xx, 429, timeout, no connection) puts the row back to queued and
    re-raises for the task to retry (a PostRateLimited carries the receiver's Retry-After); on the last
    attempt, or for a refusal, the row fails.
    """
    delivery = outbox.delivery_claim(model=ChannelDelivery, pk=pk, related=DELIVERY_RELATED)
    if delivery is None:
        logger.info("channel delivery %s not queued any more; nothing to do", pk)
        return None
    if not delivery.channel.is_configured:
        outbox.claimed_row(delivery).update(
            status=ChannelDelivery.Status.FAILED, last_error="The channel has no webhook address any more."
        )
        return ChannelDelivery.Status.FAILED
    return outbox.delivery_send_claimed(
        delivery=delivery,
        build=lambda row: post_build(row, reveal=True),
        send=lambda post: post_send(post, delivery_pk=delivery.pk),
    )


def channel_deliveries_release_stale(*, older_than=outbox.STALE_AFTER):
    """The channel rows to enqueue again (see campaign.outbox.deliveries_release_stale)."""
    return outbox.deliveries_release_stale(model=ChannelDelivery, older_than=older_than)
