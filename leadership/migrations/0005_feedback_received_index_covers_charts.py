# The log's charts count kind and department over a date window: covered by the index, no heap visits.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaign', '0004_problem_momentum_indexes'),
        ('leadership', '0004_feedback_and_summaries'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='feedback',
            name='feedback_campaign_received',
        ),
        migrations.AddIndex(
            model_name='feedback',
            index=models.Index(fields=['campaign', 'received_on', 'kind', 'department'], name='feedback_campaign_received'),
        ),
    ]
