"""
Links in emails lead where the app answers: `make run` derives SITE_URL from PORT unless it is set, and a
start-up check warns when SITE_URL's port is not the one served.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from campaign.checks import served_port, site_url_mismatch

ROOT = Path(__file__).resolve().parents[2]


def make_run_commands(*args):
    """The commands `make run` would run, printed by make without running them."""
    env = {k: v for k, v in os.environ.items() if k not in ("PORT", "SITE_URL", "MAKEFLAGS")}
    result = subprocess.run(
        ["make", "-n", "run", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return [line for line in result.stdout.splitlines() if "honcho" in line or "manage.py" in line]


def test_make_run_on_another_port_puts_that_port_in_every_link():
    commands = make_run_commands("PORT=8001")
    assert commands and all('SITE_URL="http://127.0.0.1:8001"' in line for line in commands)
    assert "PORT=8001" in commands[-1]


def test_make_run_keeps_a_site_url_that_is_set():
    commands = make_run_commands("PORT=8001", "SITE_URL=https://tide.example.com")
    assert all('SITE_URL="https://tide.example.com"' in line for line in commands)


def test_make_run_without_a_port_links_to_port_8000():
    assert all('SITE_URL="http://127.0.0.1:8000"' in line for line in make_run_commands())


def manage_check(env):
    clean = {k: v for k, v in os.environ.items() if k not in ("PORT", "SITE_URL", "DJANGO_SETTINGS_MODULE")}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_start_up_check_warns_when_site_url_is_not_the_port_served():
    result = manage_check({"PORT": "8001"})
    assert "campaign.W001" in result.stderr
    assert "SITE_URL is http://127.0.0.1:8000 but the app answers on port 8001" in result.stderr


def test_the_start_up_check_is_quiet_when_site_url_matches():
    result = manage_check({"PORT": "8001", "SITE_URL": "http://127.0.0.1:8001"})
    assert result.returncode == 0
    assert "W001" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("argv", "environ", "port"),
    [
        (["manage.py", "runserver", "127.0.0.1:8001", "--noreload"], {}, 8001),
        (["manage.py", "runserver", "--noreload", "9000"], {"PORT": "8001"}, 9000),
        (["manage.py", "runserver", "[::1]:8002"], {}, 8002),
        (["manage.py", "runserver"], {}, 8000),
        (["manage.py", "runserver", "127.0.0.1:http"], {}, None),
        (["manage.py", "migrate"], {"PORT": "8001"}, 8001),
        (["celery", "worker"], {}, None),
        (["manage.py", "check"], {"PORT": ""}, None),
    ],
)
def test_the_port_served_comes_from_runserver_or_the_procfiles_port(argv, environ, port):
    assert served_port(argv, environ) == port


@pytest.mark.parametrize(
    ("site_url", "port", "warns"),
    [
        ("http://127.0.0.1:8000", 8001, True),
        ("http://localhost:8001", 8001, False),
        ("http://127.0.0.1", 8001, True),
        ("http://127.0.0.1", 80, False),
        ("http://127.0.0.1:8000", None, False),
        ("https://tide.example.com", 8001, False),  # a proxy or a tunnel may lead it there
        ("http://127.0.0.1:99999", 8001, True),
    ],
)
def test_a_local_site_url_must_name_the_port_served(site_url, port, warns):
    assert bool(site_url_mismatch(site_url, port)) is warns
