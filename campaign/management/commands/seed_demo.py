"""
python manage.py seed_demo — an idempotent, realistic demo campaign (slug `demo`).

Running it again updates the same rows instead of adding more. Each app adds
its own demo data in `<app>/demo.py`, a `seed(campaign)` function listed in
DEMO_SEEDERS below, run in that order (allies first: the others refer to them).
"""

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from campaign import activity
from campaign.models import Campaign, Department, Goal, Membership, Role

User = get_user_model()

DEFAULT_DEBUG_PASSWORD = "rising-tide-demo"  # noqa: S105 - only ever used with DEBUG on

CAMPAIGN = {
    "name": "Northwind Supply — Service First",
    "service_focus": (
        "Service focus at Northwind means we make it a priority to serve each other well inside the "
        "company, so that together we serve our customers outside it better than anyone in our trade."
    ),
    "why": (
        "We believe a distributor is only as good as the help it gives. Every order is someone's "
        "project, shift or shelf depending on us, and every colleague is serving someone who serves a customer."
    ),
    "how": (
        "Champions in every department and at every level; small, visible wins first; a map of who "
        "serves whom inside the company; leaders kept close to real customer stories."
    ),
    "what": (
        "Fewer late and wrong deliveries, answers on the first call, invoices customers understand, "
        "and internal teams that make the front line's job easier."
    ),
    "time_zone": "Europe/London",
}
# The demo's activity (allies, wins, feedback) spans the last three months: the campaign started before it.
DEMO_AGE_DAYS = 100

DEPARTMENTS = [
    ("Customer Support", Department.Kind.CUSTOMER_FACING),
    ("Sales", Department.Kind.CUSTOMER_FACING),
    ("Field Service", Department.Kind.CUSTOMER_FACING),
    ("Marketing", Department.Kind.CUSTOMER_FACING),
    ("Account Management", Department.Kind.CUSTOMER_FACING),
    ("Logistics & Warehousing", Department.Kind.INTERNAL_PROVIDER),
    ("Finance & Billing", Department.Kind.INTERNAL_PROVIDER),
    ("IT", Department.Kind.INTERNAL_PROVIDER),
    ("HR", Department.Kind.INTERNAL_PROVIDER),
    ("Legal", Department.Kind.INTERNAL_PROVIDER),
    ("Facilities", Department.Kind.INTERNAL_PROVIDER),
    ("Data Management", Department.Kind.INTERNAL_PROVIDER),
]

GOALS = [
    (
        "Win back share in the regional trade market",
        Goal.Kind.MARKET_SHARE,
        "Share of regional trade orders per quarter",
    ),
    ("Be known as the distributor that answers", Goal.Kind.REPUTATION, "Net promoter score from trade customers"),
    ("Recover the accounts lost after the warehouse move", Goal.Kind.RECOVERY, "Lapsed accounts ordering again"),
]

# Each app's demo.py exposes seed(campaign); listed in the order they depend on each other.
DEMO_SEEDERS = [
    "allies.demo",
    "personas.demo",
    "leadership.demo",
    "campaign.demo",
    "leadership.demo_feedback",
    "leadership.demo_complaints",
    "campaign.demo_channels",
    "allies.demo_checkin",
    "leadership.demo_recognition",
]

USERS = [
    ("demo-admin", "Ada", "Okafor", Role.ADMIN),
    ("demo-champion", "Sam", "Reyes", Role.CHAMPION),
    ("demo-viewer", "Vic", "Lindqvist", Role.VIEWER),
]


class Command(BaseCommand):
    help = "Create or refresh the demo campaign (slug 'demo') and its demo users."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Allow seeding when DEBUG is off (never on a real site)."
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: seed_demo creates known logins. Pass --force if you really mean it.")
        password = settings.DEMO_PASSWORD
        if not password:
            if not settings.DEBUG:
                raise CommandError("Set DEMO_PASSWORD: there is no default password when DEBUG is off.")
            password = DEFAULT_DEBUG_PASSWORD
        # The seeders write in bulk and one by one: the activity rollup is recounted once, at the end.
        with transaction.atomic(), activity.deferred() as touched:
            campaign = seed_campaign()
            touched.add(campaign.pk)
            seed_users(campaign, password)
            for module in DEMO_SEEDERS:
                import_module(module).seed(campaign)
        self.stdout.write(self.style.SUCCESS(f"Demo campaign “{campaign.name}” is ready at /c/{campaign.slug}/"))
        for username, *_rest, role in USERS:
            self.stdout.write(f"  {role.label:<9} {username} / {password}")


def seed_campaign():
    start = timezone.localdate() - timedelta(days=DEMO_AGE_DAYS)
    campaign, _ = Campaign.objects.update_or_create(slug="demo", defaults={**CAMPAIGN, "start_date": start})
    for name, kind in DEPARTMENTS:
        Department.objects.update_or_create(campaign=campaign, name=name, defaults={"kind": kind})
    for title, kind, measure in GOALS:
        Goal.objects.update_or_create(campaign=campaign, title=title, defaults={"kind": kind, "measure": measure})
    # Their baselines, targets and a year of readings are seeded by campaign.demo.
    return campaign


def seed_users(campaign, password):
    for username, first, last, role in USERS:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.com", "is_active": True},
        )
        user.set_password(password)
        if role == Role.ADMIN:
            # The demo admin can also open Django admin, which is where campaigns are configured in bulk.
            user.is_staff = True
            user.is_superuser = True
        user.save()
        Membership.objects.update_or_create(user=user, campaign=campaign, defaults={"role": role})
