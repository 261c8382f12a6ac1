"""Scheduling a pack for a local date and time in each leader's own time zone, and beat handing it over once."""

from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from leadership.models import BriefingPack, Engagement, EngagementKind, PackDelivery
from leadership.services import pack_deliveries_dispatch_due, pack_send, pack_unschedule
from leadership.tasks import dispatch_due_pack_deliveries, requeue_stale_pack_deliveries, send_pack_delivery
from tests.factories import BriefingPackFactory, ClippingFactory, LeaderFactory

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
ON, AT = date(2026, 12, 7), time(8, 0)


def url(name, campaign, **kwargs):
    return reverse(f"leadership:{name}", kwargs={"slug": campaign.slug, **kwargs})


@pytest.fixture
def pack(campaign, champion):
    """A draft to a leader in Tokyo and one in New York."""
    pack = BriefingPackFactory(campaign=campaign, title="Wins this month", created_by=champion)
    pack.recipients.add(
        LeaderFactory(campaign=campaign, name="Aiko Tanaka", email="aiko@example.com", time_zone="Asia/Tokyo"),
        LeaderFactory(campaign=campaign, name="Nora Bell", email="nora@example.com", time_zone="America/New_York"),
    )
    return pack


def due_by_name(pack):
    return {d.leader.name: d.due_at for d in PackDelivery.objects.filter(pack=pack).select_related("leader")}


def test_each_leaders_delivery_is_due_at_the_chosen_hour_of_their_own_zone(
    pack, champion, tasks_enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pack_send(pack=pack, by=champion, send_on=ON, send_time=AT, now=NOW)
    assert due_by_name(pack) == {
        "Aiko Tanaka": datetime(2026, 12, 6, 23, 0, tzinfo=UTC),
        "Nora Bell": datetime(2026, 12, 7, 13, 0, tzinfo=UTC),
    }
    pack.refresh_from_db()
    assert pack.status == BriefingPack.Status.SCHEDULED
    assert set(PackDelivery.objects.values_list("status", flat=True)) == {"scheduled"}
    assert tasks_enqueued == []


def test_a_leader_without_a_zone_of_their_own_gets_the_campaigns(campaign, champion):
    campaign.time_zone = "Europe/Paris"
    campaign.save()
    leader = LeaderFactory(campaign=campaign)
    assert leader.time_zone == "Europe/Paris"
    pack = BriefingPackFactory(campaign=campaign)
    pack.recipients.add(leader)
    pack_send(pack=pack, by=champion, send_on=ON, send_time=AT, now=NOW)
    assert PackDelivery.objects.get().due_at == datetime(2026, 12, 7, 7, 0, tzinfo=UTC)


def test_beat_hands_each_delivery_over_when_it_is_due_there_and_only_once(
    pack, champion, tasks_enqueued, django_capture_on_commit_callbacks
):
    clipping = ClippingFactory(campaign=pack.campaign, title="How a rival lost its customers")
    pack.clippings.add(clipping)
    pack_send(pack=pack, by=champion, send_on=ON, send_time=AT, now=NOW)
    assert pack_deliveries_dispatch_due(now=datetime(2026, 12, 6, 22, 59, tzinfo=UTC)) == []

    tick = time_machine.travel(datetime(2026, 12, 6, 23, 1, tzinfo=UTC), tick=False)
    with tick, django_capture_on_commit_callbacks(execute=True):
        dispatch_due_pack_deliveries.run()
        dispatch_due_pack_deliveries.run()  # a second tick, or a second beat
    assert [d.leader.name for d in PackDelivery.objects.filter(status="queued")] == ["Aiko Tanaka"]
    assert len(tasks_enqueued) == 1
    pack.refresh_from_db()
    assert pack.status == BriefingPack.Status.SENT
    assert pack.sent_by == champion
    # The clipping is logged for the leader who has been sent it, not yet for the one still waiting.
    logged = Engagement.objects.filter(kind=EngagementKind.CLIPPING)
    assert [e.leader.name for e in logged] == ["Aiko Tanaka"]

    for _name, (pk,) in tasks_enqueued:
        send_pack_delivery.run(pk)
        send_pack_delivery.run(pk)
    assert [message.to for message in mail.outbox] == [["aiko@example.com"]]

    later = datetime(2026, 12, 7, 13, 0, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=True):
        assert len(pack_deliveries_dispatch_due(now=later)) == 1
        assert pack_deliveries_dispatch_due(now=later) == []
    for _name, (pk,) in tasks_enqueued[1:]:
        send_pack_delivery.run(pk)
    assert sorted(message.to[0] for message in mail.outbox) == ["aiko@example.com", "nora@example.com"]


def test_the_reaper_leaves_scheduled_deliveries_alone(pack, champion, settings, tasks_enqueued):
    pack_send(pack=pack, by=champion, send_on=ON, send_time=AT, now=NOW)
    PackDelivery.objects.update(created_at=datetime(2026, 11, 1, tzinfo=UTC))
    assert requeue_stale_pack_deliveries.run() == []
    assert set(PackDelivery.objects.values_list("status", flat=True)) == {"scheduled"}


def test_a_time_already_past_somewhere_is_refused_with_the_leaders_named(pack, champion):
    # At 12:00 UTC on 3 December it is 21:00 in Tokyo and 07:00 in New York: 08:00 that day has passed in Tokyo only.
    with pytest.raises(
        ValidationError, match=r"3 December 2026 at 08:00 has already passed for Aiko Tanaka \(Asia/Tokyo\)\. Choose"
    ):
        pack_send(pack=pack, by=champion, send_on=date(2026, 12, 3), send_time=AT, now=NOW)
    assert not PackDelivery.objects.exists()
    assert BriefingPack.objects.get().is_draft


@time_machine.travel(NOW, tick=False)
def test_scheduling_from_the_page_says_when_and_the_pack_shows_it(client_for, champion, campaign, pack):
    client = client_for(champion)
    data = {"when": "later", "send_on": "2026-12-07", "send_time": "08:00"}
    response = client.post(url("pack-send", campaign, pk=pack.pk), data, follow=True)
    said = "Scheduled “Wins this month” for 2 leader(s): 7 December 2026 at 08:00, each leader&#x27;s local time"
    assert said in response.text
    assert "Scheduled for 7 December 2026 at 08:00 (each leader's local time)" in response.text
    # Each leader's due time is shown in their own zone.
    assert response.text.count("Due 7 Dec 2026, 08:00") == 2
    assert "Unschedule to change it" in response.text
    listed = client.get(url("pack-list", campaign)).text
    assert "Scheduled</span> for 7 Dec 2026, 08:00" in listed


@time_machine.travel(NOW, tick=False)
def test_a_past_time_on_the_page_is_refused_next_to_the_form(client_for, champion, campaign, pack):
    data = {"when": "later", "send_on": "2026-12-01", "send_time": "08:00"}
    response = client_for(champion).post(url("pack-send", campaign, pk=pack.pk), data)
    assert response.status_code == 200
    assert "has already passed for" in response.text
    assert not PackDelivery.objects.exists()


def test_later_needs_a_date_and_a_time(client_for, champion, campaign, pack):
    response = client_for(champion).post(url("pack-send", campaign, pk=pack.pk), {"when": "later"})
    assert "Choose the date it goes." in response.text
    assert "Choose the time it goes." in response.text
    assert not PackDelivery.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_unscheduling_makes_it_a_draft_again_to_edit(client_for, champion, campaign, pack):
    pack_send(pack=pack, by=champion, send_on=ON, send_time=AT)
    client = client_for(champion)
    response = client.post(url("pack-compose", campaign, pk=pack.pk), {"title": "Changed"}, follow=True)
    assert "unschedule it to change it" in response.text
    response = client.post(url("pack-unschedule", campaign, pk=pack.pk), follow=True)
    assert "Unscheduled “Wins this month”: it is a draft again." in response.text
    pack.refresh_from_db()
    assert pack.is_draft and not PackDelivery.objects.exists()
    # The time asked for stays as the send form's suggestion.
    response = client.get(url("pack-send", campaign, pk=pack.pk))
    assert 'value="2026-12-07"' in response.text


def test_once_the_first_delivery_has_gone_it_cannot_be_unscheduled(pack, champion, tasks_enqueued):
    pack_send(pack=pack, by=champion, send_on=ON, send_time=AT, now=NOW)
    pack_deliveries_dispatch_due(now=datetime(2026, 12, 6, 23, 0, tzinfo=UTC))
    with pytest.raises(ValidationError, match="not scheduled"):
        pack_unschedule(pack=pack, by=champion)
    assert PackDelivery.objects.count() == 2


def test_unscheduling_undoes_itself_if_a_delivery_went_meanwhile(pack, champion):
    pack_send(pack=pack, by=champion, send_on=ON, send_time=AT, now=NOW)
    # Beat handed one over but the pack row still says scheduled (the race the service guards against).
    PackDelivery.objects.filter(leader__name="Aiko Tanaka").update(status="queued")
    with pytest.raises(ValidationError, match="already"):
        pack_unschedule(pack=pack, by=champion)
    assert PackDelivery.objects.count() == 2
    assert BriefingPack.objects.get().is_scheduled


def test_a_viewer_cannot_unschedule_and_another_campaigns_pack_is_404(
    client_for, viewer, outsider, campaign, pack, champion
):
    pack_send(pack=pack, by=champion, send_on=ON, send_time=AT, now=NOW)
    assert client_for(viewer).post(url("pack-unschedule", campaign, pk=pack.pk)).status_code == 403
    other = BriefingPackFactory(campaign=outsider.memberships.get().campaign)
    assert client_for(champion).post(url("pack-unschedule", campaign, pk=other.pk)).status_code == 404
    assert PackDelivery.objects.count() == 2


def test_the_leader_form_offers_and_checks_time_zones(client_for, champion, campaign):
    campaign.time_zone = "Europe/Lisbon"
    campaign.save()
    client = client_for(champion)
    response = client.get(url("leader-new", campaign))
    assert '<option value="Europe/Lisbon" selected>' in response.text
    data = {"name": "Ana Costa", "email": "ana@example.com", "level": "top", "stance": "neutral"}
    response = client.post(url("leader-new", campaign), {**data, "time_zone": "Mars/Olympus"})
    assert "Select a valid choice" in response.text
    client.post(url("leader-new", campaign), {**data, "time_zone": "Asia/Kolkata"})
    assert campaign.leaders.get().time_zone == "Asia/Kolkata"
