"""
python manage.py backup [--output FILE] — the database and the uploaded files in one archive.

Safe while the app runs (SQLite's online backup API, or pg_dump's consistent snapshot). Prints the path
of the file it wrote, so a cron line can keep it. docs/operations.md says how to schedule it.
"""

from django.core.management.base import BaseCommand, CommandError

from campaign.backups import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and the media folder into one archive, and print its path."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", help="Where to write the backup (default: var/backups/risingtide-<time>.tar.gz)."
        )

    def handle(self, *args, output=None, **options):
        try:
            path = backup_create(output=output)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(str(path))
