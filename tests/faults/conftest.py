"""
Machinery for the fault tests: a private Redis, a real `celery worker` process, an SMTP sink that can
misbehave on demand, and the checks every fault test ends with.

Nothing here touches the shared PostgreSQL or Redis servers other tests use: the Redis server is the
test's own (on a free port from 6391), killed and restarted at will; the worker process reads the test
database (pytest-django's `test_<name>`, made visible to it by `transactional_db`) and the private Redis.
Every fixture stops what it started in a `finally`.
"""

import asyncio
import email
import email.policy
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import kombu.pools
import pytest
import redis
from aiosmtpd.controller import Controller
from django.db import connection

from config.celery import app
from leadership.models import DeliveryStatus, SummaryDelivery
from leadership.tasks import requeue_stale_summary_deliveries
from tests.factories import CampaignFactory, LeaderFactory, SummaryScheduleFactory

BASE_DIR = Path(__file__).resolve().parent.parent.parent
CELERY = str(Path(sys.executable).with_name("celery"))

# Short enough for a test, in the same proportions as production: the stale delay outlasts any retry
# wait and any single send (EMAIL_TIMEOUT, twice: the message, then the QUIT that also times out).
MAX_ATTEMPTS = 5
STALE_AFTER = 6
WORKER_ENV = {
    "DELIVERY_MAX_ATTEMPTS": str(MAX_ATTEMPTS),
    "DELIVERY_RETRY_BACKOFF": "1",
    "DELIVERY_RETRY_BACKOFF_MAX": "2",
    "DELIVERY_RETRY_JITTER": "false",
    "DELIVERY_STALE_AFTER_SECONDS": str(STALE_AFTER),
    "EMAIL_TIMEOUT": "2",
    # Chat posts go to the test's own receiver on 127.0.0.1 (tests/receiver.py).
    "CHANNEL_ALLOW_LOCAL_URLS": "true",
    "CHANNEL_TIMEOUT": "2",
}
ACTIVE = (DeliveryStatus.QUEUED, DeliveryStatus.SENDING)


def free_port(first, last):
    """The first port in [first, last] nobody listens on (any free port when all are taken)."""
    for port in [*range(first, last + 1), 0]:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError("no free port")


def wait_until(condition, *, seconds, step=0.1, what="the condition"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(step)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


# --- Redis --------------------------------------------------------------------------------------


class PrivateRedis:
    """A redis-server of the test's own, without persistence: a restart loses every queued message."""

    def __init__(self, port, folder):
        self.port = port
        self.folder = folder
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = None

    def start(self):
        binary = shutil.which("redis-server")
        assert binary, "the fault tests need redis-server (apt-get install redis-server)"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        wait_until(lambda: self._pings(client), seconds=10, what="the private Redis")

    @staticmethod
    def _pings(client):
        try:
            return client.ping()
        except redis.ConnectionError:
            return False

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


def drop_broker_pools():
    """Forget pooled broker connections and producers, so the next send opens a live connection."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    kombu.pools.reset()


@pytest.fixture
def private_redis(tmp_path):
    """A private Redis, and this process's Celery app sending to it while the test runs."""
    server = PrivateRedis(free_port(6391, 6399), tmp_path)
    server.start()
    # The read and write URLs win over the configured broker URL; unset, they fall back to it again.
    app.conf.broker_write_url = app.conf.broker_read_url = server.url
    drop_broker_pools()
    try:
        yield server
    finally:
        app.conf.broker_write_url = app.conf.broker_read_url = None
        drop_broker_pools()
        server.kill()


# --- SMTP sink ------------------------------------------------------------------------------------


class Sink:
    """
    What the SMTP server does with each message: `mode` is accept, 451-once (a 451 for the first try
    of each Message-ID) or hold (wait without answering until released; `hold_after` holds once that
    many messages were accepted). Addresses in `reject` get a 550 at RCPT; refusing connections is
    SmtpServer.stop(). A message counts as received only when the 250 goes out to a client still
    connected: a client that died or gave up never saw it accepted.
    """

    def __init__(self):
        self.mode = "accept"
        self.hold_after = None  # hold every message once this many were accepted
        self.reject = set()
        self.received = []  # (Message-ID, recipients)
        self.tries = Counter()  # Message-ID -> DATA commands seen
        self.held = 0
        self.lock = threading.Lock()

    def holding(self):
        return self.mode == "hold" or (self.hold_after is not None and len(self.received) >= self.hold_after)

    def release(self):
        self.hold_after = None
        self.mode = "accept"

    def message_ids(self):
        with self.lock:
            return Counter(message_id for message_id, _ in self.received)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message_id = str(message["Message-ID"])
        with self.lock:
            self.tries[message_id] += 1
            first_try = self.tries[message_id] == 1
        if self.mode == "451-once" and first_try:
            return "451 4.3.0 Try again later"
        if self.holding():
            with self.lock:
                self.held += 1
            try:
                while self.holding():
                    await asyncio.sleep(0.05)
            finally:
                with self.lock:
                    self.held -= 1
        if server.transport is None or server.transport.is_closing():
            return "421 4.4.2 Gone"
        with self.lock:
            self.received.append((message_id, tuple(envelope.rcpt_tos)))
        return "250 2.0.0 Accepted"


class SmtpServer:
    """The aiosmtpd server around a Sink, which can be stopped (connections refused) and started again."""

    def __init__(self, port):
        self.port = port
        self.sink = Sink()
        self.controller = None

    def start(self):
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port, ready_timeout=10)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp():
    server = SmtpServer(free_port(8150, 8159))
    server.start()
    try:
        yield server
    finally:
        server.stop()


# --- The worker process ----------------------------------------------------------------------------


class WorkerProcess:
    """`celery -A config worker` in its own process group, on the test database and the private Redis."""

    def __init__(self, env, log):
        self.env = env
        self.log = log
        self.process = None
        self.starts = 0

    def start(self, concurrency=2, **extra_env):
        self.starts += 1
        marker = f"faults-{os.getpid()}-{self.starts}"
        self.log.write_text("")
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                [
                    CELERY,
                    "-A",
                    "config",
                    "worker",
                    "--loglevel=INFO",
                    "--pool=prefork",
                    f"--concurrency={concurrency}",
                    f"--hostname={marker}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=BASE_DIR,
                env={**self.env, **extra_env},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until(lambda: " ready." in self.log.read_text() or self.process.poll() is not None, seconds=30)
        assert self.process.poll() is None, f"the worker did not start:\n{self.log.read_text()[-3000:]}"

    def children(self):
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def kill(self):
        """SIGKILL the worker and its pool children at once, as an OOM killer or a lost machine would."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            self.process = None
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()
        self.process = None

    def tail(self):
        return self.log.read_text()[-4000:] if self.log.exists() else ""


def database_url():
    """The test database as a URL, so another process opens the very database this test writes to."""
    params = connection.settings_dict
    assert params["ENGINE"].endswith("postgresql"), "a worker process needs a database it can share: PostgreSQL"
    user = params["USER"] or "postgres"
    password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
    host = params["HOST"] or "127.0.0.1"
    port = params["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{params['NAME']}"


@pytest.fixture
def worker(transactional_db, private_redis, smtp, tmp_path):
    """A worker process (not started yet: `worker.start()`), stopped whatever happens."""
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("CELERY_", "EMAIL_", "DELIVERY_"))},
        **WORKER_ENV,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": private_redis.url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONUNBUFFERED": "1",
    }
    process = WorkerProcess(env, tmp_path / "worker.log")
    try:
        yield process
    finally:
        process.stop()
        print(f"--- the worker's log ---\n{process.tail()}")  # shown when the test failed
        # The test's own connection may be the last one open; pytest-django flushes through it next.
        connection.close()


# --- Seeds and checks --------------------------------------------------------------------------------


def seed_campaigns(count=2, leaders=4):
    """`count` campaigns, each with a weekly summary schedule that is due and `leaders` leaders."""
    campaigns = []
    for _ in range(count):
        campaign = CampaignFactory()
        SummaryScheduleFactory(campaign=campaign)
        LeaderFactory.create_batch(leaders, campaign=campaign)
        campaigns.append(campaign)
    return campaigns


def deliveries_in_hand():
    return SummaryDelivery.objects.filter(status__in=ACTIVE).exists()


def reap_until_settled(*, seconds=60, reap=True, in_hand=deliveries_in_hand):
    """
    Wait (bounded) until no summary delivery is queued or sending, sending the reaper's task now and
    then as beat would, so deliveries a lost message or a killed worker left behind are picked up.
    """
    deadline = time.monotonic() + seconds
    next_reap = 0.0
    while time.monotonic() < deadline:
        if not in_hand():
            return
        if reap and time.monotonic() >= next_reap:
            requeue_stale_summary_deliveries.delay()
            next_reap = time.monotonic() + 1.0
        time.sleep(0.2)
    raise AssertionError(f"deliveries still queued or sending after {seconds} s")


def assert_each_sent_exactly_once(sink, *, failed=()):
    """
    Every delivery reached the sink exactly once by its Message-ID (those of `failed` leaders: never,
    and failed), nothing else reached it, and no delivery used more than its tries.
    """
    received = sink.message_ids()
    deliveries = list(SummaryDelivery.objects.select_related("leader"))
    assert deliveries, "the test seeded no deliveries"
    for delivery in deliveries:
        if delivery.leader.email in failed:
            assert delivery.status == DeliveryStatus.FAILED, delivery.last_error
            assert received[delivery.message_id] == 0
        else:
            assert delivery.status == DeliveryStatus.SENT, (delivery.pk, delivery.status, delivery.last_error)
            assert received[delivery.message_id] == 1, (delivery.message_id, received[delivery.message_id])
        assert 1 <= delivery.attempts <= MAX_ATTEMPTS
    assert set(received) <= {delivery.message_id for delivery in deliveries}
