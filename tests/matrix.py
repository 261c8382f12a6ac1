"""The role × page matrix's entry type and the collection of every app's entries."""

from importlib import import_module
from pathlib import Path
from typing import NamedTuple

from campaign.models import Role

TESTS = Path(__file__).resolve().parent


def _no_kwargs(campaign):
    return {}


class Page(NamedTuple):
    read: Role | None  # weakest role that may GET it; None when it answers no GET
    write: Role | None  # weakest role that may POST to it; None when it is read-only
    kwargs: object = _no_kwargs  # campaign -> the URL's arguments besides `slug`


def all_pages():
    """Every app's PAGES, from tests/<app>/pages*.py."""
    pages = {}
    for path in sorted(TESTS.glob("*/pages*.py")):
        module = import_module(f"tests.{path.parent.name}.{path.stem}")
        pages.update(module.PAGES)
    return pages
