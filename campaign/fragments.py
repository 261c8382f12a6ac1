"""
Hot fragments: the few loops that draw hundreds or thousands of items on one page.

Most of Rising Tide is Django templates. A handful of fragments repeat one small piece of markup
many times a page: the service map's 2,500 cells, the gallery's and the print run's cards, the
feedback log's rows, the board's cards, the coverage grid. Django's engine spends roughly 15 µs a
node on them (a 50 × 50 map: about 40 ms of CPU, more than the rest of the page), so those
fragments, and only those, are Jinja2 templates (`templates/<app>/_<thing>.jinja`, autoescape on),
which compile to Python and draw the same loop about three times faster. One approach, used the
same way everywhere:

- in a Django template: `{% load fragments %}{% fragment "personas/_card_list.jinja" cards=cards %}`;
- as an htmx response: `render(request, "leadership/_feedback_rows.jinja", context, using="fragments")`;
- for a form on a hot page (the feedback log's quick entry and filters, the ally list's and the
  gallery's filters, each with a select of fifty departments): `default_renderer = FormRenderer()` on
  the form class draws it with the Jinja2 copies of Django's own form and widget templates (shipped
  with Django), in this same environment. Django's engine took about 20 µs an option.

The environment below gives the fragments the few helpers they use (`url`, `static`, `pluralize`,
`date`, `timesince`, `days_ago`), and refuses undefined names, so a misspelt variable fails in the
tests instead of printing nothing.
"""

import functools
from pathlib import Path

import django.forms
import jinja2
from django.conf import settings
from django.forms.renderers import BaseRenderer
from django.template import engines
from django.templatetags.static import static
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.timesince import timesince

ENGINE = "fragments"


def url(name, *args, **kwargs):
    """`{% url %}` for fragments: url("personas:card-edit", slug, pk)."""
    return reverse(name, args=args or None, kwargs=kwargs or None)


def pluralize(count, suffixes="s"):
    """Django's `pluralize` filter: "" for one, "s" (or the plural of "y,ies") otherwise."""
    singular, _, plural = suffixes.rpartition(",") if "," in suffixes else ("", "", suffixes)
    return singular if count == 1 else plural


def date(value, pattern="j M Y"):
    """Django's `date` filter, in the current time zone for datetimes."""
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, pattern)


def days_ago(day, today):
    """
    How long ago a day was, in whole days ("today", "yesterday", "3 days ago"): a date has no time,
    so one logged today reads "today" rather than the hours since midnight.
    """
    days = (today - day).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{timesince(day, today, depth=1)} ago"


def environment(**options):
    options.setdefault("undefined", jinja2.StrictUndefined)
    options.pop("autoescape", None)  # always on, whatever the settings say
    env = jinja2.Environment(autoescape=True, **options)
    env.globals.update(url=url, static=static)
    env.filters.update(pluralize=pluralize, date=date, timesince=timesince, days_ago=days_ago)
    return env


def render_fragment(name, context, request=None):
    """The fragment `name` drawn with `context` (a dict); with `request`, `csrf_input` is there too."""
    return engines[ENGINE].get_template(name).render(context, request)


@functools.cache
def _forms_environment():
    """
    The fragments environment, reading Django's own Jinja2 form and widget templates, or our copy of
    one of them under templates/jinja2/ (only select.html, which writes its options in place).
    """
    ours = Path(settings.BASE_DIR) / "templates" / "jinja2"
    django_forms = Path(django.forms.__file__).parent / "jinja2"
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(ours), jinja2.FileSystemLoader(django_forms)])
    return engines[ENGINE].env.overlay(loader=loader)


class _FormTemplate:
    def __init__(self, template):
        self.template = template

    def render(self, context=None, request=None):
        return self.template.render(context or {})


class FormRenderer(BaseRenderer):
    """Django's form rendering (div.html, field.html, each widget's template) drawn by the fragments engine."""

    def get_template(self, template_name):
        return _FormTemplate(_forms_environment().get_template(template_name))
