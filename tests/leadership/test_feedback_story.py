"""
"Turn into a service story": a resolved complaint opens the story form, filled in from the complaint;
only a saved story puts a won problem on the wins board.
"""

from datetime import date

from django.urls import reverse

from campaign.models import ServiceProblem
from leadership.models import Feedback
from leadership.models.feedback import Status
from tests.factories import AllyFactory, DepartmentFactory, FeedbackFactory, GoalFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, campaign, **kwargs):
    return reverse(f"leadership:{name}", kwargs={"slug": campaign.slug, **kwargs})


def resolved(campaign, **fields):
    values = {
        "status": Status.RESOLVED,
        "received_on": date(2026, 12, 2),
        "resolved_on": date(2026, 12, 9),
        "summary": "Invoices arrive a month late, and nobody answers when we call about them.",
        "action": "Invoices now go out the day the order ships.",
        "channel": "in_person",
        **fields,
    }
    return FeedbackFactory(campaign=campaign, **values)


def story(**fields):
    return {
        "title": "Invoices out the day the order ships",
        "story_what": "Finance and Dispatch share one list.",
        "story_before": "A month late",
        "story_after": "The same day",
        "story_figure": "30 days → 0",
        **fields,
    }


def test_the_log_offers_a_link_to_the_story_form_not_a_button_that_makes_a_win(client_for, champion, campaign):
    item = resolved(campaign)
    text = client_for(champion).get(url("feedback-list", campaign)).text
    assert f'href="{url("feedback-story", campaign, pk=item.pk)}"' in text
    assert f'action="{url("feedback-story", campaign, pk=item.pk)}"' not in text


def test_opening_the_story_form_creates_nothing_and_fills_it_from_the_complaint(client_for, champion, campaign):
    department = DepartmentFactory(campaign=campaign, name="Finance")
    item = resolved(campaign, department=department)
    response = client_for(champion).get(url("feedback-story", campaign, pk=item.pk))
    assert response.status_code == 200
    assert not ServiceProblem.objects.exists()
    form = response.context["form"]
    assert form["title"].value() == "Invoices now go out the day the order ships"
    assert form["title"].value() != item.summary
    assert form["story_what"].value() == item.action
    assert form["story_before"].value() == item.summary
    assert form["department"].value() == department.pk
    text = response.text
    assert "Received 2 December 2026 in person" in text
    assert "02 December" not in text and "by in person" not in text
    assert "Invoices arrive a month late" in text
    assert '<label for="id_goal">' in text


def test_without_an_action_the_title_names_the_department_not_the_complaint(client_for, champion, campaign):
    item = resolved(campaign, action="", department=DepartmentFactory(campaign=campaign, name="Dispatch"))
    form = client_for(champion).get(url("feedback-story", campaign, pk=item.pk)).context["form"]
    assert form["title"].value() == "A complaint about Dispatch, solved"


def test_saving_the_story_makes_the_win_linked_to_the_complaint(client_for, champion, campaign):
    item = resolved(campaign)
    goal = GoalFactory(campaign=campaign)
    ally = AllyFactory(campaign=campaign)
    client = client_for(champion)
    data = story(goal=goal.pk, people=[ally.pk], benefits=["revenue"])
    response = client.post(url("feedback-story", campaign, pk=item.pk), data)
    problem = ServiceProblem.objects.get()
    assert response.status_code == 302
    assert response.url == problem.get_absolute_url()
    assert (problem.status, problem.title, problem.goal) == ("won", "Invoices out the day the order ships", goal)
    assert (problem.won_on, problem.opened_on) == (date(2026, 12, 9), date(2026, 12, 2))
    assert (problem.story_after, problem.story_figure, problem.benefits) == ("The same day", "30 days → 0", ["revenue"])
    assert list(problem.people.all()) == [ally]
    assert problem.description.startswith("From a complaint received on 2 December 2026 in person: Invoices")
    assert Feedback.objects.get(pk=item.pk).service_problem == problem
    # Sent again (a second tab, a double click): still one win, and the form now goes to that story.
    client.post(url("feedback-story", campaign, pk=item.pk), data)
    assert ServiceProblem.objects.count() == 1
    assert client.get(url("feedback-story", campaign, pk=item.pk)).url == problem.get_absolute_url()


def test_a_story_without_its_parts_is_refused_beside_the_fields_and_makes_no_win(client_for, champion, campaign):
    item = resolved(campaign)
    response = client_for(champion).post(url("feedback-story", campaign, pk=item.pk), story(story_after="", title=""))
    assert response.status_code == 200
    assert "A story needs this" in str(response.context["form"]["story_after"].errors)
    assert response.context["form"]["title"].errors
    assert not ServiceProblem.objects.exists()
    assert Feedback.objects.get(pk=item.pk).service_problem is None


def test_an_open_complaint_or_a_compliment_has_no_story_form(client_for, champion, campaign):
    client = client_for(champion)
    compliment = FeedbackFactory(campaign=campaign, kind="compliment", severity="")
    for item in (FeedbackFactory(campaign=campaign), compliment):
        response = client.get(url("feedback-story", campaign, pk=item.pk))
        assert response.status_code == 302
        client.post(url("feedback-story", campaign, pk=item.pk), story())
    assert not ServiceProblem.objects.exists()


def test_the_story_form_is_for_champions_of_this_campaign_only(client_for, viewer, champion, campaign, other_campaign):
    item = resolved(campaign)
    assert client_for(viewer).get(url("feedback-story", campaign, pk=item.pk)).status_code == 403
    assert client_for(viewer).post(url("feedback-story", campaign, pk=item.pk), story()).status_code == 403
    foreign = resolved(other_campaign)
    assert client_for(champion).get(url("feedback-story", campaign, pk=foreign.pk)).status_code == 404
    assert client_for(champion).post(url("feedback-story", campaign, pk=foreign.pk), story()).status_code == 404
    assert not ServiceProblem.objects.exists()


def test_the_story_form_holds_its_query_count_with_many_allies_and_goals(
    client_for, champion, campaign, django_assert_max_num_queries
):
    for n in range(40):
        AllyFactory(campaign=campaign)
        DepartmentFactory(campaign=campaign, name=f"Team {n}")
    for _ in range(6):
        GoalFactory(campaign=campaign)
    item = resolved(campaign)
    client = client_for(champion)
    with django_assert_max_num_queries(10):
        response = client.get(url("feedback-story", campaign, pk=item.pk))
    assert response.status_code == 200
