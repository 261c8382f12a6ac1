from django.contrib import admin

from leadership.models import (
    ApiToken,
    BenchmarkVisit,
    BriefingPack,
    Clipping,
    Engagement,
    Event,
    ExecutiveSummary,
    Feedback,
    FeedbackTheme,
    Leader,
    Objection,
    PackDelivery,
    SummaryDelivery,
    SummarySchedule,
    SummaryTestCopy,
    VisitAction,
)

# Delivery rows are the outbox's truth: admins read them, the delivery service writes them.
DELIVERY_READONLY = ["leader", "status", "attempts", "last_error", "created_at", "claimed_at", "sent_at"]


class EngagementInline(admin.TabularInline):
    model = Engagement
    extra = 0
    fields = ["happened_on", "kind", "outcome", "note", "event"]
    raw_id_fields = ["event"]


@admin.register(Leader)
class LeaderAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "campaign", "stance", "level", "owner"]
    list_filter = ["campaign", "stance", "level"]
    search_fields = ["name", "email", "title"]
    raw_id_fields = ["owner", "department"]
    filter_horizontal = ["objections"]
    inlines = [EngagementInline]


@admin.register(Objection)
class ObjectionAdmin(admin.ModelAdmin):
    list_display = ["objection", "campaign", "position"]
    list_filter = ["campaign"]
    search_fields = ["objection", "response"]


@admin.register(Clipping)
class ClippingAdmin(admin.ModelAdmin):
    list_display = ["title", "campaign", "kind", "created_at"]
    list_filter = ["campaign", "kind"]
    search_fields = ["title", "summary"]


class VisitActionInline(admin.TabularInline):
    model = VisitAction
    extra = 0
    raw_id_fields = ["problem"]


@admin.register(BenchmarkVisit)
class BenchmarkVisitAdmin(admin.ModelAdmin):
    list_display = ["organisation", "campaign", "visited_on"]
    list_filter = ["campaign"]
    inlines = [VisitActionInline]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "campaign", "kind", "happens_on"]
    list_filter = ["campaign", "kind"]


class PackDeliveryInline(admin.TabularInline):
    model = PackDelivery
    extra = 0
    can_delete = False
    readonly_fields = DELIVERY_READONLY

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(BriefingPack)
class BriefingPackAdmin(admin.ModelAdmin):
    list_display = ["title", "campaign", "status", "sent_at", "created_by"]
    list_filter = ["campaign", "status"]
    search_fields = ["title"]
    raw_id_fields = [
        "recipients",
        "stories",
        "clippings",
        "visits",
        "events",
        "roadblocks",
        "answers",
        "created_by",
        "sent_by",
    ]
    inlines = [PackDeliveryInline]


@admin.register(FeedbackTheme)
class FeedbackThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "campaign"]
    list_filter = ["campaign"]
    search_fields = ["name"]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["summary_start", "campaign", "kind", "severity", "status", "received_on", "department", "source"]
    list_filter = ["campaign", "kind", "status", "severity", "channel", "source", "featured", "received_on"]
    search_fields = ["summary", "action", "customer", "external_id"]
    date_hierarchy = "received_on"
    raw_id_fields = ["department", "theme", "owner", "service_problem", "logged_by"]
    list_select_related = ["campaign", "department"]

    @admin.display(description="summary")
    def summary_start(self, obj):
        return obj.summary[:80]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    # The hash stays out of every admin view: it is not secret on its own, but nothing needs it.
    fields = ["campaign", "name", "hint", "created_by", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["campaign", "hint", "created_by", "created_at", "last_used_at"]
    list_display = ["name", "campaign", "hint", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["campaign", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "hint"]

    def has_add_permission(self, request):
        # A token is shown once when made, so it is made where it can be shown: campaign settings or
        # `manage.py create_api_token`.
        return False


@admin.register(SummarySchedule)
class SummaryScheduleAdmin(admin.ModelAdmin):
    list_display = ["campaign", "enabled", "cadence", "weekday", "day_of_month", "hour", "all_leaders", "skip_empty"]
    list_filter = ["enabled", "cadence", "all_leaders", "skip_empty"]
    search_fields = ["campaign__name", "campaign__slug"]
    raw_id_fields = ["recipients"]


class SummaryDeliveryInline(admin.TabularInline):
    model = SummaryDelivery
    extra = 0
    can_delete = False
    readonly_fields = [*DELIVERY_READONLY, "opened_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ExecutiveSummary)
class ExecutiveSummaryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "campaign", "period_start", "period_end", "is_empty", "skipped", "created_at"]
    list_filter = ["campaign", "is_empty", "skipped"]
    search_fields = ["campaign__name"]
    date_hierarchy = "period_start"
    # The snapshot is what leaders were sent: shown, never edited.
    readonly_fields = [
        "campaign",
        "period_start",
        "period_end",
        "due_at",
        "snapshot",
        "is_empty",
        "skipped",
        "created_at",
    ]
    inlines = [SummaryDeliveryInline]


@admin.register(SummaryDelivery)
class SummaryDeliveryAdmin(admin.ModelAdmin):
    list_display = ["summary", "leader", "status", "attempts", "sent_at", "opened_at"]
    list_filter = ["status", "summary__campaign", ("opened_at", admin.EmptyFieldListFilter)]
    search_fields = ["leader__name", "leader__email", "last_error"]
    list_select_related = ["summary__campaign", "leader"]
    readonly_fields = ["summary", *DELIVERY_READONLY, "opened_at"]

    def has_add_permission(self, request):
        return False


@admin.register(SummaryTestCopy)
class SummaryTestCopyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "campaign", "of_next", "period_start", "status", "sent_at", "opened_at"]
    list_filter = ["status", "of_next", "campaign"]
    search_fields = ["email", "name", "last_error"]
    list_select_related = ["campaign"]
    readonly_fields = [
        *(field for field in DELIVERY_READONLY if field != "leader"),
        "campaign",
        "requested_by",
        "name",
        "email",
        "of_next",
        "period_start",
        "period_end",
        "snapshot",
        "opened_at",
        "unsubscribe_tried_at",
    ]

    def has_add_permission(self, request):
        return False
