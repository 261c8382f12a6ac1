from django.db import migrations

import campaign.search


class Migration(migrations.Migration):
    dependencies = [
        ("leadership", "0010_engagement_celebrated_win"),
        ("campaign", "0010_search_extensions"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="feedback",
            index=campaign.search.SearchIndex("summary", "customer", "action", name="feedback_search"),
        ),
    ]
