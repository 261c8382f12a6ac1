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
- as an htmx response: `render(request, "leadership/_feedback_row.jinja", context, using="fragments")`.

The environment below gives the fragments the few helpers they use (`url`, `static`, `pluralize`,
`date`, `timesince`, `days_ago`), and refuses undefined names, so a misspelt variable fails in the
tests instead of printing nothing.
"""

import jinja2
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
