"""
Backups that restore: the whole database and the uploaded files in one archive.

A backup is a gzipped tar holding three things:

- `manifest.json`: what this is (format and version), which database engine made it, the migrations
  applied when it was made, and when;
- the database: `database.sqlite3` (a copy made with SQLite's online backup API, consistent while the web
  server, the worker and beat keep writing) or `database.pgdump` (`pg_dump` in its custom format);
- `media/`: everything under MEDIA_ROOT, when there is anything.

`restore` checks all of that before it touches anything: a file that is not a backup, a backup of another
engine, or one made by a newer Rising Tide than this one is refused with a plain message and changes nothing.
"""

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "rising-tide-backup"
VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why in plain words."""


def engine():
    """'sqlite' or 'postgresql': the engine of the default database."""
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBER:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def default_backup_path():
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return Path(settings.BACKUP_DIR) / f"risingtide-{stamp}.tar.gz"


def applied_migrations():
    """The migrations recorded as applied, as sorted [app, name] pairs."""
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


# --- Backup ------------------------------------------------------------------------------------------


def backup_create(*, output=None):
    """Write a backup of the database and the media folder; returns the path of the archive written."""
    if connection.in_atomic_block:
        # SQLite would wait forever on its own open transaction; PostgreSQL's dump would not see its writes.
        raise BackupError("A backup cannot be taken inside a transaction.")
    output = Path(output) if output else default_backup_path()
    output.parent.mkdir(parents=True, exist_ok=True)
    kind = engine()
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "engine": kind,
        "created_at": timezone.now().isoformat(),
        "migrations": applied_migrations(),
        "database": DATABASE_MEMBER[kind],
        "media": _has_media(),
    }
    with tempfile.TemporaryDirectory(prefix="risingtide-backup-") as work:
        dump = Path(work) / DATABASE_MEMBER[kind]
        if kind == "sqlite":
            _sqlite_dump(dump)
        else:
            _pg_dump(dump)
        partial = output.with_name(output.name + ".partial")
        # Written beside the target and renamed at the end, so a backup cut short never looks complete.
        with tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
            archive.add(dump, arcname=DATABASE_MEMBER[kind])
            if manifest["media"]:
                archive.add(settings.MEDIA_ROOT, arcname=MEDIA)
        partial.replace(output)
    return output


def _has_media():
    root = Path(settings.MEDIA_ROOT)
    return root.is_dir() and any(path.is_file() for path in root.rglob("*"))


def _add_bytes(archive, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def _sqlite_dump(target):
    """Copy the live database page by page with SQLite's backup API: other connections may keep writing."""
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()


def _pg_environment():
    params = connection.settings_dict
    env = {**os.environ}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if params.get(key):
            env[name] = str(params[key])
    return env, params["NAME"]


def _run(command, env, what):
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed: install PostgreSQL's client tools.") from None
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip()}")


def _pg_dump(target):
    env, name = _pg_environment()
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", name], env, "pg_dump")


# --- Restore -----------------------------------------------------------------------------------------


def backup_read_manifest(path):
    """The manifest of the backup at `path`, after checking it is one this Rising Tide can restore."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    try:
        with tarfile.open(path, "r:*") as archive:
            names = set(archive.getnames())
            member = archive.extractfile(MANIFEST) if MANIFEST in names else None
            manifest = json.loads(member.read()) if member else None
    except (tarfile.TarError, OSError, EOFError, ValueError):
        manifest, names = None, set()
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Rising Tide backup (no manifest of ours inside). Nothing was changed.")
    if manifest.get("version") != VERSION:
        raise BackupError(
            f"{path} is a backup in format version {manifest.get('version')}; this Rising Tide reads version "
            f"{VERSION}. Nothing was changed."
        )
    kind = engine()
    if manifest.get("engine") != kind or manifest.get("database") not in names:
        raise BackupError(
            f"{path} is a backup of a {manifest.get('engine')} database; this site runs on {kind}. Nothing was changed."
        )
    known = {tuple(key) for key in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}
    unknown = [f"{app}.{name}" for app, name in manifest.get("migrations", []) if (app, name) not in known]
    if unknown:
        raise BackupError(
            f"{path} was made by a newer Rising Tide (it has migrations this code lacks: {', '.join(unknown[:3])}). "
            "Upgrade first, then restore. Nothing was changed."
        )
    return manifest


def backup_restore(*, path):
    """
    Replace the database and the media folder with the backup's. Checks the file first (BackupError,
    nothing changed); returns the manifest. Run `migrate` afterwards when the backup is older than the code.
    """
    manifest = backup_read_manifest(path)
    with tempfile.TemporaryDirectory(prefix="risingtide-restore-") as work:
        work = Path(work)
        with tarfile.open(path, "r:*") as archive:
            archive.extractall(work, filter="data")
        dump = work / manifest["database"]
        if manifest["engine"] == "sqlite":
            _sqlite_load(dump)
        else:
            _pg_load(dump)
        _replace_media(work / MEDIA if manifest.get("media") else None)
    return manifest


def _sqlite_load(source_path):
    """Copy the backup into the live database with the backup API, in one step other connections wait for."""
    connection.ensure_connection()
    source = sqlite3.connect(source_path)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _pg_load(dump):
    env, name = _pg_environment()
    # Our own connection may hold locks pg_restore would wait on.
    connection.close()
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={name}",
            str(dump),
        ],
        env,
        "pg_restore",
    )


def _replace_media(source):
    """Make MEDIA_ROOT hold exactly the backup's files (none, when the backup had none)."""
    root = Path(settings.MEDIA_ROOT)
    if root.exists():
        old = root.with_name(root.name + ".before-restore")
        shutil.rmtree(old, ignore_errors=True)
        root.replace(old)
        shutil.rmtree(old)
    if source is not None and source.is_dir():
        root.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(source, root)
