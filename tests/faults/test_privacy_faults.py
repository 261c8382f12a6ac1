"""
An erasure interrupted half-way (the worker killed between one table and the next) leaves the person
exactly as they were, and the reaper hands the job to a worker again, which erases them completely.
No services needed: the interruption is raised inside the erasure's transaction, as a killed worker's
connection would end it.
"""

import pytest

from campaign.models import AuditEntry, PrivacyJob
from campaign.privacy import jobs, scrub
from campaign.privacy.registry import PLACEHOLDER
from campaign.privacy.tasks import requeue_stale_privacy_jobs, run_privacy_job
from tests.factories import AllyFactory, TouchpointFactory

NAME = "Ines Marlowe"


class WorkerKilled(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs, nothing uncommitted survives."""


@pytest.fixture
def erasure(campaign, admin_user):
    ally = AllyFactory(campaign=campaign, name=NAME, email="ines@example.com", note="Likes the night shift")
    TouchpointFactory(campaign=campaign, allies=[ally], note=f"Coffee with {NAME}")
    job = PrivacyJob.objects.create(
        campaign=campaign,
        kind="erase",
        subject_kind="ally",
        subject_pk=ally.pk,
        subject_label=f"Ally #{ally.pk}",
        requested_by=admin_user,
    )
    return ally, job


def test_a_killed_erasure_rolls_back_and_the_reaper_finishes_it(erasure, monkeypatch, settings):
    ally, job = erasure

    def killed(**kwargs):
        raise WorkerKilled  # after the ally's own row was changed, before the copies were scrubbed

    monkeypatch.setattr("campaign.privacy.erase.scrub_values", killed)
    with pytest.raises(WorkerKilled):
        run_privacy_job.run(job.pk)

    ally.refresh_from_db()
    job.refresh_from_db()
    assert ally.name == NAME and ally.note == "Likes the night shift"  # rolled back, not half-erased
    assert job.status == PrivacyJob.Status.RUNNING
    assert not AuditEntry.objects.filter(action="Person erased").exists()
    assert run_privacy_job.run(job.pk) is None  # still held by the dead worker until it is stale

    monkeypatch.setattr("campaign.privacy.erase.scrub_values", scrub.scrub_values)
    settings.PRIVACY_JOB_STALE_AFTER_SECONDS = 0
    enqueued = []
    monkeypatch.setattr(run_privacy_job, "delay", enqueued.append)
    requeue_stale_privacy_jobs.run()
    assert enqueued == [job.pk]
    assert run_privacy_job.run(job.pk) == PrivacyJob.Status.DONE

    ally.refresh_from_db()
    assert ally.name == PLACEHOLDER and ally.note == ""
    assert NAME not in ally.touchpoints.get().note
    assert AuditEntry.objects.filter(action="Person erased").count() == 1
    assert jobs.privacy_jobs_requeue_stale() == []
