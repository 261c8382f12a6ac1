from django.db import migrations

import campaign.search


class Migration(migrations.Migration):
    dependencies = [
        ("personas", "0003_personas_perf_indexes"),
        ("campaign", "0010_search_extensions"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="personacard",
            index=campaign.search.SearchIndex(
                "persona_name", "role", "wants", "so_that", "rhythm", name="personacard_search"
            ),
        ),
    ]
