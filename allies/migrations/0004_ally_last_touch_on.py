"""
Ally.last_touch_on: the date of the ally's latest touchpoint, kept by allies.services.refresh_last_touch.

Added, filled from the existing touchpoints in one UPDATE with a correlated subquery (an index probe of
the link table per ally), and indexed for the ally list's "last touch, longest ago first" order.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def backfill_last_touch(apps, schema_editor):
    """Set every ally's last_touch_on to its latest touchpoint's date in its campaign, in one statement."""
    Ally = apps.get_model("allies", "Ally")
    Touchpoint = apps.get_model("allies", "Touchpoint")
    through = Touchpoint.allies.through
    latest = (
        through.objects.filter(ally_id=OuterRef("pk"), touchpoint__campaign_id=OuterRef("campaign_id"))
        .order_by("-touchpoint__happened_on")
        .values("touchpoint__happened_on")[:1]
    )
    Ally.objects.using(schema_editor.connection.alias).update(last_touch_on=Subquery(latest))


# The list sorts never-touched allies first. PostgreSQL's indexes keep NULLs last unless told; SQLite
# keeps them first already and takes no NULLS FIRST in an index, so the index is written per database.
INDEX = "ally_campaign_last_touch"


def create_index(apps, schema_editor):
    nulls = " NULLS FIRST" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(
        f"CREATE INDEX {INDEX} ON allies_ally (campaign_id, last_touch_on ASC{nulls}, name, id)"
    )


def drop_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('allies', '0003_ally_list_perf_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='ally',
            name='last_touch_on',
            field=models.DateField(blank=True, editable=False, null=True, verbose_name='last touch'),
        ),
        migrations.RunPython(backfill_last_touch, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_index, drop_index),
    ]
