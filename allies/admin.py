from django.contrib import admin

from allies.models import Ally, CheckinAnswer, CheckinInvite, CheckinRound, JoinLink, StageChange, Touchpoint
from allies.services import ally_move_stage, refresh_last_touch, touchpoint_delete


class StageChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    fields = ["from_stage", "to_stage", "changed_at", "changed_by"]
    readonly_fields = ["from_stage", "to_stage", "changed_at", "changed_by"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # History is written by ally_move_stage; an edit here would not move the ally.
        return False


@admin.register(Ally)
class AllyAdmin(admin.ModelAdmin):
    list_display = ["name", "campaign", "department", "level", "stage", "source", "awaiting_review", "follow_up_on"]
    list_filter = ["campaign", "stage", "level", "source", "awaiting_review", "department__kind"]
    search_fields = ["name", "email", "department__name"]
    list_select_related = ["campaign", "department"]
    autocomplete_fields = ["recruited_by"]
    readonly_fields = ["stage_changed_at", "last_touch_on", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    inlines = [StageChangeInline]

    def save_model(self, request, obj, form, change):
        # Keep the history true for edits made here too: the first stage, and every move after it.
        if not change:
            super().save_model(request, obj, form, change)
            StageChange.objects.create(
                ally=obj, to_stage=obj.stage, changed_at=obj.stage_changed_at, changed_by=request.user
            )
        elif "stage" in form.changed_data:
            stage, obj.stage = obj.stage, form.initial["stage"]
            super().save_model(request, obj, form, change)
            ally_move_stage(ally=obj, stage=stage, by=request.user)
        else:
            super().save_model(request, obj, form, change)


@admin.register(Touchpoint)
class TouchpointAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "happened_on", "campaign", "logged_by"]
    list_filter = ["campaign", "kind", "happened_on"]
    search_fields = ["note", "allies__name"]
    list_select_related = ["campaign", "logged_by"]
    autocomplete_fields = ["allies"]
    date_hierarchy = "happened_on"

    # Saving goes through the ORM, whose signals keep the allies' last touch right; deleting does not.
    def delete_model(self, request, obj):
        touchpoint_delete(touchpoint=obj)

    def delete_queryset(self, request, queryset):
        through = Touchpoint.allies.through
        ally_ids = list(through.objects.filter(touchpoint__in=queryset).values_list("ally_id", flat=True))
        super().delete_queryset(request, queryset)
        refresh_last_touch(ally_ids)


@admin.register(JoinLink)
class JoinLinkAdmin(admin.ModelAdmin):
    list_display = ["campaign", "active", "created_at", "created_by"]
    list_filter = ["active", "campaign"]
    search_fields = ["campaign__name", "campaign__slug"]
    list_select_related = ["campaign", "created_by"]
    readonly_fields = ["token", "created_at"]


class CheckinInviteInline(admin.TabularInline):
    model = CheckinInvite
    extra = 0
    fields = ["name", "ally", "member", "department", "delivery", "answered_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # People are asked by allies.checkin.checkin_round_open, with their email; one added here gets none.
        return False


@admin.register(CheckinRound)
class CheckinRoundAdmin(admin.ModelAdmin):
    list_display = ["__str__", "campaign", "cadence", "created_at"]
    list_filter = ["campaign", "cadence"]
    list_select_related = ["campaign"]
    readonly_fields = ["campaign", "period_start", "period_end", "cadence", "created_at"]
    inlines = [CheckinInviteInline]


@admin.register(CheckinAnswer)
class CheckinAnswerAdmin(admin.ModelAdmin):
    list_display = ["invite", "question", "text", "created_at"]
    list_filter = ["question"]
    search_fields = ["text", "person", "invite__name"]
    list_select_related = ["invite__round__campaign"]
    raw_id_fields = ["invite", "nomination", "problem"]
