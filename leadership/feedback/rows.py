"""
What the feedback log's rows need to be drawn by `templates/leadership/_feedback_rows.jinja`, a hot
fragment (campaign/fragments.py says why): a page shows 25 rows or more, each with a dozen fields
and, for a champion, the status and action controls of a complaint.

A row draws its controls from its own values; no form is built per row. Only the row being posted
has a form (FeedbackUpdateForm, built by the view), and when it is invalid the row is drawn again with
what was submitted and the form's errors next to the fields.
"""

from dataclasses import dataclass
from typing import ClassVar

from campaign.links import url_maker
from leadership.models import Feedback
from leadership.models.feedback import Channel, Kind, Severity, Status

_status = Feedback._meta.get_field("status")
_action = Feedback._meta.get_field("action")


@dataclass(frozen=True)
class Posted:
    """The submitted values and the errors of the one row whose update was refused."""

    pk: int
    status: str
    action: str
    errors: dict
    traced_to: str | None = None  # the name typed; None when the post did not carry the field

    @classmethod
    def from_form(cls, form):
        errors = {name: list(messages) for name, messages in form.errors.items()}
        data = form.data
        return cls(form.instance.pk, data.get("status", ""), data.get("action", ""), errors, data.get("traced_to"))


@dataclass
class FeedbackRows:
    """The fragment's context: the rows (each with its addresses), whether the reader may write, the posted row."""

    campaign: object
    items: list
    can_write: bool
    posted: Posted | None = None

    # Each choice's label, read from a dict: get_<field>_display() builds the field's choices dict on
    # every call, which was half the fragment's time at four calls a row.
    labels: ClassVar[dict] = {
        choices.__name__.lower(): dict(choices.choices) for choices in (Kind, Severity, Status, Channel)
    }
    # The controls' choices, labels, help and limit, as the model states them (the update form's fields).
    statuses: ClassVar[list] = Status.choices
    status_label: ClassVar[str] = _status.verbose_name.capitalize()
    action_label: ClassVar[str] = _action.verbose_name.capitalize()
    action_help: ClassVar[str] = _action.help_text
    action_max_length: ClassVar[int] = _action.max_length
    # The departments a row's "traced to" offers: one list on the page, not a select per row.
    traced_choices: ClassVar[str] = "traced-to-choices"

    def __post_init__(self):
        self.items = row_urls(self.campaign, list(self.items))

    def values_for(self, item):
        """The status and action a row's controls show (what was submitted, on the refused row), and their errors."""
        posted = self.posted
        if posted is not None and posted.pk == item.pk:
            return posted.status, posted.action, posted.errors
        return item.status, item.action, {}

    def traced_for(self, item):
        """The department name a row's "traced to" shows: what was typed, on the refused row."""
        posted = self.posted
        if posted is not None and posted.pk == item.pk and posted.traced_to is not None:
            return posted.traced_to
        return item.traced_to.name if item.traced_to_id else ""


def row_urls(campaign, items):
    """Each row's update, edit, story and feature addresses, reversed once per page rather than once a row."""
    for name in ("update", "edit", "story", "feature"):
        url = url_maker(f"leadership:feedback-{name}", campaign)
        for item in items:
            setattr(item, f"{name}_url", url(item.pk))
    return items
