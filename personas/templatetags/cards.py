"""
"Who I serve" cards rendered in Python for the pages that list many (the gallery's 24, a print run's
hundreds): the markup of `personas/_card.html`, which the card's own page still uses, without an
`{% include %}` and a dozen template lookups per card. Every value is escaped with `campaign.markup.escape`.
"""

from django import template
from django.urls import reverse

from campaign.markup import escape, markup

register = template.Library()


@register.simple_tag
def persona_cards(cards, campaign, show_actions=False):
    """One `<li>` per card, each holding the card as `_card.html` draws it."""
    rows = "".join(f"<li>{_card(card, campaign, show_actions)}</li>" for card in cards)
    return markup(rows)


def _card(card, campaign, show_actions):
    pk = int(card.pk)
    rhythm = f' <span class="persona-card__rhythm">({escape(card.rhythm)})</span>' if card.rhythm else ""
    if card.is_inside:
        served = card.department_served
        where = f"Inside · {escape(served.name)}" if served else "Inside"
    else:
        where = "Outside"
    writer = escape(card.writer_name or "nobody on record")
    if card.writer_ally:
        department = card.writer_ally.department
        writer += f", {escape(department.name) if department else ''}"
    actions = ""
    if show_actions:
        named = escape(card.persona_name or card.role)
        edit = reverse("personas:card-edit", args=[campaign.slug, pk])
        delete = reverse("personas:card-delete", args=[campaign.slug, pk])
        actions = (
            f'<span class="persona-card__actions">'
            f'<a href="{escape(edit)}">Edit<span class="visually-hidden"> the card for {named}</span></a>\n'
            f'<a href="{escape(delete)}">Remove<span class="visually-hidden"> the card for {named}</span></a>'
            f"</span>"
        )
    return (
        f'<article class="persona-card persona-card--{escape(card.scope)}" aria-labelledby="card-{pk}-name">\n'
        f'<h3 class="persona-card__name" id="card-{pk}-name"><span class="persona-card__lead">My name is</span> '
        f"{escape(card.persona_name or '(no name yet)')},</h3>\n"
        f'<p><span class="persona-card__lead">And I am</span> {escape(card.role)}.</p>\n'
        f'<p><span class="persona-card__lead">I want</span> {escape(card.wants)}{rhythm}</p>\n'
        f'<p><span class="persona-card__lead">So I can</span> {escape(card.so_that)}</p>\n'
        f'<footer class="persona-card__foot">\n<span class="tag">{where}</span>\n'
        f"<span>Written by {writer}</span>\n{actions}</footer>\n</article>"
    )
