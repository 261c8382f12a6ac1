from django.contrib import admin
from django.urls import include, path

from campaign import views as campaign_views
from leadership.api import api as api_v1

urlpatterns = [
    path("healthz", campaign_views.healthz, name="healthz"),
    path("accounts/invitation/<str:token>/", campaign_views.invitation_accept, name="invitation-accept"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api_v1.urls),
    path("", include("campaign.urls")),
    path("", include("allies.urls")),
    path("", include("personas.urls")),
    path("", include("leadership.urls")),
]
