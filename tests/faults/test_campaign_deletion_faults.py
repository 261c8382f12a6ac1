"""
A worker killed in the middle of deleting a campaign: the batches it committed stay deleted, the campaign
stays closed, and once its lease runs out the beat task hands the deletion to the next worker, which
finishes it. Another campaign loses nothing.

To stop the worker at a known point, the test holds a lock on one of the campaign's departments: a
department is deleted only after the allies, wins and cards that point at it, so the worker has committed
batches of those and then waits on the lock when it is killed.
"""

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from campaign import closing
from campaign.models import Campaign, Department
from campaign.tasks import resume_campaign_deletions
from tests.data.conftest import fill_campaign
from tests.factories import CampaignFactory, MembershipFactory
from tests.faults.conftest import database_url, wait_until

pytestmark = [pytest.mark.needs_postgres, pytest.mark.needs_redis]

LEASE = 3
DELETION_ENV = {"CAMPAIGN_DELETION_BATCH_SIZE": "2", "CAMPAIGN_DELETION_LEASE_SECONDS": str(LEASE)}


def tied_counts(campaign_id):
    return {t.label: t.model._base_manager.filter(**{t.path: campaign_id}).count() for t in closing.tied_models()}


def backends_waiting_on_a_lock():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return [row[0] for row in cursor.fetchall()]


def test_a_deletion_killed_mid_way_resumes_and_finishes(worker):
    campaign = fill_campaign(CampaignFactory(), allies=12)
    other = fill_campaign(CampaignFactory(), allies=3)
    other_before = tied_counts(other.pk)
    admin = MembershipFactory(campaign=campaign).user
    department = Department.objects.filter(campaign=campaign).first()

    holder = psycopg.connect(database_url(), autocommit=False)
    try:
        holder.execute(
            sql.SQL("SELECT 1 FROM {} WHERE id = %s FOR UPDATE").format(sql.Identifier(Department._meta.db_table)),
            [department.pk],
        )
        worker.start(**DELETION_ENV)
        closing.campaign_deletion_start(campaign=campaign, by=admin)  # outside a transaction: enqueued at once
        wait_until(lambda: backends_waiting_on_a_lock(), seconds=60, what="the worker to reach the locked department")
        worker.kill()
        # A lost machine's session ends on the server too: its uncommitted batch rolls back.
        with connection.cursor() as cursor:
            for pid in backends_waiting_on_a_lock():
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        holder.close()

    campaign.refresh_from_db()
    assert campaign.is_being_deleted
    assert 0 < campaign.deletion_percent < 99
    left = tied_counts(campaign.pk)
    assert left["campaign.department"] >= 1 and left["allies.ally"] == 0

    worker.start(**DELETION_ENV)
    wait_until(lambda: closing.campaign_deletions_due() == [campaign.pk], seconds=LEASE * 5, what="the lease to end")
    resume_campaign_deletions.delay()
    wait_until(lambda: not Campaign.objects.filter(pk=campaign.pk).exists(), seconds=60, what="the deletion to end")

    assert all(count == 0 for count in tied_counts(campaign.pk).values())
    assert tied_counts(other.pk) == other_before
