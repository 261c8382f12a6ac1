"""
Complaints traced to where they started are read from their own small index, `feedback_traced`.

In a table of 200,000 ANALYZE'd feedback rows over twenty campaigns (the plans test's fixture), one in
twenty of the campaign's complaints is traced. The service map's counts, the checkup's question, the log
filtered to one department and the summary's "where they started" each read `feedback_traced` (the
counts index-only), never the campaign's whole feedback.
"""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign.models import Role
from tests.bench.test_feedback_plans import FEEDBACK, big_feedback  # noqa: F401 - the fixture
from tests.factories import DepartmentFactory, MembershipFactory

pytestmark = [pytest.mark.needs_postgres, pytest.mark.django_db]


@pytest.fixture
def traced(big_feedback):  # noqa: F811 - the imported fixture
    campaign = big_feedback
    providers = DepartmentFactory.create_batch(5, campaign=campaign)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE leadership_feedback SET traced_to_id = (%s::bigint[])[1 + id %% 5] "
            "WHERE campaign_id = %s AND kind = 'complaint' AND id %% 20 = 0",
            [[p.pk for p in providers], campaign.pk],
        )
        cursor.execute("ANALYZE leadership_feedback")
    return campaign, providers


def _nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _plans(sqls):
    """Each query's (indexes read, whether it reads the feedback table from end to end)."""
    with connection.cursor() as cursor:
        for sql in sqls:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            nodes = list(_nodes(plan[0]["Plan"]))
            # A bitmap scan names its index on its child node, which names no relation.
            indexes = {node["Index Name"] for node in nodes if "Index Name" in node}
            sequential = any(n["Node Type"] == "Seq Scan" and n.get("Relation Name") == FEEDBACK for n in nodes)
            yield sql, indexes, sequential


def _traced_queries(captured):
    """The queries that select feedback by where it started (not those that only join the department for display)."""
    found = []
    for query in captured.captured_queries:
        sql = query["sql"]
        where = sql.split(" WHERE ", 1)[1] if " WHERE " in sql else ""
        if f'"{FEEDBACK}"' in sql and ('traced_to_id" IS NOT NULL' in where or re.search(r'traced_to_id" = \d', where)):
            found.append(sql)
    return found


def test_the_traced_reads_of_each_page_use_their_index(traced, client_for):
    campaign, providers = traced
    client = client_for(MembershipFactory(campaign=campaign, role=Role.CHAMPION).user)
    log = reverse("leadership:feedback-list", kwargs={"slug": campaign.slug})
    urls = [
        reverse("personas:service-map", kwargs={"slug": campaign.slug}),
        reverse("campaign:home", kwargs={"slug": campaign.slug}),
        f"{log}?traced_to={providers[0].pk}",
        reverse("leadership:summary-preview", kwargs={"slug": campaign.slug}),
    ]
    checked = 0
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        sqls = _traced_queries(captured)
        assert sqls, f"{url}: no read of traced complaints"
        for sql, indexes, sequential in _plans(sqls):
            assert "feedback_traced" in indexes, f"{url} does not read feedback_traced:\n{sql}\n{indexes}"
            assert not sequential, f"{url} reads every feedback row:\n{sql}"
            checked += 1
    assert checked >= 4
