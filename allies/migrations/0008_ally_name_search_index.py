from django.db import migrations

import campaign.search


class Migration(migrations.Migration):
    dependencies = [
        ("allies", "0007_ally_service_map_index"),
        ("campaign", "0010_search_extensions"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ally",
            index=campaign.search.SearchIndex("name", name="ally_name_search"),
        ),
    ]
