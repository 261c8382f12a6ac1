"""`{{ value|reading:goal.unit }}`: a goal's figure as people write it (42.5%, £120k, 31 NPS points)."""

from django import template

from campaign.readings import format_value

register = template.Library()


@register.filter
def reading(value, unit=""):
    return format_value(value, unit)
