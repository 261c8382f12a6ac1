"""
python manage.py restore FILE [--noinput] — put a backup made by `manage.py backup` back.

The file is checked before anything changes; then, after a typed "yes" (unless --noinput), the database and
the media folder are replaced by the backup's. Run `manage.py migrate` afterwards if the backup is older.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from campaign.backups import BackupError, backup_read_manifest, backup_restore


class Command(BaseCommand):
    help = "Replace the database and the media folder with a backup made by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup archive to restore.")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="Do not ask for confirmation."
        )

    def handle(self, *args, file, interactive=True, **options):
        try:
            manifest = backup_read_manifest(file)
            if interactive:
                database = connection.settings_dict["NAME"]
                self.stdout.write(
                    f"This replaces everything in the database {database} and the media folder with the backup "
                    f"made at {manifest['created_at']}. It cannot be undone."
                )
                if input("Type 'yes' to restore: ").strip().lower() != "yes":
                    raise CommandError("Restore cancelled. Nothing was changed.")
            backup_restore(path=file)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored the backup made at {manifest['created_at']}."))
        self.stdout.write("Run `python manage.py migrate` if this backup is older than the code.")
