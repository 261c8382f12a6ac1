"""
Where one page's time goes, on the database `make bench` built: total, SQL, and the slowest queries.

Usage (after one `make bench`, which leaves its database behind):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/risingtide_bench .venv/bin/python -m bench.profile [PAGE ...]
        [--runs N] [--cprofile]

PAGE is one of the bench's page names (home, ally_list, feedback_log…); none means all of them. Each page
is requested through Django's test client (DEBUG off, the bench's settings) once to warm up, then N
times; the report gives the median total, the median SQL time, and the five slowest queries of the last
run. `--cprofile` adds the twenty most expensive functions of one more run. It only reads, except the
htmx POST (which moves one ally to the stage it already has) and the API batch (idempotent after the
first run).
"""

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time

from bench.run import configure_environment, page_paths


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cprofile", action="store_true")
    args = parser.parse_args()
    url = configure_environment()
    from bench import data

    try:
        data.check_ours(url)
    except data.NotOurDatabase as error:
        sys.exit(f"bench.profile: {error}")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # DEBUG is off, as under gunicorn: pages need the collected static files' manifest.
    call_command("collectstatic", interactive=False, verbosity=0)
    built = data.existing()
    pages = page_paths(built)
    unknown = [name for name in args.pages if name not in pages]
    if unknown:
        sys.exit(f"bench.profile: no page {', '.join(unknown)}; pages: {', '.join(pages)}")
    client = Client()
    client.force_login(built["user"])

    def request(spec):
        if spec.get("api"):
            auth = f"Bearer {built['token']}"
            return client.post(spec["path"], spec["body"], content_type="application/json", HTTP_AUTHORIZATION=auth)
        extra = {"HTTP_HX_REQUEST": "true"} if spec.get("htmx") else {}
        if spec.get("method") == "POST":
            return client.post(spec["path"], spec["body"], content_type="application/x-www-form-urlencoded", **extra)
        return client.get(spec["path"], **extra)

    for name in args.pages or pages:
        spec = pages[name]
        response = request(spec)
        if response.status_code >= 400:
            sys.exit(f"{name}: {spec['path']} answered {response.status_code}")
        totals, sql_totals = [], []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                request(spec)
                totals.append((time.perf_counter() - started) * 1000)
            queries = captured.captured_queries
            sql_totals.append(sum(float(q["time"]) for q in queries) * 1000)
        print(
            f"{name}: {statistics.median(totals):.1f} ms, SQL {statistics.median(sql_totals):.1f} ms "
            f"in {len(queries)} queries ({spec['path']})"
        )
        for query in sorted(queries, key=lambda q: -float(q["time"]))[:5]:
            print(f"    {float(query['time']) * 1000:7.1f} ms  {query['sql'][:300]}")
        if args.cprofile:
            profiler = cProfile.Profile()
            profiler.enable()
            request(spec)
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(20)
            print(out.getvalue())


if __name__ == "__main__":
    main()
