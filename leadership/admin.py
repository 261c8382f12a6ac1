from django.contrib import admin

from leadership.models import (
    BenchmarkVisit,
    BriefingPack,
    Clipping,
    Engagement,
    Event,
    Leader,
    Objection,
    PackDelivery,
    VisitAction,
)


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
    # The rows are the outbox's truth: admins read them, the delivery service writes them.
    readonly_fields = ["leader", "status", "attempts", "last_error", "created_at", "claimed_at", "sent_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(BriefingPack)
class BriefingPackAdmin(admin.ModelAdmin):
    list_display = ["title", "campaign", "status", "sent_at", "created_by"]
    list_filter = ["campaign", "status"]
    search_fields = ["title"]
    raw_id_fields = ["recipients", "stories", "clippings", "visits", "events", "roadblocks", "created_by", "sent_by"]
    inlines = [PackDeliveryInline]
