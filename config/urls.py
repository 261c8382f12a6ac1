from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from campaign import signin
from campaign import views as campaign_views
from leadership.api import api as api_v1

urlpatterns = [
    path("healthz", campaign_views.healthz, name="healthz"),
    path("accounts/invitation/<str:token>/", campaign_views.invitation_accept, name="invitation-accept"),
    # Company sign-in (campaign.signin, campaign.sso): these win over django.contrib.auth's login and logout.
    path("accounts/login/", signin.LoginView.as_view(), name="login"),
    path("accounts/logout/", signin.sign_out, name="logout"),
    path("accounts/login/code/", signin.mfa_verify, name="signin-mfa"),
    path("accounts/two-factor/", signin.mfa_setup, name="signin-mfa-setup"),
    path("accounts/no-campaign/", signin.no_campaign, name="signin-no-campaign"),
    path("accounts/sso/<str:provider_id>/start/", signin.sso_start, name="signin-sso-start"),
    # Only the identity providers' addresses of allauth (and the error pages they lead to), not its account pages.
    path("accounts/", include("allauth.socialaccount.providers.openid_connect.urls")),
    path("accounts/", include("allauth.socialaccount.providers.saml.urls")),
    path("accounts/sso/cancelled/", signin.sso_cancelled, name="socialaccount_login_cancelled"),
    path("accounts/sso/error/", signin.sso_error, name="socialaccount_login_error"),
    # An account is only ever made automatically at first sign-in; allauth's sign-up form is not offered.
    path("accounts/sso/signup/", signin.sso_error, name="socialaccount_signup"),
    path("accounts/", include("django.contrib.auth.urls")),
    # The admin's own login form would go round the second factor and PASSWORD_LOGIN.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
    path("api/v1/", api_v1.urls),
    path("", include("campaign.urls")),
    path("", include("allies.urls")),
    path("", include("personas.urls")),
    path("", include("leadership.urls")),
]
