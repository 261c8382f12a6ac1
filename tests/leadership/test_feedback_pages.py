"""The feedback log: filters, search, pagination, quick entry, in-place updates, service stories, themes, tokens."""

from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from campaign.models import ServiceProblem
from leadership.models import ApiToken, Feedback, FeedbackTheme
from leadership.models.feedback import Status
from tests.factories import ApiTokenFactory, DepartmentFactory, FeedbackFactory, FeedbackThemeFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, campaign, **kwargs):
    return reverse(f"leadership:{name}", kwargs={"slug": campaign.slug, **kwargs})


def quick(campaign, **fields):
    return {
        "kind": "complaint",
        "received_on": timezone.localdate().isoformat(),
        "channel": "phone",
        "severity": "high",
        "summary": "On hold for forty minutes.",
        **fields,
    }


def test_the_log_lists_feedback_newest_first(client_for, viewer, campaign):
    FeedbackFactory(campaign=campaign, summary="Older one", received_on=date(2026, 1, 1))
    FeedbackFactory(campaign=campaign, summary="Newer one", received_on=date(2026, 2, 1))
    response = client_for(viewer).get(url("feedback-list", campaign))
    assert response.status_code == 200
    assert response.text.index("Newer one") < response.text.index("Older one")


def test_an_empty_log_says_what_to_do(client_for, viewer, campaign):
    assert "No feedback yet" in client_for(viewer).get(url("feedback-list", campaign)).text


def test_the_log_filters_by_kind_status_severity_department_and_dates(client_for, viewer, campaign):
    support = DepartmentFactory(campaign=campaign, name="Support")
    FeedbackFactory(
        campaign=campaign, summary="Match", severity="critical", department=support, received_on=date(2026, 3, 5)
    )
    FeedbackFactory(
        campaign=campaign, summary="Wrong severity", severity="low", department=support, received_on=date(2026, 3, 5)
    )
    FeedbackFactory(
        campaign=campaign, summary="Wrong date", severity="critical", department=support, received_on=date(2026, 1, 5)
    )
    FeedbackFactory(campaign=campaign, summary="Wrong department", severity="critical", received_on=date(2026, 3, 5))
    query = {
        "kind": "complaint",
        "status": "open",
        "severity": "critical",
        "department": support.pk,
        "since": "2026-03-01",
        "until": "2026-03-31",
    }
    text = client_for(viewer).get(url("feedback-list", campaign), query).text
    assert "Match" in text
    assert "Wrong severity" not in text and "Wrong date" not in text and "Wrong department" not in text


def test_the_log_searches_summary_customer_and_action(client_for, viewer, campaign):
    FeedbackFactory(campaign=campaign, summary="Parcel lost", customer="ACME")
    FeedbackFactory(campaign=campaign, summary="Rude driver", action="Spoke to the depot")
    client = client_for(viewer)
    assert "Parcel lost" in client.get(url("feedback-list", campaign), {"q": "acme"}).text
    text = client.get(url("feedback-list", campaign), {"q": "depot"}).text
    assert "Rude driver" in text and "Parcel lost" not in text


def test_a_filter_with_no_match_says_so(client_for, viewer, campaign):
    FeedbackFactory(campaign=campaign)
    assert (
        "No feedback matches these filters" in client_for(viewer).get(url("feedback-list", campaign), {"q": "zzz"}).text
    )


def test_the_log_is_paginated_and_keeps_the_filters(client_for, viewer, campaign):
    FeedbackFactory.create_batch(30, campaign=campaign, severity="high")
    response = client_for(viewer).get(url("feedback-list", campaign), {"severity": "high", "page": 2})
    assert "Page 2 of 2" in response.text
    assert len(response.context["page"].object_list) == 5
    assert "severity=high&amp;page=1" in response.text


def test_the_charts_have_text_alternatives(client_for, viewer, campaign):
    FeedbackFactory(campaign=campaign, department=DepartmentFactory(campaign=campaign, name="Logistics"))
    text = client_for(viewer).get(url("feedback-list", campaign)).text
    assert '<title id="chart-departments-title">' in text
    assert "Logistics, 1 complaints and 0 compliments" in text
    assert 'style="' not in text


def test_quick_entry_logs_a_complaint(client_for, champion, campaign):
    response = client_for(champion).post(url("feedback-list", campaign), quick(campaign))
    assert response.status_code == 302
    item = Feedback.objects.get()
    assert (item.kind, item.severity, item.status, item.source, item.logged_by) == (
        "complaint",
        "high",
        "open",
        "form",
        champion,
    )


def test_quick_entry_over_htmx_answers_the_log_with_a_fresh_form(client_for, champion, campaign):
    response = client_for(champion).post(url("feedback-list", campaign), quick(campaign), **HTMX)
    assert response.status_code == 200
    assert 'id="feedback-log"' in response.text and "<html" not in response.text
    assert "On hold for forty minutes." in response.text


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"summary": "  "}, "summary", "Write what the customer said."),
        ({"severity": ""}, "severity", "Say how severe the complaint is."),
        ({"kind": "compliment", "severity": "high"}, "severity", "Only complaints have a severity"),
        (
            {"received_on": (timezone.localdate() + timedelta(days=2)).isoformat()},
            "received_on",
            "cannot be in the future",
        ),
    ],
    ids=["no-summary", "no-severity", "compliment-with-severity", "future-date"],
)
def test_quick_entry_refuses_bad_input_beside_the_field(client_for, champion, campaign, fields, field, message):
    response = client_for(champion).post(url("feedback-list", campaign), quick(campaign, **fields), **HTMX)
    assert response.status_code == 200
    assert message in " ".join(response.context["quick_form"].errors[field])
    assert not Feedback.objects.exists()


def test_quick_entry_refuses_another_campaigns_department(client_for, champion, campaign, other_campaign):
    foreign = DepartmentFactory(campaign=other_campaign)
    response = client_for(champion).post(url("feedback-list", campaign), quick(campaign, department=foreign.pk))
    assert "department" in response.context["quick_form"].errors
    assert not Feedback.objects.exists()


def test_a_viewer_cannot_log_feedback(client_for, viewer, campaign):
    assert client_for(viewer).post(url("feedback-list", campaign), quick(campaign)).status_code == 403
    assert not Feedback.objects.exists()


def test_status_and_action_update_in_place(client_for, champion, campaign):
    item = FeedbackFactory(campaign=campaign)
    response = client_for(champion).post(
        url("feedback-update", campaign, pk=item.pk), {"status": "resolved", "action": "Refund sent"}, **HTMX
    )
    assert response.status_code == 200
    assert f'id="feedback-{item.pk}"' in response.text and "<html" not in response.text
    assert "Turn into a service story" in response.text
    item.refresh_from_db()
    assert (item.status, item.action, item.resolved_on) == ("resolved", "Refund sent", timezone.localdate())


def test_reopening_a_complaint_clears_its_resolved_date(client_for, champion, campaign):
    item = FeedbackFactory(campaign=campaign, status=Status.RESOLVED, resolved_on=date(2026, 1, 2))
    client_for(champion).post(url("feedback-update", campaign, pk=item.pk), {"status": "open", "action": ""})
    item.refresh_from_db()
    assert item.status == "open" and item.resolved_on is None


def test_a_bad_status_is_refused_beside_the_field(client_for, champion, campaign):
    item = FeedbackFactory(campaign=campaign)
    response = client_for(champion).post(url("feedback-update", campaign, pk=item.pk), {"status": "lost"}, **HTMX)
    assert "Select a valid choice" in response.text
    item.refresh_from_db()
    assert item.status == "open"


def test_another_campaigns_feedback_is_404(client_for, admin_user, other_campaign, campaign):
    foreign = FeedbackFactory(campaign=other_campaign)
    client = client_for(admin_user)
    assert client.post(url("feedback-update", campaign, pk=foreign.pk), {"status": "resolved"}).status_code == 404
    assert client.get(url("feedback-edit", campaign, pk=foreign.pk)).status_code == 404
    assert client.post(url("feedback-story", campaign, pk=foreign.pk)).status_code == 404


def test_the_full_edit_form_saves(client_for, champion, campaign):
    item = FeedbackFactory(campaign=campaign)
    theme = FeedbackThemeFactory(campaign=campaign, name="Delivery")
    data = quick(campaign, theme=theme.pk, status="in_progress", action="Courier called", customer="", featured="")
    response = client_for(champion).post(url("feedback-edit", campaign, pk=item.pk), data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.theme, item.status, item.action) == (theme, "in_progress", "Courier called")


def test_a_resolved_complaint_becomes_a_won_service_story_linked_both_ways(client_for, champion, campaign):
    item = FeedbackFactory(
        campaign=campaign,
        status=Status.RESOLVED,
        resolved_on=date(2026, 2, 3),
        received_on=date(2026, 2, 1),
        summary="Invoices arrive a month late",
        action="Invoices now go out the day the order ships",
        department=DepartmentFactory(campaign=campaign),
    )
    client = client_for(champion)
    # A click alone makes nothing: the story form opens (tests/leadership/test_feedback_story.py).
    assert client.post(url("feedback-story", campaign, pk=item.pk)).status_code == 200
    assert not ServiceProblem.objects.exists()
    story = {
        "title": "Invoices out the day the order ships",
        "department": item.department.pk,
        "story_what": "Invoices now go out the day the order ships",
        "story_before": "A month late",
        "story_after": "The same day",
    }
    client.post(url("feedback-story", campaign, pk=item.pk), story)
    problem = ServiceProblem.objects.get()
    assert (problem.status, problem.won_on, problem.opened_on) == ("won", date(2026, 2, 3), date(2026, 2, 1))
    assert problem.department == item.department
    assert problem.feedback == Feedback.objects.get(pk=item.pk)
    log = client.get(url("feedback-list", campaign)).text
    assert "Service story:" in log
    assert reverse("campaign:problem-detail", kwargs={"slug": campaign.slug, "pk": problem.pk}) in log


def test_an_open_complaint_cannot_become_a_story(client_for, champion, campaign):
    item = FeedbackFactory(campaign=campaign)
    client_for(champion).post(url("feedback-story", campaign, pk=item.pk))
    assert not ServiceProblem.objects.exists()


def test_feedback_text_is_escaped_on_the_log(client_for, viewer, campaign):
    FeedbackFactory(campaign=campaign, summary="<script>alert(1)</script>")
    text = client_for(viewer).get(url("feedback-list", campaign)).text
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


# --- Themes and API tokens ------------------------------------------------------------


def test_an_admin_adds_a_theme_and_a_duplicate_is_refused(client_for, admin_user, campaign):
    client = client_for(admin_user)
    client.post(url("settings-feedback-themes", campaign), {"name": "Billing"})
    response = client.post(url("settings-feedback-themes", campaign), {"name": "billing"})
    assert "already has a theme with that name" in response.text
    assert list(FeedbackTheme.objects.values_list("name", flat=True)) == ["Billing"]


def test_a_token_is_shown_once_and_stored_hashed(client_for, admin_user, campaign):
    client = client_for(admin_user)
    response = client.post(url("settings-api-tokens", campaign), {"name": "Helpdesk"})
    raw = response.context["raw_token"]
    assert raw.startswith("rt_") and raw in response.text
    token = ApiToken.objects.get()
    assert token.token_hash != raw and raw not in token.token_hash
    assert raw not in client.get(url("settings-api-tokens", campaign)).text


def test_revoking_a_token_asks_first_then_stops_it(client_for, admin_user, campaign):
    token = ApiTokenFactory(campaign=campaign)
    client = client_for(admin_user)
    assert "This cannot be undone" in client.get(url("settings-api-tokens-revoke", campaign, pk=token.pk)).text
    client.post(url("settings-api-tokens-revoke", campaign, pk=token.pk))
    assert not ApiToken.objects.for_token(token.raw).exists()


def test_create_api_token_command_prints_a_working_token(campaign, capsys):
    call_command("create_api_token", campaign.slug, "--name", "Survey tool")
    raw = capsys.readouterr().out.strip()
    assert ApiToken.objects.for_token(raw).get().campaign == campaign


def test_create_api_token_command_refuses_an_unknown_campaign(db):
    with pytest.raises(CommandError, match="No campaign"):
        call_command("create_api_token", "nope")


def test_the_quick_form_fills_in_today_day_first(client_for, champion, campaign):
    text = client_for(champion).get(url("feedback-list", campaign)).text
    assert f'type="text" name="received_on" value="{timezone.localdate():%d/%m/%Y}"' in text


def test_filtering_by_status_lists_complaints_only(client_for, viewer, campaign):
    FeedbackFactory(campaign=campaign, summary="An open complaint")
    FeedbackFactory(campaign=campaign, kind="compliment", severity="", summary="A compliment")
    text = client_for(viewer).get(url("feedback-list", campaign), {"status": "open"}).text
    assert "An open complaint" in text and "A compliment" not in text


def test_an_htmx_request_for_the_log_gets_the_log_region_only(client_for, viewer, campaign):
    FeedbackFactory(campaign=campaign, summary="Only the region")
    response = client_for(viewer).get(url("feedback-list", campaign), {"page": 1}, **HTMX)
    assert "Only the region" in response.text
    assert "<html" not in response.text and "By department" not in response.text


def test_counts_by_week_group_on_monday_based_weeks(campaign):
    FeedbackFactory(campaign=campaign, received_on=date(2026, 11, 16))  # a Monday
    FeedbackFactory(campaign=campaign, received_on=date(2026, 11, 22))  # the Sunday after
    FeedbackFactory(campaign=campaign, kind="compliment", severity="", received_on=date(2026, 11, 23))
    rows = list(Feedback.objects.counts_by_week(campaign, since=date(2026, 11, 1)))
    assert [(row["week"], row["complaints"], row["compliments"]) for row in rows] == [
        (date(2026, 11, 16), 2, 0),
        (date(2026, 11, 23), 0, 1),
    ]


def test_past_the_count_cap_the_log_says_so_and_asks_for_filters(client_for, viewer, campaign, monkeypatch):
    from leadership.feedback.views import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 30)
    FeedbackFactory.create_batch(31, campaign=campaign, severity="high")
    FeedbackFactory(campaign=campaign, severity="low")
    response = client_for(viewer).get(url("feedback-list", campaign))
    assert 'Log <span class="muted">(30+)</span>' in response.text
    assert "More than 30 items match: the log pages through the newest 30." in response.text
    assert "Page 1 of 2" in response.text
    # Past the cap, the last page is the cap's: the newest 30, 25 then 5.
    last = client_for(viewer).get(url("feedback-list", campaign), {"page": 9})
    assert len(last.context["page"].object_list) == 5
    # Narrowed under the cap, the count is exact again and the note goes.
    narrowed = client_for(viewer).get(url("feedback-list", campaign), {"severity": "low"})
    assert 'Log <span class="muted">(1)</span>' in narrowed.text
    assert "More than" not in narrowed.text


def test_the_count_is_written_with_thousands_separators():
    from leadership.feedback.views import CappedPaginator

    paginator = CappedPaginator(list(range(1204)), 25)
    paginator.found = 1204
    assert paginator.count_label == "1,204"
    paginator = CappedPaginator(list(range(10)), 25)
    paginator.__dict__.update(found=10_001)
    assert paginator.count_label == "10,000+"


def test_the_update_form_renders_its_label_help_errors_and_choices(client_for, champion, campaign):
    item = FeedbackFactory(campaign=campaign, status="in_progress", action="Calling <them> back")
    text = client_for(champion).get(url("feedback-list", campaign)).text
    assert f'<label for="id_fb{item.pk}_status">Status:</label>' in text
    assert '<option value="in_progress" selected>In progress</option>' in text
    assert f'id="id_fb{item.pk}_action_helptext"' in text
    assert "Calling &lt;them&gt; back</textarea>" in text
    response = client_for(champion).post(
        url("feedback-update", campaign, pk=item.pk), {"status": "bogus", "action": ""}, **HTMX
    )
    assert f'<ul class="errorlist" id="id_fb{item.pk}_status_error">' in response.text
    assert 'aria-invalid="true"' in response.text


def _chart_text(client, campaign):
    return client.get(url("feedback-list", campaign)).text


def test_the_charts_follow_every_write_that_changes_them(client_for, champion, campaign, django_assert_max_num_queries):
    from leadership.feedback.services import feedback_create_many
    from leadership.models.feedback import FeedbackStamp

    client = client_for(champion)
    logistics = DepartmentFactory(campaign=campaign, name="Logistics")
    billing = DepartmentFactory(campaign=campaign, name="Billing")
    item = FeedbackFactory(campaign=campaign, department=logistics)
    assert "Logistics, 1 complaints and 0 compliments" in _chart_text(client, campaign)
    # Logged on the page.
    client.post(url("feedback-list", campaign), quick(campaign, department=logistics.pk))
    assert "Logistics, 2 complaints and 0 compliments" in _chart_text(client, campaign)
    # Moved to another department on the full form.
    item.department = billing
    item.save()
    assert "Billing, 1 complaints and 0 compliments" in _chart_text(client, campaign)
    # Many at once (the CSV import and the API).
    today = timezone.localdate()
    rows = [
        {"external_id": f"x{n}", "kind": "compliment", "received_on": today, "channel": "email", "severity": ""}
        | {"summary": "Thanks", "customer": "", "department": billing, "theme": None}
        for n in range(3)
    ]
    feedback_create_many(campaign=campaign, items=rows, source="api")
    assert "Billing, 1 complaints and 3 compliments" in _chart_text(client, campaign)
    # Deleted, one or many.
    Feedback.objects.filter(campaign=campaign, kind="compliment").delete()
    assert "Billing, 1 complaints and 0 compliments" in _chart_text(client, campaign)
    Feedback.objects.get(pk=item.pk).delete()
    assert "Billing, 1 complaints" not in _chart_text(client, campaign)
    # A department renamed, then removed (its feedback is left without one).
    logistics.name = "Shipping"
    logistics.save()
    assert "Shipping, 1 complaints and 0 compliments" in _chart_text(client, campaign)
    logistics.delete()
    assert "No department, 1 complaints and 0 compliments" in _chart_text(client, campaign)
    # A status change leaves the charts (and their stamp) as they were; an unchanged log reads them from the cache.
    stamp = FeedbackStamp.current(campaign.pk)
    complaint = Feedback.objects.get()
    client.post(url("feedback-update", campaign, pk=complaint.pk), {"status": "in_progress", "action": "Calling"})
    assert FeedbackStamp.current(campaign.pk) == stamp
    with django_assert_max_num_queries(10) as captured:
        _chart_text(client, campaign)
    assert not any("GROUP BY" in query["sql"] for query in captured.captured_queries)


# --- dates in the app's own order (en-GB): day/month/year --------------------------------------------


def test_the_quick_entry_shows_and_takes_dates_day_first(client_for, champion, campaign, time_machine):
    time_machine.move_to("2026-11-03 10:00:00+00:00", tick=False)
    client = client_for(champion)
    page = client.get(url("feedback-list", campaign)).text
    quick_entry = page.split('name="received_on"')[1].split(">")[0]
    assert 'value="03/11/2026"' in quick_entry
    assert 'placeholder="dd/mm/yyyy"' in quick_entry
    assert 'type="date"' not in page.split('name="received_on"')[0][-200:]
    assert "day/month/year" in page.lower()
    client.post(url("feedback-list", campaign), quick(campaign, received_on="02/11/2026"))
    assert Feedback.objects.get().received_on == date(2026, 11, 2)


def test_the_log_filter_and_the_full_form_show_dates_day_first(client_for, champion, campaign):
    item = FeedbackFactory(campaign=campaign, received_on=date(2026, 10, 5))
    client = client_for(champion)
    page = client.get(url("feedback-list", campaign), {"since": "01/10/2026"}).text
    assert 'name="since" value="01/10/2026"' in page
    edit = client.get(url("feedback-edit", campaign, pk=item.pk)).text
    assert 'value="05/10/2026"' in edit


def test_pages_declare_british_english(client_for, viewer, campaign):
    assert '<html lang="en-GB">' in client_for(viewer).get(campaign.get_absolute_url()).text


# --- featuring a compliment from the log, and an edit page that fits the kind --------------------------


def compliment(campaign, **fields):
    return FeedbackFactory(campaign=campaign, kind="compliment", severity="", summary="Lovely driver.", **fields)


def test_a_compliment_is_featured_from_the_log_over_htmx(client_for, champion, campaign):
    item = compliment(campaign)
    client = client_for(champion)
    log = client.get(url("feedback-list", campaign)).text
    row = log.split(f'id="feedback-{item.pk}"')[1].split("</li>")[0]
    feature_url = url("feedback-feature", campaign, pk=item.pk)
    assert f'action="{feature_url}"' in row and f'hx-post="{feature_url}"' in row
    response = client.post(feature_url, {"featured": "on"}, **HTMX)
    assert response.status_code == 200
    assert f'id="feedback-{item.pk}"' in response.text and "<html" not in response.text
    assert "Unfeature" in response.text
    assert "featured" in response.headers["HX-Trigger"]
    item.refresh_from_db()
    assert item.featured is True


def test_unfeaturing_without_javascript_goes_back_to_the_log(client_for, champion, campaign):
    item = compliment(campaign, featured=True)
    response = client_for(champion).post(url("feedback-feature", campaign, pk=item.pk), {"featured": ""})
    assert response.status_code == 302
    assert response.url == url("feedback-list", campaign)
    item.refresh_from_db()
    assert item.featured is False


def test_only_compliments_are_featured_and_only_by_writers(client_for, viewer, champion, campaign, other_campaign):
    complaint = FeedbackFactory(campaign=campaign)
    foreign = compliment(other_campaign)
    mine = compliment(campaign)
    assert (
        client_for(champion).post(url("feedback-feature", campaign, pk=complaint.pk), {"featured": "on"}).status_code
        == 404
    )
    assert (
        client_for(champion).post(url("feedback-feature", campaign, pk=foreign.pk), {"featured": "on"}).status_code
        == 404
    )
    assert client_for(viewer).post(url("feedback-feature", campaign, pk=mine.pk), {"featured": "on"}).status_code == 403
    assert "feedback-feature" not in client_for(viewer).get(url("feedback-list", campaign)).text
    complaint.refresh_from_db()
    mine.refresh_from_db()
    assert not complaint.featured and not mine.featured


def test_the_log_with_many_compliments_takes_few_queries(client_for, champion, campaign, django_assert_max_num_queries):
    for _ in range(30):
        compliment(campaign)
    client = client_for(champion)
    with django_assert_max_num_queries(14):
        response = client.get(url("feedback-list", campaign))
    assert response.text.count("Feature<span") == 25


def test_the_edit_page_of_a_compliment_hides_the_complaint_fields(client_for, champion, campaign):
    item = compliment(campaign)
    client = client_for(champion)
    page = client.get(url("feedback-edit", campaign, pk=item.pk)).text
    for name in ("severity", "status", "action", "owner"):
        assert f'name="{name}"' not in page
    assert 'name="featured"' in page
    data = {
        "kind": "compliment",
        "received_on": item.received_on.isoformat(),
        "channel": "email",
        "summary": "Kind driver.",
        "featured": "on",
    }
    assert client.post(url("feedback-edit", campaign, pk=item.pk), data).status_code == 302
    item.refresh_from_db()
    assert (item.summary, item.featured, item.status) == ("Kind driver.", True, "open")


def test_the_edit_page_of_a_complaint_hides_featuring(client_for, champion, campaign):
    item = FeedbackFactory(campaign=campaign)
    page = client_for(champion).get(url("feedback-edit", campaign, pk=item.pk)).text
    assert 'name="severity"' in page and 'name="action"' in page
    assert 'name="featured"' not in page


def test_turning_a_compliment_into_a_complaint_on_the_edit_page_asks_for_the_severity(client_for, champion, campaign):
    item = compliment(campaign)
    data = {"kind": "complaint", "received_on": item.received_on.isoformat(), "channel": "email", "summary": "Rude."}
    response = client_for(champion).post(url("feedback-edit", campaign, pk=item.pk), data)
    assert response.status_code == 200
    assert "Say how severe the complaint is." in response.text
    assert 'name="severity"' in response.text


def test_a_text_search_counts_fewer_matches_than_the_whole_log(client_for, viewer, campaign, monkeypatch):
    from leadership.feedback import views as feedback

    monkeypatch.setattr(feedback, "SEARCH_COUNT_CAP", 5)
    FeedbackFactory.create_batch(7, campaign=campaign, summary="Waited 17 minutes on hold")
    FeedbackFactory(campaign=campaign, summary="Parcel left in the rain")

    searched = client_for(viewer).get(url("feedback-list", campaign), {"q": "17 minutes"})
    whole = client_for(viewer).get(url("feedback-list", campaign))

    assert 'Log <span class="muted">(5+)</span>' in searched.text
    assert "More than 5 items match" in searched.text
    assert 'Log <span class="muted">(8)</span>' in whole.text


def test_a_text_search_lists_four_pages_of_matches_at_most(client_for, viewer, campaign):
    FeedbackFactory.create_batch(101, campaign=campaign, summary="Waited 17 minutes on hold")

    first = client_for(viewer).get(url("feedback-list", campaign), {"q": "17 minutes"})
    last = client_for(viewer).get(url("feedback-list", campaign), {"q": "17 minutes", "page": "9"})

    assert 'Log <span class="muted">(100+)</span>' in first.text
    assert "More than 100 items match: the log pages through the newest 100." in first.text
    assert "Page 4 of 4" in last.text
