"""
A start-up check that the links put in emails lead where the app answers.

Every email link starts with SITE_URL. When the web server listens on another port (`make run PORT=8001`
with SITE_URL left at its default, say), every invitation, web version, Accept/Decline and unsubscribe
link is dead. The check compares SITE_URL with the address this process serves: runserver's address
argument, or the PORT the Procfile starts the web server on. Only a SITE_URL on this machine is
compared: a public address may reach the port through a proxy or a tunnel.
"""

import os
import sys
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0", "::"}  # noqa: S104 # nosec B104 - names compared, nothing bound
DEFAULT_PORTS = {"http": 80, "https": 443}


def served_port(argv=None, environ=None):
    """
    The port this process serves on: runserver's address argument, else the PORT the Procfile passes;
    None when it serves nothing we can tell (a worker, a test run, a server given no PORT).
    """
    argv = sys.argv if argv is None else argv
    environ = os.environ if environ is None else environ
    if len(argv) > 1 and argv[1] == "runserver":
        from django.core.management.commands.runserver import Command

        address = next((arg for arg in argv[2:] if not arg.startswith("-")), "")
        port = address.rpartition(":")[2] or Command.default_port
        return int(port) if port.isdigit() else None  # runserver itself refuses a port that is not a number
    port = environ.get("PORT") or ""
    return int(port) if port.isdigit() else None


def site_url_mismatch(site_url, port):
    """Why links starting with `site_url` miss a server on `port`, or '' when they reach it (or may)."""
    if port is None:
        return ""
    parts = urlsplit(site_url)
    if (parts.hostname or "") not in LOCAL_HOSTS:
        return ""  # a public address: a proxy or a tunnel may well lead it to this port
    try:
        site_port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return f"SITE_URL {site_url!r} has no valid port."
    if site_port != port:
        return f"SITE_URL is {site_url} but the app answers on port {port}."
    return ""


@checks.register
def check_site_url_matches_served_port(app_configs=None, **kwargs):
    problem = site_url_mismatch(settings.SITE_URL, served_port())
    if not problem:
        return []
    return [
        checks.Warning(
            f"{problem} Links in emails (invitations, web versions, Accept/Decline, unsubscribe) will not work.",
            hint="Set SITE_URL to the address people open the app at; `make run` derives it from PORT unless set.",
            id="campaign.W001",
        )
    ]
