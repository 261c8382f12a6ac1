"""The coverage page, and the settings that feed it: headcounts, the coverage target, staleness."""

import random
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from allies import checkin
from allies.models import Ally, Stage, StageChange, Touchpoint
from allies.services import refresh_last_touch
from campaign.models import Department, Level
from tests.factories import AllyFactory, DepartmentFactory


def coverage_url(campaign):
    return reverse("allies:coverage", kwargs={"slug": campaign.slug})


def test_coverage_rows_escape_the_name_and_read_right_in_every_state(client_for, viewer, campaign):
    # Every state of a row (covered, under, empty, unknown headcount) and a name that needs escaping.
    covered = DepartmentFactory(campaign=campaign, name="R&D <Lab>", headcount=15)
    under = DepartmentFactory(campaign=campaign, name="Support", headcount=70)
    DepartmentFactory(campaign=campaign, name="Finance", headcount=30)
    unknown = DepartmentFactory(campaign=campaign, name="Legal")
    for department in (covered, under, unknown):
        AllyFactory(campaign=campaign, department=department, level=Level.TOP, stage=Stage.CHAMPION)

    html = client_for(viewer).get(coverage_url(campaign)).text

    assert '<th scope="row">R&amp;D &lt;Lab&gt;</th>' in html and "<Lab>" not in html
    assert (
        '<tr class="coverage__row coverage__row--covered"><th scope="row">R&amp;D &lt;Lab&gt;</th>'
        '<td class="coverage__num coverage__cell">1</td>'
        '<td class="coverage__num coverage__cell coverage__cell--empty">0</td>'
        '<td class="coverage__num coverage__cell coverage__cell--empty">0</td>'
        '<td class="coverage__num"><strong>1</strong></td>'
        '<td>1 needed, 1 committed <span class="muted">· now one ally per 15 of 15 people</span>'
        ' <span class="badge badge--green">Covered</span></td></tr>'
    ) in html
    assert (
        '<td>1 of 5 needed <span class="muted">· now one ally per 70 of 70 people</span>'
        ' <span class="badge badge--amber">Under-covered</span></td>'
    ) in html
    assert '<tr class="coverage__row coverage__row--empty"><th scope="row">Finance</th>' in html
    assert '<td>0 of 2 needed <span class="badge badge--amber">Under-covered</span></td>' in html
    assert '<td><span class="muted">Headcount unknown</span></td>' in html


def test_coverage_page_shows_the_grid_as_an_accessible_table(client_for, viewer, campaign):
    support = DepartmentFactory(campaign=campaign, name="Support", kind=Department.Kind.CUSTOMER_FACING, headcount=70)
    DepartmentFactory(campaign=campaign, name="Finance", kind=Department.Kind.INTERNAL_PROVIDER)
    AllyFactory.create_batch(2, campaign=campaign, department=support, level=Level.MIDDLE, stage=Stage.COMMITTED)

    response = client_for(viewer).get(coverage_url(campaign))

    assert response.status_code == 200
    html = response.text
    assert "<caption>Committed allies by department and level</caption>" in html
    assert '<th scope="col" class="coverage__num">Middle</th>' in html
    assert '<th scope="row">Support</th>' in html
    assert '<th scope="rowgroup" colspan="6">Customer-facing departments · 2 committed</th>' in html
    assert '<th scope="rowgroup" colspan="6">Internal service provider departments · 0 committed</th>' in html
    assert "2 of 5 needed" in html
    assert "now one ally per 35 of 70 people" in html
    assert "coverage__row--under" in html
    assert "coverage__row--empty" in html
    assert "Headcount unknown" in html
    assert 'style="' not in html


def test_coverage_page_shows_the_checks_with_their_next_steps(client_for, viewer, campaign):
    DepartmentFactory(campaign=campaign, name="Legal")

    html = client_for(viewer).get(coverage_url(campaign)).text

    assert 'id="check-empty-departments"' in html
    assert "1 of 1 department has nobody committed: Legal." in html
    assert "check--red" in html
    assert "Next: <a href=" in html
    assert html.count('class="check check--') == 6


def test_coverage_page_charts_have_text_alternatives(client_for, viewer, campaign):
    support = DepartmentFactory(campaign=campaign)
    ally = AllyFactory(campaign=campaign, department=support, stage=Stage.COMMITTED)
    StageChange.objects.create(ally=ally, from_stage=Stage.INTERESTED, to_stage=Stage.COMMITTED)

    html = client_for(viewer).get(coverage_url(campaign)).text

    assert 'role="img" aria-labelledby="funnel-title"' in html
    assert "Allies per stage: Identified 0, Approached 0, Interested 0, Committed 1, Active champion 0." in html
    assert 'aria-labelledby="growth-title"' in html
    assert "from 0 to 1." in html
    assert "Week by week as a table" in html


def test_coverage_page_without_departments_or_allies_says_what_to_do(client_for, admin_user, campaign):
    html = client_for(admin_user).get(coverage_url(campaign)).text

    assert "This campaign has no departments yet" in html
    assert reverse("campaign:settings-departments", kwargs={"slug": campaign.slug}) in html
    assert "No allies yet." in html


def test_coverage_page_tells_a_champion_to_start_when_nobody_has_committed(client_for, champion, campaign):
    DepartmentFactory(campaign=campaign)

    html = client_for(champion).get(coverage_url(campaign)).text

    assert "Nobody has committed yet." in html
    assert reverse("allies:import", kwargs={"slug": campaign.slug}) in html


def test_viewers_see_no_import_link(client_for, viewer, campaign):
    html = client_for(viewer).get(coverage_url(campaign)).text

    assert reverse("allies:import", kwargs={"slug": campaign.slug}) not in html
    assert reverse("allies:export", kwargs={"slug": campaign.slug}) in html


def test_coverage_page_escapes_department_names(client_for, viewer, campaign):
    DepartmentFactory(campaign=campaign, name="<script>alert(1)</script>")

    html = client_for(viewer).get(coverage_url(campaign)).text

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_outsider_gets_404_for_the_coverage_page(client_for, outsider, campaign):
    assert client_for(outsider).get(coverage_url(campaign)).status_code == 404


def test_coverage_page_holds_its_query_count_with_hundreds_of_allies(
    client_for, viewer, campaign, django_assert_max_num_queries
):
    rng = random.Random(7)
    departments = [
        DepartmentFactory(campaign=campaign, kind=rng.choice(Department.Kind.values), headcount=rng.choice([None, 90]))
        for _ in range(15)
    ]
    allies = Ally.objects.bulk_create(
        Ally(
            campaign=campaign,
            name=f"Ally {i}",
            email=f"ally{i}@example.com",
            department=rng.choice(departments),
            level=rng.choice(Level.values),
            stage=rng.choice(Stage.values),
            source=rng.choice(Ally.Source.values),
        )
        for i in range(300)
    )
    now = timezone.now()
    StageChange.objects.bulk_create(
        StageChange(
            ally=ally,
            campaign=ally.campaign,
            from_stage=rng.choice(["", Stage.INTERESTED]),
            to_stage=ally.stage,
            changed_at=now - timedelta(days=rng.randint(0, 200)),
        )
        for ally in allies
    )
    today = timezone.localdate()
    touchpoints = Touchpoint.objects.bulk_create(
        Touchpoint(campaign=campaign, happened_on=today - timedelta(days=rng.randint(0, 90))) for _ in range(2000)
    )
    Touchpoint.allies.through.objects.bulk_create(
        Touchpoint.allies.through(touchpoint=touchpoint, ally=rng.choice(allies)) for touchpoint in touchpoints
    )
    refresh_last_touch(ally.pk for ally in allies)
    # An open round of the middle's check-in, some of whose people answered.
    round_ = checkin.checkin_round_open(campaign=campaign)
    for invite in round_.invites.order_by("pk")[:40]:
        checkin.checkin_answer(invite_id=invite.pk, question="suggestion", text="Fewer forms")
    client = client_for(viewer)

    # Session, user, membership, then the grid, the ally figures and the weekly history; then the open
    # check-in round and its answers per department.
    with django_assert_max_num_queries(10):
        response = client.get(coverage_url(campaign))

    assert response.status_code == 200
    assert response.text.count('<th scope="row">Department') == 15
    assert "The middle, this round" in response.text


# --- the settings that feed the map --------------------------------------------------------------


def test_an_admin_records_a_departments_headcount(client_for, admin_user, campaign):
    url = reverse("campaign:settings-departments", kwargs={"slug": campaign.slug})

    response = client_for(admin_user).post(url, {"name": "Sales", "kind": "customer_facing", "headcount": "45"})

    assert response.status_code == 302
    assert Department.objects.get(campaign=campaign, name="Sales").headcount == 45
    assert "45 people" in client_for(admin_user).get(url).text


def test_a_headcount_may_stay_unknown_but_not_be_negative(client_for, admin_user, campaign):
    url = reverse("campaign:settings-departments", kwargs={"slug": campaign.slug})
    client = client_for(admin_user)

    assert client.post(url, {"name": "IT", "kind": "internal_provider", "headcount": ""}).status_code == 302
    response = client.post(url, {"name": "HR", "kind": "internal_provider", "headcount": "-3"})

    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 0." in response.text
    assert Department.objects.get(campaign=campaign, name="IT").headcount is None
    assert not Department.objects.filter(campaign=campaign, name="HR").exists()


def test_an_admin_sets_the_coverage_target_and_staleness(client_for, admin_user, campaign):
    url = reverse("campaign:settings", kwargs={"slug": campaign.slug})
    client = client_for(admin_user)
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(start_date=campaign.start_date.isoformat(), people_per_ally="20", stale_after_days="45")

    response = client.post(url, data)

    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.people_per_ally, campaign.stale_after_days) == (20, 45)


def test_the_coverage_target_must_be_at_least_one_person(client_for, admin_user, campaign):
    url = reverse("campaign:settings", kwargs={"slug": campaign.slug})
    client = client_for(admin_user)
    data = {name: value for name, value in client.get(url).context["form"].initial.items() if value is not None}
    data.update(start_date=campaign.start_date.isoformat(), people_per_ally="0", stale_after_days="400")

    response = client.post(url, data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "people_per_ally" in errors
    assert "stale_after_days" in errors
    campaign.refresh_from_db()
    assert campaign.people_per_ally == 15


def test_blank_coverage_settings_fall_back_to_the_defaults(client_for, admin_user, campaign):
    campaign.people_per_ally, campaign.stale_after_days = 40, 60
    campaign.save()
    url = reverse("campaign:settings", kwargs={"slug": campaign.slug})
    client = client_for(admin_user)
    data = {name: value for name, value in client.get(url).context["form"].initial.items() if value is not None}
    data.update(start_date=campaign.start_date.isoformat(), people_per_ally="", stale_after_days="")

    assert client.post(url, data).status_code == 302
    campaign.refresh_from_db()
    assert (campaign.people_per_ally, campaign.stale_after_days) == (15, 30)
