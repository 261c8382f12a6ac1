from django.db import migrations

import campaign.search


class Migration(migrations.Migration):
    dependencies = [
        ("leadership", "0007_feedback_perf_chart_stamp"),
        ("campaign", "0008_search_extensions"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="feedback",
            index=campaign.search.SearchIndex("summary", "customer", "action", name="feedback_search"),
        ),
    ]
