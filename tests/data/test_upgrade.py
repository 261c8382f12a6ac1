"""
Upgrades keep every row: a database built at the migrations of the current release, with rows in every
table, is migrated to the newest migrations, and every row is still there.

RELEASE pins the release's migrations; migrations added after it are what the test runs. Bump RELEASE
when a release is cut (to each app's newest migration then), never to make this test pass.
"""

import datetime
import decimal
import graphlib
import io
import uuid

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

# The newest migration of each of our apps in the current release.
RELEASE = {
    "campaign": "0010_search_extensions",
    "allies": "0008_ally_name_search_index",
    "personas": "0004_card_search_index",
    "leadership": "0012_feedback_log_order_index",
}
ROWS_PER_TABLE = 2


def release_targets(executor):
    """RELEASE for our apps; the newest migration for Django's and third-party apps, which we do not ship."""
    leaves = dict(executor.loader.graph.leaf_nodes())
    return [(app, RELEASE.get(app, name)) for app, name in sorted(leaves.items())]


def value_for(field, n):
    """A value the column accepts, different for each n so unique columns stay unique."""
    if field.choices:
        return field.choices[0][0]
    if field.has_default() and not field.unique:  # defaults meet the table's check constraints
        return field.get_default()
    kind = field.get_internal_type()
    if kind in ("CharField", "TextField", "SlugField"):
        return f"v{n}"[: field.max_length or 40]
    if kind == "EmailField":
        return f"u{n}@example.com"
    if kind in ("URLField",):
        return f"https://example.com/{n}"
    if kind in ("GenericIPAddressField", "IPAddressField"):
        return f"127.0.0.{n % 250 + 1}"
    if "Integer" in kind:
        return n % 20 + 1
    if kind in ("FloatField",):
        return float(n)
    if kind == "DecimalField":
        return decimal.Decimal(1)
    if kind == "BooleanField":
        return False
    if kind == "DateTimeField":
        return timezone.now()
    if kind == "DateField":
        return datetime.date(2026, 1, 1) + datetime.timedelta(days=n)
    if kind == "TimeField":
        return datetime.time(9, 0)
    if kind == "DurationField":
        return datetime.timedelta(minutes=n)
    if kind == "UUIDField":
        return uuid.uuid4()
    if kind == "JSONField":
        return {}
    if kind == "BinaryField":
        return b"x"
    raise AssertionError(f"test_upgrade has no value for a {kind} ({field}): add one")


def fill_every_table(state_apps):
    """ROWS_PER_TABLE rows in every table of the historical models, parents before children."""
    model_list = state_apps.get_models(include_auto_created=True)
    graph = {
        model: {
            field.related_model
            for field in model._meta.concrete_fields
            if field.is_relation and not field.null and field.related_model is not model
        }
        for model in model_list
    }
    created = {}
    counter = 0
    for model in graphlib.TopologicalSorter(graph).static_order():
        rows = []
        for i in range(ROWS_PER_TABLE):
            counter += 1
            rows.append(_create_row(model, counter, i, created))
        created[model] = rows
    return {model: [row.pk for row in rows] for model, rows in created.items()}


def _create_row(model, n, i, created):
    for with_optional in (True, False):
        values = {}
        for field in model._meta.concrete_fields:
            if isinstance(field, models.AutoField):
                continue
            if field.is_relation:
                targets = created.get(field.related_model, [])
                if targets and (with_optional or not field.null):
                    values[field.attname] = targets[i % len(targets)].pk
                else:
                    values[field.attname] = None
            elif field.null and not with_optional:
                values[field.attname] = None
            else:
                values[field.attname] = value_for(field, n)
        try:
            with transaction.atomic():
                return model._base_manager.create(**values)
        except IntegrityError:
            if not with_optional:
                raise
    raise AssertionError("unreachable")


def test_upgrade_from_the_release_keeps_every_row(transactional_db):
    executor = MigrationExecutor(connection)
    release = release_targets(executor)
    executor.migrate(release)
    executor.loader.build_graph()
    filled = fill_every_table(executor.loader.project_state(release).apps)
    tables = {model._meta.db_table: (model._meta.label, pks) for model, pks in filled.items()}
    assert all(len(pks) == ROWS_PER_TABLE for _, pks in tables.values())

    newest = executor.loader.graph.leaf_nodes()
    executor.migrate(newest)
    executor.loader.build_graph()
    now_apps = executor.loader.project_state(newest).apps
    by_table = {model._meta.db_table: model for model in now_apps.get_models(include_auto_created=True)}
    for table, (label, pks) in tables.items():
        assert table in by_table, f"the upgrade dropped the table of {label}"
        kept = set(by_table[table]._base_manager.filter(pk__in=pks).values_list("pk", flat=True))
        assert kept == set(pks), f"the upgrade lost rows of {label}"


@pytest.mark.django_db
def test_models_and_migrations_agree():
    """What `makemigrations --check` says in CI: no model change is missing its migration."""
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
