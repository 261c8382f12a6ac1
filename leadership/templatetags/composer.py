"""
The composer's choice lists, rendered in Python: a campaign has hundreds of leaders and open roadblocks, and
a template loop (or an `{% include %}`) per row costs more than the rest of the page. The markup is what the
templates wrote; every value is escaped with `campaign.markup.escape`, then the whole list is
marked safe once (`_safe`), several times faster than `format_html` per row.
"""

from django import template
from django.utils import dateformat

from campaign.markup import escape, markup
from campaign.models import ServiceProblem
from leadership.models import Event, Stance, Wiifm

register = template.Library()

BENEFIT_LABELS = dict(ServiceProblem.Benefit.choices)
EVENT_KIND_LABELS = dict(Event._meta.get_field("kind").flatchoices)


def _checkbox(name, pk, chosen):
    checked = " checked" if str(pk) in chosen else ""
    return f'<input type="checkbox" name="{name}" value="{pk}" id="id_{name}_{pk}"{checked}>'


def _names(leaders):
    return escape(", ".join(leader.name for leader in leaders))


# The tags every leader row repeats, escaped once: their stance, and each thing a leader may value.
STANCE_TAGS = {
    value: f'<span class="tag tag--stance-{escape(value)}">{escape(str(label))}</span>'
    for value, label in Stance.choices
}
WIIFM_TAGS = {value: f'<span class="tag tag--wiifm">{escape(str(label))}</span> ' for value, label in Wiifm.choices}
NOT_KNOWN_YET = '<span class="muted">Not known yet</span>'


@register.simple_tag
def leader_choices(leaders, chosen):
    """One `<li>` per leader: a checkbox, the name, the stance and what they value (their WIIFM)."""
    wiifm_html = {}  # leaders share a few WIIFM lists: each one's tags are joined once
    rows = []
    for leader in leaders:
        key = tuple(leader.wiifm)
        wiifm = wiifm_html.get(key)
        if wiifm is None:
            wiifm = wiifm_html[key] = (
                "".join(WIIFM_TAGS[value] for value in key if value in WIIFM_TAGS) or NOT_KNOWN_YET
            )
        stance = STANCE_TAGS.get(leader.stance) or f'<span class="tag tag--stance-{escape(leader.stance)}"></span>'
        rows.append(
            f'<li class="choice">{_checkbox("recipients", leader.pk, chosen)}'
            f'<label for="id_recipients_{leader.pk}">{escape(leader.name)}</label>'
            f'<span class="choice__meta">{stance} {wiifm}</span></li>'
        )
    return markup("".join(rows))


@register.simple_tag
def suggestion_choices(suggestions, name, chosen):
    """One `<li>` per Suggestion: its benefits, whom it suits ("Suggested for") and who already has it."""
    return markup("".join(_suggestion(s, name, chosen) for s in suggestions))


def _suggestion(s, name, chosen):
    item = s.item
    label = str(item) if name == "visits" else item.title  # a benchmarking report is named by its organisation
    benefits = getattr(item, "benefits", None) or []
    meta = ["".join(f'<span class="tag">{escape(BENEFIT_LABELS[b])}</span> ' for b in benefits if b in BENEFIT_LABELS)]
    if s.fits:
        meta.append(f'<span class="tag tag--suggested">Suggested for {_names(s.fits)}</span>')
    if s.sent_to:
        meta.append(f'<span class="tag tag--warn">Already sent to {_names(s.sent_to)}</span>')
    suggested = " choice--suggested" if s.fits else ""
    return (
        f'<li class="choice{suggested}">{_checkbox(name, item.pk, chosen)}'
        f'<label for="id_{name}_{item.pk}">{escape(label)}</label>'
        f'<span class="choice__meta">{" ".join(meta)}</span></li>'
    )


@register.simple_tag
def event_choices(events, chosen):
    """One `<li>` per invitation: its kind and its date."""
    return markup("".join(_event(event, chosen) for event in events))


def _event(event, chosen):
    kind = EVENT_KIND_LABELS.get(event.kind, event.kind)
    return (
        f'<li class="choice">{_checkbox("events", event.pk, chosen)}'
        f'<label for="id_events_{event.pk}">{escape(event.title)}</label>'
        f'<span class="choice__meta"><span class="tag">{escape(kind)}</span> '
        f"{escape(dateformat.format(event.happens_on, 'j M Y'))}</span></li>"
    )


@register.simple_tag
def roadblock_choices(problems, chosen):
    """One `<li>` per open roadblock: whom it is for and what is asked."""
    return markup("".join(_roadblock(problem, chosen) for problem in problems))


def _roadblock(problem, chosen):
    leader = problem.roadblock_leader
    meta = f"for {escape(leader.name)}" if leader else "for any leader"
    if problem.roadblock_ask:
        meta += f" — {escape(problem.roadblock_ask)}"
    return (
        f'<li class="choice">{_checkbox("roadblocks", problem.pk, chosen)}'
        f'<label for="id_roadblocks_{problem.pk}">{escape(problem.title)}</label>'
        f'<span class="choice__meta">{meta}</span></li>'
    )
