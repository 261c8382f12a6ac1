from django import forms
from django.core.validators import MinValueValidator

from campaign.models import Campaign
from campaign.privacy.retention import SETTINGS

CONFIRM_WORD = "erase"
RETENTION_TOO_SHORT = "Keep it for at least one day, or leave the box empty to keep it."


class PersonSearchForm(forms.Form):
    q = forms.CharField(label="Name or email", max_length=120, required=False)


class EraseConfirmForm(forms.Form):
    confirm = forms.CharField(label=f"Type “{CONFIRM_WORD}” to confirm", max_length=20)

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip()
        if value.casefold() != CONFIRM_WORD:
            raise forms.ValidationError(f"Type the word “{CONFIRM_WORD}” to confirm: nothing has been erased.")
        return value


class RetentionForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = list(SETTINGS)
        widgets = {name: forms.NumberInput(attrs={"min": 1, "max": 36500}) for name in SETTINGS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A positive field's own "at least 0" would speak first; the model's "at least one day" says what to do.
        for field in self.fields.values():
            field.validators = [v for v in field.validators if not isinstance(v, MinValueValidator)]
            field.validators.append(MinValueValidator(1, RETENTION_TOO_SHORT))
