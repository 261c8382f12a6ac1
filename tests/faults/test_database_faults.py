"""
PostgreSQL stopped while the dispatcher ticks, then started again: the missed tick is caught up by the
next one, once, and every leader gets the summary once.

The shared PostgreSQL server other tests use is never stopped: this test runs a private cluster of its
own (initdb as the `postgres` user, since PostgreSQL refuses to run as root), with the test database's
schema copied into it, and points the worker at it.
"""

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from leadership.tasks import dispatch_due_summaries
from tests.faults.conftest import BASE_DIR, MAX_ATTEMPTS, free_port, reap_until_settled, wait_until

pytestmark = [pytest.mark.needs_postgres, pytest.mark.needs_redis]


class PrivatePostgres:
    """A throwaway PostgreSQL cluster in a temporary folder, on its own port, that the test stops and starts."""

    def __init__(self, port):
        versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda path: int(path.split("/")[-2]))
        assert versions, "the database fault test needs PostgreSQL's server binaries (/usr/lib/postgresql/*/bin)"
        self.bin = Path(versions[-1])
        self.port = port
        self.folder = Path(tempfile.mkdtemp(prefix="risingtide-faults-pg-"))
        self.data = self.folder / "data"
        self.dsn = f"host=127.0.0.1 port={port} user=postgres dbname=faults connect_timeout=3"
        self.url = f"postgres://postgres@127.0.0.1:{port}/faults"
        if os.geteuid() == 0:
            os.chown(self.folder, pwd.getpwnam("postgres").pw_uid, -1)

    def _run(self, program, *args):
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def init(self):
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")

    def start(self):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-o", options, "-w", "-t", "30", "start"
        )

    def stop(self, mode="fast"):
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")

    def remove(self):
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
                self.stop(mode="immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def query(self, sql):
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            return conn.execute(sql).fetchall()


def copy_schema(target):
    """The test database's tables, empty, into the private cluster's `faults` database."""
    params = connection.settings_dict
    with psycopg.connect(target.dsn.replace("dbname=faults", "dbname=postgres"), autocommit=True) as conn:
        conn.execute("CREATE DATABASE faults")
    dump = subprocess.run(
        [
            "pg_dump",
            "--schema-only",
            "--no-owner",
            "-h",
            params["HOST"] or "127.0.0.1",
            "-p",
            str(params["PORT"] or 5432),
            "-U",
            params["USER"] or "postgres",
            params["NAME"],
        ],
        check=True,
        capture_output=True,
        timeout=60,
        env={**os.environ, "PGPASSWORD": params["PASSWORD"] or ""},
    )
    subprocess.run(
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(target.port), "-U", "postgres", "faults"],
        input=dump.stdout,
        check=True,
        capture_output=True,
        timeout=60,
    )


@pytest.fixture
def private_postgres(transactional_db):
    server = PrivatePostgres(free_port(5441, 5449))
    try:
        server.init()
        server.start()
        copy_schema(server)
        yield server
    finally:
        server.remove()


def tick_and_wait(worker):
    """Send the dispatcher's tick as beat does, and wait for the worker to finish it; True when it succeeded."""
    task_id = dispatch_due_summaries.delay().id
    wait_until(
        lambda: f"[{task_id}] succeeded" in worker.log.read_text() or f"[{task_id}] raised" in worker.log.read_text(),
        seconds=30,
        what="the worker to run the tick",
    )
    return f"[{task_id}] succeeded" in worker.log.read_text()


def test_a_tick_during_a_database_outage_is_caught_up_once_when_it_is_back(private_postgres, worker, smtp):
    db = private_postgres
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SEED],
        cwd=BASE_DIR,
        env={**worker.env, "DATABASE_URL": db.url},
        check=True,
        capture_output=True,
        timeout=60,
    )
    worker.start(DATABASE_URL=db.url)

    db.stop()
    assert not tick_and_wait(worker)
    assert "OperationalError" in worker.log.read_text()

    db.start()
    # The first tick after the restart may meet the worker's dead connection; the ones after it catch up.
    deadline = time.monotonic() + 30
    while not tick_and_wait(worker) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert tick_and_wait(worker)  # a later tick finds nothing left to create

    summaries = db.query("SELECT campaign_id, count(*) FROM leadership_executivesummary GROUP BY campaign_id")
    assert sorted(count for _, count in summaries) == [1, 1]
    reap_until_settled(
        in_hand=lambda: db.query(
            "SELECT count(*) FROM leadership_summarydelivery WHERE status IN ('queued', 'sending')"
        )[0][0]
    )
    deliveries = db.query("SELECT id, status, attempts FROM leadership_summarydelivery")
    assert len(deliveries) == 8
    received = smtp.sink.message_ids()
    for pk, status, attempts in deliveries:
        assert status == "sent"
        assert 1 <= attempts <= MAX_ATTEMPTS
        assert received[f"<summarydelivery-{pk}@rising-tide>"] == 1
    assert len(received) == 8


SEED = "from tests.faults.conftest import seed_campaigns; seed_campaigns()"
