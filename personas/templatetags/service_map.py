"""The service map's cells, rendered in Python: a 50-department map is 2,500 cells per page."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def map_cells(row, gallery_url):
    """One row's `<td>`s: each number links to the gallery filtered to the cards behind it."""
    provider = row.department
    return format_html_join("", "{}", ((_cell(cell, provider, gallery_url),) for cell in row.cells))


def _cell(cell, provider, gallery_url):
    if not cell.cards:
        return format_html('<td class="heat-{}"><span class="visually-hidden">0</span></td>', cell.heat)
    return format_html(
        '<td class="heat-{}"><a href="{}?writer_department={}&amp;served={}">{}'
        '<span class="visually-hidden"> card{}: {} serves {}</span></a></td>',
        cell.heat,
        gallery_url,
        provider.pk,
        cell.served.pk,
        cell.cards,
        "" if cell.cards == 1 else "s",
        provider.name,
        cell.served.name,
    )
