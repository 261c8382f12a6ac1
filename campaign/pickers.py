"""
Pickers that search: choosing among a campaign's thousands of allies without a select of thousands.

A picker field renders the chosen items (ticked) and a search box. While the user types, htmx asks
the picker's search URL for the first matches ("active search"); without JavaScript the Find button
posts the form back to itself, which then shows the matches instead of saving (the form is not valid
while a search is asked for, and shows no errors). Either way the field validates the submitted ids
against its queryset, so another campaign's id is an invalid choice.

`campaign/` knows nothing of allies: a form gives the field its queryset, the name it searches and
the detail shown beside it, and the app that owns the rows serves the search URL with `PickerSource`.
"""

import re

from django import forms
from django.forms.utils import ErrorDict
from django.urls import reverse

MATCHES = 20  # the first matches shown for a search; type more letters to narrow them
MIN_QUERY = 2  # fewer letters than this match too much to be worth listing
PICK_BUTTON = "_pick"  # the name of the no-JavaScript Find button
FIELD_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,40}$")


class PickerSource:
    """Search and label the rows of `queryset` by `search_field`, with `detail_field` (a lookup) beside the name."""

    def __init__(self, queryset, *, search_field="name", detail_field=None):
        self.queryset = queryset
        self.search_field = search_field
        self.detail_field = detail_field

    def _rows(self, queryset, limit=None):
        columns = ["pk", self.search_field] + ([self.detail_field] if self.detail_field else [])
        rows = queryset.order_by(self.search_field, "pk").values_list(*columns)
        return [(row[0], f"{row[1]} ({row[2]})" if len(row) > 2 and row[2] else row[1]) for row in rows[:limit]]

    def matches(self, query, *, exclude=(), limit=MATCHES):
        """The first `limit` rows whose searched field holds `query` (any case), as (pk, label); none if it is short."""
        query = (query or "").strip()
        if len(query) < MIN_QUERY:
            return []
        rows = self.queryset.filter(**{f"{self.search_field}__icontains": query}).exclude(pk__in=list(exclude))
        return self._rows(rows, limit)

    def chosen(self, ids):
        """(pk, label) for the ids that are rows of the queryset; anything else (a forged id) is left out."""
        ids = [int(value) for value in ids if str(value).isdigit()]
        return self._rows(self.queryset.filter(pk__in=ids)) if ids else []


class Picker(forms.Widget):
    """The chosen items as ticked boxes (or radio buttons), a search box and the matches for it."""

    template_name = "campaign/_picker.html"
    use_fieldset = True  # the field's label is the legend; the search box and each choice have their own

    def __init__(self, attrs=None, *, multiple=False):
        super().__init__(attrs)
        self.multiple = multiple
        self.source = None  # set by the field when its queryset is set
        self.search_url = ""  # set by the form: the owning app's search endpoint for this campaign
        self.query = ""
        self.empty_label = None  # a single picker's "nobody" choice, when the field is optional

    def value_from_datadict(self, data, files, name):
        self.query = data.get(f"{name}_q", "")
        if self.multiple:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False if self.multiple else name not in data

    def format_value(self, value):
        if value is None or value == "":
            return []
        values = value if isinstance(value, (list, tuple, set)) else [value]
        return [str(getattr(item, "pk", item)) for item in values]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        ids = context["widget"]["value"]
        chosen = self.source.chosen(ids) if self.source else []
        picked = {pk for pk, _label in chosen}
        context["picker"] = {
            "multiple": self.multiple,
            "empty_label": None if self.multiple or self.is_required else self.empty_label,
            "limit": MATCHES,
            "search_url": self.search_url,
            "query": self.query,
            "chosen": chosen,
            "matches": self.source.matches(self.query, exclude=picked) if self.source and self.query else [],
            "searched": len(self.query.strip()) >= MIN_QUERY,
            "min_query": MIN_QUERY,
            "pick_button": PICK_BUTTON,
        }
        return context


class _PickerMixin:
    """A model choice field drawn as a Picker: it never lists its queryset, only searches it."""

    def __init__(self, *args, search_field="name", detail_field=None, **kwargs):
        self.search_field, self.detail_field = search_field, detail_field
        super().__init__(*args, **kwargs)

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        if queryset is not None and isinstance(self.widget, Picker):
            self.widget.source = PickerSource(
                self.queryset, search_field=self.search_field, detail_field=self.detail_field
            )

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)


class PickerChoiceField(_PickerMixin, forms.ModelChoiceField):
    """One row, or none: an optional field offers its `empty_label` ("Nobody", "Me — no ally") as a choice."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", Picker(multiple=False))
        super().__init__(*args, **kwargs)
        self.widget.empty_label = None if self.required else self._empty_label

    @property
    def empty_label(self):
        return self._empty_label

    @empty_label.setter
    def empty_label(self, value):
        self._empty_label = value
        if hasattr(self, "widget"):
            self.widget.empty_label = None if self.required else value


class PickerMultipleChoiceField(_PickerMixin, forms.ModelMultipleChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", Picker(multiple=True))
        super().__init__(*args, **kwargs)


class PickerFormMixin:
    """
    For a form with pickers: the no-JavaScript Find button posts the form to search, not to save, so
    while it is pressed the form is not valid and shows no errors (the view re-renders it as it does
    an invalid form, with the matches). `set_search_url(name, url_name, campaign)` points a picker at
    the owning app's search endpoint.
    """

    @property
    def picking(self):
        return self.is_bound and PICK_BUTTON in self.data

    def full_clean(self):
        if self.picking:
            self._errors, self.cleaned_data = ErrorDict(), {}
            return
        super().full_clean()

    def is_valid(self):
        return not self.picking and super().is_valid()

    def set_search_url(self, name, url_name, campaign):
        self.fields[name].widget.search_url = reverse(url_name, kwargs={"slug": campaign.slug})


def picker_request(params):
    """The field name, whether it takes several, the query and the ids already chosen, from a search request."""
    field = params.get("field", "people")  # the name most forms give their ally picker
    if not FIELD_NAME.match(field):
        return None
    return {
        "field": field,
        "multiple": params.get("multiple") == "1",
        "query": params.get(f"{field}_q", ""),
        "chosen": params.getlist(field),
    }
