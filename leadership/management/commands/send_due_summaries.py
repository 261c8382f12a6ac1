"""python manage.py send_due_summaries — run the summary dispatcher once (for cron users and for tests)."""

from django.core.management.base import BaseCommand

from leadership.services import summaries_dispatch_due


class Command(BaseCommand):
    help = "Create the executive summaries that are due and enqueue their deliveries. Safe to run any time."

    def handle(self, *args, **options):
        created = summaries_dispatch_due()
        for summary in created:
            self.stdout.write(f"{summary.campaign.slug}: summary for {summary} created")
        self.stdout.write(self.style.SUCCESS(f"{len(created)} summar{'y' if len(created) == 1 else 'ies'} created."))
