from django.contrib import admin

from personas.models import PersonaCard, Workshop


@admin.register(PersonaCard)
class PersonaCardAdmin(admin.ModelAdmin):
    list_display = ["persona_name", "role", "scope", "department_served", "writer_ally", "campaign", "created_at"]
    list_filter = ["scope", "campaign"]
    search_fields = ["persona_name", "role", "wants", "so_that"]
    list_select_related = ["department_served", "writer_ally", "campaign"]
    raw_id_fields = ["writer_ally", "writer_member", "department_served", "workshop"]


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ["title", "held_on", "facilitator", "campaign"]
    list_filter = ["campaign"]
    search_fields = ["title"]
    raw_id_fields = ["facilitator"]
