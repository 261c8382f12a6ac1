"""The same intake batch posted many times at once, each on its own database connection, is stored once."""

import json

import pytest
from django.core.cache import cache
from django.test import Client

from leadership.models import Feedback
from tests.factories import ApiTokenFactory, CampaignFactory, DepartmentFactory
from tests.faults.test_dispatch_faults import run_at_once

pytestmark = [pytest.mark.needs_postgres]

ITEMS = 200
POSTS = 10


@pytest.fixture
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def batch(prefix):
    return {
        "items": [
            {
                "external_id": f"{prefix}-{n}",
                "kind": "complaint" if n % 3 else "compliment",
                "received_on": "2026-01-15",
                "channel": "phone",
                "department": "Customer Support",
                "severity": "high" if n % 3 else "",
                "summary": f"Waited forty minutes on hold ({n}).",
            }
            for n in range(ITEMS)
        ]
    }


def test_one_batch_posted_ten_times_at_once_is_stored_once_and_reported_created_once(
    transactional_db, fresh_rate_limits
):
    campaign, other = CampaignFactory(), CampaignFactory()
    tokens = {}
    for each in (campaign, other):
        DepartmentFactory(campaign=each, name="Customer Support")
        tokens[each.slug] = ApiTokenFactory(campaign=each).raw
    body = json.dumps(batch("HD"))

    def post(slug):
        def send():
            response = Client().post(
                f"/api/v1/campaigns/{slug}/feedback",
                body,
                content_type="application/json",
                headers={"Authorization": f"Bearer {tokens[slug]}"},
            )
            return response.status_code, response.json()

        return send

    answers = run_at_once(post(campaign.slug), times=POSTS)
    # The other campaign's copy of the batch (same external ids) is its own, stored alongside.
    answers_other = run_at_once(post(other.slug), times=2)

    assert {status for status, _ in answers} <= {200, 201}
    assert Feedback.objects.filter(campaign=campaign).count() == ITEMS
    assert Feedback.objects.filter(campaign=other).count() == ITEMS
    # Every id is reported created by exactly one of the ten answers, and as existing by the others.
    created = [external_id for _, answer in answers for external_id in answer["created"]]
    assert sorted(created) == sorted(f"HD-{n}" for n in range(ITEMS))
    for _, answer in answers:
        assert len(answer["created"]) + len(answer["existing"]) == ITEMS
    assert sum(len(answer["created"]) for _, answer in answers_other) == ITEMS
