"""
The feedback log's rows (templates/leadership/_feedback_rows.jinja): what each row shows, escaped; the
controls drawn from the row's values; a refused update shown in its row; a fixed number of queries.
"""

import re
from datetime import date

import pytest
from django.urls import reverse

from leadership.models import Feedback
from tests.factories import DepartmentFactory, FeedbackFactory, FeedbackThemeFactory, ServiceProblemFactory

HTMX = {"HTTP_HX_REQUEST": "true"}
HOSTILE = '<script>alert("x")</script>'


def url(name, campaign, **kwargs):
    return reverse(f"leadership:{name}", kwargs={"slug": campaign.slug, **kwargs})


def row_of(html, item):
    """The markup of one row of the log."""
    return html.split(f'id="feedback-{item.pk}"', 1)[1].split("</li>", 1)[0]


@pytest.fixture
def hostile_complaint(campaign):
    """A resolved complaint, a story made of it, every text field hostile."""
    problem = ServiceProblemFactory(campaign=campaign, title=HOSTILE, status="won", won_on=date(2026, 2, 3))
    return FeedbackFactory(
        campaign=campaign,
        department=DepartmentFactory(campaign=campaign, name=f"Ops {HOSTILE}"),
        theme=FeedbackThemeFactory(campaign=campaign, name=f"Late {HOSTILE}"),
        customer=HOSTILE,
        summary=HOSTILE,
        action=HOSTILE,
        status="resolved",
        resolved_on=date(2026, 2, 3),
        service_problem=problem,
    )


@pytest.mark.parametrize("who", ["champion", "viewer"])
def test_every_value_a_row_shows_is_escaped(client_for, request, campaign, hostile_complaint, who):
    text = client_for(request.getfixturevalue(who)).get(url("feedback-list", campaign)).text
    row = row_of(text, hostile_complaint)
    assert "<script>" not in text
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
    # Summary, customer, department, theme, the story's title, and the action (in its box or as text).
    assert row.count(escaped) == 6


def test_a_row_shows_its_tags_meta_and_story(client_for, viewer, campaign):
    problem = ServiceProblemFactory(campaign=campaign, title="Faster refunds", status="won", won_on=date(2026, 2, 3))
    item = FeedbackFactory(
        campaign=campaign,
        severity="high",
        received_on=date(2026, 1, 5),
        channel="phone",
        customer="Mrs Lee",
        department=DepartmentFactory(campaign=campaign, name="Billing"),
        featured=False,
        status="resolved",
        resolved_on=date(2026, 2, 3),
        service_problem=problem,
        action="",
    )
    row = row_of(client_for(viewer).get(url("feedback-list", campaign)).text, item)
    assert '<span class="tag tag--complaint">Complaint</span>' in row
    assert '<span class="tag tag--severity-high">High</span>' in row
    assert '<span class="tag">Resolved</span>' in row
    assert "5 Jan 2026 · Phone · Billing · Mrs Lee" in row
    story = reverse("campaign:problem-detail", args=[campaign.slug, problem.pk])
    assert f'<a href="{story}"><strong>Faster refunds</strong></a> (won 3 Feb 2026, on the wins board)' in row
    # A viewer reads what is being done, and gets no controls.
    assert "<strong>Being done:</strong> nothing recorded yet" in row
    assert "<form" not in row and "Edit<span" not in row


def test_a_champions_row_draws_its_controls_from_its_values(client_for, champion, campaign):
    item = FeedbackFactory(campaign=campaign, status="in_progress", action="Calling back")
    row = row_of(client_for(champion).get(url("feedback-list", campaign)).text, item)
    update = url("feedback-update", campaign, pk=item.pk)
    assert f'action="{update}" hx-post="{update}" hx-target="#feedback-{item.pk}"' in row
    assert f'<label for="id_fb{item.pk}_status">Status:</label>' in row
    assert re.findall(r"<option [^>]*>", row) == [
        '<option value="open">',
        '<option value="in_progress" selected>',
        '<option value="resolved">',
    ]
    assert f'<label for="id_fb{item.pk}_action">What is being done:</label>' in row
    assert f'aria-describedby="id_fb{item.pk}_action_helptext"' in row
    assert "\nCalling back</textarea>" in row
    assert "Turn into a service story" not in row  # not resolved yet


def test_a_compliment_row_offers_featuring_and_no_status(client_for, champion, campaign):
    item = FeedbackFactory(campaign=campaign, kind="compliment", severity="", featured=True)
    row = row_of(client_for(champion).get(url("feedback-list", campaign)).text, item)
    assert '<span class="tag tag--featured">Featured</span>' in row
    assert 'name="featured" value=""' in row and "Unfeature<span" in row
    assert 'name="status"' not in row


def test_a_page_of_rows_carries_one_csrf_token(client_for, champion, campaign):
    for _ in range(3):
        FeedbackFactory(campaign=campaign)
    FeedbackFactory(campaign=campaign, kind="compliment", severity="")
    text = client_for(champion).get(url("feedback-list", campaign)).text
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', text))
    assert text.count('class="feedback-update"') == 3
    assert len(tokens) <= 2  # the rows share one; the quick entry form has its own


def test_a_refused_update_shows_what_was_typed_and_the_error_in_its_row(client_for, champion, campaign):
    item = FeedbackFactory(campaign=campaign, status="open", action="")
    response = client_for(champion).post(
        url("feedback-update", campaign, pk=item.pk), {"status": "lost", "action": f"Typed {HOSTILE}"}, **HTMX
    )
    assert response.status_code == 200
    text = response.text
    assert text.lstrip().startswith(f'<li class="row feedback-row feedback-row--complaint" id="feedback-{item.pk}"')
    assert f'<ul class="errorlist" id="id_fb{item.pk}_status_error"><li>Select a valid choice.' in text
    assert f'aria-invalid="true" aria-describedby="id_fb{item.pk}_status_error"' in text
    assert " selected" not in text  # "lost" is none of the choices
    assert "Typed &lt;script&gt;" in text and "<script>" not in text
    assert '<span class="tag">Open</span>' in text  # the saved status, not the refused one
    item.refresh_from_db()
    assert (item.status, item.action) == ("open", "")


def test_a_refused_update_without_javascript_shows_the_row_on_its_own_page(client_for, champion, campaign):
    item = FeedbackFactory(campaign=campaign, status="open")
    response = client_for(champion).post(url("feedback-update", campaign, pk=item.pk), {"status": "lost"})
    assert response.status_code == 200
    assert "<html" in response.text and "The change was not saved" in response.text
    assert f'id="id_fb{item.pk}_status_error"' in response.text
    assert url("feedback-list", campaign) in response.text


def test_an_accepted_update_answers_the_row_without_errors(client_for, champion, campaign):
    item = FeedbackFactory(campaign=campaign, status="open")
    response = client_for(champion).post(
        url("feedback-update", campaign, pk=item.pk), {"status": "in_progress", "action": "On it"}, **HTMX
    )
    assert "errorlist" not in response.text
    assert '<option value="in_progress" selected>' in response.text
    assert "Status and action saved" in response.headers["HX-Trigger"]


def test_the_log_draws_many_rows_in_a_fixed_number_of_queries(
    client_for, champion, campaign, django_assert_max_num_queries, settings
):
    department = DepartmentFactory(campaign=campaign)
    theme = FeedbackThemeFactory(campaign=campaign)
    problems = ServiceProblemFactory.create_batch(30, campaign=campaign, status="won", won_on=date(2026, 2, 3))
    Feedback.objects.bulk_create(
        [
            Feedback(
                campaign=campaign,
                kind="complaint" if n % 2 else "compliment",
                severity="high" if n % 2 else "",
                summary=f"Item {n}",
                received_on=date(2026, 1, 1),
                department=department,
                theme=theme,
                service_problem=problems[n // 2] if n % 2 else None,
                status="resolved" if n % 2 else "open",
                resolved_on=date(2026, 2, 3) if n % 2 else None,
            )
            for n in range(60)
        ]
    )
    client = client_for(champion)
    with django_assert_max_num_queries(14):
        text = client.get(url("feedback-list", campaign)).text
    assert text.count('class="row feedback-row') == 25
    with django_assert_max_num_queries(14):
        client.get(url("feedback-list", campaign), {"page": 2, "kind": "complaint"})
