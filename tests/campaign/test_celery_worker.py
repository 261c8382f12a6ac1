"""
A task sent through the real broker is run by a real worker.

Locally that is Celery's filesystem transport (in a temporary folder, so a
running `make run` is not disturbed); in CI it is Redis.
"""

import time

import kombu.pools
import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from campaign.models import Heartbeat
from campaign.tasks import record_heartbeat
from config.celery import app


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """A worker thread consuming the configured broker (a private queue folder for the filesystem transport)."""
    saved = dict(app.conf.broker_transport_options or {})
    if settings.CELERY_BROKER_URL.startswith("filesystem"):
        queue = tmp_path / "queue"
        queue.mkdir()
        app.conf.broker_transport_options = {
            **saved,
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "processed_folder": str(tmp_path),
            "control_folder": str(tmp_path / "control"),
        }
    reset_producer_pool()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
            yield worker
    finally:
        app.conf.broker_transport_options = saved
        reset_producer_pool()


def reset_producer_pool():
    """
    Drop pooled broker connections and producers so the next send uses a live connection with the
    current transport options. Closing only the connection pool would leave the app's producer pool
    (and kombu's global pools) pointing at it, and the next worker test would fail with
    "Acquire on closed pool".
    """
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    kombu.pools.reset()


def wait_for(condition, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_task_sent_through_the_broker_runs_on_a_worker(celery_worker):
    record_heartbeat.delay("through-the-broker")
    assert wait_for(lambda: Heartbeat.objects.filter(name="through-the-broker").exists())


def test_tasks_use_json_and_late_acknowledgement():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert "record-heartbeat" in app.conf.beat_schedule


@pytest.mark.needs_redis
def test_ci_uses_redis_as_the_broker():
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        assert conn.transport_cls == "redis"


@pytest.mark.needs_postgres
def test_ci_runs_on_postgresql(db):
    from django.db import connection

    assert connection.vendor == "postgresql"


def test_a_second_worker_in_the_same_session_runs_tasks_too(celery_worker):
    """The fixture leaves the broker pools usable: a worker test after another one still sends."""
    record_heartbeat.delay("second-worker")
    assert wait_for(lambda: Heartbeat.objects.filter(name="second-worker").exists())
