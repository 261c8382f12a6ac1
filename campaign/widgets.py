"""
Widgets and a form mixin that render in Python with the markup of Django's own templates.

Django renders a template per widget and per option. On a page with a fifty-department filter, a
status select on every row or a form per row, that was most of the page's time. These write the
same HTML (tests compare them with Django's output) and escape every name, value and label.
"""

from django import forms
from django.utils.html import conditional_escape as escape
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


def _attrs(attrs):
    """HTML attributes as Django's attrs.html writes them (False left out, True bare), every value escaped."""
    html = "".join(
        f" {name}" if value is True else f' {name}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )
    return mark_safe(html)  # noqa: S308 # nosec B308 B703 - every value escaped above


def _joined(parts):
    """Safe HTML parts on lines of their own; anything not marked safe is escaped."""
    return format_html_join("\n", "{}", ((part,) for part in parts))


class FastSelect(forms.Select):
    """
    A select rendered in Python, with the markup of Django's templates (option groups included):
    the feedback log shows a department list of fifty in two forms and a status select on every
    row, the ally list and the persona gallery filter by department.
    """

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
        return mark_safe("\n".join(parts))  # noqa: S308 # nosec B308 B703 - built from escaped values only


class FastInput:
    """Mixed into an input widget: rendered in Python with the markup of Django's input.html."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value = format_html(' value="{}"', str(widget["value"])) if widget["value"] is not None else ""
        return format_html(
            '<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], value, _attrs(widget["attrs"])
        )


class FastTextInput(FastInput, forms.TextInput):
    pass


class FastDateInput(FastInput, forms.DateInput):
    pass


class FastTextarea(forms.Textarea):
    """A textarea rendered in Python, with the markup of Django's template (see FastSelect)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>', widget["name"], _attrs(widget["attrs"]), widget["value"] or ""
        )


class FastDivForm:
    """
    A form that renders itself (`{{ form }}`) in Python with the markup of Django's div.html (label,
    help text, errors, widget), for a small form repeated on every row of a page. Mixed into a form
    whose widgets are the fast ones above.
    """

    def render(self, template_name=None, context=None, renderer=None):
        if template_name or context:
            return super().render(template_name, context, renderer)
        parts = [str(self.non_field_errors())] if self.non_field_errors() else []
        for field in self.visible_fields():
            classes = field.css_classes()
            parts.append(format_html("<div{}>", format_html(' class="{}"', classes) if classes else ""))
            if field.label:
                suffix = self.label_suffix if field.label[-1] not in ":?.!" else ""
                parts.append(format_html('<label for="{}">{}{}</label>', field.id_for_label, field.label, suffix))
            if field.help_text:
                help_text = mark_safe(field.help_text)  # noqa: S308 # nosec B308 B703 - the form's own text, as Django's help_text|safe
                parts.append(format_html('<div class="helptext" id="{}_helptext">{}</div>', field.auto_id, help_text))
            if field.errors:
                items = format_html_join("", "<li>{}</li>", ((error,) for error in field.errors))
                parts.append(format_html('<ul class="errorlist" id="{}_error">{}</ul>', field.auto_id, items))
            parts.append(str(field))
            parts.append(mark_safe("</div>"))  # nosec B308 B703 - a constant tag
        parts.extend(str(field) for field in self.hidden_fields())
        return _joined(parts)

    __str__ = render
