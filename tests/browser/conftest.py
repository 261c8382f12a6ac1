"""
Browser tests: pytest + Playwright driving Debian's Chromium against Django's live server.

Every test in this folder is marked `browser`; the root conftest skips it (or,
in strict mode, fails it) when /usr/bin/chromium or npm is missing. Pages are
checked with axe-core, installed with npm into var/node on first use.
"""

import json
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = Path(__file__).resolve().parents[2]
NODE_PREFIX = ROOT / "var" / "node"
AXE_VERSION = "4.14.1"  # the newest 4.x release on npm when this was written
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PASSWORD = "correct-horse-battery"  # what tests.factories.UserFactory sets
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa"]
BLOCKING_IMPACTS = ("serious", "critical")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


# --- axe-core --------------------------------------------------------------------


def _installed_axe_version(package_dir):
    try:
        return json.loads((package_dir / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


@pytest.fixture(scope="session")
def axe_path():
    """Path to axe.min.js, installing axe-core with npm into var/node when it is not there yet."""
    package_dir = NODE_PREFIX / "node_modules" / "axe-core"
    script = package_dir / "axe.min.js"
    if not script.exists() or _installed_axe_version(package_dir) != AXE_VERSION:
        NODE_PREFIX.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(NODE_PREFIX),
                "--no-audit",
                "--no-fund",
                "--no-save",
                f"axe-core@{AXE_VERSION}",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if result.returncode != 0 or not script.exists():
            pytest.fail(
                f"could not install axe-core@{AXE_VERSION} with npm:\n{result.stdout}\n{result.stderr}",
                pytrace=False,
            )
    return script


def check_accessibility(page, axe_path, context=""):
    """Run axe on the page as it is now; fail listing the serious and critical WCAG 2.1 AA violations."""
    page.add_script_tag(path=str(axe_path))
    violations = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return results.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
                count: v.nodes.length,
            }));
        }""",
        AXE_TAGS,
    )
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    lines = [
        f"- {v['id']} ({v['impact']}): {v['help']}; {v['count']} element(s), e.g. {', '.join(v['targets'])}"
        for v in blocking
    ]
    where = context or page.url
    assert not blocking, f"accessibility violations on {where}:\n" + "\n".join(lines)


# --- browser ---------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser():
    """Chromium, started once for the tests in this folder.

    Playwright's sync API keeps an event loop running in this thread while it
    is started, so Django's ORM would refuse to run from the tests (it thinks
    it is in async code) without DJANGO_ALLOW_ASYNC_UNSAFE. The variable is
    set only while Playwright runs, and Playwright stops when this folder's
    tests end (package scope, not session): set for the whole session, it
    would leak into the rest of the suite, e.g. into the `manage.py check
    --deploy` subprocess, which rightly refuses it.
    """
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        playwright = sync_playwright().start()
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
        finally:
            playwright.stop()


class ConsoleLog:
    """Console errors and uncaught exceptions seen by one page."""

    IGNORED = ("favicon",)

    def __init__(self, page):
        self.errors = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

    def _on_console(self, message):
        if message.type != "error":
            return
        text = message.text
        url = (message.location or {}).get("url", "")
        if any(ignored in text or ignored in url for ignored in self.IGNORED):
            return
        self.errors.append(f"{text} ({url})" if url else text)


def _new_page(browser, live_server, *, bypass_csp):
    context = browser.new_context(base_url=live_server.url, bypass_csp=bypass_csp)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.console_log = ConsoleLog(page)
    return context, page


@pytest.fixture
def page(browser, live_server):
    """A page in a fresh browser context, for one test.

    The site's CSP forbids inline scripts, which is how axe gets in, so this
    context bypasses CSP; `strict_page` keeps it, to catch CSP violations.
    """
    context, page = _new_page(browser, live_server, bypass_csp=True)
    yield page
    context.close()


@pytest.fixture
def strict_page(browser, live_server):
    """A page whose context enforces the site's CSP (so axe cannot be injected into it)."""
    context, page = _new_page(browser, live_server, bypass_csp=False)
    yield page
    context.close()


def log_in(page, username, password=PASSWORD, *, axe_path=None):
    """Log in through the real login form; with `axe_path`, check the form's accessibility first."""
    from playwright.sync_api import expect

    page.goto("/accounts/login/")
    if axe_path is not None:
        check_accessibility(page, axe_path, "the login page")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    # The log-out button sits in the closed account menu, so it is attached but hidden.
    expect(page.get_by_role("button", name="Log out", include_hidden=True)).to_be_attached()
    return page


@pytest.fixture
def logged_in_page(page):
    """`logged_in_page(user)`: the `page`, logged in as `user` through the login form."""

    def login(user, password=PASSWORD):
        username = user if isinstance(user, str) else user.get_username()
        return log_in(page, username, password)

    return login
