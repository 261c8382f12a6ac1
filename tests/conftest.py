"""
Fixtures shared by the whole suite, and strict mode.

Tests marked `needs_postgres`, `needs_redis` or `browser` skip on a machine
without that service, unless RISINGTIDE_STRICT=1 (as in CI), where they fail.
"""

import os
import shutil

import pytest
from django.conf import settings

from campaign.models import Role
from tests.factories import CampaignFactory, MembershipFactory
from tests.sso.idps import oidc_idp, saml_idp  # noqa: F401 (the identity providers, one process each per session)

STRICT = os.environ.get("RISINGTIDE_STRICT", "") == "1"


def _missing(item):
    if item.get_closest_marker("needs_postgres") and not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return "PostgreSQL (set DATABASE_URL=postgres://…)"
    if item.get_closest_marker("needs_redis") and not settings.CELERY_BROKER_URL.startswith("redis"):
        return "Redis (set CELERY_BROKER_URL=redis://…)"
    if item.get_closest_marker("browser"):
        if not os.path.exists("/usr/bin/chromium"):
            return "Debian's Chromium at /usr/bin/chromium (apt-get install chromium)"
        if shutil.which("npm") is None:
            return "npm, to install axe-core for the accessibility checks"
    return None


def pytest_runtest_setup(item):
    missing = _missing(item)
    if missing:
        if STRICT:
            pytest.fail(f"strict mode: this test needs {missing}", pytrace=False)
        pytest.skip(f"needs {missing}")


def pytest_report_header(config):
    vendor = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    broker = settings.CELERY_BROKER_URL.split(":", 1)[0]
    return f"rising tide: database={vendor} broker={broker} strict={STRICT}"


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path_factory):
    """Fast password hashing, static files that need no collectstatic, and a media folder of its own, in every test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Uploaded files and campaign exports stay out of the checkout's var/.
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture
def campaign(db):
    """The campaign the personas below belong to."""
    return CampaignFactory(name="Harbour Line", slug="harbour")


@pytest.fixture
def other_campaign(db):
    """A campaign none of the personas (except the outsider) belongs to."""
    return CampaignFactory(name="Other Co", slug="other")


@pytest.fixture
def admin_user(campaign):
    """Ada, the campaign's admin."""
    return MembershipFactory(campaign=campaign, role=Role.ADMIN, user__username="ada").user


@pytest.fixture
def champion(campaign):
    """Chris, a champion: creates and edits campaign data."""
    return MembershipFactory(campaign=campaign, role=Role.CHAMPION, user__username="chris").user


@pytest.fixture
def viewer(campaign):
    """Val, a viewer: reads only."""
    return MembershipFactory(campaign=campaign, role=Role.VIEWER, user__username="val").user


@pytest.fixture
def outsider(other_campaign):
    """Olly, an admin of another campaign: must never see this one's data."""
    return MembershipFactory(campaign=other_campaign, role=Role.ADMIN, user__username="olly").user


@pytest.fixture
def client_for(client):
    """Log the test client in as a user: `client_for(champion).get(url)`."""

    def login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return login


@pytest.fixture
def send_member_mail(db):
    """
    Send every queued member email as a worker would (no broker in tests): `send_member_mail()` after
    the request, whose enqueue callbacks the test captured without running them.
    """
    from campaign.models import MemberDelivery
    from campaign.tasks import send_member_delivery

    def send():
        queued = MemberDelivery.objects.filter(status=MemberDelivery.Status.QUEUED).order_by("pk")
        for pk in list(queued.values_list("pk", flat=True)):
            send_member_delivery.run(pk)

    return send


class Enqueued(list):
    """The tasks enqueued by name (campaign.outbox.enqueue_on_commit), as (name, args), kept off the broker."""

    def names(self):
        return [name for name, _args in self]


@pytest.fixture
def tasks_enqueued(monkeypatch):
    """Record the tasks the code under test enqueues (once its transaction commits) instead of sending them."""
    from celery import current_app

    recorded = Enqueued()
    monkeypatch.setattr(current_app, "send_task", lambda name, args=(), **options: recorded.append((name, args)))
    return recorded


@pytest.fixture
def tasks_run_here(monkeypatch):
    """Run each task the code under test enqueues at once, in this process, as a worker would; records them too."""
    from celery import current_app

    recorded = Enqueued()
    # A worker imports every app's tasks module at start (autodiscovery); do the same, so a task is found by
    # name even when nothing in this test imported its module.
    current_app.loader.import_default_modules()

    def send_task(name, args=(), **options):
        recorded.append((name, args))
        current_app.tasks[name](*args)

    monkeypatch.setattr(current_app, "send_task", send_task)
    return recorded


@pytest.fixture
def receiver(settings):
    """A local HTTP receiver for chat posts and webhooks (tests/receiver.py), stopped after the test."""
    from tests.receiver import Receiver

    settings.CHANNEL_ALLOW_LOCAL_URLS = True
    server = Receiver().start()
    try:
        yield server
    finally:
        server.stop()
