"""
A task sent through the real broker is run by a real worker.

Locally that is Celery's filesystem transport (in a temporary folder, so a
running `make run` is not disturbed); in CI it is Redis.
"""

import time

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
    """Drop pooled broker connections so the next send uses the current transport options."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None


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
