import zoneinfo

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.text import slugify

from campaign.models import Campaign, Department, Goal, Membership, Role

User = get_user_model()

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


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
        ]
        widgets = {
            "service_focus": forms.Textarea(attrs={"rows": 3}),
            "why": forms.Textarea(attrs={"rows": 3}),
            "how": forms.Textarea(attrs={"rows": 3}),
            "what": forms.Textarea(attrs={"rows": 3}),
            "start_date": forms.DateInput(attrs={"type": "date"}),
        }

    # Coverage settings left blank fall back to the model's defaults rather than failing the whole form.
    DEFAULTED = ("people_per_ally", "stale_after_days")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.DEFAULTED:
            if name in self.fields:
                self.fields[name].required = False
                default = Campaign._meta.get_field(name).default
                self.fields[name].help_text += f" Leave blank for {default}."

    def _clean_defaulted(self, name):
        value = self.cleaned_data[name]
        return Campaign._meta.get_field(name).default if value is None else value

    def clean_people_per_ally(self):
        return self._clean_defaulted("people_per_ally")

    def clean_stale_after_days(self):
        return self._clean_defaulted("stale_after_days")

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the campaign a name.")
        return name

    def clean_slug(self):
        return slugify(self.cleaned_data["slug"])


class NewCampaignForm(CampaignForm):
    class Meta(CampaignForm.Meta):
        fields = ["name", "slug", "service_focus", "why", "start_date", "time_zone"]


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
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the department a name.")
        # The unique constraint involves `campaign`, which is not a form field,
        # so the form would not check it: do so here, case-insensitively like it.
        clash = Department.objects.filter(campaign=self.instance.campaign, name__iexact=name)
        if clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("This campaign already has a department with that name.")
        return name


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["title", "kind", "measure"]

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.campaign = campaign


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
