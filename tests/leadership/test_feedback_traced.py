"""
Complaints traced to the inside: a complaint names the department whose service to the front line was
behind it, when it is logged, edited or its action recorded (the log's rows), through the CSV import and
the API; the log filters by it; the executive summary separates where complaints arrived from where
they started.
"""

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from leadership.emails import summary_shared
from leadership.models import Feedback
from leadership.summaries import summary_content
from tests.factories import (
    ApiTokenFactory,
    DepartmentFactory,
    ExecutiveSummaryFactory,
    FeedbackFactory,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, campaign, **kwargs):
    return reverse(f"leadership:{name}", kwargs={"slug": campaign.slug, **kwargs})


@pytest.fixture
def support(campaign):
    return DepartmentFactory(campaign=campaign, name="Customer Support", kind="customer_facing")


@pytest.fixture
def logistics(campaign):
    return DepartmentFactory(campaign=campaign, name="Logistics")


def quick(campaign, **fields):
    return {
        "kind": "complaint",
        "received_on": timezone.localdate().isoformat(),
        "channel": "phone",
        "severity": "high",
        "summary": "Half the order was missing.",
        **fields,
    }


# --- logging and editing --------------------------------------------------------------------------


def test_quick_entry_traces_a_complaint_to_a_department(client_for, champion, campaign, support, logistics):
    response = client_for(champion).post(
        url("feedback-list", campaign), quick(campaign, department=support.pk, traced_to=logistics.pk)
    )
    assert response.status_code == 302
    item = Feedback.objects.get()
    assert (item.department, item.traced_to) == (support, logistics)


def test_quick_entry_refuses_a_traced_compliment_with_a_message(client_for, champion, campaign, logistics):
    response = client_for(champion).post(
        url("feedback-list", campaign), quick(campaign, kind="compliment", severity="", traced_to=logistics.pk)
    )
    assert response.status_code == 200
    assert "Only complaints are traced to where they started" in response.text
    assert not Feedback.objects.exists()


def test_another_campaigns_department_cannot_be_traced_to(client_for, champion, campaign, other_campaign):
    elsewhere = DepartmentFactory(campaign=other_campaign, name="Their warehouse")
    response = client_for(champion).post(url("feedback-list", campaign), quick(campaign, traced_to=elsewhere.pk))
    assert "Select a valid choice" in response.text
    assert not Feedback.objects.exists()


def test_the_edit_page_sets_and_clears_where_a_complaint_started(client_for, champion, campaign, logistics):
    item = FeedbackFactory(campaign=campaign)
    client = client_for(champion)
    page = client.get(url("feedback-edit", campaign, pk=item.pk)).text
    assert '<label for="id_traced_to">Traced to' in page and "Not traced" in page
    data = {
        "kind": "complaint",
        "received_on": item.received_on.strftime("%d/%m/%Y"),
        "channel": "email",
        "severity": "medium",
        "summary": item.summary,
        "status": "open",
        "traced_to": logistics.pk,
    }
    assert client.post(url("feedback-edit", campaign, pk=item.pk), data).status_code == 302
    item.refresh_from_db()
    assert item.traced_to == logistics
    client.post(url("feedback-edit", campaign, pk=item.pk), {**data, "traced_to": ""})
    item.refresh_from_db()
    assert item.traced_to is None


def test_a_compliments_edit_page_has_no_traced_to(client_for, champion, campaign):
    item = FeedbackFactory(campaign=campaign, kind="compliment", severity="")
    assert 'name="traced_to"' not in client_for(champion).get(url("feedback-edit", campaign, pk=item.pk)).text


def test_removing_a_department_leaves_its_complaints_untraced(campaign, logistics):
    item = FeedbackFactory(campaign=campaign, traced_to=logistics)
    logistics.delete()
    item.refresh_from_db()
    assert item.traced_to is None


# --- recording the action taken, in the log's row -------------------------------------------------


def test_a_row_traces_its_complaint_by_name_with_the_action(client_for, champion, campaign, logistics):
    item = FeedbackFactory(campaign=campaign)
    response = client_for(champion).post(
        url("feedback-update", campaign, pk=item.pk),
        {"status": "in_progress", "action": "Picking list checked", "traced_to": "logistics"},
        **HTMX,
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert (item.status, item.action, item.traced_to) == ("in_progress", "Picking list checked", logistics)
    assert 'value="Logistics"' in response.text and "traced to Logistics" in response.text


def test_a_row_refuses_an_unknown_department_and_keeps_what_was_typed(client_for, champion, campaign, logistics):
    item = FeedbackFactory(campaign=campaign, traced_to=logistics)
    response = client_for(champion).post(
        url("feedback-update", campaign, pk=item.pk),
        {"status": "resolved", "action": "Fixed", "traced_to": "Logistcs"},
        **HTMX,
    )
    row = response.text  # the row alone, answered to htmx
    assert f'id="feedback-{item.pk}"' in row
    assert "No department called “Logistcs” in this campaign" in row
    assert 'value="Logistcs"' in row and 'aria-invalid="true"' in row
    item.refresh_from_db()
    assert (item.status, item.traced_to) == ("open", logistics)


def test_a_row_refusal_without_javascript_offers_the_departments_again(client_for, champion, campaign, logistics):
    item = FeedbackFactory(campaign=campaign)
    response = client_for(champion).post(
        url("feedback-update", campaign, pk=item.pk), {"status": "open", "action": "", "traced_to": "Nowhere"}
    )
    assert response.status_code == 200
    assert '<datalist id="traced-to-choices"><option value="Logistics">' in response.text


def test_a_row_cleared_untraces_and_a_post_without_the_field_leaves_it(client_for, champion, campaign, logistics):
    item = FeedbackFactory(campaign=campaign, traced_to=logistics)
    client = client_for(champion)
    client.post(url("feedback-update", campaign, pk=item.pk), {"status": "open", "action": "Looking"})
    item.refresh_from_db()
    assert item.traced_to == logistics
    client.post(url("feedback-update", campaign, pk=item.pk), {"status": "open", "action": "", "traced_to": " "})
    item.refresh_from_db()
    assert item.traced_to is None


def test_a_viewer_cannot_trace_and_another_campaigns_complaint_is_404(
    client_for, viewer, champion, campaign, other_campaign, logistics
):
    item = FeedbackFactory(campaign=campaign)
    posted = {"status": "open", "action": "", "traced_to": "Logistics"}
    assert client_for(viewer).post(url("feedback-update", campaign, pk=item.pk), posted).status_code == 403
    theirs = FeedbackFactory(campaign=other_campaign)
    assert client_for(champion).post(url("feedback-update", campaign, pk=theirs.pk), posted).status_code == 404
    item.refresh_from_db()
    assert item.traced_to is None


def test_the_department_list_is_on_the_page_once_and_only_for_writers(
    client_for, champion, viewer, campaign, logistics
):
    FeedbackFactory.create_batch(3, campaign=campaign, traced_to=logistics)
    page = client_for(champion).get(url("feedback-list", campaign)).text
    assert page.count("<datalist") == 1
    assert page.count('list="traced-to-choices"') == 3
    read_only = client_for(viewer).get(url("feedback-list", campaign)).text
    assert "<datalist" not in read_only and 'name="traced_to" id="id_fb' not in read_only
    assert read_only.count("traced to Logistics") == 3


# --- the log filtered by it -----------------------------------------------------------------------


def test_the_log_filters_by_where_complaints_started(client_for, viewer, campaign, support, logistics):
    traced = FeedbackFactory(campaign=campaign, department=support, traced_to=logistics, summary="Traced one")
    FeedbackFactory(campaign=campaign, department=support, summary="Arrived only")
    FeedbackFactory(campaign=campaign, department=logistics, summary="Arrived at Logistics")
    response = client_for(viewer).get(url("feedback-list", campaign), {"traced_to": logistics.pk})
    assert [item.pk for item in response.context["page"].object_list] == [traced.pk]
    assert "Arrived at Logistics" not in response.text


def test_a_traced_filter_with_no_match_says_so(client_for, viewer, campaign, logistics):
    FeedbackFactory(campaign=campaign)
    response = client_for(viewer).get(url("feedback-list", campaign), {"traced_to": logistics.pk})
    assert "No feedback matches these filters" in response.text


def test_a_foreign_department_in_the_filter_is_refused_and_ignored(client_for, viewer, campaign, other_campaign):
    FeedbackFactory(campaign=campaign)
    elsewhere = DepartmentFactory(campaign=other_campaign)
    response = client_for(viewer).get(url("feedback-list", campaign), {"traced_to": elsewhere.pk})
    assert "Select a valid choice" in response.text
    assert len(response.context["page"].object_list) == 1


def test_the_log_with_many_traced_complaints_takes_few_queries(
    client_for, champion, campaign, logistics, django_assert_max_num_queries
):
    departments = [logistics, *DepartmentFactory.create_batch(20, campaign=campaign)]
    Feedback.objects.bulk_create(
        Feedback(
            campaign=campaign,
            summary=f"Item {n}",
            severity="high",
            department=departments[n % 21],
            traced_to=departments[(n + 1) % 21],
        )
        for n in range(60)
    )
    client = client_for(champion)
    # As many as without tracing: the department list is read once for both selects of each form.
    with django_assert_max_num_queries(14):
        response = client.get(url("feedback-list", campaign))
    assert response.text.count("traced to Department") + response.text.count("traced to Logistics") == 25
    with django_assert_max_num_queries(14):
        client.get(url("feedback-list", campaign), {"traced_to": logistics.pk})


# --- the CSV import and the API -------------------------------------------------------------------


def _upload(client, campaign, text):
    upload = SimpleUploadedFile("feedback.csv", text.encode(), "text/csv")
    return client.post(url("feedback-import", campaign), {"file": upload})


def test_the_import_takes_a_traced_to_column(client_for, champion, campaign, support, logistics):
    text = (
        "external_id,kind,received_on,department,severity,summary,traced_to\n"
        "HD-1,complaint,2026-01-15,Customer Support,high,Late again,LOGISTICS\n"
        "HD-2,complaint,2026-01-16,Customer Support,low,Rude reply,\n"
    )
    client = client_for(champion)
    preview = _upload(client, campaign, text)
    assert "Traced to" in preview.text
    content = preview.context["confirm_form"].initial["content"]
    client.post(url("feedback-import", campaign), {"content": content, "confirm": "1"})
    stored = dict(Feedback.objects.values_list("external_id", "traced_to"))
    assert stored == {"HD-1": logistics.pk, "HD-2": None}


def test_the_import_names_a_bad_traced_to_with_its_line(client_for, champion, campaign, logistics):
    text = (
        "external_id,kind,received_on,severity,summary,traced_to\n"
        "HD-1,complaint,2026-01-15,high,Late again,Warehouse\n"
        "HD-2,compliment,2026-01-16,,Lovely,Logistics\n"
    )
    response = _upload(client_for(champion), campaign, text)
    problems = response.context["problems"]
    assert {(p["line"], p["field"]) for p in problems} == {(2, "traced_to"), (3, "traced_to")}
    assert "No department called “Warehouse” in this campaign." in response.text
    assert not Feedback.objects.exists()


@pytest.fixture
def token(campaign, support, logistics):
    cache.clear()
    yield ApiTokenFactory(campaign=campaign)
    cache.clear()


def _api_item(n, **fields):
    return {
        "external_id": f"HD-{n}",
        "kind": "complaint",
        "received_on": "2026-01-15",
        "department": "Customer Support",
        "severity": "high",
        "summary": f"Late ({n}).",
        **fields,
    }


def _api(client, token, method, payload=None):
    headers = {"Authorization": f"Bearer {token.raw}"}
    path = "/api/v1/campaigns/harbour/feedback"
    if method == "get":
        return client.get(path, headers=headers)
    return client.post(path, json.dumps(payload), content_type="application/json", headers=headers)


def test_the_api_takes_and_gives_where_a_complaint_started(client, token, logistics):
    response = _api(client, token, "post", {"items": [_api_item(1, traced_to="Logistics"), _api_item(2)]})
    assert response.status_code == 201
    assert dict(Feedback.objects.values_list("external_id", "traced_to")) == {"HD-1": logistics.pk, "HD-2": None}
    read = {row["external_id"]: row for row in _api(client, token, "get").json()["items"]}
    assert read["HD-1"]["traced_to"] == "Logistics" and read["HD-1"]["department"] == "Customer Support"
    assert read["HD-2"]["traced_to"] is None


def test_the_api_refuses_an_unknown_or_misplaced_traced_to(client, token):
    batch = {
        "items": [
            _api_item(1, traced_to="Logistcs"),
            _api_item(2, kind="compliment", severity=None, traced_to="Logistics"),
        ]
    }
    response = _api(client, token, "post", batch)
    assert response.status_code == 422
    errors = [(e["index"], e["field"], e["message"]) for e in response.json()["errors"]]
    assert (0, "traced_to", "No department called “Logistcs” in this campaign.") in errors
    assert any(index == 1 and field == "traced_to" for index, field, _ in errors)
    assert not Feedback.objects.exists()


def test_the_openapi_document_describes_traced_to(client):
    schema = client.get("/api/v1/openapi.json").json()
    item = schema["components"]["schemas"]["FeedbackItemIn"]["properties"]["traced_to"]
    assert "where it started" in item["description"]


# --- the executive summary ------------------------------------------------------------------------


def _period(campaign):
    from leadership.summaries import schedule_for

    return schedule_for(campaign).latest_due_period()


def test_the_summary_separates_where_complaints_arrived_from_where_they_started(campaign, support, logistics):
    it = DepartmentFactory(campaign=campaign, name="IT")
    period = _period(campaign)
    last_day = period.end - timedelta(days=1)
    before = period.previous_bounds()[0]
    FeedbackFactory.create_batch(3, campaign=campaign, department=support, traced_to=logistics, received_on=last_day)
    FeedbackFactory(campaign=campaign, department=support, traced_to=it, received_on=last_day)
    FeedbackFactory(campaign=campaign, department=support, received_on=last_day)
    FeedbackFactory(campaign=campaign, department=support, traced_to=it, received_on=before)
    FeedbackFactory(campaign=campaign, kind="compliment", severity="", department=support, received_on=last_day)
    s = summary_content(campaign=campaign, period=period)
    assert [(row["name"], row["now"], row["before"]) for row in s["by_department"]] == [("Customer Support", 5, 1)]
    assert [(row["name"], row["now"], row["before"]) for row in s["by_origin"]] == [
        ("Logistics", 3, 0),
        ("IT", 1, 1),
    ]
    assert s["untraced_count"] == 1
    assert {item["traced_to"] for item in s["open_complaints"]} == {"Logistics", "IT", ""}


def test_the_summary_email_and_page_show_both_sections(client_for, viewer, campaign, support, logistics):
    period = _period(campaign)
    FeedbackFactory(campaign=campaign, department=support, traced_to=logistics, received_on=period.start)
    FeedbackFactory(campaign=campaign, department=support, received_on=period.start)
    snapshot = summary_content(campaign=campaign, period=period)
    summary = ExecutiveSummaryFactory(campaign=campaign, snapshot=snapshot)
    shared = summary_shared(summary)
    html, text = "".join(shared["html"].values()), "".join(shared["text"].values())
    for part in (html, text):
        assert part.index("Where complaints arrived") < part.index("Where they started")
        assert "1 of this period's not traced yet" in part
        assert "started in Logistics" in part
    page = client_for(viewer).get(url("summary-detail", campaign, pk=summary.pk)).text
    assert "Where complaints arrived" in page and "Where they started" in page
    assert "<td>Logistics</td><td>1</td><td>0</td>" in page


def test_a_summary_with_nothing_traced_leaves_the_section_out_of_the_email(campaign, support):
    period = _period(campaign)
    FeedbackFactory(campaign=campaign, department=support, received_on=period.start)
    summary = ExecutiveSummaryFactory(campaign=campaign, snapshot=summary_content(campaign=campaign, period=period))
    shared = summary_shared(summary)
    html, text = "".join(shared["html"].values()), "".join(shared["text"].values())
    assert "Where complaints arrived" in html and "Where they started" not in html
    assert "Where they started" not in text


def test_a_summary_sent_before_tracing_still_reads(client_for, viewer, campaign, support):
    period = _period(campaign)
    FeedbackFactory(campaign=campaign, department=support, received_on=period.start)
    snapshot = summary_content(campaign=campaign, period=period)
    for key in ("by_origin", "untraced_count"):
        snapshot.pop(key)
    summary = ExecutiveSummaryFactory(campaign=campaign, snapshot=snapshot)
    page = client_for(viewer).get(url("summary-detail", campaign, pk=summary.pk))
    assert page.status_code == 200
    assert "No complaint in either period has been traced" in page.text


HOSTILE = '<script>alert("x")</script>'


def test_a_hostile_department_name_is_escaped_wherever_tracing_shows_it(client_for, champion, campaign, support):
    hostile = DepartmentFactory(campaign=campaign, name=f"Ops {HOSTILE}")
    period = _period(campaign)
    FeedbackFactory(campaign=campaign, department=support, traced_to=hostile, received_on=period.start)
    summary = ExecutiveSummaryFactory(campaign=campaign, snapshot=summary_content(campaign=campaign, period=period))
    client = client_for(champion)
    pages = [
        client.get(url("feedback-list", campaign)).text,
        client.get(url("summary-detail", campaign, pk=summary.pk)).text,
        "".join(summary_shared(summary)["html"].values()),
        client.get(reverse("personas:service-map", kwargs={"slug": campaign.slug})).text,
    ]
    for page in pages:
        assert HOSTILE not in page
        assert "&lt;script&gt;" in page
