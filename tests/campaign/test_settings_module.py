"""The settings module, run as a fresh process with a given environment, as a deployment would."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import env_bool, env_choice, mailer_from_url

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 64 + "-production-like-secret-for-the-deploy-check",
    "ALLOWED_HOSTS": "tide.example.com",
    "DATABASE_URL": "sqlite:///:memory:",
    "EMAIL_URL": "smtp://mailer:secret@mail.example.com:587?tls=1",
}


def run_manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_secret_key_production_refuses_to_start_and_names_it():
    result = run_manage("check", env={**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_bad_boolean_is_an_error_not_false(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG", False)
    monkeypatch.setenv("SOME_FLAG", "off")
    assert env_bool("SOME_FLAG", True) is False


def test_email_url_becomes_an_smtp_mailer_with_a_timeout():
    mailer = mailer_from_url("smtp://me%40corp:p%2Fss@mail.example.com:2525?tls=1", timeout=7)
    assert mailer["BACKEND"].endswith("smtp.EmailBackend")
    assert mailer["OPTIONS"] == {
        "host": "mail.example.com",
        "port": 2525,
        "username": "me@corp",
        "password": "p/ss",
        "use_ssl": False,
        "use_tls": True,
        "timeout": 7,
    }


def test_unknown_email_scheme_is_an_error():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        mailer_from_url("pigeon://loft", timeout=5)


def test_embedded_default_uses_sqlite_filesystem_broker_and_file_mail(settings):
    if os.environ.get("DATABASE_URL") or os.environ.get("CELERY_BROKER_URL"):
        pytest.skip("this run points at real services")
    assert settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    assert settings.CELERY_BROKER_URL == "filesystem://"


def test_a_bad_campaign_creators_setting_is_refused(monkeypatch):
    monkeypatch.setenv("CAMPAIGN_CREATORS", "everybody")
    with pytest.raises(ImproperlyConfigured, match="CAMPAIGN_CREATORS"):
        env_choice("CAMPAIGN_CREATORS", "staff-and-admins", ["staff", "staff-and-admins", "members"])
