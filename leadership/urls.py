from django.urls import path

from leadership.views import feedback, summaries, summary_public

app_name = "leadership"

urlpatterns = [
    path("c/<slug:slug>/feedback/", feedback.feedback_list, name="feedback-list"),
    path("c/<slug:slug>/feedback/import/", feedback.feedback_import, name="feedback-import"),
    path(
        "c/<slug:slug>/feedback/import/example.csv", feedback.feedback_import_template, name="feedback-import-example"
    ),
    path("c/<slug:slug>/feedback/<int:pk>/edit/", feedback.feedback_edit, name="feedback-edit"),
    path("c/<slug:slug>/feedback/<int:pk>/update/", feedback.feedback_update, name="feedback-update"),
    path("c/<slug:slug>/feedback/<int:pk>/story/", feedback.feedback_story, name="feedback-story"),
    *feedback.themes.urls("c/<slug:slug>/settings/feedback-themes/"),
    path("c/<slug:slug>/settings/api-tokens/", feedback.api_token_list, name="settings-api-tokens"),
    path(
        "c/<slug:slug>/settings/api-tokens/<int:pk>/revoke/",
        feedback.api_token_revoke,
        name="settings-api-tokens-revoke",
    ),
    path("c/<slug:slug>/settings/summaries/", summaries.schedule_edit, name="settings-summaries"),
    path("c/<slug:slug>/summaries/", summaries.summary_list, name="summary-list"),
    path("c/<slug:slug>/summaries/preview/", summaries.summary_preview, name="summary-preview"),
    path("c/<slug:slug>/summaries/<int:pk>/", summaries.summary_detail, name="summary-detail"),
    path("c/<slug:slug>/summaries/<int:pk>/send-test/", summaries.summary_test, name="summary-test"),
    path("c/<slug:slug>/summaries/<int:pk>/retry-failed/", summaries.summary_retry, name="summary-retry"),
    # Leaders' pages: no account, the signed token is the key.
    path("s/<str:token>/", summary_public.summary_web, name="summary-web"),
    path("s/<str:token>/unsubscribe/", summary_public.summary_unsubscribe, name="summary-unsubscribe"),
]
