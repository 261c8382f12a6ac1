"""A problem made from a complaint on the feedback log shows that complaint, linked back to the log."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign.models import ServiceProblem
from tests.factories import AllyFactory, DepartmentFactory, FeedbackFactory, ServiceProblemFactory

S = ServiceProblem.Status
STORY = {"story_what": "Fixed it.", "story_before": "Late", "story_after": "On time"}


def detail(client, problem):
    return client.get(reverse("campaign:problem-detail", kwargs={"slug": problem.campaign.slug, "pk": problem.pk}))


def test_story_page_shows_the_complaint_it_came_from_with_a_link_to_the_log(client_for, viewer, campaign):
    department = DepartmentFactory(campaign=campaign, name="Dispatch")
    problem = ServiceProblemFactory(campaign=campaign, status=S.WON, won_on=date(2026, 11, 2), **STORY)
    complaint = FeedbackFactory(
        campaign=campaign,
        summary="Third late delivery this month.",
        customer="Acme Tools",
        department=department,
        received_on=date(2026, 10, 20),
        status="resolved",
        resolved_on=date(2026, 10, 30),
        service_problem=problem,
    )

    response = detail(client_for(viewer), problem)

    assert response.status_code == 200
    assert "The complaint it came from" in response.text
    assert "Third late delivery this month." in response.text
    assert "Received 20 October 2026 by email, about Dispatch, from Acme Tools." in response.text
    log = reverse("leadership:feedback-list", kwargs={"slug": campaign.slug})
    link = f"{log}?kind=complaint&amp;since=2026-10-20&amp;until=2026-10-20#feedback-{complaint.pk}"
    assert f'href="{link}"' in response.text


def test_the_log_link_finds_the_complaint(client_for, viewer, campaign):
    problem = ServiceProblemFactory(campaign=campaign)
    complaint = FeedbackFactory(campaign=campaign, received_on=date(2026, 10, 20), service_problem=problem)
    FeedbackFactory.create_batch(30, campaign=campaign, received_on=date(2026, 10, 21))
    link = detail(client_for(viewer), problem).context["complaint_url"]
    response = client_for(viewer).get(link.split("#")[0])
    assert f'id="feedback-{complaint.pk}"' in response.text


def test_a_problem_not_made_from_a_complaint_shows_none(client_for, viewer, campaign):
    problem = ServiceProblemFactory(campaign=campaign)
    FeedbackFactory(campaign=campaign)  # unlinked
    response = detail(client_for(viewer), problem)
    assert response.context["complaint"] is None
    assert "The complaint it came from" not in response.text


def test_the_complaint_is_escaped(client_for, viewer, campaign):
    problem = ServiceProblemFactory(campaign=campaign)
    FeedbackFactory(campaign=campaign, summary="<img src=x onerror=alert(1)>", service_problem=problem)
    response = detail(client_for(viewer), problem)
    assert "<img src=x" not in response.text
    assert "&lt;img src=x" in response.text


def test_story_page_queries_do_not_depend_on_the_complaint_or_the_people(client_for, viewer, campaign):
    plain = ServiceProblemFactory(campaign=campaign, status=S.WON, won_on=date(2026, 11, 2), **STORY)
    plain.people.set([AllyFactory(campaign=campaign)])
    from_complaint = ServiceProblemFactory(campaign=campaign, status=S.WON, won_on=date(2026, 11, 2), **STORY)
    from_complaint.people.set(AllyFactory.create_batch(12, campaign=campaign))
    FeedbackFactory(
        campaign=campaign,
        department=DepartmentFactory(campaign=campaign),
        status="resolved",
        resolved_on=date(2026, 11, 1),
        service_problem=from_complaint,
    )
    client = client_for(viewer)
    with CaptureQueriesContext(connection) as without:
        detail(client, plain)
    with CaptureQueriesContext(connection) as with_complaint:
        response = detail(client, from_complaint)
    assert response.context["complaint"] is not None
    assert len(with_complaint) == len(without) <= 8


def test_stories_list_says_which_story_began_as_a_complaint(client_for, viewer, campaign):
    from_complaint = ServiceProblemFactory(campaign=campaign, status=S.WON, won_on=date(2026, 11, 2), **STORY)
    ServiceProblemFactory(campaign=campaign, status=S.WON, won_on=date(2026, 11, 3), **STORY)
    FeedbackFactory(
        campaign=campaign,
        summary="Nobody answered for an hour.",
        received_on=date(2026, 10, 20),
        status="resolved",
        resolved_on=date(2026, 10, 21),
        service_problem=from_complaint,
    )
    response = client_for(viewer).get(reverse("campaign:stories", kwargs={"slug": campaign.slug}))
    assert response.text.count("Began as a complaint") == 1
    assert "Began as a complaint received 20 October 2026: “Nobody answered for an hour.”" in response.text
