from django.urls import path

from leadership.feedback import views as feedback
from leadership.views import approvals, briefings, leaders, outbox, public, summaries

app_name = "leadership"

C = "c/<slug:slug>/"

urlpatterns = [
    path(f"{C}leaders/", leaders.leader_list, name="leader-list"),
    path(f"{C}leaders/new/", leaders.leader_new, name="leader-new"),
    path(f"{C}leaders/<int:pk>/", leaders.leader_detail, name="leader-detail"),
    path(f"{C}leaders/<int:pk>/edit/", leaders.leader_edit, name="leader-edit"),
    path(f"{C}leaders/<int:pk>/delete/", leaders.leader_delete, name="leader-delete"),
    path(f"{C}leaders/<int:pk>/leads-with/", leaders.leader_leads_with, name="leader-leads-with"),
    path(f"{C}leaders/<int:pk>/engagements/", leaders.engagement_add, name="engagement-add"),
    path(
        f"{C}leaders/<int:pk>/engagements/<int:engagement_pk>/delete/",
        leaders.engagement_delete,
        name="engagement-delete",
    ),
    path(f"{C}leaders/objections/", leaders.objection_list, name="objection-list"),
    path(f"{C}leaders/objections/<int:pk>/edit/", leaders.objection_edit, name="objection-edit"),
    path(f"{C}leaders/objections/<int:pk>/delete/", leaders.objection_delete, name="objection-delete"),
    path(f"{C}leaders/clippings/", leaders.clipping_list, name="clipping-list"),
    path(f"{C}leaders/clippings/<int:pk>/edit/", leaders.clipping_edit, name="clipping-edit"),
    path(f"{C}leaders/clippings/<int:pk>/delete/", leaders.clipping_delete, name="clipping-delete"),
    path(f"{C}leaders/visits/", leaders.visit_list, name="visit-list"),
    path(f"{C}leaders/visits/new/", leaders.visit_new, name="visit-new"),
    path(f"{C}leaders/visits/<int:pk>/", leaders.visit_detail, name="visit-detail"),
    path(f"{C}leaders/visits/<int:pk>/edit/", leaders.visit_edit, name="visit-edit"),
    path(f"{C}leaders/visits/<int:pk>/delete/", leaders.visit_delete, name="visit-delete"),
    path(f"{C}leaders/visits/apply/<int:pk>/promote/", leaders.visit_action_promote, name="visit-action-promote"),
    path(f"{C}briefings/", briefings.pack_list, name="pack-list"),
    path(f"{C}briefings/<int:pk>/", briefings.pack_compose, name="pack-compose"),
    path(f"{C}briefings/<int:pk>/preview/", briefings.pack_preview, name="pack-preview"),
    path(f"{C}briefings/<int:pk>/send/", briefings.pack_send, name="pack-send"),
    path(f"{C}briefings/<int:pk>/review/", approvals.pack_review, name="pack-review"),
    path(f"{C}briefings/<int:pk>/approve/", approvals.pack_approve, name="pack-approve"),
    path(f"{C}briefings/<int:pk>/send-back/", approvals.pack_send_back, name="pack-send-back"),
    path(f"{C}briefings/<int:pk>/withdraw/", approvals.pack_withdraw, name="pack-withdraw"),
    path(f"{C}briefings/<int:pk>/unschedule/", approvals.pack_unschedule, name="pack-unschedule"),
    path(f"{C}briefings/<int:pk>/print/", briefings.pack_print, name="pack-print"),
    path(f"{C}briefings/<int:pk>/delete/", briefings.pack_delete, name="pack-delete"),
    path(f"{C}briefings/invitations/", briefings.event_list, name="event-list"),
    path(f"{C}briefings/invitations/<int:pk>/delete/", briefings.event_delete, name="event-delete"),
    path(f"{C}outbox/", outbox.outbox_list, name="outbox-list"),
    path(f"{C}outbox/<slug:kind>/<int:pk>/", outbox.outbox_message, name="outbox-message"),
    path(f"{C}outbox/<slug:kind>/<int:pk>/html/", outbox.outbox_message_html, name="outbox-message-html"),
    # Leaders' own pages: no login, a signed token instead (leadership.signing).
    path("l/briefing/<str:token>/", public.pack_web, name="pack-web"),
    path("l/answer/<str:token>/", public.event_answer, name="event-answer"),
    path(f"{C}feedback/", feedback.feedback_list, name="feedback-list"),
    path(f"{C}feedback/import/", feedback.feedback_import, name="feedback-import"),
    path(f"{C}feedback/import/example.csv", feedback.feedback_import_template, name="feedback-import-example"),
    path(f"{C}feedback/<int:pk>/edit/", feedback.feedback_edit, name="feedback-edit"),
    path(f"{C}feedback/<int:pk>/update/", feedback.feedback_update, name="feedback-update"),
    path(f"{C}feedback/<int:pk>/story/", feedback.feedback_story, name="feedback-story"),
    path(f"{C}feedback/<int:pk>/feature/", feedback.feedback_feature, name="feedback-feature"),
    *feedback.themes.urls(f"{C}settings/feedback-themes/"),
    path(f"{C}settings/api-tokens/", feedback.api_token_list, name="settings-api-tokens"),
    path(
        f"{C}settings/api-tokens/<int:pk>/revoke/",
        feedback.api_token_revoke,
        name="settings-api-tokens-revoke",
    ),
    path(f"{C}settings/summaries/", summaries.schedule_edit, name="settings-summaries"),
    path(f"{C}summaries/", summaries.summary_list, name="summary-list"),
    path(f"{C}summaries/preview/", summaries.summary_preview, name="summary-preview"),
    path(f"{C}summaries/preview/send-test/", summaries.summary_preview_test, name="summary-preview-test"),
    path(f"{C}summaries/<int:pk>/", summaries.summary_detail, name="summary-detail"),
    path(f"{C}summaries/<int:pk>/send-test/", summaries.summary_test, name="summary-test"),
    path(f"{C}summaries/<int:pk>/retry-failed/", summaries.summary_retry, name="summary-retry"),
    # Leaders' pages: no account, the signed token is the key.
    path("s/<str:token>/", public.summary_web, name="summary-web"),
    path("s/<str:token>/unsubscribe/", public.summary_unsubscribe, name="summary-unsubscribe"),
    # A member's test copy of a summary: the same pages, acting on the copy only.
    path("s/test/<str:token>/", public.summary_test_web, name="summary-test-web"),
    path("s/test/<str:token>/unsubscribe/", public.summary_test_unsubscribe, name="summary-test-unsubscribe"),
]
