from django import forms

from campaign.models import Campaign
from campaign.privacy.retention import SETTINGS

CONFIRM_WORD = "erase"


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
