"""
The feedback log's rows, written in Python: a page shows 25, each with a dozen fields and an update
form, and the template's per-row lookups were most of the page's time. The markup is what the
`feedback-row` partial wrote; every value from the database goes through escape().
"""

from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString

from campaign.links import url_maker
from campaign.markup import escape


def row_urls(campaign, items):
    """Each row's update, edit, story and feature addresses, reversed once per page rather than once a row."""
    for name in ("update", "edit", "story", "feature"):
        url = url_maker(f"leadership:feedback-{name}", campaign)
        for item in items:
            setattr(item, f"{name}_url", url(item.pk))
    return items


def _csrf_input(request):
    """The hidden CSRF field, made once a request (each get_token() call masks the secret anew)."""
    field = getattr(request, "_feedback_csrf_input", None)
    if field is None:
        field = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(get_token(request))}">'
        request._feedback_csrf_input = field
    return field


def row_html(request, item, form, *, campaign, can_write):
    """One row of the log (`<li>`), as the partial wrote it; `item` carries row_urls()'s addresses."""
    pk, kind = item.pk, escape(item.kind)
    tags = [f'<span class="tag tag--{kind}">{escape(item.get_kind_display())}</span>']
    if item.severity:
        tags.append(
            f'<span class="tag tag--severity-{escape(item.severity)}">{escape(item.get_severity_display())}</span>'
        )
    if item.is_complaint:
        tags.append(f'<span class="tag">{escape(item.get_status_display())}</span>')
    if item.featured:
        tags.append('<span class="tag tag--featured">Featured</span>')
    meta = [date_format(item.received_on, "j M Y"), item.get_channel_display()]
    if item.department_id:
        meta.append(item.department.name)
    if item.theme_id:
        meta.append(item.theme.name)
    if item.customer:
        meta.append(item.customer)
    tags.append(f'<span class="muted">{" · ".join(escape(part) for part in meta)}</span>')
    parts = [
        f'<li class="row feedback-row feedback-row--{kind}" id="feedback-{pk}">',
        '  <div class="row__main">',
        '    <p class="feedback-row__meta">',
        *(f"      {tag}" for tag in tags),
        "    </p>",
        f'    <p class="feedback-row__summary">{escape(item.summary)}</p>',
    ]
    if item.service_problem_id:
        problem = item.service_problem
        link = reverse("campaign:problem-detail", args=[campaign.slug, problem.pk])
        parts.append(
            f'    <p class="muted">Service story: <a href="{escape(link)}"><strong>{escape(problem.title)}</strong></a>'
            f" (won {escape(date_format(problem.won_on, 'j M Y') if problem.won_on else '')}, on the wins board)</p>"
        )
    if item.is_complaint:
        if can_write:
            update_url = escape(item.update_url)
            parts += [
                f'    <form method="post" action="{update_url}" hx-post="{update_url}" hx-target="#feedback-{pk}"'
                ' hx-swap="outerHTML" class="feedback-update" novalidate>',
                f"      {_csrf_input(request)}",
                f'      <div class="form-inline">{form}<button type="submit" class="button--small">Save'
                '<span class="visually-hidden"> status and action</span></button></div>',
                "    </form>",
            ]
        else:
            parts.append(f"    <p><strong>Being done:</strong> {escape(item.action or 'nothing recorded yet')}</p>")
    parts.append("  </div>")
    if can_write:
        parts += [
            '  <div class="actions">',
            f'    <a class="button button--secondary button--small" href="{escape(item.edit_url)}">Edit'
            f'<span class="visually-hidden"> feedback {pk}</span></a>',
        ]
        if not item.is_complaint:
            feature_url = escape(item.feature_url)
            verb, value = ("Unfeature", "") if item.featured else ("Feature", "on")
            parts += [
                f'    <form method="post" action="{feature_url}" hx-post="{feature_url}" hx-target="#feedback-{pk}"'
                ' hx-swap="outerHTML">',
                f'      {_csrf_input(request)}<input type="hidden" name="featured" value="{value}">'
                f'<button type="submit" class="button--secondary button--small">{verb}'
                f'<span class="visually-hidden"> compliment {pk} for leaders</span></button>',
                "    </form>",
            ]
        if item.can_become_story:
            # A link to the story form: only a saved story makes the win.
            parts.append(
                f'    <a class="button button--secondary button--small" href="{escape(item.story_url)}">'
                f'Turn into a service story<span class="visually-hidden"> (feedback {pk})</span></a>'
            )
        parts.append("  </div>")
    parts.append("</li>")
    # Every value from the database or the request went through escape() above; the form renders itself safely.
    return SafeString("\n".join(parts))  # nosec B703 - every value escaped above
