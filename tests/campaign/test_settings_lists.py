from django.urls import reverse

from campaign.models import Department, Goal
from tests.factories import DepartmentFactory, GoalFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, campaign, **kwargs):
    return reverse(name, kwargs={"slug": campaign.slug, **kwargs})


def test_departments_page_has_an_empty_state_and_labelled_fields(client_for, admin_user, campaign):
    response = client_for(admin_user).get(url("campaign:settings-departments", campaign))
    assert "No departments yet" in response.text
    assert '<label for="id_name"' in response.text
    assert '<label for="id_kind"' in response.text


def test_adding_a_department_over_htmx_returns_the_section_with_it(client_for, admin_user, campaign):
    response = client_for(admin_user).post(
        url("campaign:settings-departments", campaign),
        {"name": " Finance  &  Billing ", "kind": "internal_provider"},
        **HTMX,
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="department-section"')
    assert "Finance &amp; Billing" in response.text
    assert Department.objects.get(campaign=campaign).name == "Finance & Billing"
    assert "Added department" in response.headers["HX-Trigger"]


def test_adding_a_department_without_javascript_redirects(client_for, admin_user, campaign):
    response = client_for(admin_user).post(
        url("campaign:settings-departments", campaign), {"name": "IT", "kind": "internal_provider"}
    )
    assert response.status_code == 302
    assert Department.objects.filter(campaign=campaign, name="IT").exists()


def test_duplicate_or_empty_department_names_are_refused_beside_the_field(client_for, admin_user, campaign):
    DepartmentFactory(campaign=campaign, name="Sales")
    client = client_for(admin_user)
    response = client.post(
        url("campaign:settings-departments", campaign), {"name": "sales", "kind": "customer_facing"}, **HTMX
    )
    assert "already has a department with that name" in response.text
    response = client.post(
        url("campaign:settings-departments", campaign), {"name": "   ", "kind": "customer_facing"}, **HTMX
    )
    assert "This field is required" in response.text or "Give the department a name" in response.text
    assert Department.objects.filter(campaign=campaign).count() == 1


def test_the_same_department_name_is_fine_in_another_campaign(client_for, admin_user, campaign, other_campaign):
    DepartmentFactory(campaign=other_campaign, name="Sales")
    response = client_for(admin_user).post(
        url("campaign:settings-departments", campaign), {"name": "Sales", "kind": "customer_facing"}
    )
    assert response.status_code == 302


def test_editing_a_department_in_place(client_for, admin_user, campaign):
    department = DepartmentFactory(campaign=campaign, name="Legal")
    client = client_for(admin_user)
    edit_url = url("campaign:settings-departments-edit", campaign, pk=department.pk)
    form = client.get(edit_url, **HTMX)
    assert form.text.lstrip().startswith('<li class="row row--editing"')
    saved = client.post(edit_url, {"name": "Legal & Compliance", "kind": "internal_provider"}, **HTMX)
    assert saved.text.lstrip().startswith('<li class="row"')
    assert "Legal &amp; Compliance" in saved.text
    invalid = client.post(edit_url, {"name": "", "kind": "nonsense"}, **HTMX)
    assert 'class="row row--editing"' in invalid.text
    assert "Select a valid choice" in invalid.text
    department.refresh_from_db()
    assert department.name == "Legal & Compliance"


def test_edit_page_without_javascript_is_a_full_page(client_for, admin_user, campaign):
    department = DepartmentFactory(campaign=campaign, name="Legal")
    response = client_for(admin_user).get(url("campaign:settings-departments-edit", campaign, pk=department.pk))
    assert "<html" in response.text
    assert "Edit department" in response.text


def test_removing_a_department_asks_first_then_removes(client_for, admin_user, campaign):
    department = DepartmentFactory(campaign=campaign, name="Facilities")
    client = client_for(admin_user)
    delete_url = url("campaign:settings-departments-delete", campaign, pk=department.pk)
    confirm = client.get(delete_url)
    assert "Remove department “Facilities”?" in confirm.text
    assert Department.objects.filter(pk=department.pk).exists()
    response = client.post(delete_url, **HTMX)
    assert 'id="department-section"' in response.text
    assert not Department.objects.filter(pk=department.pk).exists()


def test_goals_are_added_edited_and_removed(client_for, admin_user, campaign):
    client = client_for(admin_user)
    response = client.post(
        url("campaign:settings-goals", campaign),
        {"title": "Recover lapsed accounts", "kind": "recovery", "measure": "accounts ordering again"},
        **HTMX,
    )
    assert "Recover lapsed accounts" in response.text
    goal = Goal.objects.get(campaign=campaign)
    client.post(
        url("campaign:settings-goals-edit", campaign, pk=goal.pk), {"title": "Recover accounts", "kind": "recovery"}
    )
    goal.refresh_from_db()
    assert goal.title == "Recover accounts"
    client.post(url("campaign:settings-goals-delete", campaign, pk=goal.pk))
    assert not Goal.objects.filter(pk=goal.pk).exists()


def test_goal_without_title_is_refused(client_for, admin_user, campaign):
    response = client_for(admin_user).post(
        url("campaign:settings-goals", campaign), {"title": "", "kind": "other"}, **HTMX
    )
    assert "This field is required" in response.text
    assert not Goal.objects.exists()


def test_posting_a_campaign_field_does_not_move_a_goal(client_for, admin_user, campaign, other_campaign):
    client_for(admin_user).post(
        url("campaign:settings-goals", campaign), {"title": "Mine", "kind": "other", "campaign": other_campaign.pk}
    )
    assert Goal.objects.get(title="Mine").campaign == campaign


def test_departments_page_queries_do_not_grow(client_for, admin_user, campaign, django_assert_max_num_queries):
    DepartmentFactory.create_batch(80, campaign=campaign)
    GoalFactory.create_batch(40, campaign=campaign)
    client = client_for(admin_user)
    with django_assert_max_num_queries(6):
        client.get(url("campaign:settings-departments", campaign))
    with django_assert_max_num_queries(6):
        client.get(url("campaign:settings-goals", campaign))
