"""
The wins board's cards rendered in Python: up to four columns of twelve cards, each with its tags,
goal, owner and move buttons, cost a few hundred template lookups and a `{% csrf_token %}` per card.
The markup is the card the board template drew (tests compare the two); every value is escaped.
"""

from django import template

from campaign.markup import escape, markup

register = template.Library()


@register.simple_tag(takes_context=True)
def board_cards(context, cards):
    """
    One `<li class="card">` per card. Reads from the board's context: `suggested_ids`, `moved_id`,
    `can_write` and the CSRF token (read once per column, not once per card).
    """
    suggested = context.get("suggested_ids") or ()
    moved_id = context.get("moved_id")
    csrf = ""
    if context.get("can_write"):
        token = context.get("csrf_token")
        if token and token != "NOTPROVIDED":  # noqa: S105 -- Django's marker for no token, not a secret
            csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'
    can_write = bool(context.get("can_write"))
    html = "".join(_card(card, card.pk in suggested, card.pk == moved_id, can_write, csrf) for card in cards)
    return markup(html)


def _card(problem, suggested, moved, can_write, csrf):
    pk = int(problem.pk)
    title = escape(problem.title)
    tags = (
        f'<span class="tag tag--{escape(problem.difficulty)}">{escape(problem.get_difficulty_display())}</span>\n'
        f'<span class="tag">{escape(problem.get_impact_display())} impact</span>\n'
    )
    if problem.is_open_roadblock:
        tags += '<span class="tag tag--roadblock">Roadblock</span>\n'
    if problem.status == "won":
        if problem.celebrated_on:
            tags += '<span class="tag tag--celebrated">Celebrated</span>\n'
        else:
            tags += '<span class="tag tag--waiting">Not celebrated yet</span>\n'
    goal = problem.goal
    if goal:
        aim = f"Aims at <strong>{escape(goal.title)}</strong>"
    else:
        aim = '<span class="card__unaimed">Not aimed at a goal</span>'
    meta = f"{escape(problem.department.name)} · " if problem.department else ""
    owner = problem.owner
    meta += escape(owner.get_full_name() or owner.username) if owner else "No owner"
    people = problem.people_count
    if people:
        meta += f" · {int(people)} {'person' if people == 1 else 'people'}"
    moves = ""
    if can_write:
        move_url = escape(problem.move_url)
        buttons = "".join(
            f'<button type="submit" name="to" value="{escape(value)}" aria-label="{escape(label)}: {title}" '
            f'class="button--small'
            f'{"" if value in ("in_progress", "won") else " button--secondary"}">{escape(label)}</button>\n'
            for value, label in problem.moves()
        )
        moves = (
            f'<form method="post" action="{move_url}" hx-post="{move_url}" hx-target="#board" hx-swap="outerHTML" '
            f'class="card__moves">\n{csrf}\n{buttons}</form>\n'
        )
    return (
        f'<li class="card{" card--suggested" if suggested else ""}" id="problem-{pk}" tabindex="-1"'
        f"{' data-moved' if moved else ''}>\n"
        f"{'<p class="card__flag">Suggested next</p>\n' if suggested else ''}"
        f'<h3 class="card__title"><a href="{escape(problem.detail_url)}">{title}</a></h3>\n'
        f'<p class="card__tags">\n{tags}</p>\n'
        f'<p class="card__goal">{aim}</p>\n'
        f'<p class="card__meta muted">{meta}</p>\n'
        f"{moves}</li>"
    )
