"""
The JSON API, /api/v1/, with its OpenAPI document at /api/v1/openapi.json (django-ninja).

Each campaign's outside systems authenticate with a bearer token the campaign's admins create
(stored hashed). A token opens its own campaign only: any other slug answers 404, exactly like a
campaign that does not exist. Intake is all or nothing: one bad item refuses the batch, and the
answer names every bad item by index and field. It is idempotent on the sender's `external_id`.
"""

import datetime
import re
from datetime import date

from django.conf import settings
from django.utils import timezone
from ninja import Field, NinjaAPI, Query, Router, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status
from ninja.security import HttpBearer
from ninja.throttling import AuthRateThrottle
from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from campaign import readings as goal_readings
from campaign.models import Goal, GoalReading
from leadership.feedback import services
from leadership.models import ApiToken, ExecutiveSummary, Feedback
from leadership.models.feedback import Channel, Kind, Severity, Source
from leadership.models.feedback import Status as FeedbackStatus

MAX_BATCH = services.MAX_BATCH
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Per token; generous for a helpdesk's nightly export, a brake on a runaway loop.
RATE = getattr(settings, "FEEDBACK_API_RATE", "120/m")


class CampaignToken(HttpBearer):
    def authenticate(self, request, token):
        api_token = ApiToken.objects.for_token(token).first()
        if api_token is not None:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        return api_token


class PerTokenThrottle(AuthRateThrottle):
    scope = "api-token"

    def get_cache_key(self, request):
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


api = NinjaAPI(
    title="Rising Tide API",
    version="1",
    description=__doc__,
    urls_namespace="api-v1",
    # The Swagger page loads its script from a CDN, which the CSP (and an offline network) refuses;
    # the OpenAPI document itself is what integrators and tools read.
    docs_url=None,
    auth=CampaignToken(),
    throttle=[PerTokenThrottle(RATE)],
)


def campaign_for(request, slug):
    """The token's campaign when `slug` names it; otherwise 404, saying nothing about other campaigns."""
    if request.auth.campaign.slug != slug:
        raise HttpError(404, "Not found.")
    return request.auth.campaign


class FeedbackItemIn(BaseModel):
    # Every field is checked by the same form as the CSV import, so that all bad items and fields
    # are reported together; the schema only documents the shape (and rejects wrong JSON types).
    # A plain pydantic model, like the batch: ninja's Schema wraps each of the 1,000 items of a batch
    # for reading Django objects first, which JSON never needs (a twentieth of a batch's time).
    model_config = ConfigDict(
        json_schema_extra={"required": ["external_id", "kind", "received_on", "summary"]}, extra="ignore"
    )

    external_id: str | None = Field(None, max_length=100, description="Your id for the item; resending it is harmless.")
    kind: str | None = Field(None, json_schema_extra={"enum": Kind.values})
    received_on: str | None = Field(None, description="YYYY-MM-DD, not in the future.", examples=["2026-11-02"])
    channel: str | None = Field(None, json_schema_extra={"enum": Channel.values})
    department: str | None = Field(None, description="The department's name, as in the campaign.")
    traced_to: str | None = Field(
        None,
        description=(
            "Complaints only: the name of the campaign's department whose service to the front line was behind"
            " the complaint (where it started, as against the department it arrived at)."
        ),
    )
    theme: str | None = Field(None, description="A theme's name, as in the campaign's list.")
    severity: str | None = Field(None, description="Complaints only.", json_schema_extra={"enum": Severity.values})
    summary: str | None = Field(None, description="What the customer said.")
    customer: str | None = Field(None, description="A name or reference (optional).")


class FeedbackBatchIn(BaseModel):
    # A plain pydantic model: ninja's Schema hands validators a wrapped object, not the JSON dict.

    """A batch `{"items": [...]}` of up to 1000 items; a single item object is taken as a batch of one."""

    items: list[FeedbackItemIn]

    @model_validator(mode="before")
    @classmethod
    def single_item_is_a_batch(cls, data):
        if isinstance(data, dict) and "items" not in data:
            return {"items": [data]}
        return data


class IntakeOut(Schema):
    created: list[str] = Field(description="External ids stored by this request.")
    existing: list[str] = Field(description="External ids already stored before; not stored again.")


class ItemError(Schema):
    index: int
    field: str
    message: str


class ErrorsOut(Schema):
    detail: str
    errors: list[ItemError]


class FeedbackOut(Schema):
    id: int
    external_id: str
    kind: str
    received_on: date
    channel: str
    department: str | None = Field(None, alias="department.name")
    traced_to: str | None = Field(None, alias="traced_to.name")
    theme: str | None = Field(None, alias="theme.name")
    severity: str
    status: str
    summary: str
    action: str
    customer: str
    resolved_on: date | None
    featured: bool
    source: str


class FeedbackFilters(Schema):
    kind: str | None = None
    status: str | None = None
    since: date | None = Field(None, description="Received on or after.")
    until: date | None = Field(None, description="Received on or before.")

    @field_validator("since", "until", mode="before")
    @classmethod
    def iso_dates_only(cls, value):
        # pydantic would read a bare number as seconds since 1970; the schema promises YYYY-MM-DD.
        if value is None or isinstance(value, date):
            return value
        if not (isinstance(value, str) and ISO_DATE.fullmatch(value)):
            raise ValueError("Give a date as YYYY-MM-DD.")
        return value


class BoundedPages(PageNumberPagination):
    """Page numbers the database can count to: a 25-digit page is a 422, not an overflow in the OFFSET."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=1000)


class SummaryOut(Schema):
    id: int
    period_start: date
    period_last_day: date = Field(alias="last_day")
    due_at: str
    is_empty: bool
    skipped: bool
    content: dict = Field(
        alias="snapshot",
        description=(
            "The figures and items as sent. Every `before` figure is for `period.previous` (the week, or the"
            " calendar month, before `period`), named in `period.previous.label`."
        ),
    )

    @staticmethod
    def resolve_due_at(obj):
        return obj.due_at.isoformat()


@api.exception_handler(NinjaValidationError)
def shape_errors(request, exc):
    """The same error body as refused items: each problem with the item's index and the field."""
    errors = []
    for error in exc.errors:
        loc = [part for part in error.get("loc", ()) if part not in ("body", "payload")]
        index = next((part for part in loc if isinstance(part, int)), 0)
        field = str(loc[-1]) if loc and not isinstance(loc[-1], int) else ""
        errors.append({"index": index, "field": field, "message": error.get("msg", "Invalid value.")})
    return api.create_response(request, {"detail": "The request was refused.", "errors": errors}, status=422)


router = Router(tags=["feedback"])


@router.post(
    "/campaigns/{slug}/feedback",
    response={200: IntakeOut, 201: IntakeOut, 404: dict, 422: ErrorsOut},
    url_name="feedback_create",
    summary="Send complaints and compliments",
)
def feedback_create(request, slug: str, payload: FeedbackBatchIn):
    """One item or `{"items": [...]}` (at most 1000). All or nothing; idempotent on `external_id`."""
    campaign = campaign_for(request, slug)
    if len(payload.items) > MAX_BATCH:
        message = f"A batch holds at most {MAX_BATCH} items; this one has {len(payload.items)}. Split it."
        return Status(422, {"detail": message, "errors": [{"index": MAX_BATCH, "field": "items", "message": message}]})
    items = payload.model_dump()["items"]  # one call for the batch: per item, it was a third of the time
    missing = [
        {"index": index, "field": "external_id", "message": "Give each item your id for it (external_id)."}
        for index, item in enumerate(items)
        if not (item.get("external_id") or "").strip()
    ]
    try:
        cleaned = services.feedback_validate_items(campaign=campaign, items=[_strings(item) for item in items])
    except services.IntakeError as error:
        errors = sorted(missing + error.errors, key=lambda e: (e["index"], e["field"]))
        return Status(422, {"detail": f"{len(errors)} problem(s); nothing was stored.", "errors": errors})
    if missing:
        return Status(422, {"detail": f"{len(missing)} problem(s); nothing was stored.", "errors": missing})
    created, existing, _stored = services.feedback_create_many(campaign=campaign, items=cleaned, source=Source.API)
    return Status(201 if created else 200, {"created": created, "existing": existing})


def _strings(item):
    return {key: (value if value is not None else "") for key, value in item.items()}


@router.get("/campaigns/{slug}/feedback", response=list[FeedbackOut], url_name="feedback_list", summary="Read feedback")
@paginate(BoundedPages, page_size=100)
def feedback_list(request, slug: str, filters: Query[FeedbackFilters]):
    """The campaign's feedback, newest first, 100 a page, for BI tools."""
    campaign = campaign_for(request, slug)
    items = (
        Feedback.objects.filter(campaign=campaign)
        .select_related("department", "traced_to", "theme")
        .order_by("-received_on", "-pk")
    )
    if filters.kind in Kind.values:
        items = items.filter(kind=filters.kind)
    if filters.status in FeedbackStatus.values:
        items = items.filter(status=filters.status)
    if filters.since:
        items = items.filter(received_on__gte=filters.since)
    if filters.until:
        items = items.filter(received_on__lte=filters.until)
    return items


@router.get(
    "/campaigns/{slug}/summaries",
    response=list[SummaryOut],
    url_name="summary_list",
    summary="Read executive summaries",
)
@paginate(BoundedPages, page_size=20)
def summary_list(request, slug: str):
    """The campaign's executive summaries, newest first, each with the content that was sent."""
    campaign = campaign_for(request, slug)
    return ExecutiveSummary.objects.filter(campaign=campaign).order_by("-period_start")


class ReadingIn(Schema):
    # Checked by the same rules as the goal's page and the CSV import (`campaign.readings.parse_reading`).
    model_config = ConfigDict(json_schema_extra={"required": ["date", "value"]}, extra="ignore")

    date: str | None = Field(None, description="YYYY-MM-DD, not in the future; a date already stored is updated.")
    value: str | float | int | None = Field(None, description='A number, as JSON or as a string ("42.5").')
    note: str | None = Field(None, max_length=200, description="Where the figure came from (optional).")


class ReadingBatchIn(BaseModel):
    """A batch `{"items": [...]}` of up to 1000 readings; a single reading object is taken as a batch of one."""

    items: list[ReadingIn]

    @model_validator(mode="before")
    @classmethod
    def single_item_is_a_batch(cls, data):
        if isinstance(data, dict) and "items" not in data:
            return {"items": [data]}
        return data


class ReadingsOut(Schema):
    created: list[str] = Field(description="Dates stored by this request.")
    updated: list[str] = Field(description="Dates the goal already had, now holding the value sent.")


class ReadingOut(Schema):
    date: datetime.date = Field(alias="taken_on")
    value: str
    note: str
    source: str

    @staticmethod
    def resolve_value(obj):
        return goal_readings.format_value(obj.value)


class GoalOut(Schema):
    id: int
    title: str
    kind: str
    measure: str
    unit: str
    direction: str
    cadence: str
    baseline: str | None
    baseline_on: datetime.date | None
    target: str | None
    target_on: datetime.date | None
    latest: str | None
    latest_on: datetime.date | None
    status: str = Field(description="unmeasured, no_reading, stale, behind, on_track or reached.")


def _goal_for(request, slug, goal_id):
    campaign = campaign_for(request, slug)
    goal = Goal.objects.filter(campaign=campaign, pk=goal_id).first()
    if goal is None:
        raise HttpError(404, "Not found.")
    goal.campaign = campaign
    return goal


goals_router = Router(tags=["goals"])


@goals_router.get("/campaigns/{slug}/goals", response=list[GoalOut], url_name="goal_list", summary="Read goals")
def goal_list(request, slug: str):
    """The campaign's bull's-eye goals, each with its latest reading and its standing against its line."""
    campaign = campaign_for(request, slug)

    def number(value):
        return goal_readings.format_value(value) if value is not None else None

    return [
        {
            "id": p.goal.pk,
            "title": p.goal.title,
            "kind": p.goal.kind,
            "measure": p.goal.measure,
            "unit": p.goal.unit,
            "direction": p.goal.direction,
            "cadence": p.goal.cadence,
            "baseline": number(p.goal.baseline_value),
            "baseline_on": p.goal.baseline_on,
            "target": number(p.goal.target_value),
            "target_on": p.goal.target_on,
            "latest": number(p.latest_value),
            "latest_on": p.latest_on,
            "status": p.status,
        }
        for p in goal_readings.goal_progress(campaign)
    ]


@goals_router.get(
    "/campaigns/{slug}/goals/{goal_id}/readings",
    response=list[ReadingOut],
    url_name="goal_readings_list",
    summary="Read a goal's readings",
)
@paginate(BoundedPages, page_size=100)
def goal_readings_list(request, slug: str, goal_id: int):
    """The goal's readings, oldest first, 100 a page."""
    return GoalReading.objects.filter(goal=_goal_for(request, slug, goal_id)).order_by("taken_on")


@goals_router.post(
    "/campaigns/{slug}/goals/{goal_id}/readings",
    response={200: ReadingsOut, 201: ReadingsOut, 404: dict, 422: ErrorsOut},
    url_name="goal_readings_create",
    summary="Send a goal's readings",
)
def goal_readings_create(request, slug: str, goal_id: int, payload: ReadingBatchIn):
    """One reading or `{"items": [...]}` (at most 1000). All or nothing; idempotent on the date (same date: updated)."""
    goal = _goal_for(request, slug, goal_id)
    if len(payload.items) > goal_readings.MAX_BATCH:
        limit = goal_readings.MAX_BATCH
        message = f"A batch holds at most {limit} readings; this one has {len(payload.items)}. Split it."
        return Status(422, {"detail": message, "errors": [{"index": limit, "field": "items", "message": message}]})
    items = payload.model_dump()["items"]
    try:
        cleaned = goal_readings.readings_validate(items=items, today=goal.campaign.today())
    except goal_readings.ReadingError as error:
        errors = error.errors
        return Status(422, {"detail": f"{len(errors)} problem(s); nothing was stored.", "errors": errors})
    created, updated = goal_readings.goal_record_readings(goal=goal, readings=cleaned, source=GoalReading.Source.API)
    return Status(201 if created else 200, {"created": created, "updated": updated})


api.add_router("/", router)
api.add_router("/", goals_router)
