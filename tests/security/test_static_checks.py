"""
Outside tools in CI: bandit over the apps (no unreviewed medium or high finding) and schemathesis against
the API's OpenAPI document on a live server (no 5xx, no accepted invalid input). `check --deploy` with
production settings is tests/campaign/test_settings_module.py.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache

from leadership import api as api_module
from tests.factories import ApiTokenFactory, CampaignFactory, DepartmentFactory, FeedbackThemeFactory

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SOURCES = [name for name in ("campaign", "allies", "personas", "leadership", "config") if (ROOT / name).is_dir()]
# The bench builds its data with SQL put together from integers and constants it made itself, against a
# database it created and marked as its own (bench/data.py): B608 (SQL from strings) is reviewed there.
BENCH_SKIPS = ["--skip", "B608"]


def _bandit(*args):
    result = subprocess.run(
        [str(BIN / "bandit"), "-r", *args, "-x", "*/migrations/*", "--severity-level", "medium", "-f", "json", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    report = json.loads(result.stdout)
    findings = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} ({r['issue_severity']}): {r['issue_text']}"
        for r in report["results"]
    ]
    # A file bandit could not read is not a file it found clean.
    return findings + [f"bandit could not check {e['filename']}: {e['reason']}" for e in report["errors"]]


def test_bandit_finds_nothing_unreviewed_of_medium_or_high_severity():
    """Findings judged safe carry `# nosec <test id>` and a reason on their line; everything else fails here."""
    findings = _bandit(*SOURCES) + _bandit("bench", *BENCH_SKIPS)
    assert not findings, "review these bandit findings (fix, or `# nosec <id>` with a reason):\n" + "\n".join(findings)


@pytest.fixture
def api_target(transactional_db, live_server, monkeypatch, tmp_path):
    """A live server, a token for its campaign, and the OpenAPI document narrowed to that campaign's slug."""
    campaign = CampaignFactory(slug="fuzzed")
    DepartmentFactory(campaign=campaign, name="Support")
    FeedbackThemeFactory(campaign=campaign, name="Waiting")
    token = ApiTokenFactory(campaign=campaign)
    # The per-token rate limit is tested on its own; here it would only turn fuzzed requests into 429s.
    monkeypatch.setattr(api_module.api.throttle[0], "num_requests", 100_000)
    cache.clear()
    from django.test import Client

    schema = json.loads(Client().get("/api/v1/openapi.json").content)
    for path in schema["paths"].values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "slug":
                    parameter["schema"] = {"type": "string", "enum": [campaign.slug]}
    schema.pop("servers", None)
    location = tmp_path / "openapi.json"
    location.write_text(json.dumps(schema))
    return location, token, live_server.url


def test_schemathesis_finds_no_server_error_and_no_accepted_invalid_input(api_target, tmp_path):
    location, token, url = api_target
    result = subprocess.run(
        [
            str(BIN / "schemathesis"),
            "run",
            str(location),
            "--url",
            url,
            "--header",
            f"Authorization: Bearer {token.raw}",
            "--checks",
            "not_a_server_error,negative_data_rejection",
            "--max-examples",
            "25",
            "--phases",
            "examples,coverage,fuzzing",
            "--seed",
            "8",
            "--workers",
            "1",
            # A slow CI machine must not turn Hypothesis's own health checks into a red test.
            "--suppress-health-check",
            "all",
            "--generation-database",
            "none",
            "--request-timeout",
            "10",
            "--no-color",
            "--report-dir",
            str(tmp_path / "report"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
