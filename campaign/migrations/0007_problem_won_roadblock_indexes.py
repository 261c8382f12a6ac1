# The board's won column and its open roadblocks panel, read from indexes in order.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaign', '0006_problem_board_indexes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='serviceproblem',
            index=models.Index(fields=['campaign', 'status', 'won_on', 'id'], name='problem_won_order'),
        ),
        migrations.AddIndex(
            model_name='serviceproblem',
            index=models.Index(condition=models.Q(('is_roadblock', True), ('roadblock_cleared_on__isnull', True), ('status__in', ['backlog', 'in_progress'])), fields=['campaign', 'opened_on', 'id'], name='problem_open_roadblocks'),
        ),
    ]
