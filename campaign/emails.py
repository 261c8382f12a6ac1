"""
Emails are three templates found by name: emails/<name>-subject.txt,
emails/<name>-body.txt and emails/<name>-body.html. The text part is written by
hand, never stripped from the HTML.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def render_subject(name, ctx):
    """The subject of email `name` rendered with `ctx`, on one line whatever the template did."""
    ctx = {"site_url": settings.SITE_URL, **ctx}
    return " ".join(render_to_string(f"emails/{name}-subject.txt", ctx).split())


def render_parts(name, ctx):
    """The subject (one line), text and HTML of email `name` rendered with `ctx`."""
    ctx = {"site_url": settings.SITE_URL, **ctx}
    subject = render_subject(name, ctx)
    text = render_to_string(f"emails/{name}-body.txt", ctx)
    html = render_to_string(f"emails/{name}-body.html", ctx)
    return subject, text, html


def message_from_parts(subject, text, html, to, *, headers=None):
    """The multipart message (not sent) of parts already rendered, for the addresses in `to`."""
    message = EmailMultiAlternatives(subject, text, to=list(to), headers=headers or {})
    message.attach_alternative(html, "text/html")
    return message


def make_message(name, to, ctx, *, headers=None):
    """Build (not send) the multipart message `name` for the addresses in `to`."""
    return message_from_parts(*render_parts(name, ctx), to, headers=headers)
