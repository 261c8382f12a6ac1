import zoneinfo

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.utils.html import escape
from django.utils.text import slugify

from campaign.bullseye import check_measure
from campaign.event_kinds import MODES, NOTIFY_KINDS, POST_KINDS
from campaign.models import Campaign, Channel, Department, Goal, Membership, Nomination, Role, ServiceProblem
from campaign.pickers import PickerFormMixin, PickerMultipleChoiceField

User = get_user_model()

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


def _fold(text):
    """A choice as people write it: capitals, underscores, hyphens and extra spaces aside."""
    return " ".join(str(text).replace("_", " ").replace("-", " ").split()).casefold()


def choice_words(choices, last="or"):
    """A TextChoices' labels as a sentence's list: "email, phone or other"."""
    labels = [str(label).lower() for _, label in choices.choices]
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} {last} {labels[-1]}"


class LabelledChoiceField(forms.ChoiceField):
    """
    A choice given by its stored value or by the label the pages show ("in_person" or "In person"),
    for files and programs that type what they read on screen. An unknown one is refused with the list.
    """

    def __init__(self, *, what, **kwargs):
        super().__init__(**kwargs)
        self.what = what

    def _keys(self):
        """
        Each choice's folded value and label -> its value, built once for the choices the field has
        (a batch of 1,000 items re-cleans one form: folding every choice per item was a tenth of its time).
        """
        choices = self.choices
        if getattr(self, "_keys_of", None) is not choices:
            keys = {}
            for key, label in choices:
                if key != "":
                    keys.setdefault(_fold(key), key)
                    keys.setdefault(_fold(label), key)
            self._keys_of, self._keys_map = choices, keys
        return self._keys_map

    def to_python(self, value):
        text = super().to_python(value).strip()
        if not text:
            return ""
        keys = self._keys()
        folded = _fold(text)
        if folded not in keys:
            allowed = ", ".join(str(label).lower() for key, label in self.choices if key != "")
            raise forms.ValidationError(f"“{text}” is not a {self.what}; use one of: {allowed}.", code="invalid_choice")
        return keys[folded]


def clean_name_unique_in_campaign(form, noun):
    """
    The cleaned `name` of a ModelForm whose instance belongs to a campaign: spaces collapsed, not
    empty, and no other row of the model in that campaign with the same name, case-insensitively.

    The unique constraint involves `campaign`, which is not a form field, so the form would not check
    it: this does, case-insensitively like the constraint. `noun` names the thing in the messages.
    """
    name = " ".join(form.cleaned_data["name"].split())
    if not name:
        raise forms.ValidationError(f"Give the {noun} a name.")
    clash = type(form.instance).objects.filter(campaign=form.instance.campaign, name__iexact=name)
    if clash.exclude(pk=form.instance.pk).exists():
        raise forms.ValidationError(f"This campaign already has a {noun} with that name.")
    return name


class CampaignForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES, initial="UTC")

    class Meta:
        model = Campaign
        fields = [
            "name",
            "slug",
            "service_focus",
            "why",
            "how",
            "what",
            "status",
            "start_date",
            "time_zone",
            "people_per_ally",
            "stale_after_days",
            "recognition_gap_weeks",
            "sso_domains",
            "sso_default_role",
            "require_mfa",
            "packs_need_approval",
            "checkin_cadence",
        ]
        widgets = {
            "service_focus": forms.Textarea(attrs={"rows": 3}),
            "why": forms.Textarea(attrs={"rows": 3}),
            "how": forms.Textarea(attrs={"rows": 3}),
            "what": forms.Textarea(attrs={"rows": 3}),
            "start_date": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        }

    # Coverage settings left blank fall back to the model's defaults rather than failing the whole form.
    DEFAULTED = ("people_per_ally", "stale_after_days", "recognition_gap_weeks")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.DEFAULTED:
            if name in self.fields:
                self.fields[name].required = False
                default = Campaign._meta.get_field(name).default
                self.fields[name].help_text += f" Leave blank for {default}."
        if "sso_default_role" in self.fields:
            self.fields["sso_default_role"].required = False
        if "checkin_cadence" in self.fields:
            # A form posted without it (an older page, a script) keeps the campaign's cadence.
            self.fields["checkin_cadence"].required = False

    def _clean_defaulted(self, name):
        value = self.cleaned_data[name]
        return Campaign._meta.get_field(name).default if value is None else value

    def clean_people_per_ally(self):
        return self._clean_defaulted("people_per_ally")

    def clean_stale_after_days(self):
        return self._clean_defaulted("stale_after_days")

    def clean_recognition_gap_weeks(self):
        return self._clean_defaulted("recognition_gap_weeks")

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the campaign a name.")
        return name

    def clean_slug(self):
        return slugify(self.cleaned_data["slug"])

    def clean_checkin_cadence(self):
        return self.cleaned_data["checkin_cadence"] or self.instance.checkin_cadence

    def clean_sso_default_role(self):
        return self.cleaned_data["sso_default_role"] or Campaign._meta.get_field("sso_default_role").default

    def clean_sso_domains(self):
        return ", ".join(dict.fromkeys(Campaign(sso_domains=self.cleaned_data["sso_domains"]).allowed_domains))


class NewCampaignForm(CampaignForm):
    class Meta(CampaignForm.Meta):
        fields = ["name", "slug", "service_focus", "why", "start_date", "time_zone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        slug = self.fields["slug"]
        slug.required = False
        slug.help_text += " Leave blank to make one from the name."
        # static/js/app.js fills it in from the name as it is typed, until someone edits it by hand.
        slug.widget.attrs["data-slug-from"] = "id_name"

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("slug") and cleaned.get("name"):
            cleaned["slug"] = free_slug(cleaned["name"], max_length=Campaign._meta.get_field("slug").max_length)
        elif not cleaned.get("slug") and "slug" not in self.errors:
            self.add_error("slug", "Give the campaign a web address, or a name to make one from.")
        return cleaned


def free_slug(name, *, max_length):
    """A web address made from `name` that no campaign uses yet: "harbour-line", then "harbour-line-2", …"""
    base = slugify(name)[:max_length].strip("-") or "campaign"
    taken = set(Campaign.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        suffix = f"-{n}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
    return candidate


class GoldenCircleForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["why", "how", "what"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}
        labels = {
            "why": "Why — the purpose and belief behind the campaign",
            "how": "How — the way you will go about it",
            "what": "What — what people will see change",
        }
        # The labels already say it; the model's help text would repeat them.
        help_texts = {"why": "", "how": "", "what": ""}


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "kind", "headcount"]
        widgets = {"headcount": forms.NumberInput(attrs={"min": 0})}

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.campaign = campaign

    def clean_name(self):
        return clean_name_unique_in_campaign(self, "department")


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = [
            "title",
            "kind",
            "measure",
            "unit",
            "direction",
            "baseline_value",
            "baseline_on",
            "target_value",
            "target_on",
            "cadence",
        ]
        help_texts = {
            "measure": (
                "An outcome for customers, e.g. 'repeat orders per quarter'. Classes held, course scores, "
                "emails sent or page views measure the campaign itself, not its bull's-eye."
            ),
            "baseline_value": "Where the measure stood at the start; leave the four figures blank to add them later.",
            "target_value": "Where it should be by the target date.",
        }
        widgets = {
            "baseline_on": forms.DateInput(attrs={"type": "date"}),
            "target_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.campaign = campaign
        self.campaign = campaign
        # A goal added with only a title (as before goals were measured) takes the defaults.
        self.fields["direction"].required = self.fields["cadence"].required = False

    def clean(self):
        data = super().clean()
        data["direction"] = data.get("direction") or self.instance.direction or Goal.Direction.UP
        data["cadence"] = data.get("cadence") or self.instance.cadence or Goal.Cadence.MONTHLY
        names = ("baseline_value", "baseline_on", "target_value", "target_on")
        given = {name: data.get(name) for name in names}
        if any(value is not None for value in given.values()) and not self.errors:
            for name, value in given.items():
                if value is None:
                    label = self.fields[name].label.lower()
                    self.add_error(
                        name, f"Give the {label} too: a line needs a baseline and a target, each with its date."
                    )
        if self.errors:
            return data
        baseline, target = given["baseline_value"], given["target_value"]
        if baseline is not None and target == baseline:
            self.add_error("target_value", "The target equals the baseline: set where the measure should get to.")
        if given["baseline_on"] and given["target_on"] and given["target_on"] <= given["baseline_on"]:
            self.add_error("target_on", "The target date must come after the baseline date.")
        if given["baseline_on"] and given["baseline_on"] > self.campaign.today():
            self.add_error("baseline_on", "The baseline is where the measure stands now or stood: not a future date.")
        if baseline is not None and target is not None and target != baseline:
            up = data.get("direction") == Goal.Direction.UP
            if (target < baseline) == up:
                better = "up" if up else "down"
                self.add_error(
                    "direction", f"The target is {'below' if up else 'above'} the baseline, yet {better} is better."
                )
        return data

    @property
    def bullseye_hint(self):
        """The bull's-eye hint for the measure as submitted: shown beside the form, never blocking it."""
        if not self.is_bound:
            return None
        return check_measure(self.data.get(self.add_prefix("measure"), ""))


class GoalReadingForm(forms.Form):
    """One reading entered on the goal's page: a date gone by and a number."""

    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), help_text="The day the figure is for.")
    value = forms.DecimalField(max_digits=14, decimal_places=4)
    note = forms.CharField(max_length=200, required=False, help_text="Where it came from, optional.")

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > self.campaign.today():
            raise forms.ValidationError(f"{day:%-d %B %Y} is in the future: a reading is of a day gone by.")
        return day


class MemberInviteForm(forms.Form):
    email = forms.EmailField(
        help_text="They get an email with a link to join (or a note, if they already have an account)."
    )
    role = forms.ChoiceField(choices=Role.choices, initial=Role.CHAMPION)


class MembershipRoleForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role"]


class InvitationAcceptForm(forms.Form):
    username = forms.CharField(max_length=150, help_text="What you will log in with.")
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    password1 = forms.CharField(
        label="Password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters. A phrase of a few words is easy to remember and hard to guess.",
    )
    password2 = forms.CharField(
        label="Password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        User.username_validator(username)
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("That username is taken. Choose another.")
        return username

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords differ.")
        elif first:
            candidate = User(
                username=cleaned.get("username", ""),
                email=self.invitation.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


def _ally_picker(form, name, campaign):
    """The campaign's allies in a search picker, searched by the allies app; no allies yet says why."""
    field = form.fields[name]
    field.detail_field = "department__name"
    field.queryset = campaign.allies.all()
    form.set_search_url(name, "allies:ally-pick", campaign)
    if not field.queryset.exists():
        field.help_text = "No allies in this campaign yet. Record them first; you can add them here later."


class ProblemForm(PickerFormMixin, forms.ModelForm):
    """A service problem; every choice is limited to the campaign, so a forged id is a form error."""

    class Meta:
        model = ServiceProblem
        fields = ["title", "description", "department", "difficulty", "impact", "goal", "owner", "people"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {"owner": "Owner (a member of the campaign)"}
        help_texts = {"people": "Allies of this campaign: find them by name and tick everyone who worked on it."}
        field_classes = {"people": PickerMultipleChoiceField}

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.campaign = campaign
        self.fields["department"].queryset = campaign.departments.all()
        self.fields["goal"].queryset = campaign.goals.all()
        self.fields["goal"].empty_label = "Not aimed at a goal yet"
        self.fields["owner"].queryset = User.objects.filter(memberships__campaign=campaign).order_by("username")
        self.fields["owner"].label_from_instance = lambda user: user.get_full_name() or user.get_username()
        _ally_picker(self, "people", campaign)

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError("Say what the problem is in a few words.")
        return title


class StoryForm(PickerFormMixin, forms.ModelForm):
    """The service story: who worked on it, what they did, how service improved. Saving it wins the problem."""

    benefits = forms.MultipleChoiceField(
        choices=ServiceProblem.Benefit.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="What it saved or earned",
    )

    class Meta:
        model = ServiceProblem
        fields = ["story_what", "story_before", "story_after", "story_figure", "benefits", "people"]
        widgets = {"story_what": forms.Textarea(attrs={"rows": 4})}
        labels = {
            "story_what": "What they did",
            "story_before": "Before: how service was",
            "story_after": "After: how service is now",
        }
        help_texts = {"people": "Allies of this campaign: find them by name and tick everyone who worked on it."}
        field_classes = {"people": PickerMultipleChoiceField}

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        _ally_picker(self, "people", campaign)
        for name in ("story_what", "story_before", "story_after"):
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = "A story needs this: leaders read it as it is written."

    def clean(self):
        cleaned = super().clean()
        for name in ("story_what", "story_before", "story_after"):
            if name in cleaned and not cleaned[name].strip():
                self.add_error(name, "A story needs this: leaders read it as it is written.")
        return cleaned


class ComplaintStoryForm(StoryForm):
    """
    The service story of a resolved complaint. No card exists yet, so it also asks for the headline,
    department and goal; saving it is what puts the won problem on the board (nothing before).
    """

    class Meta(StoryForm.Meta):
        fields = ["title", "department", "goal", *StoryForm.Meta.fields]
        labels = {**StoryForm.Meta.labels, "title": "Headline"}
        help_texts = {
            **StoryForm.Meta.help_texts,
            "title": "The improvement in a few words, as leaders will read it on the board and in packs.",
            "goal": "The bull's-eye goal this win serves, so it counts where it matters.",
        }

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, campaign=campaign, **kwargs)
        self.instance.campaign = campaign
        self.fields["department"].queryset = campaign.departments.all()
        self.fields["department"].empty_label = "No department in particular"
        self.fields["goal"].queryset = campaign.goals.all()
        self.fields["goal"].empty_label = "Not aimed at a goal yet"

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError("Give the story a headline: what got better, in a few words.")
        return title


class CelebrationForm(forms.ModelForm):
    class Meta:
        model = ServiceProblem
        fields = ["celebration", "celebrated_on", "celebrated_by"]
        widgets = {"celebrated_on": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})}
        labels = {"celebrated_on": "When", "celebrated_by": "Leader who took part"}

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["celebration"].required = True
        self.fields["celebrated_on"].required = True
        self.fields["celebrated_by"].queryset = campaign.leaders.order_by("name")
        self.fields["celebrated_by"].empty_label = "No leader (yet)"


class RoadblockForm(forms.ModelForm):
    """Mark a problem as a roadblock that needs a leader's decision: the ask, and the leader it is for."""

    class Meta:
        model = ServiceProblem
        fields = ["roadblock_ask", "roadblock_leader"]
        labels = {"roadblock_ask": "The ask, in one sentence"}
        help_texts = {"roadblock_ask": "What decision do you need, e.g. 'Approve a second delivery slot on Fridays'."}

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roadblock_ask"].required = True
        self.fields["roadblock_leader"].queryset = campaign.leaders.order_by("name")
        self.fields["roadblock_leader"].empty_label = "No leader chosen yet"

    def clean_roadblock_ask(self):
        ask = " ".join(self.cleaned_data["roadblock_ask"].split())
        if not ask:
            raise forms.ValidationError("Write the decision you need from a leader.")
        return ask


class MoveForm(forms.Form):
    """Where a card goes; which moves a problem allows is checked against the problem itself."""

    to = forms.ChoiceField(choices=ServiceProblem.Status.choices)

    def __init__(self, *args, problem, **kwargs):
        super().__init__(*args, **kwargs)
        self.problem = problem

    def clean_to(self):
        to = self.cleaned_data["to"]
        if not self.problem.can_move_to(to):
            raise forms.ValidationError(f"A problem in {self.problem.get_status_display().lower()} cannot move there.")
        return to


class CampaignDeleteForm(forms.Form):
    """Deleting a campaign asks for its name, typed: a confirmation no stray click can give."""

    confirm_name = forms.CharField(
        label="Type the campaign's name to confirm",
        max_length=120,
        help_text="Exactly as it is written, capitals included.",
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign

    def clean_confirm_name(self):
        typed = self.cleaned_data["confirm_name"].strip()
        if typed != self.campaign.name:
            raise forms.ValidationError(f"That is not the campaign's name. Type “{self.campaign.name}” to delete it.")
        return typed


class CsvUploadForm(forms.Form):
    """
    A CSV file to import, checked first and then confirmed: on the preview the checked text comes back in
    `content`, so confirming imports exactly what was checked. Subclasses set MAX_BYTES and the file's help.
    """

    file = forms.FileField(label="CSV file", required=False)
    content = forms.CharField(required=False, widget=forms.HiddenInput)

    MAX_BYTES = 1024 * 1024

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > self.MAX_BYTES:
                megabytes = self.MAX_BYTES // (1024 * 1024)
                raise forms.ValidationError(f"The file is larger than {megabytes} MB; split it in parts.")
            try:
                data["content"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(
                    "The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."
                ) from None
        if not data.get("content"):
            raise forms.ValidationError("Choose a CSV file to import.")
        return data


class ReadingsImportForm(CsvUploadForm):
    """A CSV of readings for one goal."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = "Columns date, value and (optionally) note, named on the first line."


# --- Chat channels and notifications -------------------------------------------------------------


class ChannelForm(forms.ModelForm):
    """
    A chat channel or webhook. The address is a secret: the form never shows it back; left empty when
    editing, the stored one stays.
    """

    url = forms.URLField(
        label="Webhook address",
        required=False,
        max_length=1000,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=(
            "The incoming webhook's address from Teams, Slack or your system. "
            "Empty: set it up later; nothing is posted until then."
        ),
    )
    events = forms.MultipleChoiceField(
        label="Post when",
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    new_secret = forms.BooleanField(
        label="Make a new signing secret", required=False, help_text="The old one stops working at once."
    )

    class Meta:
        model = Channel
        fields = ["name", "kind", "url", "events", "is_active"]
        help_texts = {"is_active": "Untick to pause posting without losing the settings."}

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.campaign = campaign
        self.fields["events"].choices = [(key, kind.label) for key, kind in POST_KINDS.items()]
        if self.instance.pk is None:
            self.initial.setdefault("events", list(POST_KINDS))
            del self.fields["new_secret"]
        else:
            self.initial["events"] = self.instance.events
            if self.instance.secret_url:
                # Django's form templates show help text as markup: the stored address is anyone's text, so escape it.
                now = escape(self.instance.masked_url)
                self.fields["url"].help_text = f"Now {now}. Leave empty to keep it; type a new address to replace it."

            if self.instance.kind != Channel.Kind.WEBHOOK:
                del self.fields["new_secret"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        taken = Channel.objects.filter(campaign=self.instance.campaign, name__iexact=name).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("The campaign already has a channel with this name.")
        return name

    def clean_url(self):
        url = self.cleaned_data["url"].strip()
        if url and not url.startswith("https://") and not settings.CHANNEL_ALLOW_LOCAL_URLS:
            raise forms.ValidationError("A webhook address starts with https://.")
        return url

    def save(self, commit=True):
        channel = super().save(commit=False)
        channel.events = [key for key in POST_KINDS if key in self.cleaned_data["events"]]
        if self.cleaned_data["url"]:
            channel.secret_url = self.cleaned_data["url"]
        if self.cleaned_data.get("new_secret") or channel.kind != Channel.Kind.WEBHOOK:
            channel.signing_secret = ""  # a webhook gets a fresh one on save; the others need none
        if commit:
            channel.save()
        return channel


class NotificationSettingsForm(forms.Form):
    """One choice per kind of event the member's role may hear of: at once, a digest, or not at all."""

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        for key, mode in choices.items():
            self.fields[key] = forms.ChoiceField(
                label=NOTIFY_KINDS[key].notify, choices=list(MODES.items()), initial=mode
            )


class NominationActionForm(forms.Form):
    """A champion's step with a recognition candidate: plan it (with a date, if known), mark it done, set it aside."""

    ACTIONS = {
        "plan": Nomination.Status.PLANNED,
        "celebrate": Nomination.Status.CELEBRATED,
        "set_aside": Nomination.Status.SET_ASIDE,
    }
    action = forms.ChoiceField(choices=[(key, key) for key in ACTIONS])
    planned_on = forms.DateField(label="When", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, nomination, **kwargs):
        super().__init__(*args, **kwargs)
        self.nomination = nomination

    def clean(self):
        cleaned = super().clean()
        if self.nomination.status not in (Nomination.Status.CANDIDATE, Nomination.Status.PLANNED):
            raise forms.ValidationError(
                f"{self.nomination.person} is {self.nomination.get_status_display().lower()} already."
            )
        return cleaned
