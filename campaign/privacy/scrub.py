"""
Hunting an erased person's name and address down in stored copies: free text, email values, summary
snapshots, audit entries. Every field an app declared FREE_TEXT or COPY is searched within the
person's campaign (or site-wide for a model with no campaign), and each occurrence of a value, as a
whole word and whatever its case, becomes the placeholder. JSON is walked value by value, so keys and
figures stay as they were.
"""

import json
import re

from django.apps import apps
from django.db import models
from django.db.models.functions import Cast

from campaign.privacy.registry import PLACEHOLDER, scrubbed_fields

BATCH = 500


def pattern_for(values):
    """A regex matching any of `values` as a whole word, longest first, whatever its case."""
    words = sorted({value.strip() for value in values if value and value.strip()}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(rf"(?<!\w){re.escape(word)}(?!\w)" for word in words), re.IGNORECASE)


def replace_in(value, pattern, replacement=PLACEHOLDER):
    """`value` (text, or JSON made of dicts, lists and scalars) with every match replaced."""
    if isinstance(value, str):
        return pattern.sub(replacement, value)
    if isinstance(value, list):
        return [replace_in(item, pattern, replacement) for item in value]
    if isinstance(value, dict):
        return {key: replace_in(item, pattern, replacement) for key, item in value.items()}
    return value


def _matching(queryset, field, values):
    """The rows whose `field` contains one of `values` (as stored: JSON may escape non-ASCII letters)."""
    model_field = queryset.model._meta.get_field(field)
    if isinstance(model_field, models.JSONField):
        queryset = queryset.annotate(_text=Cast(field, models.TextField()))
        lookup = "_text__icontains"
        forms = {form for value in values for form in (value, json.dumps(value)[1:-1])}
    else:
        lookup = f"{field}__icontains"
        forms = set(values)
    condition = models.Q()
    for form in forms:
        condition |= models.Q(**{lookup: form})
    return queryset.filter(condition)


def scrub_values(*, campaign_id, values, replacement=PLACEHOLDER):
    """Replace `values` in every declared free-text and copy field of the campaign; returns {label.field: rows}."""
    pattern = pattern_for(values)
    changed = {}
    if pattern is None:
        return changed
    for entry, field in scrubbed_fields():
        model = apps.get_model(entry.label)
        rows = model._base_manager.all()
        if entry.campaign_path:
            rows = rows.filter(**{entry.campaign_path: campaign_id})
        count = 0
        for pk, value in _matching(rows, field, values).values_list("pk", field).order_by("pk").iterator(BATCH):
            new = replace_in(value, pattern, replacement)
            if new != value:
                # A queryset update: it skips save(), so audit entries (which refuse a save) can be scrubbed too.
                model._base_manager.filter(pk=pk).update(**{field: new})
                count += 1
        if count:
            changed[f"{entry.label}.{field}"] = count
    return changed
