from django.urls import reverse

from campaign.links import url_maker
from tests.factories import CampaignFactory


def test_a_url_maker_gives_what_reverse_gives_even_when_the_slug_holds_the_marks_digits(db):
    for slug in ("northwind", "c-987654321", "987654321"):
        campaign = CampaignFactory(slug=slug)
        for name in ("campaign:problem-detail", "campaign:problem-move", "leadership:feedback-update"):
            url = url_maker(name, campaign)
            for pk in (1, 42, 987654321):
                assert url(pk) == reverse(name, kwargs={"slug": slug, "pk": pk})
