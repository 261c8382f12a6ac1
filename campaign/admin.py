from django.contrib import admin

from campaign.models import (
    AuditEntry,
    Campaign,
    Department,
    Goal,
    Heartbeat,
    Invitation,
    MemberDelivery,
    Membership,
    Nomination,
    ServiceProblem,
)


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0


class GoalInline(admin.TabularInline):
    model = Goal
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "status", "start_date", "time_zone"]
    list_filter = ["status"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DepartmentInline, GoalInline, MembershipInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "campaign"]
    list_filter = ["kind", "campaign"]
    search_fields = ["name"]
    list_select_related = ["campaign"]


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "measure", "campaign"]
    list_filter = ["kind", "campaign"]
    search_fields = ["title", "measure"]
    list_select_related = ["campaign"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "campaign", "role", "created_at"]
    list_filter = ["role", "campaign"]
    search_fields = ["user__username", "user__email", "campaign__name"]
    list_select_related = ["user", "campaign"]
    autocomplete_fields = ["user"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "campaign", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role", "campaign"]
    search_fields = ["email"]
    readonly_fields = ["token_hash", "created_at", "accepted_at"]
    list_select_related = ["campaign"]


@admin.register(MemberDelivery)
class MemberDeliveryAdmin(admin.ModelAdmin):
    list_display = ["subject", "to_email", "campaign", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "template", "campaign"]
    search_fields = ["to_email", "subject"]
    # Secrets (an invitation's link) stay out of the admin like the invitation's token does.
    exclude = ["secret_context"]
    readonly_fields = ["campaign", "to_email", "template", "subject", "context", "triggered_by", "created_at"]
    list_select_related = ["campaign"]


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "last_seen_at"]
    search_fields = ["name"]


@admin.register(ServiceProblem)
class ServiceProblemAdmin(admin.ModelAdmin):
    list_display = ["title", "campaign", "status", "difficulty", "impact", "goal", "won_on", "is_roadblock"]
    list_filter = ["status", "difficulty", "impact", "is_roadblock", "campaign"]
    search_fields = ["title", "story_what", "roadblock_ask"]
    list_select_related = ["campaign", "goal"]
    autocomplete_fields = ["owner"]
    raw_id_fields = [
        "people", "department", "goal", "celebrated_by", "roadblock_leader", "raised_by", "raised_by_member",
    ]  # fmt: skip


@admin.register(Nomination)
class NominationAdmin(admin.ModelAdmin):
    list_display = ["person", "campaign", "status", "planned_on", "celebrated_on", "created_at"]
    list_filter = ["status", "campaign"]
    search_fields = ["person", "what"]
    list_select_related = ["campaign"]
    raw_id_fields = ["department", "nominated_by", "nominated_by_member"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Readable by staff, changeable by nobody: the log is evidence."""

    list_display = ["at", "campaign", "actor_name", "action", "target"]
    list_filter = ["campaign"]
    search_fields = ["actor_name", "action", "target"]
    list_select_related = ["campaign"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
