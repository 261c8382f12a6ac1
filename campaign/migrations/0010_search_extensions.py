"""
pg_trgm and btree_gin, for the search indexes (campaign.search.SearchIndex) every app's searched table
carries. Both are trusted extensions (PostgreSQL 13 and later): the database's owner may create them.
Elsewhere (SQLite) these operations do nothing.
"""

from django.contrib.postgres.operations import BtreeGinExtension, TrigramExtension
from django.db import migrations

import campaign.search


class Migration(migrations.Migration):
    dependencies = [
        ("campaign", "0009_auditentry_subject"),
    ]

    operations = [
        TrigramExtension(),
        BtreeGinExtension(),
        migrations.AddIndex(
            model_name="serviceproblem",
            index=campaign.search.SearchIndex("title", name="problem_title_search"),
        ),
    ]
