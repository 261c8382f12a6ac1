"""The coverage map and CSV transfer pages in the role × page matrix (see tests/campaign/pages.py)."""

from campaign.models import Role
from tests.matrix import Page

PAGES = {
    "allies:coverage": Page(Role.VIEWER, None),
    "allies:export": Page(Role.VIEWER, None),
    "allies:import": Page(Role.CHAMPION, Role.CHAMPION),
    "allies:import-confirm": Page(None, Role.CHAMPION),
}
