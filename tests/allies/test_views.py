import json
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from allies.models import Ally, Touchpoint
from allies.services import refresh_last_touch
from tests.factories import (
    AllyFactory,
    DepartmentFactory,
    PersonaCardFactory,
    ServiceProblemFactory,
    StageChangeFactory,
    TouchpointFactory,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, campaign, **kwargs):
    return reverse(f"allies:{name}", kwargs={"slug": campaign.slug, **kwargs})


def ally_data(department, **overrides):
    return {
        "name": "Priya Patel",
        "email": "priya@example.com",
        "department": department.pk,
        "level": "middle",
        "stage": "approached",
        "source": "volunteered",
        "motivation": "",
        "note": "",
        "recruited_by": "",
        "follow_up_on": "",
        **overrides,
    }


# --- the list --------------------------------------------------------------------------------


def test_an_empty_list_tells_a_new_champion_what_to_do_first(client_for, champion, campaign):
    response = client_for(champion).get(url("ally-list", campaign))
    assert "find your first few allies" in response.text
    assert "Volunteers first" in response.text
    assert "Different departments" in response.text
    assert "Every level" in response.text
    assert url("ally-new", campaign) in response.text


def test_the_list_shows_allies_with_their_stage_control(client_for, champion, campaign, department):
    ally = AllyFactory(campaign=campaign, name="Ana", department=department, stage="interested")
    response = client_for(champion).get(url("ally-list", campaign))
    assert "Ana" in response.text
    assert url("ally-stage", campaign, pk=ally.pk) in response.text
    assert '<option value="interested" selected>' in response.text
    assert f'<label for="stage-{ally.pk}" class="visually-hidden">Stage of Ana</label>' in response.text


def test_a_viewer_sees_the_list_without_any_controls(client_for, viewer, campaign, department):
    ally = AllyFactory(campaign=campaign, name="Ana", department=department, awaiting_review=True)
    response = client_for(viewer).get(url("ally-list", campaign))
    assert "Ana" in response.text
    assert url("ally-stage", campaign, pk=ally.pk) not in response.text
    assert url("ally-accept", campaign, pk=ally.pk) not in response.text
    assert "Add an ally" not in response.text


def test_filters_narrow_the_list_and_say_when_nothing_matches(client_for, champion, campaign, department):
    AllyFactory(campaign=campaign, name="Ana Top", department=department, level="top")
    AllyFactory(campaign=campaign, name="Bo Front", department=department, level="frontline")
    client = client_for(champion)
    response = client.get(url("ally-list", campaign), {"level": "top"})
    assert "Ana Top" in response.text
    assert "Bo Front" not in response.text
    response = client.get(url("ally-list", campaign), {"q": "nobody-like-this"})
    assert "No allies match these filters" in response.text


def test_the_more_filters_toggle_opens_itself_when_a_filter_beyond_the_search_is_in_use(
    client_for, champion, campaign, department
):
    """On a phone only the search shows until "More filters" is ticked; a filter in use must not hide."""
    AllyFactory(campaign=campaign, name="Ana Top", department=department, level="top")
    client = client_for(champion)
    toggle = '<input type="checkbox" id="filters-more" class="filters__toggle"'
    for query in ({}, {"q": "Ana"}):
        assert f"{toggle}>" in client.get(url("ally-list", campaign), query).text
    for query in ({"level": "top"}, {"q": "Ana", "stale": "on"}, {"sort": "stage"}):
        assert f"{toggle} checked>" in client.get(url("ally-list", campaign), query).text


def test_a_forged_department_filter_is_an_error_not_another_campaigns_data(
    client_for, champion, campaign, other_campaign
):
    foreign = DepartmentFactory(campaign=other_campaign)
    AllyFactory(campaign=other_campaign, name="Secret", department=foreign)
    AllyFactory(campaign=campaign, name="Ours")
    response = client_for(champion).get(url("ally-list", campaign), {"department": foreign.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert "Secret" not in response.text


def test_page_links_keep_the_filters(client_for, champion, campaign, department):
    for n in range(30):
        AllyFactory(campaign=campaign, name=f"Ally {n:02}", department=department, level="frontline")
    response = client_for(champion).get(url("ally-list", campaign), {"level": "frontline", "sort": "name"})
    assert "Page 1 of 2" in response.text
    assert "?level=frontline&amp;sort=name&amp;page=2" in response.text
    second = client_for(champion).get(url("ally-list", campaign), {"level": "frontline", "page": 2})
    assert "Ally 29" in second.text
    assert "Ally 00" not in second.text


def test_the_list_flags_stale_allies_and_due_follow_ups(client_for, champion, campaign, department):
    today = timezone.localdate()
    quiet = AllyFactory(campaign=campaign, name="Quiet", department=department, follow_up_on=today)
    TouchpointFactory(campaign=campaign, allies=[quiet], happened_on=today - timedelta(days=45))
    Ally.objects.filter(pk=quiet.pk).update(created_at=timezone.now() - timedelta(days=60))
    AllyFactory(campaign=campaign, name="Newcomer", department=department)
    response = client_for(champion).get(url("ally-list", campaign), {"stale": "on"})
    assert "Quiet" in response.text
    assert 'class="tag tag--stale"' in response.text
    assert 'class="tag tag--due"' in response.text
    assert "Newcomer" not in response.text
    # Someone added today has not gone quiet yet.
    everyone = client_for(champion).get(url("ally-list", campaign))
    assert everyone.text.count('class="tag tag--stale"') == 1


def test_awaiting_review_allies_are_announced_and_can_be_accepted(client_for, champion, campaign, department):
    ally = AllyFactory(campaign=campaign, name="Vol", department=department, awaiting_review=True)
    client = client_for(champion)
    listing = client.get(url("ally-list", campaign))
    assert "1 volunteer joined through the join link" in listing.text
    response = client.post(url("ally-accept", campaign, pk=ally.pk), **HTMX)
    assert response.text.lstrip().startswith(f'<tr id="ally-{ally.pk}"')
    assert "Awaiting review" not in response.text
    ally.refresh_from_db()
    assert not ally.awaiting_review
    # Accepting twice is a 404: there is nobody left to accept.
    assert client.post(url("ally-accept", campaign, pk=ally.pk)).status_code == 404


def test_the_list_holds_its_query_count_with_hundreds_of_allies(
    client_for, champion, campaign, many_allies, django_assert_max_num_queries
):
    client = client_for(champion)
    for params in ({}, {"sort": "last_touch", "stale": "on"}, {"sort": "stage", "page": 3}):
        with django_assert_max_num_queries(10):
            response = client.get(url("ally-list", campaign), params)
        assert response.status_code == 200


def test_names_with_html_are_shown_escaped(client_for, champion, campaign, department):
    ally = AllyFactory(campaign=campaign, name="<script>alert(1)</script>", department=department)
    client = client_for(champion)
    for page in (url("ally-list", campaign), url("ally-detail", campaign, pk=ally.pk)):
        text = client.get(page).text
        assert "<script>alert(1)" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


# --- stage moves -----------------------------------------------------------------------------


def test_moving_a_stage_over_htmx_returns_the_row_and_records_history(client_for, champion, campaign, department):
    ally = AllyFactory(campaign=campaign, name="Ana", department=department, stage="approached")
    response = client_for(champion).post(url("ally-stage", campaign, pk=ally.pk), {"stage": "committed"}, **HTMX)
    assert response.text.lstrip().startswith(f'<tr id="ally-{ally.pk}"')
    assert '<option value="committed" selected>' in response.text
    trigger = json.loads(response.headers["HX-Trigger"])
    assert trigger["stage-moved"] is True
    assert "Ana is now at “Committed”" in trigger["messages"][0]["text"]
    change = ally.stage_changes.get()
    assert (change.from_stage, change.to_stage, change.changed_by) == ("approached", "committed", champion)


def test_moving_a_stage_without_javascript_returns_to_the_page_it_came_from(client_for, champion, campaign):
    ally = AllyFactory(campaign=campaign)
    back = url("ally-list", campaign) + "?level=top"
    response = client_for(champion).post(url("ally-stage", campaign, pk=ally.pk), {"stage": "approached", "next": back})
    assert response.status_code == 302
    assert response.url == back
    response = client_for(champion).post(
        url("ally-stage", campaign, pk=ally.pk), {"stage": "interested", "next": "https://evil.example/"}
    )
    assert response.url == ally.get_absolute_url()


def test_an_unknown_stage_changes_nothing(client_for, champion, campaign):
    ally = AllyFactory(campaign=campaign, stage="approached")
    response = client_for(champion).post(url("ally-stage", campaign, pk=ally.pk), {"stage": "hero"}, **HTMX)
    assert "Choose one of the stages" in response.headers["HX-Trigger"]
    ally.refresh_from_db()
    assert ally.stage == "approached"
    assert not ally.stage_changes.exists()


def test_a_viewer_cannot_move_a_stage(client_for, viewer, campaign):
    ally = AllyFactory(campaign=campaign, stage="approached")
    assert client_for(viewer).post(url("ally-stage", campaign, pk=ally.pk), {"stage": "committed"}).status_code == 403
    ally.refresh_from_db()
    assert ally.stage == "approached"


def test_another_campaigns_ally_is_a_404_everywhere(client_for, admin_user, campaign, other_campaign):
    foreign = AllyFactory(campaign=other_campaign, stage="approached")
    client = client_for(admin_user)
    for name in ("ally-detail", "ally-edit", "ally-delete"):
        assert client.get(url(name, campaign, pk=foreign.pk)).status_code == 404
    for name in ("ally-stage", "ally-delete", "ally-accept"):
        assert client.post(url(name, campaign, pk=foreign.pk), {"stage": "committed"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.stage == "approached"


# --- add, edit, delete ---------------------------------------------------------------------


def test_adding_an_ally_records_the_first_stage_and_opens_their_page(client_for, champion, campaign, department):
    response = client_for(champion).post(url("ally-new", campaign), ally_data(department))
    ally = Ally.objects.get(campaign=campaign)
    assert response.status_code == 302
    assert response.url == ally.get_absolute_url()
    assert (ally.name, ally.level, ally.stage, ally.source) == ("Priya Patel", "middle", "approached", "volunteered")
    assert ally.stage_changes.get().changed_by == champion


def test_the_add_form_offers_only_the_campaigns_departments_and_members(
    client_for, champion, campaign, other_campaign, department
):
    foreign = DepartmentFactory(campaign=other_campaign, name="Their Secret Team")
    response = client_for(champion).get(url("ally-new", campaign))
    assert "Customer Support" in response.text
    assert "Their Secret Team" not in response.text
    assert f'<option value="{champion.pk}" selected>' in response.text
    response = client_for(champion).post(url("ally-new", campaign), ally_data(foreign))
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Ally.objects.exists()


def test_a_duplicate_email_is_refused_beside_the_field(client_for, champion, campaign, department):
    AllyFactory(campaign=campaign, name="First Priya", email="priya@example.com")
    response = client_for(champion).post(url("ally-new", campaign), ally_data(department, email="PRIYA@example.com"))
    assert response.status_code == 200
    assert "First Priya already has this email address in this campaign" in response.text
    assert Ally.objects.count() == 1


def test_the_same_email_is_fine_in_another_campaign(client_for, champion, campaign, other_campaign, department):
    AllyFactory(campaign=other_campaign, email="priya@example.com")
    response = client_for(champion).post(url("ally-new", campaign), ally_data(department))
    assert response.status_code == 302


def test_a_name_is_required(client_for, champion, campaign, department):
    response = client_for(champion).post(url("ally-new", campaign), ally_data(department, name="   "))
    assert "Give the ally&#x27;s name." in response.text
    assert not Ally.objects.exists()


def test_a_missing_department_says_why_it_matters(client_for, champion, campaign, department):
    response = client_for(champion).post(url("ally-new", campaign), {**ally_data(department), "department": ""})
    assert "Choose the department they work in" in response.text
    assert not Ally.objects.exists()


def test_editing_an_ally_keeps_their_own_email_and_leaves_the_stage_alone(client_for, champion, campaign, department):
    ally = AllyFactory(campaign=campaign, email="priya@example.com", department=department, stage="committed")
    data = ally_data(department, note="Runs the Monday stand-up", stage="identified")
    response = client_for(champion).post(url("ally-edit", campaign, pk=ally.pk), data)
    assert response.status_code == 302
    ally.refresh_from_db()
    assert (ally.note, ally.stage) == ("Runs the Monday stand-up", "committed")
    assert not ally.stage_changes.exists()


def test_deleting_asks_first_then_keeps_shared_touchpoints(client_for, champion, campaign):
    leaving, staying = AllyFactory(campaign=campaign, name="Leaving"), AllyFactory(campaign=campaign)
    shared = TouchpointFactory(campaign=campaign, allies=[leaving, staying])
    client = client_for(champion)
    confirm = client.get(url("ally-delete", campaign, pk=leaving.pk))
    assert "Remove Leaving from the ally list?" in confirm.text
    assert Ally.objects.filter(pk=leaving.pk).exists()
    response = client.post(url("ally-delete", campaign, pk=leaving.pk))
    assert response.url == url("ally-list", campaign)
    assert not Ally.objects.filter(pk=leaving.pk).exists()
    assert list(Touchpoint.objects.get(pk=shared.pk).allies.all()) == [staying]


# --- touchpoints ---------------------------------------------------------------------------


def test_logging_a_touchpoint_for_ticked_allies_over_htmx(client_for, champion, campaign):
    allies = [AllyFactory(campaign=campaign, name="Ana"), AllyFactory(campaign=campaign, name="Bo")]
    today = timezone.localdate().isoformat()
    response = client_for(champion).post(
        url("touchpoint-new", campaign),
        {"allies": [a.pk for a in allies], "kind": "lunch", "happened_on": today, "note": "Returns"},
        **HTMX,
    )
    assert "Logged: lunch on" in response.text
    trigger = json.loads(response.headers["HX-Trigger"])
    assert trigger["touchpoint-logged"] is True
    touchpoint = Touchpoint.objects.get()
    assert set(touchpoint.allies.all()) == set(allies)
    assert (touchpoint.kind, touchpoint.note, touchpoint.logged_by) == ("lunch", "Returns", champion)


def test_the_touchpoint_form_defaults_to_today_for_the_chosen_ally(client_for, champion, campaign):
    ally = AllyFactory(campaign=campaign, name="Ana")
    response = client_for(champion).get(url("touchpoint-new", campaign), {"ally": [ally.pk, "x"]}, **HTMX)
    assert response.text.lstrip().startswith("<form")
    assert f'value="{timezone.localdate().isoformat()}"' in response.text
    assert f'name="allies" value="{ally.pk}" id="tp-ally-{ally.pk}" checked' in response.text


def test_a_touchpoint_needs_an_ally_and_a_day_that_has_happened(client_for, champion, campaign):
    client = client_for(champion)
    response = client.post(url("touchpoint-new", campaign), {"kind": "lunch", "happened_on": "2026-01-01"}, **HTMX)
    assert "Choose at least one ally" in response.text
    ally = AllyFactory(campaign=campaign)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(
        url("touchpoint-new", campaign), {"allies": [ally.pk], "kind": "lunch", "happened_on": tomorrow}, **HTMX
    )
    assert "choose today or an earlier day" in response.text
    assert not Touchpoint.objects.exists()


def test_a_touchpoint_with_another_campaigns_ally_is_a_form_error(client_for, champion, campaign, other_campaign):
    foreign = AllyFactory(campaign=other_campaign)
    response = client_for(champion).post(
        url("touchpoint-new", campaign),
        {"allies": [foreign.pk], "kind": "lunch", "happened_on": timezone.localdate().isoformat()},
        **HTMX,
    )
    assert "Select a valid choice" in response.text
    assert not Touchpoint.objects.exists()


def test_logging_without_javascript_returns_to_the_ally(client_for, champion, campaign):
    ally = AllyFactory(campaign=campaign)
    response = client_for(champion).post(
        url("touchpoint-new", campaign),
        {"allies": [ally.pk], "kind": "message", "happened_on": timezone.localdate().isoformat()},
    )
    assert response.url == ally.get_absolute_url()


def test_a_viewer_cannot_log_a_touchpoint(client_for, viewer, campaign):
    ally = AllyFactory(campaign=campaign)
    response = client_for(viewer).post(
        url("touchpoint-new", campaign), {"allies": [ally.pk], "kind": "lunch", "happened_on": "2026-01-01"}
    )
    assert response.status_code == 403
    assert not Touchpoint.objects.exists()


# --- the ally page and follow-ups ----------------------------------------------------------


def test_the_ally_page_shows_history_touchpoints_cards_and_problems(client_for, viewer, campaign, department):
    ally = AllyFactory(campaign=campaign, name="Ana", department=department, stage="committed")
    other = AllyFactory(campaign=campaign, name="Bo")
    StageChangeFactory(ally=ally, to_stage="identified")
    StageChangeFactory(ally=ally, from_stage="identified", to_stage="committed")
    TouchpointFactory(campaign=campaign, allies=[ally, other], kind="book_club", note="Chapter 3")
    PersonaCardFactory(campaign=campaign, writer_ally=ally, persona_name="Rita", role="Warehouse lead")
    problem = ServiceProblemFactory(campaign=campaign, title="Invoices nobody reads")
    problem.people.add(ally)
    response = client_for(viewer).get(url("ally-detail", campaign, pk=ally.pk))
    text = response.text
    assert "<strong>Committed</strong> — reached" in text
    assert "(added to the list)" in text
    assert "Book club" in text
    assert "Chapter 3" in text
    assert "With Bo" in text
    card = ally.persona_cards.get()
    assert f'My name is</span> <a href="/c/{campaign.slug}/personas/{card.pk}/">Rita</a>,' in text
    assert "And I am</span> Warehouse lead" in text
    assert "Invoices nobody reads" in text
    assert "Log a touchpoint" not in text


def test_the_ally_page_activity_region_reloads_on_its_own(client_for, champion, campaign):
    ally = AllyFactory(campaign=campaign)
    response = client_for(champion).get(url("ally-detail", campaign, pk=ally.pk), **HTMX)
    assert response.text.lstrip().startswith('<div id="ally-activity"')


def test_the_ally_page_holds_its_query_count_with_thousands_of_touchpoints(
    client_for, champion, campaign, many_allies, django_assert_max_num_queries
):
    ally = many_allies[0]
    for n in range(5):
        PersonaCardFactory(campaign=campaign, writer_ally=ally, persona_name=f"Card {n}")
        ServiceProblemFactory(campaign=campaign).people.add(ally)
    busy = Touchpoint.objects.filter(campaign=campaign)[:200]
    Touchpoint.allies.through.objects.bulk_create(
        [Touchpoint.allies.through(touchpoint=t, ally=ally) for t in busy], ignore_conflicts=True
    )
    refresh_last_touch([ally.pk])
    client = client_for(champion)
    with django_assert_max_num_queries(10):
        response = client.get(url("ally-detail", campaign, pk=ally.pk))
    assert "Page 1 of" in response.text
    with django_assert_max_num_queries(10):
        client.get(url("ally-detail", campaign, pk=ally.pk), {"page": 3})


def test_my_follow_ups_lists_my_due_and_upcoming_allies(client_for, champion, admin_user, campaign):
    today = timezone.localdate()
    AllyFactory(campaign=campaign, name="Overdue Olu", recruited_by=champion, follow_up_on=today - timedelta(days=2))
    AllyFactory(campaign=campaign, name="Soon Sana", recruited_by=champion, follow_up_on=today + timedelta(days=3))
    AllyFactory(campaign=campaign, name="Admin's Ada", recruited_by=admin_user, follow_up_on=today)
    text = client_for(champion).get(url("follow-ups", campaign)).text
    due, upcoming = text.split("Coming up in the next 7 days")
    assert "Overdue Olu" in due
    assert "Soon Sana" in upcoming
    assert "Admin&#x27;s Ada" not in text


def test_a_follow_up_is_logged_from_its_row_and_comes_back_to_the_list(client_for, champion, campaign):
    olu = AllyFactory(campaign=campaign, name="Olu", recruited_by=champion, follow_up_on=timezone.localdate())
    client = client_for(champion)
    follow_ups = url("follow-ups", campaign)
    log = f"{url('touchpoint-new', campaign)}?ally={olu.pk}&amp;next={follow_ups}"
    assert f'href="{log}"' in client.get(follow_ups).text
    # On its own page the form posts plainly (no htmx), so a success goes back to `next`.
    standalone = client.get(url("touchpoint-new", campaign), {"ally": olu.pk, "next": follow_ups}).text
    assert "hx-post" not in standalone
    assert f'name="next" value="{follow_ups}"' in standalone
    data = {"allies": [olu.pk], "kind": "lunch", "happened_on": timezone.localdate().isoformat(), "note": ""}
    response = client.post(f"{url('touchpoint-new', campaign)}?ally={olu.pk}", {**data, "next": follow_ups})
    assert response.url == follow_ups
    assert olu.touchpoints.count() == 1


def test_logging_a_touchpoint_sets_the_next_follow_up_and_my_follow_ups_updates(client_for, champion, campaign):
    today = timezone.localdate()
    olu = AllyFactory(campaign=campaign, name="Olu", recruited_by=champion, follow_up_on=today - timedelta(days=1))
    client = client_for(champion)
    follow_ups = url("follow-ups", campaign)
    assert "Due today or overdue (1)" in client.get(follow_ups).text
    next_time = (today + timedelta(days=5)).isoformat()
    data = {"allies": [olu.pk], "kind": "lunch", "happened_on": today.isoformat(), "follow_up_on": next_time}
    response = client.post(url("touchpoint-new", campaign), {**data, "next": follow_ups}, follow=True)
    assert "Due today or overdue (0)" in response.text
    upcoming = response.text.split("Coming up in the next 7 days")[1]
    assert "Olu" in upcoming
    olu.refresh_from_db()
    assert olu.follow_up_on == today + timedelta(days=5)


def test_one_touchpoint_with_several_allies_sets_the_follow_up_of_each(client_for, champion, campaign):
    today = timezone.localdate()
    ana, bo = (AllyFactory(campaign=campaign, follow_up_on=today) for _ in range(2))
    untouched = AllyFactory(campaign=campaign, follow_up_on=today)
    next_time = today + timedelta(days=10)
    client_for(champion).post(
        url("touchpoint-new", campaign),
        {"allies": [ana.pk, bo.pk], "kind": "lunch", "happened_on": today.isoformat(), "follow_up_on": next_time},
        **HTMX,
    )
    assert [ally.follow_up_on for ally in Ally.objects.filter(pk__in=[ana.pk, bo.pk])] == [next_time, next_time]
    untouched.refresh_from_db()
    assert untouched.follow_up_on == today


def test_an_empty_next_follow_up_means_none_is_planned(client_for, champion, campaign):
    today = timezone.localdate()
    ana = AllyFactory(campaign=campaign, recruited_by=champion, follow_up_on=today)
    data = {"allies": [ana.pk], "kind": "lunch", "happened_on": today.isoformat(), "follow_up_on": ""}
    client_for(champion).post(url("touchpoint-new", campaign), data, **HTMX)
    ana.refresh_from_db()
    assert ana.follow_up_on is None


def test_the_next_follow_up_cannot_be_in_the_past(client_for, champion, campaign):
    today = timezone.localdate()
    ana = AllyFactory(campaign=campaign, follow_up_on=today)
    yesterday = (today - timedelta(days=1)).isoformat()
    data = {"allies": [ana.pk], "kind": "lunch", "happened_on": today.isoformat(), "follow_up_on": yesterday}
    response = client_for(champion).post(url("touchpoint-new", campaign), data, **HTMX)
    assert 'id="tp-follow-up-error"' in response.text
    assert "choose today or a later day" in response.text
    assert not Touchpoint.objects.exists()
    ana.refresh_from_db()
    assert ana.follow_up_on == today


def test_the_next_follow_up_defaults_to_the_campaigns_stale_window(client_for, champion, campaign):
    campaign.stale_after_days = 12
    campaign.save()
    ana = AllyFactory(campaign=campaign)
    response = client_for(champion).get(url("touchpoint-new", campaign), {"ally": ana.pk}, **HTMX)
    default = (timezone.localdate() + timedelta(days=12)).isoformat()
    assert f'name="follow_up_on" value="{default}"' in response.text
    assert '<label for="id_follow_up_on">Next follow-up' in response.text


def test_the_next_follow_up_offers_an_allys_own_later_date(client_for, champion, campaign):
    planned = timezone.localdate() + timedelta(days=3)
    ana = AllyFactory(campaign=campaign, follow_up_on=planned)
    response = client_for(champion).get(url("touchpoint-new", campaign), {"ally": ana.pk}, **HTMX)
    assert f'name="follow_up_on" value="{planned.isoformat()}"' in response.text


def test_logging_with_fifty_allies_and_a_follow_up_holds_its_query_count(
    client_for, champion, campaign, many_allies, django_assert_max_num_queries
):
    client = client_for(champion)
    today = timezone.localdate()
    chosen = [ally.pk for ally in many_allies[:50]]
    data = {"allies": chosen, "kind": "lunch", "happened_on": today.isoformat(), "follow_up_on": today.isoformat()}
    with django_assert_max_num_queries(16):  # two of them: the activity rollup's day
        response = client.post(url("touchpoint-new", campaign), data, **HTMX)
    assert "Next follow-up on" in response.text
    assert Ally.objects.filter(pk__in=chosen, follow_up_on=today).count() == 50


def test_a_viewer_sees_follow_ups_without_log_buttons(client_for, viewer, campaign):
    AllyFactory(campaign=campaign, recruited_by=viewer, follow_up_on=timezone.localdate())
    text = client_for(viewer).get(url("follow-ups", campaign)).text
    assert "Due today or overdue (1)" in text
    assert "touchpoints/new" not in text


def test_my_follow_ups_has_an_empty_state(client_for, champion, campaign):
    assert "Nothing due" in client_for(champion).get(url("follow-ups", campaign)).text


def test_follow_ups_hold_their_query_count(client_for, champion, campaign, many_allies, django_assert_max_num_queries):
    client = client_for(champion)
    with django_assert_max_num_queries(8):
        response = client.get(url("follow-ups", campaign))
    assert "Due today or overdue" in response.text


def test_the_campaign_nav_links_to_the_allies(client_for, viewer, campaign):
    response = client_for(viewer).get(reverse("campaign:home", kwargs={"slug": campaign.slug}))
    assert f'href="{url("ally-list", campaign)}"' in response.text


def test_the_list_table_reloads_on_its_own_for_htmx(client_for, champion, campaign):
    AllyFactory(campaign=campaign, name="Ana")
    response = client_for(champion).get(url("ally-list", campaign), {"sort": "stage"}, **HTMX)
    assert response.text.lstrip().startswith('<section id="ally-table"')
    assert 'hx-trigger="touchpoint-logged from:body"' in response.text


def test_the_touchpoint_form_works_as_a_page_without_javascript(client_for, champion, campaign):
    ally = AllyFactory(campaign=campaign, name="Ana")
    response = client_for(champion).get(url("touchpoint-new", campaign), {"ally": ally.pk})
    assert "<h1>Log a touchpoint</h1>" in response.text
    assert f'action="{url("touchpoint-new", campaign)}?ally={ally.pk}"' in response.text


def test_the_edit_form_has_no_stage_field(client_for, champion, campaign):
    ally = AllyFactory(campaign=campaign)
    response = client_for(champion).get(url("ally-edit", campaign, pk=ally.pk))
    assert 'name="stage"' not in response.text
    assert 'name="follow_up_on"' in response.text


def test_an_ally_whose_owner_left_the_campaign_can_still_be_edited(client_for, champion, campaign, department):
    from tests.factories import UserFactory

    former = UserFactory(username="former")
    ally = AllyFactory(campaign=campaign, department=department, recruited_by=former)
    data = ally_data(department, recruited_by=former.pk, note="Still theirs")
    response = client_for(champion).post(url("ally-edit", campaign, pk=ally.pk), data)
    assert response.status_code == 302
    ally.refresh_from_db()
    assert (ally.recruited_by, ally.note) == (former, "Still theirs")
    # A non-member who never owned the ally is still refused.
    data["recruited_by"] = UserFactory(username="stranger").pk
    response = client_for(champion).post(url("ally-edit", campaign, pk=ally.pk), data)
    assert "Select a valid choice" in response.text


# --- taking back a touchpoint ----------------------------------------------------------


def test_removing_a_touchpoint_asks_first_naming_everyone_it_was_with(client_for, champion, campaign):
    ana, bo = AllyFactory(campaign=campaign, name="Ana"), AllyFactory(campaign=campaign, name="Bo")
    touchpoint = TouchpointFactory(campaign=campaign, allies=[ana, bo], kind="lunch", note="<b>Pasta</b>")
    page = client_for(champion).get(url("ally-detail", campaign, pk=ana.pk))
    remove = url("touchpoint-delete", campaign, pk=touchpoint.pk)
    assert f'href="{remove}?next=' in page.text
    response = client_for(champion).get(remove, {"next": ana.get_absolute_url()})
    assert response.status_code == 200
    assert "It goes from the pages of Ana and Bo" in response.text
    assert "&lt;b&gt;Pasta&lt;/b&gt;" in response.text
    assert Touchpoint.objects.filter(pk=touchpoint.pk).exists()


def test_removing_a_touchpoint_leaves_the_allies_and_returns_to_the_page_it_came_from(client_for, champion, campaign):
    ana = AllyFactory(campaign=campaign, name="Ana")
    touchpoint = TouchpointFactory(campaign=campaign, allies=[ana], kind="lunch")
    response = client_for(champion).post(
        url("touchpoint-delete", campaign, pk=touchpoint.pk), {"next": ana.get_absolute_url()}, follow=True
    )
    assert response.redirect_chain[-1][0] == ana.get_absolute_url()
    assert "Removed the lunch of" in response.text
    assert not Touchpoint.objects.exists()
    assert Ally.objects.filter(pk=ana.pk).exists()


def test_removing_a_touchpoint_ignores_a_next_outside_the_campaign(client_for, champion, campaign):
    touchpoint = TouchpointFactory(campaign=campaign, allies=[AllyFactory(campaign=campaign)])
    response = client_for(champion).post(
        url("touchpoint-delete", campaign, pk=touchpoint.pk), {"next": "https://evil.example/"}
    )
    assert response.url == url("ally-list", campaign)


def test_a_viewer_cannot_remove_a_touchpoint_nor_see_the_link(client_for, viewer, campaign):
    ana = AllyFactory(campaign=campaign)
    touchpoint = TouchpointFactory(campaign=campaign, allies=[ana])
    client = client_for(viewer)
    assert "touchpoints/" not in client.get(url("ally-detail", campaign, pk=ana.pk)).text
    assert client.post(url("touchpoint-delete", campaign, pk=touchpoint.pk)).status_code == 403
    assert Touchpoint.objects.exists()


def test_another_campaigns_touchpoint_cannot_be_removed(client_for, champion, campaign, other_campaign):
    foreign = TouchpointFactory(campaign=other_campaign, allies=[AllyFactory(campaign=other_campaign)])
    assert client_for(champion).post(url("touchpoint-delete", campaign, pk=foreign.pk)).status_code == 404
    assert Touchpoint.objects.filter(pk=foreign.pk).exists()


# --- the list's rows, built once per page (performance work) ------------------------------------


def test_each_row_links_where_reverse_says_and_keeps_the_pages_order(client_for, champion, campaign, department):
    allies = [
        AllyFactory(campaign=campaign, name=name, department=department, stage=stage)
        for name, stage in (("Ana", "identified"), ("Bo", "champion"), ("Cy", "committed"))
    ]
    response = client_for(champion).get(url("ally-list", campaign), {"sort": "stage"})
    text = response.text
    assert [ally.name for ally in response.context["page"]] == ["Bo", "Cy", "Ana"]
    for ally in allies:
        assert f'<a href="{url("ally-detail", campaign, pk=ally.pk)}">{ally.name}</a>' in text
        assert f'action="{url("ally-stage", campaign, pk=ally.pk)}"' in text
        log = reverse("allies:touchpoint-new", kwargs={"slug": campaign.slug})
        assert f'href="{log}?ally={ally.pk}&amp;next=/c/{campaign.slug}/allies/%3Fsort%3Dstage"' in text
    assert '<option value="champion" selected>Active champion</option>' in text


def test_a_deep_page_shows_its_own_rows_with_their_last_touch(client_for, champion, campaign, department):
    allies = [AllyFactory(campaign=campaign, name=f"Ally {n:02}", department=department) for n in range(60)]
    TouchpointFactory(campaign=campaign, allies=[allies[55]], happened_on=timezone.localdate() - timedelta(days=3))
    response = client_for(champion).get(url("ally-list", campaign), {"page": 3})
    shown = list(response.context["page"])
    assert [ally.name for ally in shown] == [f"Ally {n:02}" for n in range(50, 60)]
    assert shown[5].last_touch == timezone.localdate() - timedelta(days=3)
    assert "Page 3 of 3" in response.text


def test_the_filters_department_select_keeps_its_choice(client_for, champion, campaign, department):
    AllyFactory(campaign=campaign, name="Ana", department=department)
    text = client_for(champion).get(url("ally-list", campaign), {"department": department.pk}).text
    assert '<select name="department" id="id_department">' in text
    assert f'<option value="{department.pk}" selected>Customer Support</option>' in text
    assert '<option value="">All departments</option>' in text


def test_the_ally_page_counts_and_pages_the_touchpoints_without_a_count_query(client_for, champion, campaign):
    ally, other = AllyFactory(campaign=campaign), AllyFactory(campaign=campaign)
    today = timezone.localdate()
    for n in range(23):
        TouchpointFactory(
            campaign=campaign, allies=[ally, other] if n % 2 else [ally], happened_on=today - timedelta(n)
        )
    TouchpointFactory(campaign=campaign, allies=[other])
    client = client_for(champion)
    first = client.get(url("ally-detail", campaign, pk=ally.pk))
    assert "Touchpoints (23)" in first.text
    assert "Page 1 of 2" in first.text
    second = client.get(url("ally-detail", campaign, pk=ally.pk), {"page": 2})
    assert len(second.context["touchpoints"]) == 3
    removal = f"?next={url('ally-detail', campaign, pk=ally.pk)}"
    assert second.text.count(removal) == 3
    lonely = client.get(url("ally-detail", campaign, pk=AllyFactory(campaign=campaign).pk))
    assert "No touchpoints yet" in lonely.text


def test_row_links_hold_for_a_slug_that_looks_like_a_number(client_for, champion, campaign, department):
    campaign.slug = "c-987654321"
    campaign.save(update_fields=["slug"])
    ally = AllyFactory(campaign=campaign, name="Ana", department=department)
    text = client_for(champion).get(url("ally-list", campaign)).text
    assert f'<a href="{url("ally-detail", campaign, pk=ally.pk)}">Ana</a>' in text


def test_a_touchpoint_names_the_other_allies_it_was_with_by_name(client_for, champion, campaign):
    ana = AllyFactory(campaign=campaign, name="Ana")
    cy, bo = AllyFactory(campaign=campaign, name="cy <b>"), AllyFactory(campaign=campaign, name="Bo, Jr")
    today = timezone.localdate()
    TouchpointFactory(campaign=campaign, allies=[ana, cy, bo], kind="lunch", happened_on=today)
    TouchpointFactory(campaign=campaign, allies=[ana], kind="message", happened_on=today - timedelta(days=1))
    text = client_for(champion).get(url("ally-detail", campaign, pk=ana.pk)).text
    assert '<span class="muted">With Bo, Jr, cy &lt;b&gt;</span>' in text
    assert text.count('<span class="muted">With ') == 1
    bo_text = client_for(champion).get(url("ally-detail", campaign, pk=bo.pk)).text
    assert '<span class="muted">With Ana, cy &lt;b&gt;</span>' in bo_text
