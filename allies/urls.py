from django.urls import path

from allies.views import allies, checkin, coverage, join, transfer

app_name = "allies"

urlpatterns = [
    path("c/<slug:slug>/allies/coverage/", coverage.coverage, name="coverage"),
    path("c/<slug:slug>/allies/export.csv", transfer.export_csv, name="export"),
    path("c/<slug:slug>/allies/import/", transfer.import_upload, name="import"),
    path("c/<slug:slug>/allies/import/confirm/", transfer.import_confirm, name="import-confirm"),
    path("c/<slug:slug>/allies/", allies.ally_list, name="ally-list"),
    path("c/<slug:slug>/allies/new/", allies.ally_new, name="ally-new"),
    path("c/<slug:slug>/allies/follow-ups/", allies.follow_ups, name="follow-ups"),
    path("c/<slug:slug>/allies/pick/", allies.ally_pick, name="ally-pick"),
    path("c/<slug:slug>/allies/touchpoints/new/", allies.touchpoint_new, name="touchpoint-new"),
    path("c/<slug:slug>/allies/touchpoints/<int:pk>/delete/", allies.touchpoint_delete, name="touchpoint-delete"),
    path("c/<slug:slug>/allies/join-link/", join.join_link, name="join-link"),
    path("c/<slug:slug>/allies/join-link/off/", join.join_link_off, name="join-link-off"),
    path("c/<slug:slug>/allies/<int:pk>/", allies.ally_detail, name="ally-detail"),
    path("c/<slug:slug>/allies/<int:pk>/edit/", allies.ally_edit, name="ally-edit"),
    path("c/<slug:slug>/allies/<int:pk>/delete/", allies.ally_delete, name="ally-delete"),
    path("c/<slug:slug>/allies/<int:pk>/stage/", allies.ally_stage, name="ally-stage"),
    path("c/<slug:slug>/allies/<int:pk>/accept/", allies.ally_accept, name="ally-accept"),
    path("c/<slug:slug>/allies/check-ins/", checkin.round_list, name="checkin-list"),
    path("c/<slug:slug>/allies/check-ins/opt-in/", checkin.opt_in, name="checkin-opt-in"),
    path("c/<slug:slug>/allies/check-ins/<int:pk>/", checkin.round_detail, name="checkin-round"),
    # Public: the middle's check-in, reached from its email; the signed token is the key (allies.checkin).
    path("check-in/<str:token>/", checkin.answer, name="checkin-answer"),
    path("check-in/<str:token>/unsubscribe/", checkin.unsubscribe, name="checkin-unsubscribe"),
    # Public: colleagues who are not members open the campaign's secret link.
    path("join/<str:token>/", join.join, name="join"),
    path("join/<str:token>/thanks/", join.join_thanks, name="join-thanks"),
]
