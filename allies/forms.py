import time
from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.core import signing
from django.utils import timezone

from allies.models import Ally, Stage, Touchpoint
from campaign.fragments import FormRenderer
from campaign.models import Level

User = get_user_model()


def _campaign_members(campaign):
    return User.objects.filter(memberships__campaign=campaign).order_by("first_name", "last_name", "username")


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class AllyForm(forms.ModelForm):
    """Add or edit an ally. Departments and owners are limited to the campaign's, so a forged id is a form error."""

    recruited_by = MemberChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Recruited by",
        help_text="The member who owns the relationship and follows up.",
    )

    class Meta:
        model = Ally
        fields = [
            "name",
            "email",
            "department",
            "level",
            "stage",
            "source",
            "motivation",
            "note",
            "recruited_by",
            "follow_up_on",
        ]
        widgets = {
            "follow_up_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "email": "Optional. Two allies of one campaign cannot share an address.",
            "stage": "Where they are on the ladder today. Later moves are recorded in their history.",
            "source": "Early on, volunteers carry a movement further than people who were sent.",
        }
        error_messages = {
            "name": {"required": "Give the ally's name."},
            "department": {"required": "Choose the department they work in: the coverage map counts them there."},
        }

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.instance.campaign = campaign
        self.fields["department"].queryset = campaign.departments.all()
        self.fields["department"].empty_label = "Choose a department"
        members = _campaign_members(campaign)
        if self.instance.recruited_by_id:
            # Whoever owns the relationship stays choosable even after leaving the campaign.
            members = members | User.objects.filter(pk=self.instance.recruited_by_id)
        self.fields["recruited_by"].queryset = members.distinct()
        if self.instance.pk:
            # Moves on the ladder go through the stage control, which keeps the history.
            del self.fields["stage"]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the ally's name.")
        return name

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email:
            clash = Ally.objects.filter(campaign=self.campaign, email__iexact=email).exclude(pk=self.instance.pk)
            if clash.exists():
                raise forms.ValidationError(
                    f"{clash.first().name} already has this email address in this campaign. "
                    "Open their page instead of adding them twice."
                )
        return email


class AcceptForm(forms.Form):
    """Accept a volunteer; the owner, when chosen, must be a member of the campaign (a forged id is an error)."""

    owner = MemberChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Who keeps in touch",
        empty_label="Me",
        help_text="They show in this member's follow-ups.",
        error_messages={"invalid_choice": "Choose someone who is a member of this campaign."},
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _campaign_members(campaign)


class StageForm(forms.Form):
    stage = forms.ChoiceField(choices=Stage.choices)


class AllyFilterForm(forms.Form):
    """The ally list's filters, search and sort, read from the query string."""

    default_renderer = FormRenderer()  # a select of fifty departments on a busy page (campaign/fragments.py)

    SORT_CHOICES = [
        ("name", "Name"),
        ("stage", "Stage, furthest first"),
        ("last_touch", "Last touch, longest ago first"),
        ("follow_up", "Follow-up, soonest first"),
    ]

    q = forms.CharField(label="Search by name", required=False, max_length=120)
    department = forms.ModelChoiceField(queryset=None, required=False, empty_label="All departments")
    level = forms.ChoiceField(choices=[("", "All levels"), *Level.choices], required=False)
    stage = forms.ChoiceField(choices=[("", "All stages"), *Stage.choices], required=False)
    source = forms.ChoiceField(label="How they came", choices=[("", "Any way"), *Ally.Source.choices], required=False)
    stale = forms.BooleanField(label="Stale only", required=False)
    awaiting = forms.BooleanField(label="Awaiting review only", required=False)
    sort = forms.ChoiceField(label="Sort by", choices=SORT_CHOICES, required=False)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = campaign.departments.all()
        self.fields["stale"].label = f"No touch in {campaign.stale_after_days} days"

    def filters(self):
        """Keyword arguments for `Ally.objects.for_list`; an invalid value (a forged id) is simply no filter."""
        self.is_valid()
        return {key: value for key, value in self.cleaned_data.items() if value}


class TouchpointForm(forms.ModelForm):
    """Log a contact with one or several allies; only the campaign's allies can be chosen."""

    allies = forms.ModelMultipleChoiceField(
        queryset=Ally.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="With",
        error_messages={"required": "Choose at least one ally this touchpoint was with."},
    )

    follow_up_on = forms.DateField(
        label="Next follow-up",
        required=False,
        # Explained under the row of fields (templates/allies/touchpoint_form.html), not beside the date.
        widget=forms.DateInput(attrs={"type": "date", "aria-describedby": "tp-follow-up-help"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = Touchpoint
        fields = ["allies", "kind", "happened_on", "note"]
        widgets = {"happened_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        labels = {"note": "Note (optional)"}

    def __init__(self, *args, campaign, shown_allies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["allies"].queryset = campaign.allies.order_by("name", "pk")
        # A form offered for some allies lists only those; any of the campaign's is still accepted.
        self.shown_allies = shown_allies or []
        self.fields["happened_on"].initial = timezone.localdate
        self.fields["follow_up_on"].initial = self._next_follow_up(campaign)
        self.fields["note"].widget = forms.TextInput(attrs={"placeholder": "What you talked about, in a line"})

    def _next_follow_up(self, campaign):
        """
        Before the ally would go quiet for the campaign's stale window; a single ally who already has a
        later follow-up planned keeps theirs.
        """
        today = timezone.localdate()
        default = today + timedelta(days=campaign.stale_after_days)
        if len(self.shown_allies) == 1:
            planned = self.shown_allies[0].follow_up_on
            if planned and planned > today:
                return planned
        return default

    @property
    def shown_query(self):
        """The query string that offers this form again for the same allies."""
        return "?" + urlencode([("ally", ally.pk) for ally in self.shown_allies]) if self.shown_allies else ""

    def clean_happened_on(self):
        day = self.cleaned_data["happened_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("A touchpoint is logged once it has happened: choose today or an earlier day.")
        return day

    def clean_follow_up_on(self):
        day = self.cleaned_data["follow_up_on"]
        if day and day < timezone.localdate():
            raise forms.ValidationError("The next follow-up is still to come: choose today or a later day.")
        return day


# A person needs a few seconds to read the page and type a name and an address; a script posts at once.
JOIN_MIN_SECONDS = 3
# The form's stamp stays good for a working day left open in a tab; after that it asks to be sent again.
JOIN_STAMP_MAX_AGE = 12 * 60 * 60
JOIN_STAMP_SALT = "allies.join-form"


def join_stamp():
    """A signed note of when the join form was shown, so a submission can say how long it took."""
    return signing.dumps({"shown": time.time()}, salt=JOIN_STAMP_SALT)


class JoinForm(forms.Form):
    """
    The public "join the movement" form. Two quiet bot traps besides the rate limit and CSRF:
    `website` is a honeypot (people never see it, bots fill it) and `started` is a signed stamp
    of when the form was shown (a post without one, or faster than a person types, is a script).
    """

    name = forms.CharField(label="Your name", max_length=120)
    email = forms.EmailField(label="Your work email", help_text="So a champion can get in touch.")
    department = forms.ModelChoiceField(queryset=None, label="Your department", empty_label="Choose your department")
    level = forms.ChoiceField(
        label="Where you sit",
        choices=[
            (Level.FRONTLINE, "Frontline — I serve customers or colleagues directly"),
            (Level.MIDDLE, "Middle — I lead a team"),
            (Level.TOP, "Top — I lead a department or the organisation"),
        ],
        initial=Level.FRONTLINE,
        widget=forms.RadioSelect,
    )
    motivation = forms.CharField(
        label="Why you care, in a line",
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "e.g. I'm tired of apologising for late invoices"}),
    )
    website = forms.CharField(label="Leave this field empty", required=False)
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = campaign.departments.all()
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        # Shown afresh each time, also when a refused form comes back, so the next try is timed anew.
        self.fresh_stamp = join_stamp()

    def clean(self):
        cleaned = super().clean()
        if self._stamp_age() is None and self._stamp_expired:
            raise forms.ValidationError(
                "This page was open for a long time, so we could not accept it as it was. Please send it again."
            )
        return cleaned

    def _stamp_age(self):
        """Seconds since the form was shown; None when the stamp is missing, forged or too old."""
        self._stamp_expired = False
        try:
            shown = signing.loads(self.data.get("started", ""), salt=JOIN_STAMP_SALT, max_age=JOIN_STAMP_MAX_AGE)
        except signing.SignatureExpired:
            self._stamp_expired = True
            return None
        except signing.BadSignature:
            return None
        try:
            return time.time() - float(shown["shown"])
        except (KeyError, TypeError, ValueError):
            return None

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Tell us your name.")
        return name

    @property
    def is_bot(self):
        """A filled honeypot, a missing or forged stamp, or a post faster than a person could type."""
        if self.data.get("website"):
            return True
        age = self._stamp_age()
        if age is None:
            # An honest stamp that grew old in an open tab is a person: `clean` asks them to send again.
            return not self._stamp_expired
        return age < JOIN_MIN_SECONDS


class CheckinAnswerForm(forms.Form):
    """One answer of the middle's check-in: a line of text, and for the praise question the person's name."""

    person = forms.CharField(
        label="Who", max_length=120, required=False, help_text="Their name, as the team knows them."
    )
    text = forms.CharField(
        label="In one line",
        max_length=300,
        error_messages={
            "required": "Write a line: a few words are enough.",
            "max_length": "Keep it to one line: %(limit_value)d characters at most (this has %(show_value)d).",
        },
    )

    def __init__(self, *args, question, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        labels = {
            "praise": ("What they did", "What they did, and for whom."),
            "suggestion": ("What leadership should hear", "One line: the idea, or the thing people keep raising."),
            "roadblock": ("What is in your way", "One line: what stops you, and what a leader could do about it."),
        }
        self.fields["text"].label, self.fields["text"].help_text = labels[question]
        if question == "praise":
            self.fields["person"].required = True
            self.fields["person"].error_messages["required"] = "Name the person who did great service."
        else:
            del self.fields["person"]

    def clean_person(self):
        person = " ".join(self.cleaned_data["person"].split())
        if not person:
            raise forms.ValidationError("Name the person who did great service.")
        return person

    def clean_text(self):
        text = " ".join(self.cleaned_data["text"].split())
        if not text:
            raise forms.ValidationError("Write a line: a few words are enough.")
        return text
