"""Queries per page do not grow with the data: thousands of problems and a year of activity."""

import random
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from allies.models import Ally, Stage, StageChange, Touchpoint
from campaign.models import Level, Nomination, ServiceProblem
from leadership.models import Feedback
from personas.models import PersonaCard
from tests.factories import DepartmentFactory, GoalFactory, LeaderFactory

S, D, Impact = ServiceProblem.Status, ServiceProblem.Difficulty, ServiceProblem.Impact


@pytest.fixture
def busy_campaign(campaign, admin_user):
    """Two thousand problems (some with people, some roadblocks) and a year of allies, touchpoints, cards, feedback."""
    rng = random.Random(7)
    today = timezone.localdate()
    departments = DepartmentFactory.create_batch(12, campaign=campaign)
    goals = [
        *GoalFactory.create_batch(4, campaign=campaign),
        GoalFactory(campaign=campaign, measure="Course evaluation scores"),
    ]
    leader = LeaderFactory(campaign=campaign)
    allies = Ally.objects.bulk_create(
        Ally(
            campaign=campaign,
            name=f"Ally {n}",
            email=f"ally{n}@example.com",
            department=departments[n % 12],
            level=Level.values[n % 3],
            stage=Stage.values[n % 5],
        )
        for n in range(150)
    )
    problems = []
    for n in range(2000):
        status = rng.choice(S.values)
        day = today - timedelta(days=rng.randint(0, 365))
        problems.append(
            ServiceProblem(
                campaign=campaign,
                title=f"Problem {n}",
                difficulty=rng.choice(D.values),
                impact=rng.choice(Impact.values),
                status=status,
                goal=rng.choice([*goals, None]),
                department=rng.choice(departments),
                owner=admin_user,
                opened_on=day,
                started_on=day if status != S.BACKLOG else None,
                won_on=day + timedelta(days=5) if status == S.WON else None,
                story_what="What they did" if status == S.WON else "",
                story_before="before" if status == S.WON else "",
                story_after="after" if status == S.WON else "",
                is_roadblock=n % 50 == 0,
                roadblock_ask="Decide." if n % 50 == 0 else "",
                roadblock_leader=leader if n % 50 == 0 else None,
                # Some come from the middle's check-in, naming who raised them.
                from_the_middle=n % 100 == 0,
                raised_by=allies[n % 150] if n % 100 == 0 else None,
            )
        )
    problems = ServiceProblem.objects.bulk_create(problems)
    # People the middle named for recognition, waiting, planned, celebrated.
    Nomination.objects.bulk_create(
        Nomination(
            campaign=campaign,
            person=f"Person {n}",
            what="Great service",
            department=departments[n % 12],
            nominated_by=allies[n % 150],
            status=["candidate", "planned", "celebrated"][n % 3],
        )
        for n in range(300)
    )
    Through = ServiceProblem.people.through
    Through.objects.bulk_create(Through(serviceproblem_id=p.pk, ally_id=rng.choice(allies).pk) for p in problems[::2])
    stamp = timezone.now()
    StageChange.objects.bulk_create(
        StageChange(
            ally=rng.choice(allies),
            campaign=campaign,
            from_stage="identified",
            to_stage="approached",
            changed_at=stamp - timedelta(days=d),
        )
        for d in range(365)
    )
    Touchpoint.objects.bulk_create(
        Touchpoint(campaign=campaign, happened_on=today - timedelta(days=d)) for d in range(365)
    )
    PersonaCard.objects.bulk_create(
        PersonaCard(campaign=campaign, role="Buyer", wants="x", so_that="y") for _ in range(300)
    )
    Feedback.objects.bulk_create(
        Feedback(campaign=campaign, received_on=today - timedelta(days=d % 365), summary="Late again", severity="low")
        for d in range(730)
    )
    return campaign


def test_board_queries_do_not_grow(client_for, admin_user, busy_campaign, django_assert_max_num_queries):
    client = client_for(admin_user)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("campaign:board", kwargs={"slug": busy_campaign.slug}))
    assert response.status_code == 200
    assert response.text.count("Suggested next") == 3
    assert response.text.count('id="nomination-') == 10


def test_board_htmx_move_queries_do_not_grow(client_for, admin_user, busy_campaign, django_assert_max_num_queries):
    problem = busy_campaign.problems.filter(status=S.BACKLOG).first()
    client = client_for(admin_user)
    url = reverse("campaign:problem-move", kwargs={"slug": busy_campaign.slug, "pk": problem.pk})
    # Six of them recount the problem's two activity sources for the day it moved (count, clear, write);
    # one reads the Recognise section.
    with django_assert_max_num_queries(20):
        response = client.post(url, {"to": "in_progress"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200


def test_stories_list_queries_do_not_grow(client_for, admin_user, busy_campaign, django_assert_max_num_queries):
    client = client_for(admin_user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("campaign:stories", kwargs={"slug": busy_campaign.slug}), {"page": 3})
    assert response.status_code == 200
    assert response.text.count('class="panel story"') == 20


def test_problem_list_queries_do_not_grow(client_for, admin_user, busy_campaign, django_assert_max_num_queries):
    client = client_for(admin_user)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("campaign:problem-list", kwargs={"slug": busy_campaign.slug}), {"status": "won"})
    assert response.status_code == 200


def test_campaign_home_queries_do_not_grow(client_for, admin_user, busy_campaign, django_assert_max_num_queries):
    client = client_for(admin_user)
    # Session, user, membership, switcher, goals, departments, one pass over the allies (coverage and
    # figures), members, board figures, and momentum: one query for its indexed sources, one for stage changes;
    # the registered checks add the check-in's round with its departments and the leaders' recognition count.
    with django_assert_max_num_queries(12):
        response = client.get(busy_campaign.get_absolute_url())
    assert response.status_code == 200
    assert response.text.count('class="checkup__item') == 8  # the seven of the ground, leadership's recognition
