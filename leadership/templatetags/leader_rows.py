"""
The leaders list's rows rendered in Python (the template's markup, values escaped with `html.escape`): a
template row looked up a dozen attributes through the template engine, and that was most of the page.
"""

from html import escape

from django import template
from django.urls import reverse
from django.utils import dateformat
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince

from leadership.templatetags.composer import STANCE_TAGS, WIIFM_TAGS

register = template.Library()


def _e(value):
    return escape(str(value))


@register.simple_tag
def leader_rows(leaders, campaign):
    """One `<tr>` per leader (from `Leader.objects.for_list`): name and title, stance, WIIFM, last engaged, owner."""
    rows = "".join(_row(leader, campaign) for leader in leaders)
    return mark_safe(rows)  # noqa: S308  # nosec B308 B703 -- built here, every value escaped by _e


def _row(leader, campaign):
    url = reverse("leadership:leader-detail", kwargs={"slug": campaign.slug, "pk": leader.pk})
    name = f'<a href="{_e(url)}"><strong>{_e(leader.name)}</strong></a>'
    if leader.title:
        department = f", {_e(leader.department.name)}" if leader.department else ""
        name += f'<br><span class="muted">{_e(leader.title)}{department}</span>'
    stance = STANCE_TAGS.get(leader.stance) or f'<span class="tag tag--stance-{_e(leader.stance)}"></span>'
    wiifm = "".join(WIIFM_TAGS[value] for value in leader.wiifm if value in WIIFM_TAGS)
    wiifm = wiifm or '<span class="muted">Not known yet</span>'
    if leader.last_engaged:
        when = leader.last_engaged
        engaged = f'{_e(dateformat.format(when, "j M Y"))} <span class="muted">({_e(timesince(when))} ago)</span>'
    else:
        engaged = '<span class="tag tag--warn">Never</span>'
    owner = leader.owner
    owner = _e(owner.get_full_name() or owner.username) if owner else '<span class="muted">Nobody</span>'
    return f"<tr>\n<td>{name}</td>\n<td>{stance}</td>\n<td>{wiifm}</td>\n<td>{engaged}</td>\n<td>{owner}</td>\n</tr>\n"
