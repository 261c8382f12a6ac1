from campaign.models import Role
from tests.matrix import Page

PAGES = {
    "campaign:settings-audit": Page(Role.ADMIN, None),
}
