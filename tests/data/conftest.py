"""Helpers for the data-lifecycle tests: every table's rows, and a database destroyed for real."""

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder


def every_model():
    """Every table Django knows, as a model: the apps' models, many-to-many tables and django_migrations."""
    return [*apps.get_models(include_auto_created=True), MigrationRecorder(connection).Migration]


def table_rows():
    """{table: [row, ...]} for every table, each row every column's value, in primary-key order."""
    rows = {}
    for model in every_model():
        columns = [field.attname for field in model._meta.concrete_fields]
        rows[model._meta.db_table] = list(model._base_manager.order_by("pk").values_list(*columns))
    return rows


def destroy_database():
    """Drop every table, as a lost disk or a wrong command would."""
    with connection.schema_editor() as editor:
        for model in every_model():
            if not model._meta.auto_created:  # delete_model drops a model's many-to-many tables with it
                editor.delete_model(model)
    assert connection.introspection.table_names() == []


@pytest.fixture
def media_root(settings, tmp_path):
    """A media folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def fill_campaign(campaign, *, allies=3):
    """Rows in the campaign's main tables across the apps: departments, allies, touchpoints, wins, leaders…"""
    from tests.factories import (
        AllyFactory,
        DepartmentFactory,
        FeedbackFactory,
        GoalFactory,
        LeaderFactory,
        PersonaCardFactory,
        ServiceProblemFactory,
        StageChangeFactory,
        SummaryDeliveryFactory,
        TouchpointFactory,
    )

    department = DepartmentFactory(campaign=campaign)
    goal = GoalFactory(campaign=campaign)
    people = AllyFactory.create_batch(allies, campaign=campaign, department=department)
    for ally in people:
        StageChangeFactory(ally=ally)
        TouchpointFactory(campaign=campaign, allies=[ally])
    problem = ServiceProblemFactory(campaign=campaign, department=department, goal=goal)
    problem.people.set(people)
    PersonaCardFactory(campaign=campaign)
    leader = LeaderFactory(campaign=campaign)
    FeedbackFactory(campaign=campaign, summary='=HYPERLINK("http://evil.example")')
    SummaryDeliveryFactory(summary__campaign=campaign, leader=leader)
    return campaign
