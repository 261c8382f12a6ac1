"""What several security tests share: a fingerprint of every row the apps own."""

from django.apps import apps

APPS = ("campaign", "allies", "personas", "leadership")
# Rows a request may legitimately touch without changing campaign data.
VOLATILE = {"leadership.apitoken": {"last_used_at"}}


def fingerprint():
    """Every row of the project's own models, as plain values, keyed by model; for 'nothing changed' checks."""
    rows = {}
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            label = model._meta.label_lower
            skip = VOLATILE.get(label, set())
            values = model.objects.order_by("pk").values()
            rows[label] = [{key: value for key, value in row.items() if key not in skip} for row in values]
    return rows


def changed_tables(before, after):
    return sorted(label for label in before if before[label] != after[label])
