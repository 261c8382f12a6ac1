"""The feedback log's rows, written in Python, write what the template partial they replaced wrote."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse

from leadership.feedback_rows import row_html, row_urls
from leadership.models import Feedback
from leadership.views.feedback import _update_form
from tests.factories import DepartmentFactory, FeedbackFactory, FeedbackThemeFactory, ServiceProblemFactory

# The `feedback-row` partial of templates/leadership/feedback_log.html before the rows moved to Python.
TEMPLATE_ROW = (Path(__file__).parent / "feedback_row_before.html").read_text()


def _normalised(html):
    """Whitespace between tags folded, and the CSRF token (masked afresh on every call) left out."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "CSRF", html)
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.parametrize("can_write", [True, False])
def test_python_rows_match_the_template_they_replace(campaign, can_write):
    department = DepartmentFactory(campaign=campaign, name="Ops & <b>")
    theme = FeedbackThemeFactory(campaign=campaign, name="Late <i>")
    FeedbackFactory(
        campaign=campaign,
        department=department,
        theme=theme,
        customer="A&B",
        summary="<script>x</script>",
        status="resolved",
        resolved_on=date(2026, 1, 2),
        action="Said <sorry>",
    )
    FeedbackFactory(campaign=campaign, kind="compliment", severity="", customer="")
    FeedbackFactory(campaign=campaign, action="")
    problem = ServiceProblemFactory(campaign=campaign, title="T<i>", status="won", won_on=date(2026, 2, 3))
    FeedbackFactory(
        campaign=campaign, featured=True, service_problem=problem, status="resolved", resolved_on=date(2026, 2, 3)
    )
    request = RequestFactory().get("/")
    request.campaign = campaign
    template = engines["django"].from_string(TEMPLATE_ROW)
    items = row_urls(campaign, list(Feedback.objects.for_log(campaign)))
    assert len(items) == 4
    for item in items:
        form = _update_form(request, item)
        written = row_html(request, item, form, campaign=campaign, can_write=can_write)
        context = {"item": item, "form": form, "campaign": campaign, "can_write": can_write, "csrf_token": "x"}
        assert _normalised(written) == _normalised(template.render(context, request))
        assert "<script>" not in written
        assert ("&lt;script&gt;" in written) == ("<script>" in item.summary)


def test_a_page_of_rows_carries_one_csrf_token(client_for, champion, campaign):
    for _ in range(3):
        FeedbackFactory(campaign=campaign)
    text = client_for(champion).get(reverse("leadership:feedback-list", kwargs={"slug": campaign.slug})).text
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', text))
    assert text.count('class="feedback-update"') == 3
    assert len(tokens) <= 2  # the rows share one; the quick entry form has its own
