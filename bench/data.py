"""
The bench's database: created and marked by the bench, refused otherwise, then filled in bulk.

The few rows a person would type (campaigns, departments, goals, users, a briefing pack) go through
the ORM; the big tables are written by one INSERT … SELECT FROM generate_series each, so two
campaigns of a million feedback items take about a minute instead of hours of row-by-row saves.
"""

import os
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

# Written as the database's comment at creation: the only database the bench will ever drop or fill.
MARKER = "rising-tide-bench: created by make bench; it drops and rebuilds this database"

FULL_SIZES = {
    "departments": 50,
    "allies": 20_000,
    "touchpoints": 200_000,
    "cards": 50_000,
    "problems": 5_000,
    "feedback": 1_000_000,
    "leaders": 500,
    "days": 3 * 365,
}
# What BENCH_SCALE shrinks: the big tables. Departments, leaders (the 500 summary emails) and the three
# years stay as they are.
SCALED = ("allies", "touchpoints", "cards", "problems", "feedback")


def scaled_sizes(scale, sizes=FULL_SIZES):
    """The sizes for BENCH_SCALE (1 is the issue's full size; 0.01 a quick check of the bench itself)."""
    if not 0 < scale <= 1:
        raise ValueError(f"BENCH_SCALE must be above 0 and at most 1, not {scale}")
    return {key: max(10, round(value * scale)) if key in SCALED else value for key, value in sizes.items()}


SCALE = float(os.environ.get("BENCH_SCALE", "1"))
SIZES = scaled_sizes(SCALE)


class NotOurDatabase(RuntimeError):
    pass


def _maintenance_url(url):
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def recreate_database(url):
    """
    Drop and create the database DATABASE_URL names, marked as the bench's own.

    Refuses (NotOurDatabase) when a database of that name exists without the bench's marker:
    whatever it holds was not made here.
    """
    admin_url, name = _maintenance_url(url)
    if not name:
        raise NotOurDatabase("DATABASE_URL names no database.")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if row is not None:
            if row[0] != MARKER:
                raise NotOurDatabase(
                    f"The database {name!r} exists and was not created by the bench (no marker comment). "
                    "Point DATABASE_URL at a new database name; the bench never touches one it did not create."
                )
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            conn.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(MARKER)))


def check_ours(url):
    """Refuse (NotOurDatabase) unless the database exists and carries the bench's marker."""
    admin_url, name = _maintenance_url(url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
    if row is None or row[0] != MARKER:
        raise NotOurDatabase(f"The database {name!r} was not built by the bench: run it once without BENCH_REUSE.")


def existing():
    """What `build` returned, read back from a database it built earlier (for BENCH_REUSE=1)."""
    from django.contrib.auth import get_user_model

    from campaign.models import Campaign
    from leadership.models import ApiToken, BriefingPack

    main = Campaign.objects.get(slug="bench-a")
    user = get_user_model().objects.get(username="bench-admin")
    # A fresh token each time (a raw token cannot be read back); earlier ones stay valid, so two
    # processes on the same database (a bench run and a profile) do not revoke each other's.
    token = ApiToken(campaign=main, name="Bench helpdesk", created_by=user)
    raw_token = token.issue()
    token.save()
    return {
        "campaign": main,
        "other": Campaign.objects.get(slug="bench-b"),
        "user": user,
        "token": raw_token,
        "pack": BriefingPack.objects.filter(campaign=main).order_by("pk").first(),
    }


def vacuum_analyze(url):
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def _ints(values):
    return "ARRAY[" + ",".join(str(int(v)) for v in values) + "]::bigint[]"


def _big_tables_sql(*, c, depts, goals, themes, users, tag):
    """The INSERT … SELECT statements for one campaign; every id is an int the bench made itself."""
    n = SIZES
    d = _ints(depts)
    g = _ints(goals)
    th = _ints(themes)
    u = _ints(users)
    nd, ng, nt, nu = len(depts), len(goals), len(themes), len(users)
    ally_index = "bench_ally_index"
    return [
        # Allies: every stage, most at the frontline, a few waiting for review.
        f"""INSERT INTO allies_ally (name, email, level, stage, stage_changed_at, source, motivation, note,
            follow_up_on, awaiting_review, created_at, updated_at, campaign_id, department_id, recruited_by_id)
        SELECT 'Ally {tag} ' || i, 'ally' || i || '@{tag}.bench.example',
            (ARRAY['top','middle','middle','frontline','frontline','frontline'])[1 + i % 6],
            (ARRAY['identified','approached','interested','committed','champion','declined'])[1 + (i * 7) % 6],
            now() - ((i % 900) || ' days')::interval,
            (ARRAY['volunteered','sent','recruited'])[1 + i % 3],
            'Wants the handover to the night shift to stop losing orders', '',
            CASE WHEN i % 10 = 0 THEN current_date + (i % 60 - 20) END, i % 500 = 0,
            now() - ((i % {n["days"]}) || ' days')::interval, now(), {c},
            ({d})[1 + i % {nd}], ({u})[1 + i % {nu}]
        FROM generate_series(1, {n["allies"]}) AS i""",
        f"""INSERT INTO allies_stagechange (from_stage, to_stage, changed_at, ally_id, changed_by_id, campaign_id)
        SELECT '', stage, stage_changed_at, id, recruited_by_id, {c} FROM allies_ally WHERE campaign_id = {c}""",
        # The allies numbered 0…n-1, so other tables can pick "the i-th ally" with an indexed join.
        f"""CREATE TEMPORARY TABLE {ally_index} ON COMMIT DROP AS
        SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM allies_ally WHERE campaign_id = {c}""",
        f"CREATE UNIQUE INDEX ON {ally_index} (n)",
        f"ANALYZE {ally_index}",
        f"""INSERT INTO allies_touchpoint (kind, happened_on, note, created_at, campaign_id, logged_by_id)
        SELECT (ARRAY['one_on_one','lunch','book_club','message','workshop','event'])[1 + i % 6],
            current_date - (i % {n["days"]}), 'Talked about the queue at the front desk',
            now() - ((i % {n["days"]}) || ' days')::interval, {c}, ({u})[1 + i % {nu}]
        FROM generate_series(1, {n["touchpoints"]}) AS i""",
        # One ally per touchpoint, and a second one on every tenth.
        f"""INSERT INTO allies_touchpoint_allies (touchpoint_id, ally_id)
        SELECT t.id, a.id FROM allies_touchpoint t JOIN {ally_index} a ON a.n = t.id % {n["allies"]}
        WHERE t.campaign_id = {c}
        UNION ALL
        SELECT t.id, a.id FROM allies_touchpoint t JOIN {ally_index} a ON a.n = (t.id + 1) % {n["allies"]}
        WHERE t.campaign_id = {c} AND t.id % 10 = 0""",
        # Each ally's latest touchpoint date (Ally.last_touch_on), as allies.services.refresh_last_touch keeps it.
        f"""UPDATE allies_ally a SET last_touch_on = l.last_on
        FROM (SELECT ta.ally_id, max(t.happened_on) AS last_on FROM allies_touchpoint_allies ta
            JOIN allies_touchpoint t ON t.id = ta.touchpoint_id WHERE t.campaign_id = {c} GROUP BY ta.ally_id) l
        WHERE a.id = l.ally_id AND a.campaign_id = {c}""",
        f"""INSERT INTO personas_personacard (persona_name, role, wants, so_that, scope, rhythm, created_at,
            updated_at, campaign_id, department_served_id, writer_ally_id, writer_member_id, workshop_id)
        SELECT 'Persona ' || s.i, 'Shift lead in a busy depot', 'the parts list before the morning briefing',
            'the first van leaves on time', CASE WHEN s.i % 3 = 0 THEN 'inside' ELSE 'outside' END,
            'every morning by seven', now() - ((s.i % {n["days"]}) || ' days')::interval, now(), {c},
            CASE WHEN s.i % 3 = 0 THEN ({d})[1 + s.i % {nd}] END, a.id, NULL, NULL
        FROM generate_series(1, {n["cards"]}) AS s(i) JOIN {ally_index} a ON a.n = s.i % {n["allies"]}""",
        # Problems: 40 % backlog, 20 % in progress, 30 % won (half with a story), 10 % dropped.
        f"""INSERT INTO campaign_serviceproblem (title, description, difficulty, impact, status, opened_on,
            started_on, won_on, dropped_on, story_what, story_before, story_after, story_figure, benefits,
            celebrated_on, celebration, is_roadblock, roadblock_ask, roadblock_cleared_on, created_at,
            updated_at, campaign_id, celebrated_by_id, department_id, goal_id, owner_id, roadblock_leader_id,
            from_the_middle)
        SELECT 'Problem {tag} ' || i, 'Customers wait too long at step ' || i,
            (ARRAY['easy','medium','hard'])[1 + i % 3], (ARRAY['low','medium','high'])[1 + (i / 3) % 3],
            st, current_date - (30 + i % 900),
            CASE WHEN st IN ('in_progress', 'won') THEN current_date - (20 + i % 800) END,
            CASE WHEN st = 'won' THEN current_date - (i % 700) END,
            CASE WHEN st = 'dropped' THEN current_date - (i % 700) END,
            CASE WHEN st = 'won' AND i % 2 = 0 THEN 'Moved the form online' ELSE '' END,
            CASE WHEN st = 'won' AND i % 2 = 0 THEN 'Two weeks' ELSE '' END,
            CASE WHEN st = 'won' AND i % 2 = 0 THEN 'Two days' ELSE '' END,
            '', '["time"]'::jsonb,
            CASE WHEN st = 'won' AND i % 3 = 0 THEN current_date - (i % 600) END, '',
            st IN ('backlog', 'in_progress') AND i % 50 = 0, '', NULL,
            now(), now(), {c}, NULL, ({d})[1 + i % {nd}], ({g})[1 + i % {ng}], ({u})[1 + i % {nu}], NULL, false
        FROM (SELECT i, (ARRAY['backlog','backlog','backlog','backlog','in_progress','in_progress',
                               'won','won','won','dropped'])[1 + i % 10] AS st
              FROM generate_series(1, {n["problems"]}) AS i) AS p""",
        f"""INSERT INTO campaign_serviceproblem_people (serviceproblem_id, ally_id)
        SELECT p.id, a.id FROM campaign_serviceproblem p JOIN {ally_index} a ON a.n = (p.id * 13) % {n["allies"]}
        WHERE p.campaign_id = {c} AND p.status = 'won'""",
        # A million feedback items over three years: 60 % complaints, most of them resolved.
        f"""INSERT INTO leadership_feedback (kind, received_on, channel, customer, summary, severity, status,
            action, resolved_on, featured, external_id, source, created_at, updated_at, campaign_id,
            department_id, logged_by_id, owner_id, service_problem_id, theme_id)
        SELECT kind, received, (ARRAY['email','phone','survey','social','in_person','helpdesk','other'])[1 + i % 7],
            'Customer ' || (i % 50000),
            CASE WHEN kind = 'complaint' THEN 'Waited ' || (i % 45) || ' minutes and nobody called back'
                 ELSE 'The team sorted my delivery the same day, thank you' END,
            CASE WHEN kind = 'complaint' THEN (ARRAY['low','medium','high','critical'])[1 + i % 4] ELSE '' END,
            st, CASE WHEN st = 'resolved' THEN 'Called back and fixed' ELSE '' END,
            CASE WHEN st = 'resolved' THEN LEAST(current_date, received + (i % 20)) END,
            kind = 'compliment' AND i % 997 = 0,
            CASE WHEN i % 4 = 0 THEN 'hd-{tag}-' || i ELSE '' END,
            CASE WHEN i % 4 = 0 THEN 'api' ELSE 'form' END,
            received + interval '9 hours', received + interval '9 hours', {c},
            ({d})[1 + i % {nd}], NULL, CASE WHEN i % 5 = 0 THEN ({u})[1 + i % {nu}] END, NULL,
            CASE WHEN i % 4 = 3 THEN NULL ELSE ({th})[1 + i % {nt}] END
        FROM (SELECT i, CASE WHEN i % 5 < 3 THEN 'complaint' ELSE 'compliment' END AS kind,
                     current_date - (i % {n["days"]}) AS received,
                     CASE WHEN i % 5 >= 3 THEN 'open'
                          WHEN i % {n["days"]} < 30 THEN (ARRAY['open','in_progress','resolved'])[1 + i % 3]
                          WHEN i % 20 = 0 THEN 'open' ELSE 'resolved' END AS st
              FROM generate_series(1, {n["feedback"]}) AS i) AS f""",
        f"""INSERT INTO leadership_leader (name, email, title, level, stance, wiifm, wiifm_note, receives_summaries,
            created_at, updated_at, campaign_id, department_id, owner_id, leads_with)
        SELECT 'Leader {tag} ' || i, 'leader' || i || '@{tag}.bench.example', 'Director of operations',
            (ARRAY['top','middle'])[1 + i % 2],
            (ARRAY['champion','supporter','neutral','skeptic','opposed'])[1 + i % 5],
            '["budget", "team"]'::jsonb, '', true, now(), now(), {c}, ({d})[1 + i % {nd}], ({u})[1 + i % {nu}],
            (ARRAY['well','wrong'])[1 + i % 2]
        FROM generate_series(1, {n["leaders"]}) AS i""",
        f"""INSERT INTO leadership_engagement (kind, recognition, happened_on, outcome, note, created_at,
            campaign_id, leader_id, recorded_by_id, event_id)
        SELECT (ARRAY['pitch','team_meeting','panel'])[1 + k], '', current_date - ((l.id * 7 + k * 40) % 400)::int,
            (ARRAY['accepted','attended','declined','no_answer'])[1 + (l.id + k) % 4], '', now(), {c}, l.id,
            NULL, NULL
        FROM leadership_leader l CROSS JOIN generate_series(0, 2) AS k WHERE l.campaign_id = {c}""",
    ]


def build_campaign(*, slug, name, users, tag, log):
    """One campaign of the issue's full size. Returns the campaign."""
    import time
    from datetime import timedelta

    from django.db import connection, transaction
    from django.utils import timezone

    from campaign.models import Campaign, Department, Goal, Membership, Role
    from leadership.models import FeedbackTheme, SummarySchedule

    today = timezone.localdate()
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=name,
            slug=slug,
            start_date=today - timedelta(days=SIZES["days"]),
            service_focus="Every request answered by the next working day.",
            why="We believe customers stay with people who keep their word.",
            how="Allies in every department fix small things first.",
            what="Fewer repeat calls and faster answers.",
        )
        Membership.objects.bulk_create(
            Membership(campaign=campaign, user=user, role=Role.ADMIN if i == 0 else Role.CHAMPION)
            for i, user in enumerate(users)
        )
        departments = Department.objects.bulk_create(
            Department(
                campaign=campaign,
                name=f"Department {i:02d}",
                kind=Department.Kind.CUSTOMER_FACING if i % 2 else Department.Kind.INTERNAL_PROVIDER,
                headcount=200 + (i * 37) % 1800,
            )
            for i in range(SIZES["departments"])
        )
        goals = Goal.objects.bulk_create(
            Goal(campaign=campaign, title=f"Goal {i}", measure="repeat orders per quarter") for i in range(5)
        )
        themes = FeedbackTheme.objects.bulk_create(
            FeedbackTheme(campaign=campaign, name=f"Theme {i}") for i in range(12)
        )
        SummarySchedule.objects.create(campaign=campaign, enabled=False, cadence="monthly", day_of_month=1)
        with connection.cursor() as cursor:
            # Every id below comes from rows made a moment ago: skipping the per-row foreign-key
            # triggers (superuser only, this transaction only) halves the build.
            cursor.execute("SET LOCAL session_replication_role = replica")
            for statement in _big_tables_sql(
                c=campaign.pk,
                depts=[d.pk for d in departments],
                goals=[g.pk for g in goals],
                themes=[t.pk for t in themes],
                users=[u.pk for u in users],
                tag=tag,
            ):
                started = time.monotonic()
                cursor.execute(statement)
                log(f"    {' '.join(statement.split()[:3])}: {time.monotonic() - started:.1f} s")
    return campaign


def build(*, log):
    """Both campaigns, the bench's users, an API token and a briefing pack; returns what the bench needs."""
    import time

    from django.contrib.auth import get_user_model

    from campaign.activity import activity_recount_all
    from leadership.models import ApiToken, BriefingPack, Leader

    User = get_user_model()
    users = [User.objects.create_user("bench-admin", "bench-admin@bench.example", None)]
    users += [
        User.objects.create_user(f"bench-champion-{i}", f"bench-champion-{i}@bench.example", None) for i in range(9)
    ]
    campaigns = []
    for slug, name, tag in (("bench-a", "Bench division A", "a"), ("bench-b", "Bench division B", "b")):
        started = time.monotonic()
        campaigns.append(build_campaign(slug=slug, name=name, users=users, tag=tag, log=log))
        log(f"  {slug}: built in {time.monotonic() - started:.0f} s")
        started = time.monotonic()
        activity_recount_all(campaigns[-1])  # the rows went in as raw SQL, which no signal saw
        log(f"  {slug}: activity rollup counted in {time.monotonic() - started:.0f} s")
    main = campaigns[0]
    token = ApiToken(campaign=main, name="Bench helpdesk", created_by=users[0])
    raw_token = token.issue()
    token.save()
    pack = BriefingPack.objects.create(
        campaign=main, title="This month's wins", note="Three wins worth a visit.", created_by=users[0]
    )
    pack.recipients.set(Leader.objects.filter(campaign=main).order_by("pk")[:20])
    return {"campaign": main, "other": campaigns[1], "user": users[0], "token": raw_token, "pack": pack}
