"""Forms for feedback, its themes, the CSV import and API tokens."""

import datetime
import re
import zoneinfo

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.utils import timezone

from campaign.forms import CsvUploadForm, LabelledChoiceField, clean_name_unique_in_campaign
from campaign.fragments import FormRenderer
from campaign.models import Department
from campaign.widgets import DAY_MONTH_YEAR_HELP, DayMonthYearInput
from leadership.models import ApiToken, Feedback, FeedbackTheme
from leadership.models.feedback import Channel, Kind, Severity, Status

User = get_user_model()


def campaign_today(campaign):
    return timezone.now().astimezone(zoneinfo.ZoneInfo(campaign.time_zone)).date()


class ListedChoiceIterator(ModelChoiceIterator):
    """A model select's options read with one plain SELECT, not a server-side cursor (three round trips)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        rows = getattr(self.field, "listed_rows", None)
        for obj in self.queryset if rows is None else rows:
            yield self.choice(obj)


class SharedRows:
    """A campaign's rows drawn by several selects of one form (department, traced to): read once, when first drawn."""

    def __init__(self, queryset):
        self.queryset = queryset
        self._rows = None

    def __iter__(self):
        if self._rows is None:
            self._rows = list(self.queryset)
        return iter(self._rows)


def _listed(field, queryset, rows=None):
    field.iterator = ListedChoiceIterator
    field.listed_rows = rows
    field.queryset = queryset


def _list_departments(form, campaign, *names):
    """The department selects of `form`, drawn from one read of the campaign's departments."""
    departments = Department.objects.filter(campaign=campaign)
    form.department_rows = SharedRows(departments)
    for name in names:
        if name in form.fields:
            _listed(form.fields[name], departments, form.department_rows)


def check_kind_rules(form, data):
    """The rules shared by every way feedback comes in: severity for complaints only, no future dates."""
    kind, severity = data.get("kind"), data.get("severity")
    if kind == Kind.COMPLAINT and not severity and "severity" not in form.errors:
        form.add_error("severity", "Say how severe the complaint is.")
    if kind == Kind.COMPLIMENT and severity:
        form.add_error("severity", "Only complaints have a severity; leave it empty for a compliment.")
    if kind == Kind.COMPLIMENT and data.get("traced_to") and "traced_to" in form.fields:
        form.add_error(
            "traced_to", "Only complaints are traced to where they started; leave it empty for a compliment."
        )
    received = data.get("received_on")
    if received and received > campaign_today(form.campaign):
        form.add_error("received_on", "The date received cannot be in the future.")


# Fields only one kind has: the full form leaves out the other kind's (a compliment has no severity,
# status or action; only a compliment is featured for leaders).
COMPLAINT_ONLY = ("severity", "traced_to", "status", "action", "owner")
COMPLIMENT_ONLY = ("featured",)


def _clean_summary(summary):
    """What the customer said, trimmed: only spaces is as good as nothing and refused the same way."""
    summary = summary.strip()
    if not summary:
        raise forms.ValidationError("Write what the customer said.")
    return summary


class FeedbackForm(forms.ModelForm):
    """The full form, and (with fewer fields) the quick entry form on the log."""

    # The quick entry takes either kind on one form; the full form shows the fields of the item's kind.
    fit_to_kind = True

    class Meta:
        model = Feedback
        fields = [
            "kind",
            "received_on",
            "channel",
            "department",
            "traced_to",
            "theme",
            "severity",
            "customer",
            "summary",
            "status",
            "action",
            "owner",
            "featured",
        ]
        widgets = {
            "received_on": DayMonthYearInput,
            "summary": forms.Textarea(attrs={"rows": 2}),
            "action": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.instance.campaign = campaign
        _list_departments(self, campaign, "department", "traced_to")
        if "traced_to" in self.fields:
            self.fields["traced_to"].empty_label = "Not traced"
        _listed(self.fields["theme"], FeedbackTheme.objects.filter(campaign=campaign))
        if "owner" in self.fields:
            _listed(self.fields["owner"], User.objects.filter(memberships__campaign=campaign).order_by("username"))
        self.fields["summary"].error_messages["required"] = "Write what the customer said."
        self.fields["received_on"].initial = campaign_today(campaign)
        # The model's default is a callable, which would add a hidden "initial-" copy (carrying the help
        # text's aria-describedby, which a hidden input must not have); the initial here is a plain date.
        self.fields["received_on"].show_hidden_initial = False
        self.fields["received_on"].help_text = DAY_MONTH_YEAR_HELP
        if self.fit_to_kind:
            # The kind submitted, when it changes: turning a compliment into a complaint brings back its fields.
            kind = self.data.get("kind") if self.is_bound else None
            kind = kind if kind in Kind.values else self.instance.kind
            for name in COMPLAINT_ONLY if kind == Kind.COMPLIMENT else COMPLIMENT_ONLY:
                self.fields.pop(name, None)

    def clean_summary(self):
        return _clean_summary(self.cleaned_data["summary"])

    def clean(self):
        data = super().clean()
        check_kind_rules(self, data)
        if data.get("kind") == Kind.COMPLIMENT:
            if "status" in self.fields:
                data["status"] = Status.OPEN
            else:
                self.instance.status = Status.OPEN
        return data

    def save(self, commit=True):
        feedback = super().save(commit=False)
        feedback_apply_status(feedback, campaign_today(self.campaign))
        if commit:
            feedback.save()
        return feedback


def feedback_apply_status(feedback, today):
    """A complaint marked resolved gets today as its resolved date; reopened, it loses it."""
    if feedback.status == Status.RESOLVED:
        feedback.resolved_on = feedback.resolved_on or today
    else:
        feedback.resolved_on = None


class QuickFeedbackForm(FeedbackForm):
    fit_to_kind = False
    default_renderer = FormRenderer()  # on the log, with its fifty departments (campaign/fragments.py)

    class Meta(FeedbackForm.Meta):
        fields = ["kind", "received_on", "channel", "department", "traced_to", "theme", "severity", "summary"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Quick entry stays one phone screen tall: the edit page explains "traced to" at length.
        if "traced_to" in self.fields:
            self.fields["traced_to"].help_text = ""


class FeedbackFeatureForm(forms.ModelForm):
    """Feature a compliment for leaders, or stop featuring it: the log's one-click action."""

    class Meta:
        model = Feedback
        fields = ["featured"]


class FeedbackUpdateForm(forms.ModelForm):
    """
    Status, action and where the complaint started, changed in place on the log: built only for the row
    being posted (the rows draw their controls from their own values, templates/leadership/_feedback_rows.jinja).

    The department it is traced to is typed by name (the row offers the campaign's departments from
    one list on the page, not a select of fifty per row); a post without the field leaves it as it is.
    """

    traced_to = forms.CharField(label="Traced to", max_length=100, required=False)

    class Meta:
        model = Feedback
        fields = ["status", "action"]

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.traces = "traced_to" in self.data

    def clean_traced_to(self):
        name = self.cleaned_data["traced_to"].strip()
        if not name:
            return None
        department = Department.objects.filter(campaign=self.campaign, name__iexact=name).first()
        if department is None:
            raise forms.ValidationError(f"No department called “{name}” in this campaign: pick one from the list.")
        return department

    def save(self, commit=True):
        feedback = super().save(commit=False)
        feedback_apply_status(feedback, campaign_today(self.campaign))
        fields = ["status", "action", "resolved_on", "updated_at"]
        if self.traces:
            feedback.traced_to = self.cleaned_data["traced_to"]
            fields.append("traced_to")
        feedback.save(update_fields=fields)
        return feedback


class FeedbackFilterForm(forms.Form):
    default_renderer = FormRenderer()  # on the log, with its fifty departments (campaign/fragments.py)

    q = forms.CharField(label="Search", required=False, max_length=100)
    kind = forms.ChoiceField(choices=[("", "Any kind"), *Kind.choices], required=False)
    status = forms.ChoiceField(choices=[("", "Any status"), *Status.choices], required=False)
    severity = forms.ChoiceField(choices=[("", "Any severity"), *Severity.choices], required=False)
    department = forms.ModelChoiceField(
        queryset=Department.objects.none(), required=False, empty_label="Any department"
    )
    traced_to = forms.ModelChoiceField(
        label="Traced to", queryset=Department.objects.none(), required=False, empty_label="Any"
    )
    since = forms.DateField(label="From", required=False, widget=DayMonthYearInput, help_text=DAY_MONTH_YEAR_HELP)
    until = forms.DateField(label="To", required=False, widget=DayMonthYearInput, help_text=DAY_MONTH_YEAR_HELP)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        _list_departments(self, campaign, "department", "traced_to")

    @property
    def searching(self):
        """Is a (valid) text search narrowing the log?"""
        return self.is_valid() and bool(self.cleaned_data.get("q"))

    def filter(self, queryset):
        """
        Narrow the log's queryset by the valid filters (invalid ones are ignored and shown as errors).
        The text search reads the summary, the customer and the action (PostgreSQL answers it from the
        `feedback_search` trigram index) or matches a sender's id exactly.
        """
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        for field in ("kind", "status", "severity", "department", "traced_to"):
            if data.get(field):
                queryset = queryset.filter(**{field: data[field]})
        if data.get("status") or data.get("traced_to"):
            # Status and tracing are a complaint's: compliments carry the default status and must not match
            # it; and the kind in the WHERE clause lets PostgreSQL read a traced department's complaints
            # from `feedback_traced`.
            queryset = queryset.filter(kind=Kind.COMPLAINT)
        if data.get("since"):
            queryset = queryset.filter(received_on__gte=data["since"])
        if data.get("until"):
            queryset = queryset.filter(received_on__lte=data["until"])
        if data.get("q"):
            term = data["q"]
            queryset = queryset.filter(
                Q(summary__icontains=term)
                | Q(customer__icontains=term)
                | Q(action__icontains=term)
                | Q(external_id=term)
            )
        return queryset


class FeedbackThemeForm(forms.ModelForm):
    class Meta:
        model = FeedbackTheme
        fields = ["name"]
        labels = {"name": "Theme"}

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.campaign = campaign

    def clean_name(self):
        return clean_name_unique_in_campaign(self, "theme")


def _named_in_campaign(name, by_name, noun):
    """
    The row a given name stands for in `by_name` (lower-cased name -> row), or None for no name;
    a name the campaign does not have is a validation error naming it.
    """
    name = name.strip()
    if not name:
        return None
    if name.lower() not in by_name:
        raise forms.ValidationError(f"No {noun} called “{name}” in this campaign.")
    return by_name[name.lower()]


ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class IsoDateField(forms.DateField):
    """
    A date written YYYY-MM-DD (`%Y-%m-%d`): the common, zero-padded spelling is read by
    date.fromisoformat, about ten times quicker than strptime; anything else goes the usual way.
    """

    def to_python(self, value):
        if isinstance(value, str) and ISO_DAY.fullmatch(value := value.strip()):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass  # 2026-02-30: refused with the field's own message below
        return super().to_python(value)


class FeedbackIntakeForm(forms.Form):
    """
    One item from outside (a CSV row or an API item), with department and theme given by name.
    The same rules as the page's form; cleaned data is ready for `Feedback(**data)`.
    """

    external_id = forms.CharField(max_length=100, required=False)
    kind = LabelledChoiceField(choices=Kind.choices, what="kind")
    received_on = IsoDateField(input_formats=["%Y-%m-%d"])
    channel = LabelledChoiceField(choices=Channel.choices, required=False, what="channel")
    department = forms.CharField(max_length=100, required=False)
    traced_to = forms.CharField(max_length=100, required=False)
    theme = forms.CharField(max_length=60, required=False)
    severity = LabelledChoiceField(choices=[("", ""), *Severity.choices], required=False, what="severity")
    summary = forms.CharField(max_length=2000)
    customer = forms.CharField(max_length=120, required=False)

    def __init__(self, *args, campaign, departments, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.departments = departments  # lower-cased name -> Department, loaded once per batch
        self.themes = themes
        self.fields["summary"].error_messages["required"] = "Write what the customer said."

    def clean_department(self):
        return _named_in_campaign(self.cleaned_data["department"], self.departments, "department")

    def clean_traced_to(self):
        return _named_in_campaign(self.cleaned_data["traced_to"], self.departments, "department")

    def clean_theme(self):
        return _named_in_campaign(self.cleaned_data["theme"], self.themes, "theme")

    def clean_summary(self):
        return _clean_summary(self.cleaned_data["summary"])

    def clean(self):
        data = super().clean()
        data["channel"] = data.get("channel") or Channel.OTHER
        check_kind_rules(self, data)
        return data


class FeedbackImportForm(CsvUploadForm):
    MAX_BYTES = 2 * 1024 * 1024

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = "The first line names the columns; what goes in each is listed below."


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name"]
        labels = {"name": "What will use it"}
