"""
Allies in and out by CSV.

Export builds a tablib Dataset, every cell guarded against spreadsheet formula injection.

Import reads the file with the standard library's csv reader rather than tablib's: tablib drops
blank lines and refuses an over-long row without saying which, and every problem here must be
reported against the line the user sees in their editor (`reader.line_num` gives exactly that,
multi-line quoted cells included). Each row goes through a Django form, then across-row rules
(an email twice in the file, or already in the campaign) are checked; nothing is written unless
every row passes, and then all rows are written in one transaction.

Existing allies are never updated by an import: an email already in the campaign is a problem on
its line. Edit existing allies in the app, where their history is kept.

Every imported ally has an owner (the member who keeps in touch, `recruited_by`), so each shows in
someone's follow-ups: the member named in the "recruited by" (or "owner") column, else whoever imports.
"""

import csv
import io
from dataclasses import dataclass, field
from functools import cache, cached_property

import tablib
from django import forms
from django.db import connection, transaction
from django.utils import timezone

from allies.models import Ally, Stage, StageChange
from campaign.activity import activity_recount_rows
from campaign.models import Level

MAX_UPLOAD_BYTES = 512 * 1024
MAX_ROWS = 1000

# Header, model field: the export's columns, in order. The import accepts the same headers.
COLUMNS = [
    ("name", "name"),
    ("email", "email"),
    ("department", "department"),
    ("level", "level"),
    ("stage", "stage"),
    ("source", "source"),
    ("recruited by", "recruited_by"),
    ("follow-up", "follow_up_on"),
    ("note", "note"),
    ("why they care", "motivation"),
]
REQUIRED_COLUMNS = ["name", "department"]
# Other spellings people (and spreadsheets) give the same columns.
HEADER_ALIASES = {
    "full name": "name",
    "e mail": "email",
    "dept": "department",
    "how they came": "source",
    "follow up": "follow-up",
    "next follow up": "follow-up",
    "follow up on": "follow-up",
    "notes": "note",
    "motivation": "why they care",
    "owner": "recruited by",
    "owned by": "recruited by",
}

# A spreadsheet runs a cell beginning with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def guard_cell(value):
    """The cell as a spreadsheet will show it but never run it: a leading apostrophe before a formula trigger."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def unguard_cell(text):
    """Undo `guard_cell`, so a file exported here imports back to the same values."""
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


# --- export -------------------------------------------------------------------------------------


def member_label(user):
    """How a member is written in the 'recruited by' column: their email, or their username without one."""
    return user.email or user.get_username() if user else ""


def allies_dataset(campaign):
    """Every ally of `campaign` as a tablib Dataset with the export's columns, cells guarded. One query."""
    allies = Ally.objects.filter(campaign=campaign).select_related("department", "recruited_by").order_by("name", "pk")
    dataset = tablib.Dataset(headers=[header for header, _ in COLUMNS])
    for ally in allies:
        row = [
            ally.name,
            ally.email,
            ally.department.name,
            ally.get_level_display(),
            ally.get_stage_display(),
            ally.get_source_display(),
            member_label(ally.recruited_by),
            ally.follow_up_on.isoformat() if ally.follow_up_on else "",
            ally.note,
            ally.motivation,
        ]
        dataset.append([guard_cell(value) for value in row])
    return dataset


# --- import -------------------------------------------------------------------------------------


class ImportFileError(ValueError):
    """The file as a whole cannot be read: too big, not text, no header, missing columns, too many rows."""


@dataclass
class ParsedRow:
    line: int
    data: dict  # cleaned values, ready for Ally(**data)

    @cached_property
    def labels(self):
        """The row's level, stage and source as people read them (the preview reads each of them)."""
        return {
            "level": Level(self.data["level"]).label,
            "stage": Stage(self.data["stage"]).label,
            "source": Ally.Source(self.data["source"]).label,
        }


@dataclass
class RowProblem:
    line: int
    reasons: list[str]

    def __str__(self):
        return f"Line {self.line}: " + " ".join(self.reasons)


@dataclass
class ImportPreview:
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self):
        return bool(self.rows) and not self.problems


class ImportRejected(Exception):
    def __init__(self, preview):
        super().__init__(f"{len(preview.problems)} line(s) cannot be imported")
        self.preview = preview


def _choice(choices, text, what):
    """Match `text` against a TextChoices' values and labels, case-insensitively; blank is None."""
    wanted = " ".join(text.replace("_", " ").split()).casefold()
    if not wanted:
        return None
    value = _choice_keys(choices).get(wanted)
    if value is None:
        allowed = ", ".join(label.lower() for _, label in choices.choices)
        raise forms.ValidationError(f"“{text}” is not a {what}; use one of: {allowed}.")
    return value


@cache
def _choice_keys(choices):
    """Each value and label of a TextChoices as `_choice` folds them, to its value (the first one wins)."""
    keys = {}
    for value, label in choices.choices:
        keys.setdefault(value.replace("_", " ").casefold(), value)
        keys.setdefault(label.casefold(), value)
    return keys


class AllyImportRowForm(forms.Form):
    """
    One CSV row. Departments and members are looked up in dictionaries built once per file.

    `check(raw)` gives what `full_clean()` would (the same cleaned values, the same messages in the
    same order) without a form's per-row machinery, which was most of an import's time: each field's
    own `clean()` runs only for a value a quick look cannot settle (a blank required cell, a cell too
    long or holding a NUL, any email or date), and the choice columns go straight to their lookups.
    """

    name = forms.CharField(max_length=120, error_messages={"required": "The name is missing."})
    email = forms.EmailField(required=False, error_messages={"invalid": "The email address is not valid."})
    department = forms.CharField(error_messages={"required": "The department is missing."})
    level = forms.CharField(required=False)
    stage = forms.CharField(required=False)
    source = forms.CharField(required=False)
    recruited_by = forms.CharField(required=False)
    follow_up_on = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "The follow-up date is not a date like 2026-03-31."},
    )
    note = forms.CharField(required=False, max_length=2000)
    motivation = forms.CharField(required=False, max_length=300)

    def __init__(self, *args, departments, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.departments = departments
        self.members = members

    def clean_department(self):
        name = " ".join(self.cleaned_data["department"].split())
        department = self.departments.get(name.casefold())
        if department is None:
            raise forms.ValidationError(f"There is no department called “{name}” in this campaign.")
        return department

    def clean_level(self):
        return _choice(Level, self.cleaned_data["level"], "level") or Level.FRONTLINE

    def clean_stage(self):
        return _choice(Stage, self.cleaned_data["stage"], "stage") or Stage.IDENTIFIED

    def clean_source(self):
        return _choice(Ally.Source, self.cleaned_data["source"], "way of coming") or Ally.Source.RECRUITED

    def clean_recruited_by(self):
        who = self.cleaned_data["recruited_by"].strip()
        if not who:
            return None
        user = self.members.get(who.casefold())
        if user is None:
            raise forms.ValidationError(f"“{who}” (owner) is not a member of this campaign.")
        return user

    def check(self, raw):
        """(cleaned data, problems) for one row's raw cells, as `full_clean()` would give them."""
        self.cleaned_data = cleaned = {}
        problems = []
        for name, form_field in self.fields.items():
            value = raw.get(name)
            try:
                cleaned[name] = self._quick_clean(form_field, value)
                method = getattr(self, f"clean_{name}", None)
                if method is not None:
                    cleaned[name] = method()
            except forms.ValidationError as error:
                cleaned.pop(name, None)
                problems.extend(error.messages)
        return cleaned, problems

    @staticmethod
    def _quick_clean(form_field, value):
        # A plain CharField only strips and checks blank, length and NUL: settle the usual cell here.
        if type(form_field) is forms.CharField and isinstance(value, str):
            value = value.strip()
            fits = form_field.max_length is None or len(value) <= form_field.max_length
            if (value or not form_field.required) and fits and "\x00" not in value:
                return value
        elif value in (None, "") and not form_field.required:
            return form_field.to_python(value)
        return form_field.clean(value)


def _decode(data):
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(f"The file is larger than {MAX_UPLOAD_BYTES // 1024} KB. Split it and import each part.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            "The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8” and try again."
        ) from None


def _reader(text):
    """A csv reader for `text`, with the delimiter (comma, semicolon or tab) sniffed from the header line."""
    first_line = text.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(first_line, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return csv.reader(io.StringIO(text, newline=""), dialect)


def _header_key(cell):
    name = " ".join(cell.replace("_", " ").replace("-", " ").split()).casefold()
    name = HEADER_ALIASES.get(name, name)
    return {header.replace("-", " "): header for header, _ in COLUMNS}.get(name.replace("-", " "))


def _lookups(campaign):
    """Departments by folded name, members by folded username and email: two queries."""
    departments = {department.name.casefold(): department for department in campaign.departments.all()}
    members = {}
    for membership in campaign.memberships.select_related("user"):
        user = membership.user
        members[user.get_username().casefold()] = user
        if user.email:
            members.setdefault(user.email.casefold(), user)
    return departments, members


def _emails_taken_sql(count):
    """
    The query behind _emails_taken() for `count` emails, names from the model's _meta.

    Raw SQL because the ORM cannot say it: it has no way to select from a list of values, and the
    ORM's `Lower("email") IN (…1,000 values…)` makes PostgreSQL read the whole campaign (the unique
    index on lower(email) is partial and keeps no statistics the planner could use): 15-20 ms at
    50,000 allies. Asked as "which of these values has a match", PostgreSQL probes that index once per
    email (a nested-loop semi join, 3-4 ms), and SQLite reads the same SQL: one query on both.
    """
    quote = connection.ops.quote_name
    meta = Ally._meta
    table, campaign, email = (
        quote(meta.db_table),
        quote(meta.get_field("campaign").column),
        quote(meta.get_field("email").column),
    )
    wanted = ", ".join(["(%s)"] * count)
    # Only quoted names from _meta and placeholders go into the text; every value is a parameter.
    sql = (
        "WITH wanted (folded) AS (VALUES {wanted}) SELECT folded FROM wanted WHERE EXISTS (SELECT 1 FROM {table} ally "
    )
    sql += "WHERE ally.{campaign} = %s AND NOT (ally.{email} = '') AND lower(ally.{email}) = wanted.folded)"
    return sql.format(wanted=wanted, table=table, campaign=campaign, email=email)


def _emails_taken(campaign, emails):
    """Which of `emails` (folded) an ally of `campaign` already has: one query, one index probe per email."""
    if not emails:
        return set()
    wanted = sorted(emails)
    with connection.cursor() as cursor:
        cursor.execute(_emails_taken_sql(len(wanted)), [*wanted, campaign.pk])
        return {folded for (folded,) in cursor.fetchall()}


def import_preview(*, campaign, data):
    """
    Read and check an uploaded CSV (bytes) against `campaign` without writing anything.

    Raises ImportFileError when the file as a whole is unusable; otherwise returns every row that
    would be created and every problem, each with its line number.
    """
    reader = _reader(_decode(data))
    header = next(reader, None)
    if not header or not any(cell.strip() for cell in header):
        raise ImportFileError("The file is empty. The first line should name the columns, e.g. “name,department”.")
    columns = [_header_key(cell) for cell in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise ImportFileError(
            "The first line must name the columns; this file has no "
            + " and no ".join(f"“{name}”" for name in missing)
            + " column."
        )
    field_of = dict(COLUMNS)
    preview = ImportPreview(ignored_columns=[cell for cell, key in zip(header, columns, strict=True) if key is None])
    departments, members = _lookups(campaign)
    # One checker for every row (building a form per row deep-copies all its fields), then the
    # across-row rules once every row's email is known: one query asks which emails are taken.
    form = AllyImportRowForm({}, departments=departments, members=members)
    checked = []  # (line, cleaned data, problems) in file order
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        line = reader.line_num
        if len(checked) >= MAX_ROWS:
            raise ImportFileError(f"The file has more than {MAX_ROWS} allies. Split it and import each part.")
        if len(cells) > len(header):
            checked.append((line, None, [f"It has {len(cells)} cells but the first line names {len(header)} columns."]))
            continue
        raw = {
            field_of[key]: unguard_cell(cell.strip())
            for key, cell in zip(columns, cells, strict=False)
            if key is not None
        }
        checked.append((line, *form.check(raw)))
    taken = _emails_taken(campaign, {data["email"].casefold() for _, data, _ in checked if data and data.get("email")})
    first_seen = {}
    for line, data, reasons in checked:
        if data is None:
            preview.problems.append(RowProblem(line, reasons))
            continue
        email = (data.get("email") or "").casefold()
        if email and email in taken:
            reasons.append(f"An ally with the email {email} is already in this campaign.")
        elif email and email in first_seen:
            reasons.append(f"The email {email} is also on line {first_seen[email]}.")
        elif email:
            first_seen[email] = line
        if reasons:
            preview.problems.append(RowProblem(line, reasons))
        else:
            preview.rows.append(ParsedRow(line, data))
    return preview


@transaction.atomic
def allies_import(*, campaign, data, by):
    """
    Check the CSV again and create every ally in it, each with a StageChange for its first stage.

    All or nothing: raises ImportRejected (writing nothing) when any line has a problem, e.g. an
    email someone added to the campaign since the preview was shown.
    """
    preview = import_preview(campaign=campaign, data=data)
    if not preview.ok:
        raise ImportRejected(preview)
    now = timezone.now()
    allies = Ally.objects.bulk_create(
        [
            Ally(
                campaign=campaign, stage_changed_at=now, **{**row.data, "recruited_by": row.data["recruited_by"] or by}
            )
            for row in preview.rows
        ]
    )
    changes = StageChange.objects.bulk_create(
        [
            StageChange(
                ally=ally,
                campaign_id=ally.campaign_id,
                from_stage="",
                to_stage=ally.stage,
                changed_at=now,
                changed_by=by,
            )
            for ally in allies
        ]
    )
    activity_recount_rows(StageChange, changes)
    return allies
