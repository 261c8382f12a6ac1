from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("leadership", "0011_feedback_search_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="feedback",
            index=models.Index(fields=["campaign", "received_on", "id"], name="feedback_log_order"),
        ),
    ]
