"""
The coverage map's and home's pass over a campaign's allies (allies.coverage.ally_counts) is answered by
the `ally_coverage_counts` index alone on PostgreSQL: every column it groups by or reads is in it.

Inside the test's transaction the table cannot be vacuumed, so the planner does not yet trust an
index-only scan to skip the heap; with the other access paths switched off, it must still be able to
plan one: a column the index lacks (a COUNT(id), say) would rule it out.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from allies.coverage import ally_counts
from allies.models import Stage
from campaign.models import Level
from tests.factories import AllyFactory, DepartmentFactory

pytestmark = [pytest.mark.needs_postgres, pytest.mark.django_db]


def _nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def test_ally_counts_read_only_the_coverage_index(campaign):
    department = DepartmentFactory(campaign=campaign)
    for stage in (Stage.IDENTIFIED, Stage.COMMITTED, Stage.DECLINED):
        AllyFactory(campaign=campaign, department=department, level=Level.MIDDLE, stage=stage)
    with CaptureQueriesContext(connection) as captured:
        counts = ally_counts(campaign)
    assert len(captured.captured_queries) == 1
    assert counts.total("active") == 2 and counts.total("committed") == 1

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + captured.captured_queries[0]["sql"])
        plan = cursor.fetchone()[0]
    plan = plan if isinstance(plan, list) else json.loads(plan)
    scans = [
        (node["Node Type"], node.get("Index Name")) for node in _nodes(plan[0]["Plan"]) if "Scan" in node["Node Type"]
    ]
    assert scans == [("Index Only Scan", "ally_coverage_counts")]
