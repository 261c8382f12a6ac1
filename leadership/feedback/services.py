"""
Writes about feedback that touch several rows or models: bulk intake (CSV and API), turning a
resolved complaint into a service story, and API tokens.
"""

import csv
import io

import tablib
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from campaign.models import Campaign, Department, ServiceProblem
from leadership.feedback.forms import FeedbackIntakeForm
from leadership.models import ApiToken, Feedback, FeedbackTheme
from leadership.models.feedback import Status

MAX_BATCH = 1000
IMPORT_COLUMNS = [
    "external_id",
    "kind",
    "received_on",
    "channel",
    "department",
    "theme",
    "severity",
    "summary",
    "customer",
    "traced_to",
]


class IntakeError(Exception):
    """A batch refused as a whole; `errors` lists every bad item as {index, field, message}."""

    def __init__(self, errors):
        super().__init__(f"{len(errors)} problem(s) in the batch")
        self.errors = errors


def feedback_validate_items(*, campaign, items):
    """
    Check every item (dicts of strings, as from a CSV row or JSON) through FeedbackIntakeForm.

    Returns the cleaned items, or raises IntakeError naming every bad item by its index and field.
    Departments and themes are loaded once for the whole batch.
    """
    departments = {d.name.lower(): d for d in Department.objects.filter(campaign=campaign)}
    themes = {t.name.lower(): t for t in FeedbackTheme.objects.filter(campaign=campaign)}
    cleaned, errors = [], []
    # One form re-bound to each item in turn: building a form deep-copies all its fields, which was
    # most of the time per item. full_clean() starts every item afresh (new errors, new cleaned_data).
    form = FeedbackIntakeForm({}, campaign=campaign, departments=departments, themes=themes)
    for index, item in enumerate(items):
        form.data = item
        form.full_clean()
        if form.is_valid():
            cleaned.append(form.cleaned_data)
            continue
        for field, messages in form.errors.items():
            for message in messages:
                errors.append({"index": index, "field": field if field != "__all__" else "", "message": message})
    if errors:
        raise IntakeError(errors)
    return cleaned


def feedback_create_many(*, campaign, items, source, by=None):
    """
    Store cleaned items all together, once per sender's id: returns (the external ids created,
    those already stored, how many rows were stored — items without an id included).

    An item whose external id is already stored (or repeated in the batch) is not stored again,
    which is what makes a resent batch harmless; the unique constraint backs this up under races.
    Batches for one campaign take turns (a lock on the campaign's row, which does not block other
    writes about the campaign), so that when the same batch arrives twice at once, the second one
    sees the first's rows and reports them as existing rather than created.
    """
    ids = [item["external_id"] for item in items if item["external_id"]]
    with transaction.atomic():
        if ids:
            list(Campaign.objects.select_for_update(no_key=True).filter(pk=campaign.pk).values_list("pk"))
        return _feedback_store(campaign=campaign, items=items, ids=ids, source=source, by=by)


def _feedback_store(*, campaign, items, ids, source, by):
    # The exclude repeats the unique index's condition: past 100 ids PostgreSQL cannot prove from the
    # IN list alone that none is empty, and would read the campaign's every row instead of that index.
    existing = set(
        Feedback.objects.filter(campaign=campaign, external_id__in=ids)
        .exclude(external_id="")
        .values_list("external_id", flat=True)
    )
    seen = set(existing)
    rows, created = [], []
    now = timezone.now()
    # Foreign keys by id: a related object assigned goes through its descriptor's checks, per row and key.
    logged_by_id = by.pk if by is not None else None
    for item in items:
        external_id = item["external_id"]
        if external_id:
            if external_id in seen:
                continue
            seen.add(external_id)
            created.append(external_id)
        rows.append(
            Feedback(
                campaign_id=campaign.pk,
                source=source,
                logged_by_id=logged_by_id,
                created_at=now,
                status=Status.OPEN,
                external_id=external_id,
                kind=item["kind"],
                received_on=item["received_on"],
                channel=item["channel"],
                severity=item["severity"] or "",
                summary=item["summary"],
                customer=item["customer"] or "",
                department_id=item["department"].pk if item["department"] is not None else None,
                traced_to=item.get("traced_to"),
                theme_id=item["theme"].pk if item["theme"] is not None else None,
            )
        )
    Feedback.objects.bulk_create(rows, batch_size=500, ignore_conflicts=bool(ids))
    return created, sorted(existing), len(rows)


def import_rows(content):
    """The CSV's rows as dicts keyed by the lower-cased column names, with their line numbers."""
    try:
        dataset = tablib.Dataset().load(content, format="csv")
    except (tablib.core.InvalidDimensions, csv.Error, tablib.UnsupportedFormat) as error:
        raise IntakeError(
            [{"index": 0, "line": 1, "field": "", "message": f"The file is not readable CSV: {error}"}]
        ) from None
    headers = [(header or "").strip().lower() for header in dataset.headers or []]
    missing = [column for column in ("kind", "received_on", "summary") if column not in headers]
    if missing:
        raise IntakeError(
            [
                {
                    "index": 0,
                    "line": 1,
                    "field": "",
                    "message": f"The first line must name the columns; missing: {', '.join(missing)}.",
                }
            ]
        )
    return [{header: (value or "").strip() for header, value in zip(headers, row, strict=False)} for row in dataset]


def feedback_import_check(*, campaign, content):
    """Parse and check a CSV import; returns the cleaned rows or raises IntakeError with line numbers."""
    rows = import_rows(content)
    if not rows:
        raise IntakeError([{"index": 0, "line": 1, "field": "", "message": "The file has no rows below its header."}])
    try:
        return feedback_validate_items(campaign=campaign, items=rows)
    except IntakeError as error:
        for problem in error.errors:
            problem["line"] = problem["index"] + 2  # the header is line 1
        raise


def feedback_import(*, campaign, content, by):
    """All or nothing: every row is stored, or none is (IntakeError lists every bad row)."""
    items = feedback_import_check(campaign=campaign, content=content)
    return feedback_create_many(campaign=campaign, items=items, source="import", by=by)


def feedback_story_initial(feedback):
    """
    The story form's starting values for a resolved complaint: a headline from what was done (the
    complaint's own sentence says what went wrong, not what got better), the department, what was
    done, and the complaint as the "before".
    """
    return {
        "title": _story_title(feedback),
        "department": feedback.department_id,
        "story_what": feedback.action,
        "story_before": feedback.summary.strip()[:300],
    }


def _story_title(feedback):
    lines = feedback.action.strip().splitlines()
    done = lines[0].strip().rstrip(".").strip() if lines else ""
    if done:
        return done if len(done) <= 160 else done[:157].rstrip() + "…"
    if feedback.department_id:
        return f"A complaint about {feedback.department.name}, solved"[:160]
    return "A customer complaint, solved"


def feedback_turn_into_story(
    *,
    feedback,
    by,
    title,
    department,
    goal,
    people,
    story_what,
    story_before,
    story_after,
    story_figure="",
    benefits=(),
):
    """
    Save the service story of a resolved complaint: only now does a won problem go on the wins board,
    linked both ways with the complaint. Returns the problem; a second submission (another tab, a
    double click) returns the one already made.
    """
    with transaction.atomic():
        locked = Feedback.objects.select_for_update().get(pk=feedback.pk)
        if locked.service_problem_id:
            return locked.service_problem
        received = date_format(locked.received_on, "j F Y")
        how = f" {locked.channel_phrase}" if locked.channel_phrase else ""
        problem = ServiceProblem.objects.create(
            campaign=locked.campaign,
            title=title,
            description=f"From a complaint received on {received}{how}: {locked.summary}"[:4000],
            department=department,
            goal=goal,
            status=ServiceProblem.Status.WON,
            owner=locked.owner or by,
            opened_on=locked.received_on,
            won_on=locked.resolved_on or timezone.localdate(),
            story_what=story_what.strip(),
            story_before=story_before.strip(),
            story_after=story_after.strip(),
            story_figure=story_figure.strip(),
            benefits=list(benefits),
        )
        problem.people.set(people)
        locked.service_problem = problem
        locked.save(update_fields=["service_problem", "updated_at"])
    feedback.service_problem = problem
    return problem


def api_token_create(*, campaign, name, by):
    """A new API token for the campaign; returns (token, raw value) — the raw value is never stored."""
    token = ApiToken(campaign=campaign, name=name, created_by=by)
    raw = token.issue()
    token.save()
    return token, raw


def api_token_revoke(*, token):
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def import_template_csv():
    """An example file with the expected header, for the import page's download link."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(IMPORT_COLUMNS)
    writer.writerow(
        [
            "HD-1042",
            "complaint",
            "2026-01-15",
            "phone",
            "Customer Support",
            "",
            "high",
            "Waited 40 minutes on hold.",
            "ACME Ltd",
            "",
        ]
    )
    return out.getvalue()
