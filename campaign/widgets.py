"""Widgets of our own; they render through Django's widget templates like any other."""

from django import forms

# The app speaks en-GB. A browser's own date picker (type="date") orders the date by the browser's
# locale, month first in an en-US browser, so dates are typed and shown day/month/year; the form
# fields take the en-GB input formats (and ISO dates, which Django always accepts).
DAY_MONTH_YEAR_ATTRS = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
DAY_MONTH_YEAR_HELP = "Day/month/year."


class DayMonthYearInput(forms.DateInput):
    """A date typed and shown as 25/10/2026."""

    def __init__(self, attrs=None):
        super().__init__(attrs={**DAY_MONTH_YEAR_ATTRS, **(attrs or {})}, format="%d/%m/%Y")
