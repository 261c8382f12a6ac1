"""What schemathesis found in the API, kept as plain regression tests."""

import pytest
from django.core.cache import cache

from tests.factories import ApiTokenFactory


@pytest.fixture
def headers(campaign):
    cache.clear()
    return {"Authorization": f"Bearer {ApiTokenFactory(campaign=campaign).raw}"}


@pytest.mark.parametrize("route", ["feedback", "summaries"])
def test_a_page_number_past_any_database_offset_is_refused_not_a_server_error(client, headers, route):
    response = client.get(f"/api/v1/campaigns/harbour/{route}?page=668838199067212460851200", headers=headers)
    assert response.status_code == 422


@pytest.mark.parametrize("value", ["0", "1700000000", "15/01/2026", "yesterday"])
def test_a_date_filter_takes_iso_dates_only(client, headers, value):
    response = client.get(f"/api/v1/campaigns/harbour/feedback?until={value}", headers=headers)
    assert response.status_code == 422


def test_an_iso_date_filter_still_works(client, headers):
    response = client.get("/api/v1/campaigns/harbour/feedback?since=2026-01-01&until=2026-02-01", headers=headers)
    assert response.status_code == 200
