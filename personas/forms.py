from django import forms
from django.db.models import Q

from campaign.fragments import FormRenderer
from campaign.pickers import PickerChoiceField, PickerFormMixin
from personas.models import PersonaCard, Workshop


class PersonaCardForm(PickerFormMixin, forms.ModelForm):
    """
    One "who I serve" card. Allies and departments come from the form's campaign only,
    so another campaign's id is refused as an invalid choice.
    """

    class Meta:
        model = PersonaCard
        fields = ["writer_ally", "persona_name", "role", "wants", "so_that", "rhythm", "scope", "department_served"]
        field_classes = {"writer_ally": PickerChoiceField}
        widgets = {
            "wants": forms.Textarea(attrs={"rows": 2}),
            "so_that": forms.Textarea(attrs={"rows": 2}),
            "scope": forms.RadioSelect,
        }
        labels = {
            "writer_ally": "Written by",
            "persona_name": "My name is…",
            "role": "And I am… (their role)",
            "wants": "I want… (what you provide for them)",
            "so_that": "So I can… (how they use it)",
            "scope": "This person is",
            "department_served": "Department they work in",
        }
        help_texts = {
            "persona_name": "Give them a first name, real or made up: it makes them human.",
            "rhythm": "When they need it, e.g. “monthly report by the 10th”.",
            "department_served": "For someone inside the organisation; this is what the service map is drawn from.",
        }
        error_messages = {
            "role": {"required": "Say what this person does, e.g. “VP of Sales for the North-East”."},
            "wants": {"required": "Say what you provide for this person."},
            "so_that": {"required": "Say how this person uses what you provide."},
        }

    def __init__(self, *args, campaign, participant_required=False, **kwargs):
        kwargs.setdefault("label_suffix", "")  # the labels end in "…", which a colon would spoil
        super().__init__(*args, **kwargs)
        if not self.instance.pk and "scope" not in (kwargs.get("initial") or {}):
            # Most cards are about colleagues: that is what draws the service map.
            self.initial["scope"] = PersonaCard.Scope.INSIDE
        self.instance.campaign = campaign
        writer = self.fields["writer_ally"]
        writer.detail_field = "department__name"
        writer.queryset = campaign.allies.all()
        self.set_search_url("writer_ally", "allies:ally-pick", campaign)
        if participant_required:
            writer.label = "Participant"
            writer.required = True
            writer.empty_label = "Choose the participant"
            writer.error_messages["required"] = "Choose whose card this is."
            # After each save the form comes back empty: static/js/app.js puts the cursor here.
            self.fields["persona_name"].widget.attrs["data-autofocus"] = ""
        else:
            writer.empty_label = "Me — no ally"
            writer.help_text = "The ally whose card this is; leave it as “Me” for a card of your own."
        served = self.fields["department_served"]
        served.queryset = campaign.departments.all()
        served.empty_label = "Choose a department"
        self.fields["scope"].choices = PersonaCard.Scope.choices

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("scope") == PersonaCard.Scope.INSIDE:
            if not cleaned.get("department_served") and "department_served" not in self.errors:
                self.add_error("department_served", "Choose the department this person works in.")
        else:
            cleaned["department_served"] = None
        return cleaned

    def clean_persona_name(self):
        return _clean_text(self.cleaned_data["persona_name"])

    def clean_role(self):
        role = _clean_text(self.cleaned_data["role"])
        if not role:
            raise forms.ValidationError(self.fields["role"].error_messages["required"])
        return role

    def clean_rhythm(self):
        return _clean_text(self.cleaned_data["rhythm"])


def _clean_text(value):
    """One line, single spaces: a name or role pasted with stray breaks still prints on one line."""
    return " ".join(value.split())


class WorkshopForm(forms.ModelForm):
    class Meta:
        model = Workshop
        fields = ["title", "held_on"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        labels = {"title": "Session title"}
        help_texts = {"title": "e.g. “Finance & IT — who we serve”."}
        error_messages = {"title": {"required": "Give the session a title people will recognise."}}

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.campaign = campaign

    def clean_title(self):
        title = _clean_text(self.cleaned_data["title"])
        if not title:
            raise forms.ValidationError("Give the session a title people will recognise.")
        return title


def _writer_matches(text, campaign):
    """
    Cards whose writer is named like `text`; `ally-<id>` and `member-<id>` (older links) pick one writer.

    The campaign's allies whose name contains `text` are found first (on PostgreSQL from the allies' name
    search index), then their cards through the writer's index; cards written by a member (no ally)
    match on the member's first, last or user name.
    """
    kind, _, pk = text.partition("-")
    if pk.isdigit() and kind == "ally":
        return Q(writer_ally_id=pk)
    if pk.isdigit() and kind == "member":
        return Q(writer_member_id=pk, writer_ally__isnull=True)
    allies = PersonaCard._meta.get_field("writer_ally").related_model.objects
    members = PersonaCard._meta.get_field("writer_member").related_model.objects
    named = allies.filter(campaign=campaign, name__icontains=text).values("pk")
    named_members = members.filter(
        Q(first_name__icontains=text) | Q(last_name__icontains=text) | Q(username__icontains=text)
    ).values("pk")
    return Q(writer_ally__in=named) | Q(writer_ally__isnull=True, writer_member__in=named_members)


class CardFilterForm(forms.Form):
    """The gallery's filters; print and export read the same ones so they show what the gallery shows."""

    default_renderer = FormRenderer()  # a select of fifty departments on a busy page (campaign/fragments.py)

    q = forms.CharField(label="Search", required=False, max_length=100)
    writer_department = forms.ModelChoiceField(
        label="Writer's department", queryset=None, required=False, empty_label="Any"
    )
    served = forms.ModelChoiceField(label="Department served", queryset=None, required=False, empty_label="Any")
    scope = forms.ChoiceField(label="Inside or outside", required=False, choices=[("", "Either")])
    writer = forms.CharField(
        label="Written by",
        required=False,
        max_length=100,
        help_text="Part of the writer's name.",
    )
    workshop = forms.ModelChoiceField(label="Workshop session", queryset=None, required=False, empty_label="Any")

    def __init__(self, data, *, campaign):
        super().__init__(data)
        # The choices are read once (one query each for departments and sessions) and given to the selects;
        # the querysets still check a submitted value.
        departments = [("", "Any"), *campaign.departments.values_list("pk", "name")]
        for name in ("writer_department", "served"):
            self.fields[name].queryset = campaign.departments.all()
            self.fields[name].widget = forms.Select(choices=departments)
        self.fields["scope"].choices += PersonaCard.Scope.choices
        self.fields["workshop"].queryset = campaign.persona_workshops.all()
        workshops = [("", "Any"), *((w.pk, str(w)) for w in campaign.persona_workshops.all())]
        self.fields["workshop"].widget = forms.Select(choices=workshops)
        self.campaign = campaign
        # A text search rather than a list of writers: a campaign has tens of thousands of allies.
        self.is_valid()

    def filter(self, cards):
        """`cards` narrowed by every filter that is set and valid; an invalid one is ignored, not an error page."""
        data = self.cleaned_data
        if data.get("q"):
            cards = cards.search(data["q"])
        if data.get("writer_department"):
            cards = cards.filter(writer_ally__department=data["writer_department"])
        if data.get("served"):
            cards = cards.filter(department_served=data["served"])
        if data.get("scope"):
            cards = cards.filter(scope=data["scope"])
        if data.get("workshop"):
            cards = cards.filter(workshop=data["workshop"])
        writer = (data.get("writer") or "").strip()
        if writer:
            cards = cards.filter(_writer_matches(writer, self.campaign))
        return cards

    @property
    def active(self):
        """Is any filter narrowing the cards?"""
        return any(self.cleaned_data.get(name) for name in self.fields)


class CardHintsForm(forms.Form):
    """The card's text as written so far, for the hints: nothing here is required, nothing is saved."""

    persona_name = forms.CharField(required=False, max_length=120)
    wants = forms.CharField(required=False, max_length=600)
    so_that = forms.CharField(required=False, max_length=600)
    rhythm = forms.CharField(required=False, max_length=160)

    @classmethod
    def values_of(cls, card):
        """The hint inputs of a saved card."""
        return {name: getattr(card, name) for name in cls.base_fields}
