"""
Text search that answers from an index on PostgreSQL and still works on SQLite.

Every search box in the app is a case-insensitive substring search: `icontains`, what a user types
("17 minutes", the middle of a name) matched anywhere in the text. On PostgreSQL Django compiles it as
`UPPER(column::text) LIKE UPPER('%text%')`, which no B-tree can answer, so each searched table carries a
`SearchIndex`: one GIN index over the campaign and the trigrams of each searched column's upper-cased
text (pg_trgm for the trigrams, btree_gin for the campaign), so a search reads the index entries of one
campaign's matches, not the campaign's rows. The two extensions are created by the campaign app's
migration `0008_search_extensions`; every migration that adds a SearchIndex depends on it.

Why trigrams and not PostgreSQL's full-text search: full-text search matches whole words (or their
stems) in one language, so "17 min", part of a name or a customer number would find nothing, and it
would answer differently from SQLite's LIKE. A trigram index serves exactly the `icontains` the app
already runs, on both databases, with the same matches.

On SQLite (the embedded default) a SearchIndex creates nothing: SQLite's LIKE reads the table either
way, and the embedded database is small. Its migration writes a comment instead of a statement there.
"""

from django.contrib.postgres.indexes import OpClass
from django.db.backends.ddl_references import Statement
from django.db.models import F, Index
from django.db.models.functions import Upper

TRIGRAMS = "gin_trgm_ops"


class SearchIndex(Index):
    """
    `SearchIndex("summary", "customer", name=…)` in a campaign-scoped model's `Meta.indexes`: a GIN index on
    (campaign, UPPER(summary) trigrams, UPPER(customer) trigrams) that serves
    `filter(campaign=…, summary__icontains=…)` and any OR of such searches, on PostgreSQL only.
    """

    def __init__(self, *fields, name, scope="campaign"):
        if not fields:
            raise ValueError("SearchIndex needs at least one field to search.")
        self.search_fields = tuple(fields)
        self.scope = scope
        super().__init__(F(scope), *(OpClass(Upper(field), name=TRIGRAMS) for field in fields), name=name)

    def deconstruct(self):
        path, _args, kwargs = super().deconstruct()
        kwargs = {"name": self.name}
        if self.scope != "campaign":
            kwargs["scope"] = self.scope
        return path, self.search_fields, kwargs

    def clone(self):
        _path, args, kwargs = self.deconstruct()
        return self.__class__(*args, **kwargs)

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return _nothing(f"{self.name}: a PostgreSQL search index, not created on {schema_editor.connection.vendor}")
        return super().create_sql(model, schema_editor, using=" USING gin", **kwargs)

    def remove_sql(self, model, schema_editor, **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return _nothing(
                f"{self.name}: a PostgreSQL search index, nothing to drop on {schema_editor.connection.vendor}"
            )
        return super().remove_sql(model, schema_editor, **kwargs)


def _nothing(note):
    """A statement that does nothing (an SQL comment), for the schema editor to run where an index is not made."""
    return Statement("-- %(note)s", note=note)
