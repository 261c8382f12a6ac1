"""
Escaping for markup written in Python (the rows, cards and widgets that would cost a template each).

`escape` is Django's conditional_escape without its lazy-argument wrapper, which ran thousands of
times a page: a safe string (anything with `__html__`) as it is, anything else through html.escape.
`markup` marks what such code built as safe; every value in it must have gone through `escape`.
"""

import html

from django.utils.safestring import mark_safe


def escape(value):
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def markup(built):
    """HTML this project's code wrote, every value in it escaped (or a number, or fixed text)."""
    return mark_safe(built)  # noqa: S308 # nosec B308 B703 - callers escape every value they put in it
