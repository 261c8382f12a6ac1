"""The export and deletion pages' entries in the role × page matrix (tests/campaign/test_access_matrix.py)."""

from campaign import closing
from campaign.models import CampaignExport, Role
from tests.matrix import Page


def _finished_export(campaign):
    """A finished export of `campaign`, its zip written (under the MEDIA_ROOT of the moment), and its link's token."""
    export = CampaignExport.objects.create(campaign=campaign)
    closing.campaign_export_build(export_id=export.pk)
    export.refresh_from_db()
    return {"token": closing.export_download_token(export)}


PAGES = {
    "campaign:settings-export": Page(Role.ADMIN, Role.ADMIN),
    "campaign:settings-export-download": Page(Role.ADMIN, None, _finished_export),
    "campaign:settings-delete": Page(Role.ADMIN, Role.ADMIN),
}
