"""
The main pages never read the feedback table from end to end.

A campaign's pages are scoped to that campaign (and usually a period), so with many campaigns'
feedback in one table PostgreSQL must reach a campaign's rows through an index. The fixture holds
200,000 feedback rows over twenty campaigns, ANALYZE'd so the planner works from real statistics
(no `enable_seqscan` tricks); every SELECT each main page runs on the feedback table is EXPLAINed,
and a sequential scan of it fails the test.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign.models import Role
from tests.factories import (
    AllyFactory,
    BriefingPackFactory,
    CampaignFactory,
    DepartmentFactory,
    LeaderFactory,
    MembershipFactory,
)

pytestmark = [pytest.mark.needs_postgres, pytest.mark.django_db]

CAMPAIGNS = 20
ROWS_PER_CAMPAIGN = 10_000
FEEDBACK = "leadership_feedback"

# The feedback, one campaign after another as a long-lived table ends up, over three years.
FILL = """
INSERT INTO leadership_feedback (kind, received_on, channel, customer, summary, severity, status, action,
    resolved_on, featured, external_id, source, created_at, updated_at, campaign_id, department_id)
SELECT kind, received, 'email', 'Customer ' || (i %% 500),
    CASE WHEN kind = 'complaint' THEN 'Nobody called back' ELSE 'Sorted the same day' END,
    CASE WHEN kind = 'complaint' THEN (ARRAY['low','medium','high','critical'])[1 + i %% 4] ELSE '' END,
    st, '', CASE WHEN st = 'resolved' THEN received + 3 END, kind = 'compliment' AND i %% 97 = 0,
    '', 'form', received + interval '9 hours', received + interval '9 hours', c.id, %s
FROM unnest(%s::bigint[]) AS c(id)
CROSS JOIN LATERAL (
    SELECT i, CASE WHEN i %% 5 < 3 THEN 'complaint' ELSE 'compliment' END AS kind,
           current_date - (i %% 1095) AS received,
           CASE WHEN i %% 10 = 0 THEN 'open' WHEN i %% 10 = 1 THEN 'in_progress' ELSE 'resolved' END AS st
    FROM generate_series(1, %s) AS i
) AS f
ORDER BY c.id, f.i
"""


def _scans_of(plan, relation):
    """Every node of an EXPLAIN (FORMAT JSON) plan that reads `relation`, as (node type, index name)."""
    found = []
    if plan.get("Relation Name") == relation:
        found.append((plan["Node Type"], plan.get("Index Name")))
    for child in plan.get("Plans", []):
        found += _scans_of(child, relation)
    return found


def _feedback_plans(client, url):
    """The plans of the SELECTs the page at `url` runs on the feedback table, with their SQL."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            # The table itself, quoted as Django writes it: not leadership_feedbacktheme or _feedbackstamp.
            if f'"{FEEDBACK}"' not in sql or not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            plans.append((sql, _scans_of(plan[0]["Plan"], FEEDBACK)))
    return plans


@pytest.fixture
def big_feedback(campaign):
    """The campaign (one of twenty) in a table of 200,000 ANALYZE'd feedback rows."""
    others = CampaignFactory.create_batch(CAMPAIGNS - 1)
    department = DepartmentFactory(campaign=campaign, name="Despatch")
    with connection.cursor() as cursor:
        cursor.execute(FILL, [department.pk, [campaign.pk, *(c.pk for c in others)], ROWS_PER_CAMPAIGN])
        # Statistics the planner reads, taken inside the test's transaction (its own rows count).
        cursor.execute("ANALYZE leadership_feedback")
    return campaign


MAIN_PAGES = [
    ("campaign:home", {}),
    ("allies:ally-list", {}),
    ("allies:coverage", {}),
    ("personas:card-list", {}),
    ("personas:service-map", {}),
    ("campaign:board", {}),
    ("leadership:leader-list", {}),
    ("leadership:feedback-list", {}),
    ("leadership:summary-list", {}),
    ("leadership:summary-preview", {}),
]


def test_main_pages_reach_a_campaigns_feedback_through_an_index(big_feedback, client_for):
    campaign = big_feedback
    admin = MembershipFactory(campaign=campaign, role=Role.ADMIN).user
    ally = AllyFactory(campaign=campaign)
    LeaderFactory(campaign=campaign)
    pack = BriefingPackFactory(campaign=campaign)
    client = client_for(admin)
    urls = [reverse(name, kwargs={"slug": campaign.slug, **kwargs}) for name, kwargs in MAIN_PAGES]
    urls += [
        reverse("allies:ally-detail", kwargs={"slug": campaign.slug, "pk": ally.pk}),
        reverse("leadership:pack-compose", kwargs={"slug": campaign.slug, "pk": pack.pk}),
    ]
    checked = 0
    for url in urls:
        for sql, scans in _feedback_plans(client, url):
            assert scans, f"{url}: no scan of {FEEDBACK} found in the plan of {sql}"
            sequential = [scan for scan in scans if scan[0] == "Seq Scan"]
            assert not sequential, f"{url} reads every feedback row (sequential scan):\n{sql}"
            checked += 1
    # The feedback log and the home page read feedback: the check above must have had work to do.
    assert checked >= 2


def test_the_plan_check_sees_a_sequential_scan_when_there_is_one():
    """The same check on an unscoped query: proves it can fail."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) SELECT count(*) FROM leadership_feedback WHERE summary LIKE '%late%'")
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    assert ("Seq Scan", None) in _scans_of(plan[0]["Plan"], FEEDBACK)


def test_the_summarys_oldest_open_complaints_are_read_from_their_own_index(big_feedback):
    # The log's index (campaign, received_on, id) also fits this ORDER BY, and the planner once walked it
    # over the whole campaign to find ten open critical complaints: the summary took 0.6 s at 1M rows.
    from leadership.summaries import schedule_for, summary_content

    schedule = schedule_for(big_feedback)
    with CaptureQueriesContext(connection) as captured:
        summary_content(campaign=big_feedback, period=schedule.latest_due_period())
    oldest = [
        q["sql"]
        for q in captured.captured_queries
        if f'"{FEEDBACK}"."severity" = ' in q["sql"] and "ORDER BY" in q["sql"] and "LIMIT" in q["sql"]
    ]
    assert oldest
    with connection.cursor() as cursor:
        for sql in oldest:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            indexes = {index for _, index in _scans_of(plan[0]["Plan"], FEEDBACK)}
            assert indexes == {"feedback_open_complaints_order"}, sql
