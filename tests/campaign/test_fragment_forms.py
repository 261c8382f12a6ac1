"""Forms drawn by the fragments engine (campaign.fragments.FormRenderer) say what Django's own templates say."""

import re

from django import forms
from django.forms.renderers import TemplatesSetting

from campaign.fragments import FormRenderer

HOSTILE = '<b>"x"</b> & co'


class TaggedSelect(forms.Select):
    """A select whose options carry an attribute of their own, as a widget subclass may add."""

    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        option["attrs"]["data-code"] = f"c-{option['value']}"
        return option


class SampleForm(forms.Form):
    name = forms.CharField(max_length=10, help_text="Your <em>name</em>.")
    kind = forms.ChoiceField(choices=[("", "Any"), ("a", HOSTILE), ("Group", [("g1", "One"), ("g2", "Two")])])
    tagged = forms.ChoiceField(choices=[("x", "X"), ("y", "Y")], widget=TaggedSelect, required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    on = forms.BooleanField(required=False)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)


def _same_markup(html):
    """Whitespace between tags folded; a quote written either way Django and Jinja2 escape it."""
    html = str(html).replace("&quot;", "&#34;").replace("&#x27;", "&#39;")
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def _both(data=None):
    ours = SampleForm(data, renderer=FormRenderer())
    djangos = SampleForm(data, renderer=TemplatesSetting())
    return ours, djangos


def test_an_empty_form_renders_as_djangos_templates_render_it():
    ours, djangos = _both()
    assert _same_markup(ours) == _same_markup(djangos)


def test_a_refused_form_shows_its_errors_values_and_choices_as_django_does():
    ours, djangos = _both({"name": "much too long a name", "kind": "g2", "tagged": "y", "note": HOSTILE, "on": "on"})
    assert not ours.is_valid() and not djangos.is_valid()
    html = _same_markup(ours)
    assert html == _same_markup(djangos)
    assert '<option value="g2" selected>Two</option>' in html
    assert '<option value="y" selected data-code="c-y">Y</option>' in html  # an option's own attributes stay
    assert 'aria-invalid="true"' in html and "Ensure this value has at most 10 characters" in html


def test_labels_choices_and_values_are_escaped():
    ours, _ = _both({"name": HOSTILE, "kind": "a", "note": HOSTILE})
    html = str(ours)
    assert "<b>" not in html
    assert "&lt;b&gt;" in html
    assert "Your <em>name</em>." in html  # the form's own help text, marked safe as Django's templates do
