"""
The service map's rows, rendered in Python: a 50-department map is 2,500 cells per page. Each department's
name is escaped once (`campaign.markup.escape`, as Django's `escape` does it) and the cells are joined
as plain strings, then marked safe once: `format_html` per cell cost more than the rest of the page.
"""

from django import template

from campaign.markup import escape, markup

register = template.Library()


@register.simple_tag
def map_rows(service_map, gallery_url):
    """Every `<tr>` of the map's body: the writer's department, one cell per department served, the row total."""
    names = {department.pk: escape(department.name) for department in service_map.departments}
    gallery = escape(gallery_url)
    return markup("".join(_row(row, names, gallery) for row in service_map.rows))


def _row(row, names, gallery):
    provider = row.department.pk
    cells = "".join(_cell(cell, provider, names, gallery) for cell in row.cells)
    return f'<tr><th scope="row">{names[provider]}</th>{cells}<td class="service-map__total">{int(row.total)}</td></tr>'


EMPTY_CELL = '<td class="heat-0"><span class="visually-hidden">0</span></td>'  # most of the map


def _cell(cell, provider, names, gallery):
    if not cell.cards:
        return EMPTY_CELL
    cards = int(cell.cards)
    served = cell.served.pk
    link = f"{gallery}?writer_department={int(provider)}&amp;served={int(served)}"
    return (
        f'<td class="heat-{int(cell.heat)}"><a href="{link}">'
        f'{cards}<span class="visually-hidden"> card{"" if cards == 1 else "s"}: {names[provider]} serves '
        f"{names[served]}</span></a></td>"
    )
