"""
The leaders list's rows rendered in Python (the template's markup, values escaped with `campaign.markup.escape`): a
template row looked up a dozen attributes through the template engine, and that was most of the page.
"""

from django import template
from django.urls import reverse
from django.utils import dateformat
from django.utils.timesince import timesince

from campaign.markup import escape, markup
from leadership.models.leaders import campaign_today
from leadership.templatetags.composer import STANCE_TAGS, WIIFM_TAGS

register = template.Library()


@register.simple_tag
def leader_rows(leaders, campaign):
    """One `<tr>` per leader (from `Leader.objects.for_list`): name and title, stance, WIIFM, last engaged, owner."""
    today = campaign_today(campaign)
    rows = "".join(_row(leader, campaign, today) for leader in leaders)
    return markup(rows)


def engaged_ago(day, today):
    """
    How long ago a day was, in whole days: an engagement has a date, not a time, so one logged today
    is "today" rather than the hours since midnight.
    """
    days = (today - day).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{timesince(day, today, depth=1)} ago"


def _row(leader, campaign, today):
    url = reverse("leadership:leader-detail", kwargs={"slug": campaign.slug, "pk": leader.pk})
    name = f'<a href="{escape(url)}"><strong>{escape(leader.name)}</strong></a>'
    if leader.title:
        department = f", {escape(leader.department.name)}" if leader.department else ""
        name += f'<br><span class="muted">{escape(leader.title)}{department}</span>'
    stance = STANCE_TAGS.get(leader.stance) or f'<span class="tag tag--stance-{escape(leader.stance)}"></span>'
    wiifm = "".join(WIIFM_TAGS[value] for value in leader.wiifm if value in WIIFM_TAGS)
    wiifm = wiifm or '<span class="muted">Not known yet</span>'
    if leader.last_engaged:
        when = leader.last_engaged
        ago = engaged_ago(when, today)
        engaged = f'{escape(dateformat.format(when, "j M Y"))} <span class="muted">({escape(ago)})</span>'
    else:
        engaged = '<span class="tag tag--warn">Never</span>'
    owner = leader.owner
    owner = escape(owner.get_full_name() or owner.username) if owner else '<span class="muted">Nobody</span>'
    return f"<tr>\n<td>{name}</td>\n<td>{stance}</td>\n<td>{wiifm}</td>\n<td>{engaged}</td>\n<td>{owner}</td>\n</tr>\n"
