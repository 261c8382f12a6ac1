from django.urls import path

from campaign import views

app_name = "campaign"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("campaigns/new/", views.campaign_new, name="new"),
    path("c/<slug:slug>/", views.home, name="home"),
    path("c/<slug:slug>/golden-circle/", views.golden_circle, name="golden-circle"),
    path("c/<slug:slug>/golden-circle/edit/", views.golden_circle_edit, name="golden-circle-edit"),
    path("c/<slug:slug>/settings/", views.settings_general, name="settings"),
    path("c/<slug:slug>/settings/departments/", views.department_list, name="settings-departments"),
    path("c/<slug:slug>/settings/departments/<int:pk>/", views.department_row, name="settings-departments-row"),
    path("c/<slug:slug>/settings/departments/<int:pk>/edit/", views.department_edit, name="settings-departments-edit"),
    path(
        "c/<slug:slug>/settings/departments/<int:pk>/delete/",
        views.department_delete,
        name="settings-departments-delete",
    ),
    path("c/<slug:slug>/settings/goals/", views.goal_list, name="settings-goals"),
    path("c/<slug:slug>/settings/goals/<int:pk>/", views.goal_row, name="settings-goals-row"),
    path("c/<slug:slug>/settings/goals/<int:pk>/edit/", views.goal_edit, name="settings-goals-edit"),
    path("c/<slug:slug>/settings/goals/<int:pk>/delete/", views.goal_delete, name="settings-goals-delete"),
    path("c/<slug:slug>/settings/members/", views.member_list, name="settings-members"),
    path("c/<slug:slug>/settings/members/<int:pk>/role/", views.member_role, name="settings-members-role"),
    path("c/<slug:slug>/settings/members/<int:pk>/remove/", views.member_remove, name="settings-members-remove"),
    path(
        "c/<slug:slug>/settings/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="settings-invitations-revoke",
    ),
]
