from datetime import timedelta

from django.utils import timezone

from campaign.models import Heartbeat
from campaign.tasks import record_heartbeat


def test_healthz_fails_without_a_heartbeat(client, db):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True
    assert body["heartbeat"] == {"ok": False, "last_seen_at": None, "age_seconds": None}


def test_healthz_is_fine_after_the_heartbeat_task_ran(client, db):
    record_heartbeat()
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["heartbeat"]["ok"] is True
    assert body["heartbeat"]["age_seconds"] < 5


def test_healthz_fails_when_the_heartbeat_is_stale(client, db, settings):
    Heartbeat.objects.create(
        name="beat", last_seen_at=timezone.now() - timedelta(seconds=settings.HEARTBEAT_MAX_AGE + 60)
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["heartbeat"]["ok"] is False


def test_healthz_reports_a_broker_that_cannot_be_reached(client, db, monkeypatch):
    from campaign.views import setup as views

    record_heartbeat()
    monkeypatch.setattr(views, "_broker_check", lambda: {"ok": False, "error": "OperationalError"})
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == {"ok": False, "error": "OperationalError"}
