"""Django admin: the feedback and summaries models, with filters and search; token hashes never shown."""

import pytest
from django.urls import reverse

from tests.factories import (
    ApiTokenFactory,
    ExecutiveSummaryFactory,
    FeedbackFactory,
    FeedbackThemeFactory,
    LeaderFactory,
    SummaryDeliveryFactory,
    SummaryScheduleFactory,
    UserFactory,
)


@pytest.fixture
def staff_client(db, client):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_feedback_and_summary_models_are_in_django_admin_with_filters(staff_client, campaign, other_campaign):
    FeedbackFactory(campaign=campaign, summary="The parcel came two days late", external_id="HD-77")
    FeedbackThemeFactory(campaign=campaign, name="Delivery")
    SummaryScheduleFactory(campaign=campaign)
    summary = ExecutiveSummaryFactory(campaign=campaign)
    SummaryDeliveryFactory(summary=summary, leader=LeaderFactory(campaign=campaign, name="Helen Osei"))
    ApiTokenFactory(campaign=campaign)
    for model in ("feedback", "feedbacktheme", "apitoken", "summaryschedule", "executivesummary", "summarydelivery"):
        response = staff_client.get(reverse(f"admin:leadership_{model}_changelist"))
        assert response.status_code == 200, model
        assert 'id="changelist-filter"' in response.text, model
    assert "two days late" in staff_client.get(reverse("admin:leadership_feedback_changelist"), {"q": "HD-77"}).text
    found = staff_client.get(reverse("admin:leadership_summarydelivery_changelist"), {"q": "osei"})
    assert "Helen Osei" in found.text


def test_a_summary_in_django_admin_shows_its_deliveries_inline(staff_client, campaign):
    summary = ExecutiveSummaryFactory(campaign=campaign)
    SummaryDeliveryFactory(summary=summary, leader=LeaderFactory(campaign=campaign, name="Helen Osei"))
    response = staff_client.get(reverse("admin:leadership_executivesummary_change", args=[summary.pk]))
    assert response.status_code == 200
    assert "Summary deliveries" in response.text
    assert "Helen Osei" in response.text


def test_django_admin_never_shows_an_api_tokens_hash(staff_client, campaign):
    token = ApiTokenFactory(campaign=campaign)
    change = staff_client.get(reverse("admin:leadership_apitoken_change", args=[token.pk]))
    listing = staff_client.get(reverse("admin:leadership_apitoken_changelist"))
    assert change.status_code == 200
    assert token.token_hash not in change.text
    assert token.token_hash not in listing.text
    assert token.hint in listing.text
    assert staff_client.get(reverse("admin:leadership_apitoken_add")).status_code == 403


def test_summary_test_copies_are_in_django_admin_read_only(staff_client, campaign, admin_user):
    from leadership.services import summary_test_copy_create

    SummaryScheduleFactory(campaign=campaign)
    copy = summary_test_copy_create(campaign=campaign, user=admin_user)
    listing = staff_client.get(reverse("admin:leadership_summarytestcopy_changelist"), {"q": admin_user.email})
    assert listing.status_code == 200 and admin_user.email in listing.text
    assert 'id="changelist-filter"' in listing.text
    assert staff_client.get(reverse("admin:leadership_summarytestcopy_change", args=[copy.pk])).status_code == 200
    assert staff_client.get(reverse("admin:leadership_summarytestcopy_add")).status_code == 403
