"""
Celebrated wins with photos reach leaders: the next executive summary shows them (its shared part,
rendered once per batch, links each photo through a signed address rather than attaching it), and a pack
carrying the story shows its photo. A photo without consent goes nowhere.
"""

from datetime import UTC, date, datetime

import pytest
from django.core import mail
from django.core.files.base import ContentFile

from leadership.emails import summary_delivery_builder
from leadership.models import RecognitionMoment, SummaryDelivery
from leadership.models.summaries import Period
from leadership.services import pack_send, summary_create_for_period
from leadership.tasks import send_pack_delivery
from tests.factories import BriefingPackFactory, LeaderFactory, ServiceProblemFactory, SummaryScheduleFactory

PERIOD = Period(start=date(2026, 11, 9), end=date(2026, 11, 16), due_at=datetime(2026, 11, 16, 8, tzinfo=UTC))


def held_moment(campaign, *, consent=True, held_on=date(2026, 11, 12), title="Refunds in one day"):
    story = ServiceProblemFactory(campaign=campaign, title=title, status="won", won_on=date(2026, 11, 2))
    leader = LeaderFactory(campaign=campaign, name="Helen Ford")
    moment = RecognitionMoment.objects.create(
        campaign=campaign,
        story=story,
        leader=leader,
        starts_at=datetime(2026, 11, 12, 10, tzinfo=UTC),
        place="Refunds desk",
        speech="Thanks",
        status="held",
        held_on=held_on,
        quote="Nobody had ever come down to see us.",
        photo_consent=consent,
    )
    moment.photo.save("photo.jpg", ContentFile(b"\xff\xd8 jpeg"), save=False)
    moment.thumbnail.save("thumb.jpg", ContentFile(b"\xff\xd8 thumb"), save=False)
    moment.save()
    return moment


def test_the_summary_of_the_period_shows_the_celebrated_win_with_a_signed_photo_link(campaign, tasks_enqueued):
    schedule = SummaryScheduleFactory(campaign=campaign)
    moment = held_moment(campaign)
    held_moment(campaign, consent=False, title="Secret win")
    LeaderFactory.create_batch(2, campaign=campaign)
    summary = summary_create_for_period(schedule=schedule, period=PERIOD)
    assert [item["moment_id"] for item in summary.snapshot["celebrations"]] == [moment.pk]
    build = summary_delivery_builder()
    messages = [build(delivery) for delivery in SummaryDelivery.objects.filter(summary=summary)]
    for message in messages:
        html = next(content for content, mimetype in message.alternatives if mimetype == "text/html")
        assert "Wins celebrated in person" in html
        assert "/l/photo/" in html and "Nobody had ever come down to see us." in html
        assert "/l/photo/" in message.body
        assert "Secret win" not in html
        assert not message.attachments  # a link, not an attachment to every copy


def test_a_pack_with_a_celebrated_story_shows_its_photo(campaign, champion):
    moment = held_moment(campaign)
    pack = BriefingPackFactory(campaign=campaign, created_by=champion)
    pack.recipients.add(LeaderFactory(campaign=campaign))
    pack.stories.add(moment.story)
    pack_send(pack=pack, by=champion)
    send_pack_delivery.run(pack.deliveries.get().pk)
    html = next(content for content, mimetype in mail.outbox[0].alternatives if mimetype == "text/html")
    assert "/l/photo/" in html
    assert "Nobody had ever come down to see us." in mail.outbox[0].body


@pytest.mark.parametrize("consent", [False])
def test_a_pack_story_whose_photo_has_no_consent_shows_none(campaign, champion, consent):
    moment = held_moment(campaign, consent=consent)
    pack = BriefingPackFactory(campaign=campaign, created_by=champion)
    pack.recipients.add(LeaderFactory(campaign=campaign))
    pack.stories.add(moment.story)
    pack_send(pack=pack, by=champion)
    send_pack_delivery.run(pack.deliveries.get().pk)
    assert "/l/photo/" not in mail.outbox[0].body
