"""
Subject access exports and erasures as background jobs (PrivacyJob rows), claimed before they run.

An erasure and its job's "done" commit together: a worker killed half-way leaves the person as they
were and the job running; `privacy_jobs_requeue_stale` hands it to a worker again, which does it all.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from campaign.models import PrivacyJob
from campaign.privacy.erase import person_erase, person_find_one
from campaign.privacy.export import person_export_zip

Status = PrivacyJob.Status
SIGNER_SALT = "privacy-export"


def privacy_job_create(*, campaign, kind, match, by):
    """Record an export or an erasure of `match`, queued (the caller enqueues `run_privacy_job` on commit)."""
    return PrivacyJob.objects.create(
        campaign=campaign,
        kind=kind,
        subject_kind=match.kind,
        subject_pk=match.pk,
        subject_label=match.label,
        requested_by=by,
    )


def _stale_before():
    return timezone.now() - timedelta(seconds=settings.PRIVACY_JOB_STALE_AFTER_SECONDS)


def privacy_job_claim(*, pk):
    """Take the job (queued, or running in a worker that stopped long ago); None when another has it or it is done."""
    claimable = PrivacyJob.objects.filter(pk=pk, status=Status.QUEUED) | PrivacyJob.objects.filter(
        pk=pk, status=Status.RUNNING, claimed_at__lt=_stale_before()
    )
    if not claimable.update(status=Status.RUNNING, claimed_at=timezone.now(), progress=5):
        return None
    return PrivacyJob.objects.select_related("campaign", "requested_by").get(pk=pk)


def privacy_job_run(*, pk):
    """Run one job to the end; returns its status (or None when it was not ours to run)."""
    job = privacy_job_claim(pk=pk)
    if job is None:
        return None
    match = person_find_one(campaign_id=job.campaign_id, kind=job.subject_kind, pk=job.subject_pk)
    if match is None:
        PrivacyJob.objects.filter(pk=pk).update(status=Status.FAILED, error="The person is no longer there.")
        return Status.FAILED
    if job.kind == PrivacyJob.Kind.ERASE:
        with transaction.atomic():
            person_erase(campaign=job.campaign, match=match, by=job.requested_by)
            PrivacyJob.objects.filter(pk=pk).update(status=Status.DONE, progress=100, finished_at=timezone.now())
        return Status.DONE

    def progress(percent):
        PrivacyJob.objects.filter(pk=pk).update(progress=max(5, percent))

    data = person_export_zip(match, progress=progress)
    PrivacyJob.objects.filter(pk=pk).update(status=Status.DONE, progress=100, finished_at=timezone.now(), result=data)
    return Status.DONE


def privacy_jobs_requeue_stale():
    """The ids of jobs a lost message or a killed worker left queued or running: for the task to enqueue again."""
    stale = PrivacyJob.objects.filter(status__in=[Status.QUEUED, Status.RUNNING]).filter(
        claimed_at__lt=_stale_before()
    ) | PrivacyJob.objects.filter(status=Status.QUEUED, claimed_at__isnull=True, created_at__lt=_stale_before())
    return list(stale.values_list("pk", flat=True))


def download_token(job):
    return signing.TimestampSigner(salt=SIGNER_SALT).sign(f"{job.pk}")


def download_token_valid(job, token):
    """Is `token` this job's and not expired (PRIVACY_EXPORT_LINK_HOURS)?"""
    try:
        value = signing.TimestampSigner(salt=SIGNER_SALT).unsign(
            token, max_age=timedelta(hours=settings.PRIVACY_EXPORT_LINK_HOURS)
        )
    except signing.BadSignature:
        return False
    return value == str(job.pk)


def expired_exports_forget():
    """Empty the zips whose links have expired; returns how many."""
    cutoff = timezone.now() - timedelta(hours=settings.PRIVACY_EXPORT_LINK_HOURS)
    return PrivacyJob.objects.filter(finished_at__lt=cutoff, result__isnull=False).update(result=None)
