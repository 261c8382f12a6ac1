from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("campaign", "0008_member_delivery_outbox"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="subject",
            field=models.CharField(blank=True, max_length=100),
        ),
    ]
