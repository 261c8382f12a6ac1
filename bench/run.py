"""
`make bench`: build two million-feedback campaigns in the bench's own PostgreSQL database, serve the app
with gunicorn, and measure each main page against a trivial view through the same middleware.

Usage: DATABASE_URL=postgres://…/risingtide_bench python -m bench.run
The database is dropped and rebuilt on every run, and only when the bench created it (see bench.data).
Prints a human table, then one JSON document (also written to bench/results/latest.json).
Beside each page's wall-clock time it reports what load moves much less: the web workers' CPU time and
the database backends' CPU time per request (bench.accounting). BENCH_SCALE=0.01 (say) builds smaller
campaigns for a quick check of the bench itself; such a run writes no results file.
"""

import http.client
import json
import os
import platform
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import accounting

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "latest.json"
LUA = ROOT / "bench" / "wrk.lua"
HOST = "127.0.0.1"
WEB_PORT = int(os.environ.get("BENCH_WEB_PORT", "8140"))
SMTP_PORT = int(os.environ.get("BENCH_SMTP_PORT", "8141"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = (1, 4)
PAGE_SECONDS = int(os.environ.get("BENCH_PAGE_SECONDS", "2"))
TRIVIAL_SECONDS = 1
# What a run measures; BENCH_ONLY=emails (say) runs one part on a reused database while working on it.
PARTS = ("pages", "summary", "emails", "csv", "api")
TARGETS = {
    "ratio": 15,
    "queries": 15,
    "summary_1m_s": 0.3,
    "emails_500_s": 15,
    "csv_20k_s": 20,
    "api_items_per_s": 2000,
}


def log(message):
    print(message, file=sys.stderr, flush=True)


def configure_environment():
    """The production shape: DEBUG off, Redis for the broker and the cache, SMTP to the bench's sink."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "make bench needs DATABASE_URL naming a PostgreSQL database the bench may create, e.g. "
            "postgres://postgres@127.0.0.1:5432/risingtide_bench"
        )
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DEBUG": "false",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": f"{HOST},localhost",
            "SECURE_SSL_REDIRECT": "false",
            "CACHE_URL": REDIS_URL,
            "CELERY_BROKER_URL": REDIS_URL,
            "EMAIL_URL": f"smtp://{HOST}:{SMTP_PORT}",
            "VAR_DIR": str(ROOT / "var" / "bench"),
            "LOG_LEVEL": "WARNING",
        }
    )
    return url


def check_tools():
    missing = [tool for tool in ("wrk",) if shutil.which(tool) is None]
    if missing:
        sys.exit(f"make bench needs {', '.join(missing)}: apt-get install -y {' '.join(missing)}")


# --- Processes ---------------------------------------------------------------------------------


class Processes:
    """Everything the bench starts, stopped (by process group) whatever happens."""

    def __init__(self):
        self.started = []

    def start(self, args, logfile):
        handle = open(logfile, "w")  # noqa: SIM115 - closed with the process in stop_all
        proc = subprocess.Popen(args, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
        self.started.append((proc, handle))
        return proc

    def stop_all(self):
        for proc, handle in reversed(self.started):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
            handle.close()


def wait_for(check, what, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not come up within {timeout} s")


def http_status(path):
    try:
        conn = http.client.HTTPConnection(HOST, WEB_PORT, timeout=5)
        conn.request("GET", path)
        return conn.getresponse().status
    except OSError:
        return None


# --- Measuring pages ---------------------------------------------------------------------------


def database_backends():
    """Pids of the database backends serving other processes (the web workers) on the bench's database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


def snapshot(counters):
    """What the web workers and their database backends have used so far (see bench.accounting)."""
    return {
        "workers": accounting.read_counters(counters),
        "db": accounting.backends_cpu_or_none(database_backends()),
    }


def run_wrk(path, connections, seconds, request):
    env = {
        **os.environ,
        "BENCH_METHOD": request.get("method", "GET"),
        "BENCH_BODY": request.get("body_path", ""),
        "BENCH_HEADERS": "\n".join(f"{k}: {v}" for k, v in request["headers"].items()),
    }
    args = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s", str(LUA)]
    out = subprocess.run(
        [*args, f"http://{HOST}:{WEB_PORT}{path}"], capture_output=True, text=True, env=env, timeout=seconds + 90
    )
    line = next((line for line in out.stdout.splitlines() if line.startswith("BENCHJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result for {path}: {out.stdout} {out.stderr}")
    result = json.loads(line.removeprefix("BENCHJSON "))
    if result["bad_status"] or result["socket_errors"]:
        raise RuntimeError(f"{path} answered badly under load: {result}")
    if result["requests"] < 3:
        # Slower than the run itself: time three requests one by one instead.
        return time_by_hand(path, request)
    return result


def time_by_hand(path, request):
    body = Path(request["body_path"]).read_bytes() if request.get("body_path") else None
    timings = []
    for _ in range(3):
        conn = http.client.HTTPConnection(HOST, WEB_PORT, timeout=120)
        started = time.perf_counter()
        conn.request(request.get("method", "GET"), path, body=body, headers=request["headers"])
        response = conn.getresponse()
        response.read()
        timings.append(time.perf_counter() - started)
        if response.status >= 400:
            raise RuntimeError(f"{path} answered {response.status}")
    return {"requests": 3, "p50_us": statistics.median(timings) * 1e6, "p95_us": max(timings) * 1e6}


def measure_pages(pages, trivial, counters):
    """For each connection count and round, each page right after a trivial-view run; ratios pair them.

    Each run is bracketed by snapshots of the workers' counters and the backends' CPU, so every figure
    per request is counted over the requests the server itself finished, in-flight ones included.
    """
    samples = {name: {c: [] for c in CONNECTIONS} for name in pages}
    # Every worker loads its templates and code paths on first use: pay for that before measuring.
    for request in (trivial, *pages.values()):
        run_wrk(request["path"], 2, 1, request)
    for round_number in range(1, ROUNDS + 1):
        for connections in CONNECTIONS:
            log(f"  round {round_number}/{ROUNDS}, {connections} connection(s)")
            for name, request in pages.items():
                before = snapshot(counters)
                base = run_wrk(trivial["path"], connections, TRIVIAL_SECONDS, trivial)
                time.sleep(0.2)
                between = snapshot(counters)
                page = run_wrk(request["path"], connections, PAGE_SECONDS, request)
                # wrk stops sending but gunicorn finishes what it took: let it drain before the next baseline.
                time.sleep(min(30, 2 * page["p95_us"] / 1e6) + 0.2)
                after = snapshot(counters)
                base_cost = accounting.run_cost(before, between)
                page_cost = accounting.run_cost(between, after)
                log(
                    f"    {name}: {page['p50_us'] / 1000:.1f} ms, cpu {_ms(page_cost['cpu_ms'])}, "
                    f"db {_ms(page_cost['db_ms'])} (trivial {base['p50_us'] / 1000:.2f} ms, "
                    f"cpu {_ms(base_cost['cpu_ms'])})"
                )
                samples[name][connections].append(
                    {
                        "median_ms": page["p50_us"] / 1000,
                        "p95_ms": page["p95_us"] / 1000,
                        "trivial_ms": base["p50_us"] / 1000,
                        "ratio": page["p50_us"] / max(base["p50_us"], 1),
                        "cpu_ms": page_cost["cpu_ms"],
                        "db_ms": page_cost["db_ms"],
                        "trivial_cpu_ms": base_cost["cpu_ms"],
                        "trivial_db_ms": base_cost["db_ms"],
                        **accounting.cost_ratios(page_cost, base_cost),
                    }
                )
    return samples


def _ms(value):
    return "-" if value is None else f"{value:.2f} ms"


SUMMARISED = ("median_ms", "p95_ms", "trivial_ms", "ratio", *accounting.COST_KEYS)


def summarise(runs):
    """Median of the rounds, figure by figure (None for a cost figure missing from any round)."""
    return {key: accounting.median_or_none([run[key] for run in runs]) for key in SUMMARISED}


def count_queries(pages, user, token):
    """Each page's SQL queries, through Django's test client against the same database."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    counts = {}
    for name, request in pages.items():
        extra = {}
        if request.get("htmx"):
            extra["HTTP_HX_REQUEST"] = "true"
        with CaptureQueriesContext(connection) as captured:
            if request.get("method") == "POST":
                body = Path(request["body_path"]).read_bytes()
                if request.get("api"):
                    response = client.post(
                        request["path"],
                        body,
                        content_type="application/json",
                        HTTP_AUTHORIZATION=f"Bearer {token}",
                    )
                else:
                    response = client.post(
                        request["path"], body, content_type="application/x-www-form-urlencoded", **extra
                    )
            else:
                response = client.get(request["path"], **extra)
        if response.status_code >= 400:
            raise RuntimeError(f"{name} answered {response.status_code} to the test client")
        counts[name] = len(captured.captured_queries)
    return counts


# --- The other timings ------------------------------------------------------------------------


def time_summary(campaign):
    """Building one month's executive summary content over the million-row campaign (median of three)."""
    from leadership.summaries import schedule_for, summary_content

    schedule = schedule_for(campaign)
    period = schedule.latest_due_period()
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        summary_content(campaign=campaign, period=period)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), schedule, period


class Sink:
    """An aiosmtpd SMTP server on loopback that counts what it receives."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.count = 0
        self.lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                with sink.lock:
                    sink.count += len(envelope.rcpt_tos)
                return "250 OK"

        self.controller = Controller(Handler(), hostname=HOST, port=SMTP_PORT)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


def time_emails(schedule, period, sink, processes, logdir):
    """From the summary's fan-out to 500 delivered messages, through Redis, a real worker and SMTP."""
    from leadership.models import SummaryDelivery
    from leadership.models.delivery import DeliveryStatus
    from leadership.services import summary_create_for_period

    worker_log = logdir / "worker.log"
    processes.start(
        [str(ROOT / ".venv" / "bin" / "celery"), "-A", "config", "worker", "--concurrency=2", "--loglevel=INFO"],
        worker_log,
    )
    wait_for(lambda: "ready." in worker_log.read_text(errors="replace"), "the Celery worker", timeout=90)
    # A rerun on a reused database sends the same period again.
    schedule.campaign.executive_summaries.filter(period_start=period.start).delete()
    started = time.perf_counter()
    summary = summary_create_for_period(schedule=schedule, period=period)
    expected = SummaryDelivery.objects.filter(summary=summary).count()

    def delivered():
        if sink.count < expected:
            return False
        return not SummaryDelivery.objects.filter(summary=summary).exclude(status=DeliveryStatus.SENT).exists()

    wait_for(delivered, f"{expected} summary emails", timeout=300)
    elapsed = time.perf_counter() - started
    if expected != 500 or sink.count != expected:
        raise RuntimeError(f"expected 500 messages, the sink got {sink.count} for {expected} deliveries")
    return elapsed


def time_csv_import(campaign, user):
    """20,000 allies as twenty files of 1,000 (the app's limit per file), each previewed then imported."""
    from allies.transfer import allies_import, import_preview

    departments = list(campaign.departments.values_list("name", flat=True))
    run = secrets.token_hex(4)
    files = []
    for part in range(20):
        lines = ["name,email,department,level,stage,source"]
        for i in range(1000):
            n = part * 1000 + i
            department = departments[n % len(departments)]
            lines.append(f"Imported {n},imported{n}-{run}@bench.example,{department},frontline,identified,recruited")
        files.append("\n".join(lines).encode())
    started = time.perf_counter()
    for data in files:
        if not import_preview(campaign=campaign, data=data).ok:
            raise RuntimeError("the bench's CSV was refused")
        allies_import(campaign=campaign, data=data, by=user)
    return time.perf_counter() - started


def batch_body(prefix, departments, size=1000):
    items = [
        {
            "external_id": f"{prefix}-{i}",
            "kind": "complaint" if i % 3 else "compliment",
            "received_on": "2026-01-15",
            "channel": "helpdesk",
            "department": departments[i % len(departments)],
            "severity": "medium" if i % 3 else "",
            "summary": f"Item {i}: the parcel arrived a day late",
            "customer": f"Customer {i}",
        }
        for i in range(size)
    ]
    return json.dumps({"items": items}).encode()


def time_api(campaign, token):
    """100 batches of 1,000 new items posted one after another to gunicorn; returns items per second."""
    departments = list(campaign.departments.values_list("name", flat=True))
    run = secrets.token_hex(4)
    bodies = [batch_body(f"bench-{run}-{k}", departments) for k in range(100)]
    conn = http.client.HTTPConnection(HOST, WEB_PORT, timeout=60)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    started = time.perf_counter()
    for body in bodies:
        conn.request("POST", f"/api/v1/campaigns/{campaign.slug}/feedback", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        if response.status != 201:
            raise RuntimeError(f"the API answered {response.status} to a new batch")
    return 100_000 / (time.perf_counter() - started)


# --- Report ------------------------------------------------------------------------------------


def machine():
    cores = os.cpu_count()
    memory = ""
    try:
        meminfo = Path("/proc/meminfo").read_text().splitlines()
        kib = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{platform.system()} {platform.machine()}, {cores} cores{memory}, Python {platform.python_version()}"


def _cell(value, fmt, suffix=""):
    return "-" if value is None else f"{value:{fmt}}{suffix}"


def page_verdict(figures):
    """Met when the wall-clock ratio, the web CPU ratio (when measured) and the query count are in target."""
    ratios = [figures["ratio"]] + ([figures["cpu_ratio"]] if figures.get("cpu_ratio") is not None else [])
    return all(r <= TARGETS["ratio"] for r in ratios) and figures["queries"] <= TARGETS["queries"]


def report(result, detail):
    rows = [
        (
            "page",
            "median ms",
            "p95 ms",
            "ratio",
            "c4 median",
            "c4 ratio",
            "cpu ms",
            "cpu ratio",
            "db ms",
            "db ratio",
            "queries",
            "",
        )
    ]
    for name, figures in result["pages"].items():
        four = detail[name]
        rows.append(
            (
                name,
                f"{figures['median_ms']:.1f}",
                f"{figures['p95_ms']:.1f}",
                f"{figures['ratio']:.1f}x",
                f"{four['median_ms']:.1f}",
                f"{four['ratio']:.1f}x",
                _cell(figures["cpu_ms"], ".2f"),
                _cell(figures["cpu_ratio"], ".1f", "x"),
                _cell(figures["db_ms"], ".2f"),
                _cell(figures["db_ratio"], ".1f", "x"),
                str(figures["queries"]),
                "ok" if page_verdict(figures) else "MISSED",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        f"Rising Tide bench, {result['date']}, {result['machine']}; trivial view {result['trivial_ms']:.2f} ms, "
        f"web CPU {_cell(result['trivial_cpu_ms'], '.3f')} ms, database CPU {_cell(result['trivial_db_ms'], '.3f')} ms"
        " a request"
    ]
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]

    def verdict(key, value, unit, better):
        if value is None:
            return f"{key}: not measured (BENCH_ONLY)"
        met = value >= TARGETS[key] if better == "more" else value < TARGETS[key]
        sign = "≥" if better == "more" else "<"
        return f"{key}: {value:.2f} {unit} (target {sign} {TARGETS[key]}) {'ok' if met else 'MISSED'}"

    lines.append(verdict("summary_1m_s", result.get("summary_1m_s"), "s", "less"))
    lines.append(verdict("emails_500_s", result.get("emails_500_s"), "s", "less"))
    lines.append(verdict("csv_20k_s", result.get("csv_20k_s"), "s", "less"))
    lines.append(verdict("api_items_per_s", result.get("api_items_per_s"), "items/s", "more"))
    return "\n".join(lines)


def _picker_path(campaign):
    """The ally picker's search (a few letters of a name), or None while the app has no picker URL."""
    from django.urls import NoReverseMatch, reverse

    try:
        path = reverse("allies:ally-pick", kwargs={"slug": campaign.slug})
    except NoReverseMatch:
        log("bench: no allies:ally-pick URL in this version of the app; the ally picker page is skipped")
        return None
    return f"{path}?field=people&people_q=a+77"


def page_paths(built):
    """The measured pages of the bench's main campaign: name → path, method, and body for the POSTs."""
    from allies.models import Ally

    campaign = built["campaign"]
    ally = Ally.objects.filter(campaign=campaign, stage="committed").order_by("pk").first()
    departments = list(campaign.departments.values_list("name", flat=True))
    c = f"/c/{campaign.slug}"
    paths = {
        "home": f"{c}/",
        "ally_list": f"{c}/allies/",
        "coverage_map": f"{c}/allies/coverage/",
        "ally_page": f"{c}/allies/{ally.pk}/",
        "persona_gallery": f"{c}/personas/",
        "service_map": f"{c}/personas/map/",
        "wins_board": f"{c}/wins/",
        "leaders_list": f"{c}/leaders/",
        "briefing_composer": f"{c}/briefings/{built['pack'].pk}/",
        "feedback_log": f"{c}/feedback/",
        "summaries": f"{c}/summaries/",
    }
    # The searched pages, as a new user tries them: a few words of a complaint, part of a name.
    paths.update(
        {
            "feedback_search": f"{c}/feedback/?kind=complaint&q=17+minutes",
            "ally_search": f"{c}/allies/?q=a+777",
            "card_search": f"{c}/personas/?q=persona+4242",
        }
    )
    picker = _picker_path(campaign)
    if picker:
        paths["ally_picker"] = picker
    pages = {name: {"path": path} for name, path in paths.items()}
    pages["htmx_after_post"] = {
        "path": f"{c}/allies/{ally.pk}/stage/",
        "method": "POST",
        "htmx": True,
        "body": f"stage={ally.stage}".encode(),
    }
    pages["api_intake_1000"] = {
        "path": f"/api/v1/campaigns/{campaign.slug}/feedback",
        "method": "POST",
        "api": True,
        "body": batch_body(f"bench-load-{secrets.token_hex(4)}", departments),
    }
    return pages


def main():
    # A Ctrl-C or a kill still stops gunicorn and the worker (Processes.stop_all in a finally).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    url = configure_environment()
    check_tools()
    parts = set(os.environ.get("BENCH_ONLY", ",".join(PARTS)).split(","))
    if not parts <= set(PARTS):
        sys.exit(f"bench: BENCH_ONLY takes a comma-separated list of {', '.join(PARTS)}")
    total_started = time.monotonic()
    from bench import data

    reuse = os.environ.get("BENCH_REUSE") == "1"
    log(f"bench: {'reusing' if reuse else 'rebuilding'} {url.rsplit('/', 1)[-1]} (refused unless the bench created it)")
    try:
        if reuse:
            data.check_ours(url)
        else:
            data.recreate_database(url)
    except data.NotOurDatabase as error:
        sys.exit(f"bench: {error}")

    import django

    django.setup()
    import redis
    from django.core.management import call_command

    redis.Redis.from_url(REDIS_URL).flushdb()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if reuse:
        built = data.existing()
    else:
        started = time.monotonic()
        log(f"bench: building two campaigns of {data.SIZES['feedback']:,} feedback items each")
        built = data.build(log=log)
        data.vacuum_analyze(url)
        log(f"bench: data built and analysed in {time.monotonic() - started:.0f} s")

    campaign, user, token = built["campaign"], built["user"], built["token"]
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    csrf = secrets.token_hex(16)
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    browser = {"Cookie": cookie}
    pages = {}
    for name, spec in page_paths(built).items():
        headers = dict(browser)
        if spec.get("api"):
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        elif spec.get("htmx"):
            headers.update(
                {"X-CSRFToken": csrf, "HX-Request": "true", "Content-Type": "application/x-www-form-urlencoded"}
            )
        pages[name] = {**spec, "headers": headers}
        if "body" in spec:
            body_path = tmp / f"{name}.body"
            body_path.write_bytes(spec["body"])
            pages[name]["body_path"] = str(body_path)
    trivial = {"path": "/bench/trivial/", "headers": browser}

    if "pages" in parts:
        log("bench: counting each page's queries")
        queries = count_queries(pages, user, token)
        log("  " + ", ".join(f"{name} {count}" for name, count in queries.items()))

    processes = Processes()
    logdir = ROOT / "var" / "bench"
    logdir.mkdir(parents=True, exist_ok=True)
    # Where each gunicorn worker keeps its requests served and CPU time (bench/gunicorn_conf.py).
    counters = tmp / "counters"
    counters.mkdir()
    os.environ["BENCH_COUNTERS"] = str(counters)
    measured = {}
    try:
        if {"pages", "api"} & parts:
            processes.start(
                [
                    str(ROOT / ".venv" / "bin" / "gunicorn"),
                    "config.wsgi",
                    "--config=python:bench.gunicorn_conf",
                    "--workers=2",
                    f"--bind={HOST}:{WEB_PORT}",
                    "--timeout=120",
                ],
                logdir / "gunicorn.log",
            )
            wait_for(lambda: http_status("/bench/trivial/") == 200, "gunicorn")
        if "pages" in parts:
            log(f"bench: measuring {len(pages)} pages, {ROUNDS} rounds at {CONNECTIONS} connections")
            samples = measure_pages(pages, trivial, counters)
        log(f"bench: timing {', '.join(part for part in PARTS[1:] if part in parts)}")
        schedule, period = None, None
        if {"summary", "emails"} & parts:
            measured["summary_1m_s"], schedule, period = time_summary(campaign)
            log(f"  summary: {measured['summary_1m_s']:.3f} s")
        if "emails" in parts:
            with Sink() as sink:
                measured["emails_500_s"] = time_emails(schedule, period, sink, processes, logdir)
            log(f"  emails: {measured['emails_500_s']:.1f} s")
        if "csv" in parts:
            measured["csv_20k_s"] = time_csv_import(built["other"], user)
            log(f"  csv: {measured['csv_20k_s']:.1f} s")
        if "api" in parts:
            measured["api_items_per_s"] = time_api(campaign, token)
            log(f"  api: {measured['api_items_per_s']:.0f} items/s")
    finally:
        processes.stop_all()
        shutil.rmtree(tmp, ignore_errors=True)

    result = {
        "machine": machine(),
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%MZ"),
        **({"scale": data.SCALE} if data.SCALE != 1 else {}),
    }
    four = {}
    if "pages" in parts:
        one = {name: summarise(runs[1]) for name, runs in samples.items()}
        four = {name: summarise(runs[4]) for name, runs in samples.items()}
        result.update(page_results(one, queries))
    rounding = {"summary_1m_s": 3, "emails_500_s": 2, "csv_20k_s": 2, "api_items_per_s": 0}
    result.update({key: round(value, rounding[key] or None) for key, value in measured.items()})
    if "pages" in parts:
        print(report(result, four))
    print(json.dumps(result, indent=2))
    if parts != set(PARTS) or data.SCALE != 1:
        why = "BENCH_ONLY" if parts != set(PARTS) else f"BENCH_SCALE={data.SCALE}"
        log(f"bench: {why}: nothing written to {RESULTS.relative_to(ROOT)}")
        return
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    log(f"bench: done in {time.monotonic() - total_started:.0f} s; results in {RESULTS.relative_to(ROOT)}")


def page_results(one, queries):
    """The JSON's page figures (medians of the rounds at one connection) and the trivial view's."""

    def overall(key, digits):
        values = [figures[key] for figures in one.values()]
        return accounting.rounded(accounting.median_or_none(values), digits)

    return {
        "trivial_ms": overall("trivial_ms", 3),
        "trivial_cpu_ms": overall("trivial_cpu_ms", 3),
        "trivial_db_ms": overall("trivial_db_ms", 3),
        "pages": {
            name: {
                "median_ms": round(figures["median_ms"], 2),
                "p95_ms": round(figures["p95_ms"], 2),
                "ratio": round(figures["ratio"], 2),
                "cpu_ms": accounting.rounded(figures["cpu_ms"], 3),
                "cpu_ratio": accounting.rounded(figures["cpu_ratio"], 2),
                "db_ms": accounting.rounded(figures["db_ms"], 3),
                "db_ratio": accounting.rounded(figures["db_ratio"], 2),
                "queries": queries[name],
            }
            for name, figures in one.items()
        },
    }


if __name__ == "__main__":
    main()
