from django.db import migrations

# The coverage map's and home's one pass over a campaign's allies (allies.coverage.ally_counts) groups by
# department, level, stage and source and reads created_at and last_touch_on for staleness. An index that
# holds all of them lets PostgreSQL count from the index alone, already in group order, instead of reading
# every ally's row. PostgreSQL keeps the two dates as INCLUDE columns; SQLite takes no INCLUDE, so there
# they are keys. Written per database, as 0004's index is.
INDEX = "ally_coverage_counts"
KEYS = "campaign_id, department_id, level, stage, source"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        columns = f"({KEYS}) INCLUDE (created_at, last_touch_on)"
    else:
        columns = f"({KEYS}, created_at, last_touch_on)"
    schema_editor.execute(f"CREATE INDEX {INDEX} ON allies_ally {columns}")


def drop_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("allies", "0005_stagechange_campaign"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
