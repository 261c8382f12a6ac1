"""`{% fragment "app/_thing.jinja" name=value … %}`: a hot fragment (see campaign/fragments.py) inside a page."""

from django import template
from django.utils.safestring import mark_safe

from campaign.fragments import render_fragment

register = template.Library()


@register.simple_tag(takes_context=True)
def fragment(context, name, **values):
    # The fragments engine escapes every value it prints (autoescape on), so what it returns is markup.
    html = render_fragment(name, values, request=context.get("request"))
    return mark_safe(html)  # noqa: S308 # nosec B308 B703 - rendered by the autoescaping Jinja2 engine
