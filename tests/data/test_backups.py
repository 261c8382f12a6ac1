"""
Backups restore: a seeded campaign is backed up, the database destroyed, the backup restored, and every
table compared row by row with what it held before — on SQLite always, and on PostgreSQL.
"""

import io
import tarfile

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from campaign.models import Campaign
from tests.data.conftest import destroy_database, table_rows


def seeded(media_root, settings):
    """The demo campaign, and one uploaded file."""
    settings.DEMO_PASSWORD = "a-demo-password-for-tests"
    call_command("seed_demo", "--force", stdout=io.StringIO())
    (media_root / "uploads").mkdir(parents=True)
    (media_root / "uploads" / "clipping.txt").write_text("A clipping someone uploaded.")


def backup(tmp_path):
    out = io.StringIO()
    call_command("backup", "--output", str(tmp_path / "site.tar.gz"), stdout=out)
    return out.getvalue().strip()


def assert_backup_restores(tmp_path, media_root, settings):
    seeded(media_root, settings)
    before = table_rows()
    assert sum(len(rows) for rows in before.values()) > 100
    written = backup(tmp_path)
    assert written == str(tmp_path / "site.tar.gz")

    destroy_database()
    (media_root / "uploads" / "clipping.txt").unlink()
    (media_root / "stray.txt").write_text("Made after the backup.")
    call_command("restore", written, "--noinput", stdout=io.StringIO())

    assert table_rows() == before
    assert (media_root / "uploads" / "clipping.txt").read_text() == "A clipping someone uploaded."
    assert not (media_root / "stray.txt").exists()


def test_sqlite_backup_restores_every_row(transactional_db, tmp_path, media_root, settings):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite path: run without DATABASE_URL")
    assert_backup_restores(tmp_path, media_root, settings)


@pytest.mark.needs_postgres
def test_postgres_backup_restores_every_row(transactional_db, tmp_path, media_root, settings):
    assert_backup_restores(tmp_path, media_root, settings)


def test_backup_holds_a_manifest_beside_the_dump(transactional_db, tmp_path, media_root):
    written = backup(tmp_path)
    with tarfile.open(written) as archive:
        names = archive.getnames()
        manifest = archive.extractfile("manifest.json").read().decode()
    assert "manifest.json" in names
    assert any(name.startswith("database.") for name in names)
    for key in ('"format": "rising-tide-backup"', '"version": 1', '"engine"', '"created_at"', '"migrations"'):
        assert key in manifest


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path, campaign):
    stranger = tmp_path / "holiday.tar.gz"
    with tarfile.open(stranger, "w:gz") as archive:
        archive.add(__file__, arcname="notes.py")
    plain = tmp_path / "notes.txt"
    plain.write_text("not an archive at all")
    for path in (stranger, plain, tmp_path / "missing.tar.gz"):
        with pytest.raises(CommandError) as error:
            call_command("restore", str(path), "--noinput")
        assert "Nothing was changed" in str(error.value) or "does not exist" in str(error.value)
    assert Campaign.objects.filter(pk=campaign.pk).exists()


def test_restore_asks_before_replacing_anything(transactional_db, tmp_path, media_root, monkeypatch):
    written = backup(tmp_path)
    campaign = Campaign.objects.create(name="Made after the backup", slug="after")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", written, stdout=io.StringIO())
    assert Campaign.objects.filter(pk=campaign.pk).exists()
