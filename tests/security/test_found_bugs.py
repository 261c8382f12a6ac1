"""Regression tests for what the security tests found in the product."""

from django.urls import reverse

from leadership.models import PackDelivery
from tests.factories import BriefingPackFactory, LeaderFactory

PAYLOAD = "<iframe src=javascript:alert('xss-frame')>"


def test_the_outbox_shows_an_emails_text_part_as_text_not_html(client_for, campaign, admin_user, champion):
    # The text part comes from a template rendered with autoescape off, so it is "safe" to Django: it must
    # still be escaped when a page shows it, or a champion's pack title runs as script in an admin's browser.
    pack = BriefingPackFactory(campaign=campaign, title=PAYLOAD, note=PAYLOAD, created_by=champion)
    delivery = PackDelivery.objects.create(pack=pack, leader=LeaderFactory(campaign=campaign, name=PAYLOAD))
    url = reverse("leadership:outbox-message", kwargs={"slug": campaign.slug, "kind": "pack", "pk": delivery.pk})
    body = client_for(admin_user).get(url).content.decode()
    assert "<iframe" not in body
    assert "&lt;iframe src=javascript:alert(&#x27;xss-frame&#x27;)&gt;" in body


def test_the_briefings_list_survives_a_pack_whose_author_was_deleted(client_for, campaign, admin_user):
    BriefingPackFactory(campaign=campaign, title="Orphaned pack", created_by=None)
    response = client_for(admin_user).get(reverse("leadership:pack-list", kwargs={"slug": campaign.slug}))
    assert response.status_code == 200
    assert "Orphaned pack" in response.content.decode()
