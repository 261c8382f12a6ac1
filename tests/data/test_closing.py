"""
A whole campaign leaves and closes: every table tied to it found through _meta, exported as CSV and JSON
in one zip a person can read, and deleted in batches that a crash cannot leave half-done for good.
"""

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from campaign import closing
from campaign.models import Campaign, CampaignExport, Role
from campaign.tasks import delete_campaign, resume_campaign_deletions
from tests.data.conftest import fill_campaign
from tests.factories import CampaignFactory, MembershipFactory


@pytest.fixture
def filled(campaign, other_campaign, admin_user):
    """The personas' campaign and another one, both with rows in every app."""
    fill_campaign(campaign)
    fill_campaign(other_campaign)
    return campaign


def tied_counts(campaign):
    return {t.label: t.rows(campaign).count() for t in closing.tied_models()}


def built_zip(campaign):
    export = CampaignExport.objects.create(campaign=campaign)
    closing.campaign_export_build(export_id=export.pk)
    export.refresh_from_db()
    return export, zipfile.ZipFile(closing.export_file_path(export))


# --- Which tables are the campaign's ------------------------------------------------------------------


def test_every_app_table_tied_to_a_campaign_is_found_through_meta(db):
    found = {t.label: t.path for t in closing.tied_models()}
    assert found["campaign.campaign"] == "pk"
    assert found["allies.ally"] == "campaign__pk"
    assert found["leadership.summarydelivery"] in ("summary__campaign__pk", "leader__campaign__pk")
    assert "allies.touchpoint_allies" in found  # many-to-many tables too
    assert "campaign.serviceproblem_people" in found
    assert "auth.user" not in found and "campaign.heartbeat" not in found


def test_deletion_order_deletes_rows_before_what_they_point_at(db):
    order = [t.label for t in closing.deletion_order(closing.tied_models())]
    assert order.index("allies.ally") < order.index("campaign.department")  # an ally PROTECTs its department
    assert order.index("allies.touchpoint_allies") < order.index("allies.ally")
    assert "campaign.campaign" not in order  # it goes last, on its own


# --- Export --------------------------------------------------------------------------------------------


def test_export_holds_every_tied_table_as_csv_and_json_with_a_readme(filled, other_campaign):
    export, archive = built_zip(filled)
    names = set(archive.namelist())
    counts = tied_counts(filled)
    for label, count in counts.items():
        if label in closing.NOT_EXPORTED:
            continue
        stem = label.replace(".", "_")
        assert {f"{stem}.csv", f"{stem}.json"} <= names
        rows = json.loads(archive.read(f"{stem}.json"))
        assert len(rows) == count, label
        assert all(row.get("campaign_id", filled.pk) == filled.pk for row in rows)
        assert len(list(csv.reader(io.StringIO(archive.read(f"{stem}.csv").decode())))) == count + 1
    readme = archive.read("README.txt").decode()
    assert "allies_ally.csv and allies_ally.json" in readme
    assert "department_id" in readme
    assert export.status == "done" and export.progress == 100
    assert export.row_count == sum(c for label, c in counts.items() if label not in closing.NOT_EXPORTED) + 1


def test_export_leaves_out_secrets_and_defuses_formulas(filled):
    _, archive = built_zip(filled)
    assert "token_hash" not in archive.read("campaign_invitation.csv").decode()
    assert "password" not in archive.read("members_accounts.csv").decode()
    assert "'=HYPERLINK" in archive.read("leadership_feedback.csv").decode()
    assert '"=HYPERLINK' in archive.read("leadership_feedback.json").decode()  # JSON keeps the value as it is


def test_admin_starts_an_export_and_the_status_polls_until_the_link_appears(
    client_for, filled, admin_user, django_capture_on_commit_callbacks
):
    client = client_for(admin_user)
    url = reverse("campaign:settings-export", kwargs={"slug": filled.slug})
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url, follow=True)
    assert "The export has started" in response.content.decode()
    assert len(callbacks) == 1
    export = CampaignExport.objects.get(campaign=filled)

    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in fragment and "Building the export" in fragment
    assert "<html" not in fragment

    closing.campaign_export_build(export_id=export.pk)
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "every 2s" not in fragment and "Download the zip" in fragment
    token = closing.export_download_token(export)
    download = client.get(reverse("campaign:settings-export-download", kwargs={"slug": filled.slug, "token": token}))
    assert download.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).read("README.txt")


def test_download_link_expires_after_a_day_and_never_opens_another_campaigns_export(
    client_for, filled, other_campaign, admin_user, outsider
):
    export, _ = built_zip(filled)
    token = closing.export_download_token(export)
    url = reverse("campaign:settings-export-download", kwargs={"slug": filled.slug, "token": token})
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert client_for(admin_user).get(url).status_code == 404
    foreign = reverse("campaign:settings-export-download", kwargs={"slug": other_campaign.slug, "token": token})
    assert client_for(outsider).get(foreign).status_code == 404
    assert client_for(admin_user).get(url + "x").status_code == 404


def test_champion_and_viewer_cannot_export_or_delete(client_for, filled, champion, viewer):
    for user in (champion, viewer):
        client = client_for(user)
        assert client.post(reverse("campaign:settings-export", kwargs={"slug": filled.slug})).status_code == 403
        delete = reverse("campaign:settings-delete", kwargs={"slug": filled.slug})
        assert client.post(delete, {"confirm_name": filled.name}).status_code == 403
    assert not CampaignExport.objects.exists()
    filled.refresh_from_db()
    assert not filled.is_being_deleted


def test_settings_page_shows_both_sections_with_an_empty_state(client_for, campaign, admin_user):
    page = client_for(admin_user).get(reverse("campaign:settings", kwargs={"slug": campaign.slug})).content.decode()
    assert "Leave with your data" in page and "No export yet." in page
    assert "Delete this campaign" in page


def test_settings_page_queries_do_not_grow_with_exports(
    client_for, campaign, admin_user, django_assert_max_num_queries
):
    CampaignExport.objects.bulk_create(
        [CampaignExport(campaign=campaign, status="done", file_name=f"exports/x{n}.zip") for n in range(60)]
    )
    client = client_for(admin_user)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("campaign:settings", kwargs={"slug": campaign.slug})).status_code == 200
    with django_assert_max_num_queries(5):
        client.get(reverse("campaign:settings-export", kwargs={"slug": campaign.slug}), headers={"HX-Request": "true"})


# --- Deletion ------------------------------------------------------------------------------------------


def test_deleting_needs_the_campaigns_name_typed(client_for, filled, admin_user):
    url = reverse("campaign:settings-delete", kwargs={"slug": filled.slug})
    page = client_for(admin_user).get(url).content.decode()
    assert "Type the campaign&#x27;s name to confirm" in page or "Type the campaign's name" in page
    response = client_for(admin_user).post(url, {"confirm_name": "harbour line"})
    assert response.status_code == 200
    assert "That is not the campaign&#x27;s name" in response.content.decode()
    filled.refresh_from_db()
    assert not filled.is_being_deleted


def test_a_campaign_being_deleted_cannot_be_opened_and_the_list_shows_progress(
    client_for, filled, admin_user, django_capture_on_commit_callbacks
):
    client = client_for(admin_user)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("campaign:settings-delete", kwargs={"slug": filled.slug}),
            {"confirm_name": "Harbour Line"},
            follow=True,
        )
    assert response.redirect_chain[-1][0] == reverse("campaign:list")
    page = response.content.decode()
    assert "is being deleted" in page and "Deleting… 0%" in page
    assert 'hx-trigger="every 3s"' in page
    assert len(callbacks) == 1
    assert client.get(reverse("campaign:home", kwargs={"slug": filled.slug})).status_code == 404
    assert client.get(reverse("campaign:settings", kwargs={"slug": filled.slug})).status_code == 404

    filled.refresh_from_db()
    done = filled.deletion_total_rows * 2 // 5
    Campaign.objects.filter(pk=filled.pk).update(deletion_deleted_rows=done)
    fragment = client.get(reverse("campaign:list"), headers={"HX-Request": "true"}).content.decode()
    percent = done * 100 // filled.deletion_total_rows  # 40, or just under when the rows don't divide by five
    assert 35 <= percent <= 40
    assert f"Deleting… {percent}%" in fragment and "<html" not in fragment


def test_campaign_list_queries_do_not_grow_with_deleting_campaigns(client, admin_user, django_assert_max_num_queries):
    for n in range(30):
        MembershipFactory(user=admin_user, role=Role.ADMIN, campaign=CampaignFactory(name=f"Old {n}"))
    Campaign.objects.update(deletion_started_at=timezone.now(), deletion_total_rows=10)
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")
    with django_assert_max_num_queries(5):
        assert "Deleting… 0%" in client.get(reverse("campaign:list")).content.decode()


def test_deletion_removes_every_tied_row_and_nothing_of_another_campaign(filled, other_campaign, settings, admin_user):
    settings.CAMPAIGN_DELETION_BATCH_SIZE = 2
    before_other = tied_counts(other_campaign)
    export, _ = built_zip(filled)
    assert closing.campaign_deletion_start(campaign=filled, by=admin_user)
    assert not closing.campaign_deletion_start(campaign=filled, by=admin_user)  # a second click starts nothing
    delete_campaign.run(filled.pk)
    assert not Campaign.objects.filter(pk=filled.pk).exists()
    assert all(count == 0 for count in tied_counts(filled).values())
    assert tied_counts(other_campaign) == before_other
    assert not closing.export_file_path(export).exists()
    admin_user.refresh_from_db()  # accounts are people's, not the campaign's


def test_a_deletion_cut_short_resumes_where_it_stopped(filled, settings, admin_user, monkeypatch):
    settings.CAMPAIGN_DELETION_BATCH_SIZE = 2
    closing.campaign_deletion_start(campaign=filled, by=admin_user)
    real_batch = closing._delete_batch
    batches = []

    def crash_after_three(campaign, tied):
        if len(batches) == 3:
            raise SystemExit("the worker died")
        deleted = real_batch(campaign, tied)
        if deleted:
            batches.append(tied.label)
        return deleted

    monkeypatch.setattr(closing, "_delete_batch", crash_after_three)
    with pytest.raises(SystemExit):
        closing.campaign_deletion_run(campaign_id=filled.pk)
    monkeypatch.setattr(closing, "_delete_batch", real_batch)
    filled.refresh_from_db()
    assert 0 < filled.deletion_percent < 99
    assert closing.campaign_deletion_run(campaign_id=filled.pk) == "busy"  # its lease still holds
    assert resume_campaign_deletions.run() == []

    later = timezone.now() + timedelta(seconds=settings.CAMPAIGN_DELETION_LEASE_SECONDS + 1)
    with time_machine.travel(later):
        assert resume_campaign_deletions.run() == [filled.pk]
        assert closing.campaign_deletion_run(campaign_id=filled.pk) == "done"
    assert not Campaign.objects.filter(pk=filled.pk).exists()
    assert all(count == 0 for count in tied_counts(filled).values())


def test_an_export_a_lost_worker_abandoned_stops_polling_and_says_it_failed(client_for, campaign, admin_user):
    with time_machine.travel(timezone.now() - timedelta(hours=2)):
        CampaignExport.objects.create(campaign=campaign, status="running")
    url = reverse("campaign:settings-export", kwargs={"slug": campaign.slug})
    fragment = client_for(admin_user).get(url, headers={"HX-Request": "true"}).content.decode()
    assert "every 2s" not in fragment and "The last export failed" in fragment
