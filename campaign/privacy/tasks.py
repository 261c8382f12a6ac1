"""Thin Celery tasks of the privacy machinery: ids in, one service call."""

import logging

from celery import shared_task

from campaign.privacy import jobs, retention

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def run_privacy_job(job_id):
    """Run one export or erasure (campaign.privacy.jobs); a job another worker holds is left to it."""
    return jobs.privacy_job_run(pk=job_id)


@shared_task(ignore_result=True)
def requeue_stale_privacy_jobs():
    """Beat: enqueue again the jobs a killed worker or a lost message left behind."""
    for job_id in jobs.privacy_jobs_requeue_stale():
        run_privacy_job.delay(job_id)


@shared_task(ignore_result=True)
def apply_privacy_retention():
    """Beat, daily: each campaign's retention settings applied, in batches; a second run changes nothing."""
    jobs.expired_exports_forget()
    for campaign_id, changed in retention.retention_apply_all():
        logger.info("retention applied to campaign %s: %s", campaign_id, changed)
