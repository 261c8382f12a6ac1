"""The feedback and summaries pages in the role × page matrix (tests/campaign/test_access_matrix.py)."""

from campaign.models import Role
from leadership.models.feedback import Status
from tests.factories import ApiTokenFactory, ExecutiveSummaryFactory, FeedbackFactory, FeedbackThemeFactory
from tests.matrix import Page


def _feedback(campaign):
    return {"pk": FeedbackFactory(campaign=campaign).pk}


def _resolved(campaign):
    return {"pk": FeedbackFactory(campaign=campaign, status=Status.RESOLVED, resolved_on="2026-01-10").pk}


def _compliment(campaign):
    return {"pk": FeedbackFactory(campaign=campaign, kind="compliment", severity="").pk}


def _theme(campaign):
    return {"pk": FeedbackThemeFactory(campaign=campaign).pk}


def _token(campaign):
    return {"pk": ApiTokenFactory(campaign=campaign).pk}


def _summary(campaign):
    return {"pk": ExecutiveSummaryFactory(campaign=campaign).pk}


PAGES = {
    "leadership:feedback-list": Page(Role.VIEWER, Role.CHAMPION),
    "leadership:feedback-import": Page(Role.CHAMPION, Role.CHAMPION),
    "leadership:feedback-import-example": Page(Role.VIEWER, None),
    "leadership:feedback-edit": Page(Role.CHAMPION, Role.CHAMPION, _feedback),
    "leadership:feedback-update": Page(None, Role.CHAMPION, _feedback),
    "leadership:feedback-story": Page(Role.CHAMPION, Role.CHAMPION, _resolved),
    "leadership:feedback-feature": Page(None, Role.CHAMPION, _compliment),
    "leadership:settings-feedback-themes": Page(Role.ADMIN, Role.ADMIN),
    "leadership:settings-feedback-themes-row": Page(Role.ADMIN, None, _theme),
    "leadership:settings-feedback-themes-edit": Page(Role.ADMIN, Role.ADMIN, _theme),
    "leadership:settings-feedback-themes-delete": Page(Role.ADMIN, Role.ADMIN, _theme),
    "leadership:settings-api-tokens": Page(Role.ADMIN, Role.ADMIN),
    "leadership:settings-api-tokens-revoke": Page(Role.ADMIN, Role.ADMIN, _token),
    "leadership:settings-summaries": Page(Role.ADMIN, Role.ADMIN),
    "leadership:summary-list": Page(Role.VIEWER, None),
    "leadership:summary-preview": Page(Role.VIEWER, None),
    "leadership:summary-detail": Page(Role.VIEWER, None, _summary),
    "leadership:summary-preview-test": Page(None, Role.CHAMPION),
    "leadership:summary-test": Page(None, Role.CHAMPION, _summary),
    "leadership:summary-retry": Page(None, Role.ADMIN, _summary),
}
