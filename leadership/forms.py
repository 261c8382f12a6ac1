from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from campaign.forms import TIME_ZONE_CHOICES
from campaign.models import ServiceProblem
from leadership import selectors
from leadership.models import (
    BenchmarkVisit,
    BriefingPack,
    Clipping,
    Engagement,
    Event,
    EvidenceKind,
    Leader,
    LeadsWith,
    Objection,
    RecognitionMoment,
    SummarySchedule,
    Wiifm,
)
from leadership.photos import photo_process

User = get_user_model()


class CampaignModelForm(forms.ModelForm):
    """A model form for a row of `campaign`: the instance belongs to it before validation runs."""

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.instance.campaign = campaign


class LeaderForm(CampaignModelForm):
    wiifm = forms.MultipleChoiceField(
        label="What they value (their WIIFM)",
        choices=Wiifm.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="What's in it for them: speak to it in every briefing.",
    )

    class Meta:
        model = Leader
        fields = [
            "name",
            "email",
            "title",
            "department",
            "level",
            "stance",
            "wiifm",
            "wiifm_note",
            "objections",
            "leads_with",
            "owner",
            "time_zone",
        ]
        widgets = {"objections": forms.CheckboxSelectMultiple, "leads_with": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = self.campaign.departments.all()
        self.fields["objections"].queryset = self.campaign.objections.all()
        self.fields["owner"].queryset = User.objects.filter(memberships__campaign=self.campaign).order_by("username")
        self.fields["owner"].label_from_instance = lambda user: user.get_full_name() or user.username
        self.fields["owner"].label = "Relationship owner"
        # A select of the IANA zones, so a typo cannot reach the scheduler; a new leader starts in the campaign's.
        self.fields["time_zone"] = forms.ChoiceField(
            label="Time zone",
            choices=[("", "The campaign's time zone"), *TIME_ZONE_CHOICES],
            required=False,
            initial=self.campaign.time_zone,
            help_text=Leader._meta.get_field("time_zone").help_text.split(" Blank")[0],
        )
        if not self.instance.time_zone:
            self.initial["time_zone"] = self.campaign.time_zone
        # Left out (an older form, an import), it stays what it was: what is going well first for a new leader.
        self.fields["leads_with"].required = False

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the leader's name.")
        return name

    def clean_leads_with(self):
        return self.cleaned_data["leads_with"] or self.instance.leads_with or LeadsWith.WELL

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        clash = Leader.objects.filter(campaign=self.campaign, email__iexact=email).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("Another leader in this campaign already has this email address.")
        return email


class EngagementForm(CampaignModelForm):
    class Meta:
        model = Engagement
        fields = ["kind", "recognition", "happened_on", "outcome", "note"]
        widgets = {"happened_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("recognition") and cleaned.get("kind") != "recognition":
            self.add_error("recognition", "Only a recognition moment has a way of taking part.")
        return cleaned


class LeadsWithForm(forms.ModelForm):
    """How a leader likes to be told, chosen on their page."""

    class Meta:
        model = Leader
        fields = ["leads_with"]
        widgets = {"leads_with": forms.RadioSelect}
        error_messages = {
            "leads_with": {
                "required": "Choose how they like to be told.",
                "invalid_choice": "Choose one of the two: lead with what is going well, or with what is going wrong.",
            }
        }


class ObjectionForm(CampaignModelForm):
    class Meta:
        model = Objection
        fields = ["objection", "response", "evidence", "evidence_kind"]
        widgets = {"response": forms.Textarea(attrs={"rows": 4}), "evidence": forms.Textarea(attrs={"rows": 2})}
        error_messages = {
            "evidence_kind": {"invalid_choice": "Choose one of the listed kinds of numbers, or none."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence_kind"].required = False  # left out: the written evidence only

    def clean_evidence_kind(self):
        return self.cleaned_data["evidence_kind"] or self.instance.evidence_kind or EvidenceKind.NONE

    def clean_objection(self):
        text = " ".join(self.cleaned_data["objection"].split())
        clash = Objection.objects.filter(campaign=self.campaign, objection__iexact=text).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("The handbook already answers this objection.")
        return text


class BenefitsField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(choices=ServiceProblem.Benefit.choices, required=False, **kwargs)


class ClippingForm(CampaignModelForm):
    benefits = BenefitsField(
        label="What it speaks to", help_text="Leaders who value these see the clipping suggested first."
    )

    class Meta:
        model = Clipping
        fields = ["title", "source", "kind", "summary", "note", "benefits"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3}), "note": forms.Textarea(attrs={"rows": 2})}


class VisitForm(CampaignModelForm):
    actions_text = forms.CharField(
        label="What we will apply",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line. Each can become a backlog problem on the wins board.",
    )

    class Meta:
        model = BenchmarkVisit
        fields = ["organisation", "visited_on", "who_went", "saw", "learned"]
        widgets = {
            "visited_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "saw": forms.Textarea(attrs={"rows": 4}),
            "learned": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["actions_text"].initial = "\n".join(a.text for a in self.instance.actions.all())

    def clean_actions_text(self):
        lines = [line.strip() for line in self.cleaned_data["actions_text"].splitlines() if line.strip()]
        too_long = [line for line in lines if len(line) > 160]
        if too_long:
            raise forms.ValidationError("Keep each item to 160 characters: it becomes a problem's title.")
        return "\n".join(lines)


class EventForm(CampaignModelForm):
    class Meta:
        model = Event
        fields = ["kind", "title", "happens_on", "starts_at", "duration_minutes", "where", "details"]
        labels = {"kind": "What kind of invitation"}
        widgets = {
            "happens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "details": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].help_text = f"In the campaign's time zone ({self.campaign.time_zone})."

    def clean_title(self):
        # A title goes into subject lines and calendar summaries: one line, whatever was pasted.
        return " ".join(self.cleaned_data["title"].split())


class PackCreateForm(CampaignModelForm):
    class Meta:
        model = BriefingPack
        fields = ["title"]


class PackComposeForm(CampaignModelForm):
    """
    The composer: every choice is limited to this campaign's rows, so another campaign's leader is refused.

    The pack's parts (leaders, stories, clippings, reports, invitations, roadblocks) are form fields of their
    own rather than the model form's: their saved ids are read in one query (`selectors.pack_choices`), not
    one per part, and kept for the view as `self.choices`.
    """

    class Meta:
        model = BriefingPack
        fields = ["title", "note", "talking_points"]
        # The content choices are rendered by hand in the composer, with suggestions and "already sent" flags.
        widgets = {"note": forms.Textarea(attrs={"rows": 4}), "talking_points": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        campaign = self.campaign
        events = Event.objects.filter(campaign=campaign)
        if self.instance.pk:
            # Upcoming ones, plus any already chosen that have since passed, so saving does not drop them.
            events = events.upcoming() | events.filter(briefing_packs=self.instance)
        else:
            events = events.upcoming()
        querysets = {
            "recipients": Leader.objects.filter(campaign=campaign),
            "stories": ServiceProblem.objects.filter(campaign=campaign, status=ServiceProblem.Status.WON),
            "clippings": Clipping.objects.filter(campaign=campaign),
            "visits": BenchmarkVisit.objects.filter(campaign=campaign),
            "events": events.distinct(),
            "roadblocks": ServiceProblem.objects.open_roadblocks(campaign),
            "answers": Objection.objects.filter(campaign=campaign),
        }
        self.choices = selectors.pack_choices(self.instance)
        for name in selectors.PACK_PARTS:
            self.fields[name] = BriefingPack._meta.get_field(name).formfield(queryset=querysets[name])
            self.initial.setdefault(name, sorted(self.choices[name]))

    def _save_m2m(self):
        super()._save_m2m()
        for name in selectors.PACK_PARTS:
            getattr(self.instance, name).set(self.cleaned_data[name])


class SummaryScheduleForm(forms.ModelForm):
    class Meta:
        model = SummarySchedule
        fields = ["enabled", "cadence", "weekday", "day_of_month", "hour", "all_leaders", "recipients", "skip_empty"]
        widgets = {
            "recipients": forms.CheckboxSelectMultiple,
            "day_of_month": forms.NumberInput(attrs={"min": 1, "max": 28}),
            "hour": forms.NumberInput(attrs={"min": 0, "max": 23}),
        }

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.campaign = campaign
        self.was_enabled = bool(self.instance.pk and self.instance.enabled)
        self.fields["recipients"].queryset = Leader.objects.filter(campaign=campaign)
        if not self.fields["recipients"].queryset.exists():
            self.fields["recipients"].help_text = "No leaders yet: add them first, or send to every leader."

    def clean(self):
        data = super().clean()
        if data.get("enabled") and not data.get("all_leaders") and not data.get("recipients"):
            self.add_error("recipients", "Choose at least one leader, or send to every leader.")
        return data

    def save(self, commit=True):
        schedule = super().save(commit=False)
        if schedule.enabled and not self.was_enabled:
            # Turning summaries on starts from now: no summary of a period already past goes out.
            schedule.active_since = timezone.now()
        schedule.save()
        self.save_m2m()
        return schedule


class MomentForm(CampaignModelForm):
    """Plan (or change) a recognition moment. Render and validate it under the campaign's time zone."""

    class Meta:
        model = RecognitionMoment
        fields = ["leader", "starts_at", "duration_minutes", "place", "speech", "copy_to"]
        labels = {"leader": "Which leader"}
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "speech": forms.Textarea(attrs={"rows": 9}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = Leader.objects.filter(campaign=self.campaign).order_by("name")
        self.fields["starts_at"].help_text = f"In the campaign's time zone ({self.campaign.time_zone})."
        self.fields["speech"].help_text = "Drafted from the story: edit it freely before it goes."

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        if starts_at and starts_at < timezone.now() and "starts_at" in self.changed_data:
            raise forms.ValidationError("Choose a time that is still to come.")
        return starts_at

    def clean_place(self):
        return " ".join(self.cleaned_data["place"].split())

    def clean_copy_to(self):
        return self.cleaned_data["copy_to"].strip().lower()


class MomentHeldForm(forms.ModelForm):
    """Record that a moment happened: when, a photo (re-encoded on clean) and a quote."""

    photo_upload = forms.FileField(
        label="Photo",
        required=False,
        help_text="JPEG, PNG, HEIC or WebP. Location and camera details are removed before it is kept.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/heic,image/heif,image/webp"}),
    )

    class Meta:
        model = RecognitionMoment
        fields = ["held_on", "photo_consent", "quote"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "quote": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].required = True
        if not self.instance.held_on:
            self.initial.setdefault("held_on", min(timezone.localdate(), self.instance.starts_at.date()))
        self.processed = None

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError("A moment is recorded once it has happened: choose today or a day before.")
        return held_on

    def clean_photo_upload(self):
        upload = self.cleaned_data.get("photo_upload")
        if upload:
            self.processed = photo_process(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        has_photo = self.processed is not None or bool(self.instance.photo)
        if has_photo and not cleaned.get("photo_consent"):
            self.add_error("photo_consent", "Tick this once the people in the photo have agreed to it being shared.")
        return cleaned


class PackSendForm(forms.Form):
    """When a pack goes: now, or on a date at a time, read in each leader's own time zone."""

    when = forms.ChoiceField(
        label="When",
        choices=[("now", "Now"), ("later", "Later: on a date, at a time in each leader's own time zone")],
        initial="now",
        required=False,
        widget=forms.RadioSelect,
    )
    send_on = forms.DateField(
        label="Date", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    send_time = forms.TimeField(
        label="Time (each leader's local time)",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="Leaders in Tokyo and in New York both get it at this hour of their own morning.",
    )

    def clean(self):
        data = super().clean()
        if data.get("when") == "later":
            if not data.get("send_on"):
                self.add_error("send_on", "Choose the date it goes.")
            if not data.get("send_time"):
                self.add_error("send_time", "Choose the time it goes.")
        else:
            data["send_on"] = data["send_time"] = None
        return data


class PackSendBackForm(forms.Form):
    note = forms.CharField(
        label="What should change before it goes",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The author sees this on the pack.",
        error_messages={"required": "Say what should change: the author sees your note on the pack."},
    )

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError("Say what should change: the author sees your note on the pack.")
        return note
