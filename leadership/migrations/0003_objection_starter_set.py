from django.db import migrations
from django.db.models.functions import Lower

from leadership.starter import STARTER_OBJECTIONS


def fill_handbooks(apps, schema_editor):
    """Campaigns created before the handbook existed get the same starter set new ones do."""
    Campaign = apps.get_model("campaign", "Campaign")
    Objection = apps.get_model("leadership", "Objection")
    for campaign in Campaign.objects.all():
        existing = set(
            Objection.objects.filter(campaign=campaign).annotate(low=Lower("objection")).values_list("low", flat=True)
        )
        Objection.objects.bulk_create(
            [
                Objection(campaign=campaign, position=position, **item)
                for position, item in enumerate(STARTER_OBJECTIONS)
                if item["objection"].lower() not in existing
            ]
        )


class Migration(migrations.Migration):
    dependencies = [("leadership", "0002_leaders_briefings")]

    operations = [migrations.RunPython(fill_handbooks, migrations.RunPython.noop)]
