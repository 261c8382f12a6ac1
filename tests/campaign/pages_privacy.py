"""The privacy pages in the role × page matrix: admins only."""

from django.utils import timezone

from campaign.models import PrivacyJob, Role
from campaign.privacy.jobs import download_token
from tests.factories import AllyFactory
from tests.matrix import Page


def _ally(campaign):
    return {"kind": "ally", "pk": AllyFactory(campaign=campaign).pk}


def _job(campaign):
    ally = AllyFactory(campaign=campaign)
    return {"pk": PrivacyJob.objects.create(campaign=campaign, **_export(ally)).pk}


def _export(ally):
    return {"kind": "export", "subject_kind": "ally", "subject_pk": ally.pk, "subject_label": f"Ally #{ally.pk}"}


def _download(campaign):
    job = PrivacyJob.objects.create(
        campaign=campaign,
        status="done",
        result=b"zip",
        finished_at=timezone.now(),
        **_export(AllyFactory(campaign=campaign)),
    )
    return {"pk": job.pk, "token": download_token(job)}


PAGES = {
    "campaign:settings-retention": Page(None, Role.ADMIN),
    "campaign:privacy-export": Page(None, Role.ADMIN, _ally),
    "campaign:privacy-erase": Page(Role.ADMIN, Role.ADMIN, _ally),
    "campaign:privacy-job": Page(Role.ADMIN, None, _job),
    "campaign:privacy-download": Page(Role.ADMIN, None, _download),
}
