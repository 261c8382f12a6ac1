"""python manage.py create_api_token <campaign-slug> — create an API token for a campaign and print it once."""

from django.core.management.base import BaseCommand, CommandError

from campaign.models import Campaign
from leadership.feedback.services import api_token_create


class Command(BaseCommand):
    help = "Create a bearer token for the feedback API of one campaign. It is printed once and stored hashed."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The campaign's web-address name (its slug).")
        parser.add_argument("--name", default="Created from the command line", help="Which system will use it.")

    def handle(self, *args, slug, name, **options):
        campaign = Campaign.objects.filter(slug=slug).first()
        if campaign is None:
            raise CommandError(f"No campaign with the slug {slug!r}.")
        _token, raw = api_token_create(campaign=campaign, name=name, by=None)
        self.stderr.write(f"Token for {campaign.name}. Keep it now: it is not shown again.")
        self.stdout.write(raw)
