"""
Widgets and a form mixin that render in Python with the markup of Django's own templates.

Django renders a template per widget and per option. On a page with a fifty-department filter, a
status select on every row or a form per row, that was most of the page's time. These write the
same HTML (tests compare them with Django's output) and escape every name, value and label.
"""

from django import forms
from django.utils.safestring import SafeString

from campaign.markup import escape, markup


def _attrs(attrs):
    """HTML attributes as Django's attrs.html writes them (False left out, True bare), every value escaped."""
    html = "".join(
        f" {name}" if value is True else f' {name}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )
    return markup(html)


_SELECTED = {"selected": True}


class FastSelect(forms.Select):
    """
    A select rendered in Python, with the markup of Django's templates (option groups included):
    the feedback log shows a department list of fifty in two forms and a status select on every
    row, the ally list and the persona gallery filter by department.
    """

    def optgroups(self, name, value, attrs=None):
        """
        Django's ChoiceWidget.optgroups (the same groups, order and selection), without building a
        full option context per choice: a select's options carry no attributes but `selected`, and a
        card's "written by" offers every ally of the campaign.
        """
        groups, has_selected, chosen = [], False, set(value)
        for index, (option_value, option_label) in enumerate(self.choices):
            if option_value is None:
                option_value = ""
            if isinstance(option_label, (list, tuple)):
                group_name, choices = option_value, option_label
            else:
                group_name, choices = None, [(option_value, option_label)]
            subgroup = []
            for subvalue, sublabel in choices:
                selected = (not has_selected or self.allow_multiple_selected) and str(subvalue) in chosen
                has_selected |= selected
                subgroup.append({"value": subvalue, "label": sublabel, "attrs": _SELECTED if selected else {}})
            groups.append((group_name, subgroup, index))
        return groups

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'<optgroup label="{escape(group_name)}">')
            parts.extend(
                f'<option value="{escape(option["value"])}"{_attrs(option["attrs"])}>{escape(option["label"])}</option>'
                for option in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        # Every name, value and label above went through escape(), as Django's templates would.
        return markup("\n".join(parts))


class FastInput:
    """Mixed into an input widget: rendered in Python with the markup of Django's input.html."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value = f' value="{escape(str(widget["value"]))}"' if widget["value"] is not None else ""
        kind, field_name = escape(widget["type"]), escape(widget["name"])
        attrs = _attrs(widget["attrs"])
        return SafeString(f'<input type="{kind}" name="{field_name}"{value}{attrs}>')  # nosec B703 - all escaped


class FastTextInput(FastInput, forms.TextInput):
    pass


class FastDateInput(FastInput, forms.DateInput):
    pass


class FastTextarea(forms.Textarea):
    """A textarea rendered in Python, with the markup of Django's template (see FastSelect)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        text = escape(widget["value"] or "")
        name_, attrs = escape(widget["name"]), _attrs(widget["attrs"])
        return SafeString(f'<textarea name="{name_}"{attrs}>\n{text}</textarea>')  # nosec B703 - all escaped above


class FastDivForm:
    """
    A form that renders itself (`{{ form }}`) in Python with the markup of Django's div.html (label,
    help text, errors, widget), for a small form repeated on every row of a page. Mixed into a form
    whose widgets are the fast ones above.
    """

    def render(self, template_name=None, context=None, renderer=None):
        if template_name or context:
            return super().render(template_name, context, renderer)
        errors = self.non_field_errors()
        parts = [str(errors)] if errors else []
        for field in self.visible_fields():
            classes = field.css_classes()
            parts.append(f'<div class="{escape(classes)}">' if classes else "<div>")
            label = field.label
            if label:
                suffix = self.label_suffix if label[-1] not in ":?.!" else ""
                parts.append(f'<label for="{escape(field.id_for_label)}">{escape(label)}{escape(suffix)}</label>')
            if field.help_text:
                # The form's own text, shown as Django's help_text|safe shows it.
                parts.append(f'<div class="helptext" id="{escape(field.auto_id)}_helptext">{field.help_text}</div>')
            if field.errors:
                items = "".join(f"<li>{escape(error)}</li>" for error in field.errors)
                parts.append(f'<ul class="errorlist" id="{escape(field.auto_id)}_error">{items}</ul>')
            parts.append(str(field))
            parts.append("</div>")
        parts.extend(str(field) for field in self.hidden_fields())
        # Every value above was escaped (or is the form's own markup), as format_html would.
        return SafeString("\n".join(parts))  # nosec B703 - every part escaped above

    __str__ = render


# The app speaks en-GB. A browser's own date picker (type="date") orders the date by the browser's
# locale, month first in an en-US browser, so dates are typed and shown day/month/year; the form
# fields take the en-GB input formats (and ISO dates, which Django always accepts).
DAY_MONTH_YEAR_ATTRS = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
DAY_MONTH_YEAR_HELP = "Day/month/year."


class DayMonthYearInput(forms.DateInput):
    """A date typed and shown as 25/10/2026."""

    def __init__(self, attrs=None):
        super().__init__(attrs={**DAY_MONTH_YEAR_ATTRS, **(attrs or {})}, format="%d/%m/%Y")


class FastDayMonthYearInput(FastInput, DayMonthYearInput):
    pass
