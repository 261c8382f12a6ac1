"""
The identity providers the sign-in tests run against, each a real server started once per test session
on 127.0.0.1: the npm oidc-provider (tests/sso/oidc_idp.mjs; `npm ci` in tests/sso installs it) and a
SAML IdP built on pysaml2 (tests/sso/saml_idp.py). Without one, its tests skip with the reason; under
RISINGTIDE_STRICT=1 they fail instead. tests/conftest.py imports the two fixtures, so tests/sso and
tests/browser share the one process of each.
"""

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

HERE = Path(__file__).resolve().parent


def _unavailable(reason):
    from tests.conftest import STRICT

    if STRICT:
        pytest.fail(f"strict mode: {reason}", pytrace=False)
    pytest.skip(reason)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(process, url, what):
    """Poll `url` until it answers 200; fail or skip (strict mode decides) if it never does."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            _unavailable(f"{what} exited at start-up:\n{output}")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    process.terminate()
    _unavailable(f"{what} did not answer at {url} within 20 seconds")


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def oidc_idp():
    """The npm oidc-provider on a free port; yields its issuer address."""
    node = shutil.which("node")
    if node is None:
        _unavailable("needs Node.js for the OpenID Connect test provider")
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        _unavailable("needs oidc-provider: run `npm ci` in tests/sso")
    port = free_port()
    process = subprocess.Popen(
        [node, str(HERE / "oidc_idp.mjs"), str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    issuer = f"http://127.0.0.1:{port}"
    wait_until_up(process, f"{issuer}/.well-known/openid-configuration", "oidc-provider")
    yield issuer
    stop(process)


@pytest.fixture(scope="session")
def saml_idp(tmp_path_factory):
    """The pysaml2 IdP (tests/sso/saml_idp.py) on a free port; yields its base address."""
    if shutil.which("xmlsec1") is None:
        _unavailable("needs xmlsec1 for the SAML test IdP (apt-get install xmlsec1)")
    port = free_port()
    keys = tmp_path_factory.mktemp("saml-idp-keys")
    process = subprocess.Popen(
        [sys.executable, str(HERE / "saml_idp.py"), str(port), str(keys)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_up(process, f"{base}/metadata", "the SAML test IdP")
    yield base
    stop(process)
