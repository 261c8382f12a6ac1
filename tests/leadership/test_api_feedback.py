"""The JSON API: bearer tokens per campaign, batch intake (all or nothing, idempotent), reads, limits."""

import json
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from leadership import api as api_module
from leadership.models import ApiToken, Feedback
from tests.factories import ApiTokenFactory, DepartmentFactory, FeedbackFactory, SummaryScheduleFactory


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Each test starts with an empty rate-limit counter."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def token(campaign):
    DepartmentFactory(campaign=campaign, name="Customer Support")
    return ApiTokenFactory(campaign=campaign)


def item(n=1, **fields):
    return {
        "external_id": f"HD-{n}",
        "kind": "complaint",
        "received_on": "2026-01-15",
        "channel": "phone",
        "department": "Customer Support",
        "severity": "high",
        "summary": f"Waited forty minutes on hold ({n}).",
        "customer": "ACME Ltd",
        **fields,
    }


def post(client, token, payload, slug="harbour"):
    return client.post(
        f"/api/v1/campaigns/{slug}/feedback",
        json.dumps(payload),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token.raw if hasattr(token, 'raw') else token}"},
    )


def get(client, token, path):
    return client.get(path, headers={"Authorization": f"Bearer {token.raw}"})


def test_a_batch_is_stored_and_the_answer_lists_what_was_created(client, token, campaign):
    response = post(client, token, {"items": [item(1), item(2, kind="compliment", severity=None)]})
    assert response.status_code == 201
    assert response.json() == {"created": ["HD-1", "HD-2"], "existing": []}
    stored = Feedback.objects.get(external_id="HD-1")
    assert (stored.campaign, stored.source, stored.department.name, stored.severity) == (
        campaign,
        "api",
        "Customer Support",
        "high",
    )


def test_a_single_item_is_taken_as_a_batch_of_one(client, token):
    response = post(client, token, item(7))
    assert response.status_code == 201
    assert response.json()["created"] == ["HD-7"]


def test_the_same_batch_sent_twice_is_stored_once(client, token):
    batch = {"items": [item(n) for n in range(5)]}
    post(client, token, batch)
    response = post(client, token, batch)
    assert response.status_code == 200
    assert response.json() == {"created": [], "existing": [f"HD-{n}" for n in range(5)]}
    assert Feedback.objects.count() == 5


def test_an_id_repeated_inside_a_batch_is_stored_once(client, token):
    response = post(client, token, {"items": [item(1), item(1)]})
    assert response.json()["created"] == ["HD-1"]
    assert Feedback.objects.count() == 1


def test_one_bad_item_refuses_the_whole_batch_and_every_bad_item_is_named(client, token):
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    batch = {
        "items": [
            item(0),
            item(1, department="Nowhere"),
            item(2, severity="apocalyptic"),
            item(3, received_on=future),
            item(4, summary=""),
            item(5, kind="compliment"),  # a compliment with a severity
            item(6, external_id=""),
        ]
    }
    response = post(client, token, batch)
    assert response.status_code == 422
    problems = {(e["index"], e["field"]) for e in response.json()["errors"]}
    assert problems == {
        (1, "department"),
        (2, "severity"),
        (3, "received_on"),
        (4, "summary"),
        (5, "severity"),
        (6, "external_id"),
    }
    assert "Nowhere" in json.dumps(response.json())
    assert not Feedback.objects.exists()


def test_each_item_is_checked_on_its_own_values_alone(client, token):
    # One form is re-bound to every item: nothing of an item, good or bad, may carry over to the next.
    batch = {"items": [item(0, department="Nowhere"), item(1), item(2, summary=""), item(3, kind="compliment")]}
    response = post(client, token, batch)
    problems = {(e["index"], e["field"]) for e in response.json()["errors"]}
    assert problems == {(0, "department"), (2, "summary"), (3, "severity")}
    good = [item(0, department=""), item(1, kind="compliment", severity=None, channel=None), item(2)]
    assert post(client, token, {"items": good}).status_code == 201
    stored = {row.external_id: row for row in Feedback.objects.select_related("department")}
    assert stored["HD-0"].department is None
    assert (stored["HD-1"].kind, stored["HD-1"].severity, stored["HD-1"].channel) == ("compliment", "", "other")
    assert (stored["HD-2"].department.name, stored["HD-2"].severity, stored["HD-2"].channel) == (
        "Customer Support",
        "high",
        "phone",
    )


def test_dates_and_choices_are_read_as_the_form_always_read_them(client, token, campaign):
    """The quick paths (ISO dates, choices folded once a batch) read what the slow ones did, and refuse the same."""
    batch = {
        "items": [
            item(0, received_on="2026-02-30"),
            item(1, received_on="15/01/2026"),
            item(2, channel="In Person", severity="HIGH"),
            item(3, channel="in-person", kind="Compliment", severity=None),
            item(4, received_on=" 2026-1-5 "),
        ]
    }
    problems = {(e["index"], e["field"]): e["message"] for e in post(client, token, batch).json()["errors"]}
    assert problems == {(0, "received_on"): "Enter a valid date.", (1, "received_on"): "Enter a valid date."}
    batch["items"][:2] = [item(0, received_on="2026-02-28"), item(1, received_on=" 2026-01-15")]
    assert post(client, token, batch).status_code == 201
    stored = {row.external_id: row for row in Feedback.objects.filter(campaign=campaign)}
    days = [stored[f"HD-{n}"].received_on for n in (0, 1, 4)]
    assert days == [date(2026, 2, 28), date(2026, 1, 15), date(2026, 1, 5)]
    assert (stored["HD-2"].channel, stored["HD-2"].severity) == ("in_person", "high")
    assert (stored["HD-3"].channel, stored["HD-3"].kind) == ("in_person", "compliment")


def test_a_wrong_json_type_is_refused_with_its_index_and_field(client, token):
    response = post(client, token, {"items": [item(0), item(1, summary=42)]})
    assert response.status_code == 422
    assert response.json()["errors"][0]["index"] == 1
    assert response.json()["errors"][0]["field"] == "summary"


def test_a_batch_over_the_limit_is_refused(client, token):
    response = post(client, token, {"items": [item(n) for n in range(api_module.MAX_BATCH + 1)]})
    assert response.status_code == 422
    assert "at most 1000" in response.json()["detail"]
    assert not Feedback.objects.exists()


def test_a_batch_of_exactly_the_limit_is_stored(client, token):
    response = post(client, token, {"items": [item(n) for n in range(api_module.MAX_BATCH)]})
    assert response.status_code == 201
    assert Feedback.objects.count() == api_module.MAX_BATCH


def test_no_token_or_a_wrong_one_is_401(client, token):
    assert client.post("/api/v1/campaigns/harbour/feedback", "{}", content_type="application/json").status_code == 401
    assert post(client, "rt_not-a-token", item()).status_code == 401


def test_a_revoked_token_is_401(client, token):
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert post(client, token, item()).status_code == 401


def test_a_token_of_another_campaign_gets_the_same_404_as_no_campaign(client, token, other_campaign):
    foreign = post(client, token, item(), slug=other_campaign.slug)
    missing = post(client, token, item(), slug="no-such-campaign")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    assert not Feedback.objects.filter(campaign=other_campaign).exists()


def test_requests_past_the_rate_limit_are_refused(client, token, monkeypatch):
    throttle = api_module.api.throttle[0]
    monkeypatch.setattr(throttle, "num_requests", 2)
    assert get(client, token, "/api/v1/campaigns/harbour/feedback").status_code == 200
    assert get(client, token, "/api/v1/campaigns/harbour/feedback").status_code == 200
    assert get(client, token, "/api/v1/campaigns/harbour/feedback").status_code == 429


def test_reading_feedback_is_paginated_and_filtered(client, token, campaign, other_campaign):
    FeedbackFactory.create_batch(
        3, campaign=campaign, received_on=date(2026, 1, 10), department=token.campaign.departments.get()
    )
    FeedbackFactory(campaign=campaign, kind="compliment", severity="", received_on=date(2026, 1, 11))
    FeedbackFactory(campaign=other_campaign)
    body = get(client, token, "/api/v1/campaigns/harbour/feedback?kind=complaint").json()
    assert body["count"] == 3 and len(body["items"]) == 3
    assert {row["kind"] for row in body["items"]} == {"complaint"}
    assert (body["items"][0]["received_on"], body["items"][0]["department"]) == ("2026-01-10", "Customer Support")
    body = get(client, token, "/api/v1/campaigns/harbour/feedback?since=2026-01-11").json()
    assert body["count"] == 1


def test_reading_feedback_takes_a_fixed_number_of_queries(client, token, campaign, django_assert_max_num_queries):
    FeedbackFactory.create_batch(60, campaign=campaign, department=DepartmentFactory(campaign=campaign))
    with django_assert_max_num_queries(5):
        assert get(client, token, "/api/v1/campaigns/harbour/feedback").status_code == 200


def test_reading_summaries_gives_their_content(client, token, campaign):
    from datetime import UTC, datetime

    from leadership.services import summaries_dispatch_due

    SummaryScheduleFactory(campaign=campaign)
    summaries_dispatch_due(now=datetime(2026, 11, 16, 9, tzinfo=UTC))
    body = get(client, token, "/api/v1/campaigns/harbour/summaries").json()
    assert body["count"] == 1
    assert body["items"][0]["period_start"] == "2026-11-09"
    assert body["items"][0]["period_last_day"] == "2026-11-15"
    assert "complaints" in body["items"][0]["content"]


def test_the_openapi_document_describes_the_intake(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert "/api/v1/campaigns/{slug}/feedback" in doc["paths"]
    item_schema = doc["components"]["schemas"]["FeedbackItemIn"]
    assert set(item_schema["required"]) == {"external_id", "kind", "received_on", "summary"}
    assert item_schema["properties"]["kind"]["enum"] == ["complaint", "compliment"]
    assert doc["components"]["securitySchemes"]["CampaignToken"]["scheme"] == "bearer"
