from django.urls import path

from campaign import views
from campaign.privacy import views as privacy
from campaign.views import channels, notifications, readings

app_name = "campaign"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("campaigns/new/", views.campaign_new, name="new"),
    path("c/<slug:slug>/", views.home, name="home"),
    path("c/<slug:slug>/golden-circle/", views.golden_circle, name="golden-circle"),
    path("c/<slug:slug>/golden-circle/edit/", views.golden_circle_edit, name="golden-circle-edit"),
    path("c/<slug:slug>/wins/", views.board, name="board"),
    path("c/<slug:slug>/wins/all/", views.problem_list, name="problem-list"),
    path("c/<slug:slug>/wins/new/", views.problem_new, name="problem-new"),
    path("c/<slug:slug>/wins/stories/", views.stories, name="stories"),
    path("c/<slug:slug>/wins/<int:pk>/", views.problem_detail, name="problem-detail"),
    path("c/<slug:slug>/wins/<int:pk>/edit/", views.problem_edit, name="problem-edit"),
    path("c/<slug:slug>/wins/<int:pk>/delete/", views.problem_delete, name="problem-delete"),
    path("c/<slug:slug>/wins/<int:pk>/move/", views.problem_move, name="problem-move"),
    path("c/<slug:slug>/wins/<int:pk>/story/", views.problem_story, name="problem-story"),
    path("c/<slug:slug>/wins/<int:pk>/celebrate/", views.problem_celebrate, name="problem-celebrate"),
    path("c/<slug:slug>/wins/<int:pk>/roadblock/", views.problem_roadblock, name="problem-roadblock"),
    path(
        "c/<slug:slug>/wins/<int:pk>/roadblock/clear/",
        views.problem_roadblock_clear,
        name="problem-roadblock-clear",
    ),
    path("c/<slug:slug>/goals/<int:pk>/", readings.goal_detail, name="goal-detail"),
    path("c/<slug:slug>/goals/<int:pk>/import/", readings.goal_readings_import, name="goal-readings-import"),
    path(
        "c/<slug:slug>/goals/<int:pk>/import/example.csv",
        readings.goal_readings_import_example,
        name="goal-readings-import-example",
    ),
    path(
        "c/<slug:slug>/goals/<int:pk>/readings/<int:reading_pk>/delete/",
        readings.goal_reading_delete,
        name="goal-reading-delete",
    ),
    path("c/<slug:slug>/wins/recognise/<int:pk>/", views.nomination_act, name="nomination-act"),
    path("c/<slug:slug>/settings/", views.settings_general, name="settings"),
    *views.departments.urls("c/<slug:slug>/settings/departments/"),
    *views.goals.urls("c/<slug:slug>/settings/goals/"),
    path("c/<slug:slug>/settings/members/", views.member_list, name="settings-members"),
    path("c/<slug:slug>/settings/members/<int:pk>/role/", views.member_role, name="settings-members-role"),
    path("c/<slug:slug>/settings/members/<int:pk>/remove/", views.member_remove, name="settings-members-remove"),
    path("c/<slug:slug>/settings/channels/", channels.channel_list, name="settings-channels"),
    path("c/<slug:slug>/settings/channels/<int:pk>/", channels.channel_edit, name="settings-channels-edit"),
    path("c/<slug:slug>/settings/channels/<int:pk>/delete/", channels.channel_delete, name="settings-channels-delete"),
    path("c/<slug:slug>/settings/channels/<int:pk>/test/", channels.channel_test, name="settings-channels-test"),
    path("c/<slug:slug>/notifications/", notifications.notification_settings, name="notifications"),
    path("notifications/off/<str:token>/", notifications.notifications_off, name="notifications-off"),
    path("c/<slug:slug>/settings/audit/", views.audit_log, name="settings-audit"),
    path("c/<slug:slug>/settings/export/", views.campaign_export, name="settings-export"),
    path(
        "c/<slug:slug>/settings/export/<str:token>.zip",
        views.campaign_export_download,
        name="settings-export-download",
    ),
    path("c/<slug:slug>/settings/delete/", views.campaign_delete, name="settings-delete"),
    path("privacy/", privacy.privacy_home, name="privacy"),
    path("c/<slug:slug>/settings/retention/", privacy.retention_settings, name="settings-retention"),
    path("c/<slug:slug>/privacy/<str:kind>/<int:pk>/export/", privacy.person_export, name="privacy-export"),
    path("c/<slug:slug>/privacy/<str:kind>/<int:pk>/erase/", privacy.person_erase, name="privacy-erase"),
    path("c/<slug:slug>/privacy/jobs/<int:pk>/", privacy.job_status, name="privacy-job"),
    path("c/<slug:slug>/privacy/jobs/<int:pk>/download/<str:token>.zip", privacy.job_download, name="privacy-download"),
    path(
        "c/<slug:slug>/settings/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="settings-invitations-revoke",
    ),
]
