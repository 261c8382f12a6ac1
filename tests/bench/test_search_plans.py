"""
Every search box answers from an index, not by reading the searched table from end to end.

Like the feedback plan tests beside this file: twenty campaigns' rows in each searched table, the
campaign searched ten times the size of each of the others (195,000 feedback items, 100,000 of them the
campaign's; 39,000 allies; 19,500 persona cards; 9,750 won stories), ANALYZE'd so the planner works from
real statistics; each searched page is opened with a search a user would type, every SELECT it runs
on the searched table is EXPLAINed, and a sequential scan of that table fails the test. The search
itself reads an index: the table's trigram index (campaign.search.SearchIndex) or, where the planner
finds it cheaper under a LIMIT, the campaign's rows in the page's order. (What the plans are at the
bench's size, a million items a campaign, is in bench/README.md.)
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from campaign.models import Role
from tests.bench.test_feedback_plans import _scans_of
from tests.factories import (
    BriefingPackFactory,
    CampaignFactory,
    DepartmentFactory,
    LeaderFactory,
    MembershipFactory,
)

pytestmark = [pytest.mark.needs_postgres, pytest.mark.django_db]

CAMPAIGNS = 20

# Each campaign's rows, one campaign after another; the texts vary as the bench's do (bench/data.py).
FILL = [
    """
INSERT INTO leadership_feedback (kind, received_on, channel, customer, summary, severity, status, action,
    resolved_on, featured, external_id, source, created_at, updated_at, campaign_id, department_id)
SELECT kind, current_date - (i %% 1095), 'email', 'Customer ' || (i %% 5000),
    CASE WHEN kind = 'complaint' THEN 'Waited ' || (i %% 45) || ' minutes and nobody called back'
         ELSE 'The team sorted my delivery the same day' END,
    CASE WHEN kind = 'complaint' THEN 'medium' ELSE '' END,
    'resolved', 'Called back and fixed', current_date, false, '', 'form', now(), now(), c.id, %(department)s
FROM unnest(%(campaigns)s::bigint[]) AS c(id)
CROSS JOIN LATERAL (
    SELECT i, CASE WHEN i %% 5 < 3 THEN 'complaint' ELSE 'compliment' END AS kind
    FROM generate_series(1, CASE WHEN c.id = %(main)s THEN 100000 ELSE 5000 END) AS i
) AS f
ORDER BY c.id, f.i
""",
    """
INSERT INTO allies_ally (name, email, level, stage, stage_changed_at, source, motivation, note, awaiting_review,
    created_at, updated_at, campaign_id, department_id)
SELECT 'Ally ' || c.id || ' ' || i, 'ally' || c.id || '-' || i || '@example.com', 'frontline', 'identified', now(),
    'recruited', '', '', false, now(), now(), c.id, %(department)s
FROM unnest(%(campaigns)s::bigint[]) AS c(id)
CROSS JOIN generate_series(1, CASE WHEN c.id = %(main)s THEN 20000 ELSE 1000 END) AS i
ORDER BY c.id, i
""",
    """
INSERT INTO personas_personacard (persona_name, role, wants, so_that, scope, rhythm, created_at, updated_at,
    campaign_id)
SELECT 'Persona ' || i, 'Shift lead in a busy depot', 'the parts list before the morning briefing',
    'the first van leaves on time', 'outside', 'every morning by seven', now(), now(), c.id
FROM unnest(%(campaigns)s::bigint[]) AS c(id)
CROSS JOIN generate_series(1, CASE WHEN c.id = %(main)s THEN 10000 ELSE 500 END) AS i
ORDER BY c.id, i
""",
    """
INSERT INTO campaign_serviceproblem (title, description, difficulty, impact, status, opened_on, won_on,
    story_what, story_before, story_after, story_figure, benefits, celebration, is_roadblock, roadblock_ask,
    created_at, updated_at, campaign_id, from_the_middle)
SELECT 'Problem ' || i, '', 'easy', 'medium', 'won', current_date - 30, current_date - (i %% 700), '', '', '', '',
    '["time"]'::jsonb, '', false, '', now(), now(), c.id, false
FROM unnest(%(campaigns)s::bigint[]) AS c(id)
CROSS JOIN generate_series(1, CASE WHEN c.id = %(main)s THEN 5000 ELSE 250 END) AS i
ORDER BY c.id, i
""",
]
TABLES = ("leadership_feedback", "allies_ally", "personas_personacard", "campaign_serviceproblem")


@pytest.fixture
def big_campaigns(campaign):
    """The campaign (the largest of twenty) in tables of ANALYZE'd rows."""
    others = CampaignFactory.create_batch(CAMPAIGNS - 1)
    department = DepartmentFactory(campaign=campaign, name="Despatch")
    params = {"department": department.pk, "main": campaign.pk, "campaigns": [campaign.pk, *(c.pk for c in others)]}
    with connection.cursor() as cursor:
        for statement in FILL:
            cursor.execute(statement, params)
        for table in TABLES:
            cursor.execute(f"ANALYZE {table}")
    return campaign


def _indexes_in(plan):
    """Every index an EXPLAIN (FORMAT JSON) plan reads (a bitmap index scan names no relation, only its index)."""
    names = {plan["Index Name"]} if "Index Name" in plan else set()
    for child in plan.get("Plans", []):
        names |= _indexes_in(child)
    return names


def _plans(client, url, table):
    """
    The plans of the SELECTs the page at `url` runs on `table`: (sql, [(node type, index name)…] of the
    nodes reading `table`, the names of every index the plan reads).
    """
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if f'"{table}"' not in sql or not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            plans.append((sql, _scans_of(plan[0]["Plan"], table), _indexes_in(plan[0]["Plan"])))
    return plans


def _searched_pages(campaign):
    """(url, searched table) for every page with a search box, searched as a user would."""
    pack = BriefingPackFactory(campaign=campaign)
    pack.recipients.add(LeaderFactory(campaign=campaign))
    slug = {"slug": campaign.slug}
    pages = [
        (
            reverse("leadership:feedback-list", kwargs=slug) + "?kind=complaint&q=customer+4321",
            "leadership_feedback",
        ),
        (reverse("allies:ally-list", kwargs=slug) + "?q=1234", "allies_ally"),
        (reverse("personas:card-list", kwargs=slug) + "?q=persona+777", "personas_personacard"),
        # "Written by": the writers are found by name among the campaign's allies, then their cards.
        (reverse("personas:card-list", kwargs=slug) + "?writer=1+77", "personas_personacard"),
        (reverse("personas:card-list", kwargs=slug) + "?writer=1+77", "allies_ally"),
        (pack.get_absolute_url() + "?stories_q=problem+42", "campaign_serviceproblem"),
    ]
    try:
        picker = reverse("allies:ally-pick", kwargs=slug)
    except NoReverseMatch:  # the picker is another branch's work; its page joins this list when it lands
        pass
    else:
        pages.append((picker + "?field=people&people_q=1234", "allies_ally"))
    return pages


def test_every_search_box_reads_an_index_never_the_whole_table(big_campaigns, client_for):
    campaign = big_campaigns
    client = client_for(MembershipFactory(campaign=campaign, role=Role.ADMIN).user)
    for url, table in _searched_pages(campaign):
        plans = _plans(client, url, table)
        searched = [(sql, indexes) for sql, _scans, indexes in plans if "LIKE" in sql]
        assert searched, f"{url}: no search of {table} among its queries"
        # The searches (the page's other reads, such as "are there any cards at all", stop at their first
        # row; the main pages' plan tests look after those).
        for sql, scans, _indexes in (plan for plan in plans if "LIKE" in plan[0]):
            assert scans, f"{url}: no scan of {table} found in the plan of {sql}"
            sequential = [scan for scan in scans if scan[0] == "Seq Scan"]
            assert not sequential, f"{url} reads every row of {table} (sequential scan):\n{sql}"
        # Which index serves a search is the planner's choice: the search index (alone, or ANDed with
        # the campaign's B-tree), or, under a LIMIT, the campaign's rows in the page's order until it has
        # enough. Never the whole table.
        assert all(indexes for _sql, indexes in searched), f"{url}: a search reads no index: {searched}"


def test_the_feedback_search_on_a_common_phrase_reads_no_table_from_end_to_end(big_campaigns, client_for):
    campaign = big_campaigns
    client = client_for(MembershipFactory(campaign=campaign, role=Role.VIEWER).user)
    url = reverse("leadership:feedback-list", kwargs={"slug": campaign.slug}) + "?kind=complaint&q=17+minutes"
    plans = _plans(client, url, "leadership_feedback")
    assert any("LIKE" in sql for sql, _scans, _indexes in plans)
    for sql, scans, _indexes in plans:
        assert scans and not [scan for scan in scans if scan[0] == "Seq Scan"], sql


def test_the_search_plan_check_sees_a_sequential_scan_when_there_is_one(big_campaigns):
    """The same check on a search no index serves (a case-sensitive LIKE): proves it can fail."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) SELECT id FROM allies_ally WHERE name LIKE '%%1234%%'")
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    assert ("Seq Scan", None) in _scans_of(plan[0]["Plan"], "allies_ally")
