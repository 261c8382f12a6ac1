"""Opening a pack's web version is recorded per delivery; the leader page and the leaders list show who reads."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from leadership import signing
from leadership.models import PackDelivery, SummaryDelivery
from tests.factories import BriefingPackFactory, ExecutiveSummaryFactory, LeaderFactory


def url(name, campaign, **kwargs):
    return reverse(f"leadership:{name}", kwargs={"slug": campaign.slug, **kwargs})


def sent_pack_to(leader, *, days_ago=1, opened=False, title=None):
    pack = BriefingPackFactory(campaign=leader.campaign, status="sent", **({"title": title} if title else {}))
    when = timezone.now() - timedelta(days=days_ago)
    return PackDelivery.objects.create(
        pack=pack, leader=leader, status="sent", sent_at=when, opened_at=when if opened else None
    )


@pytest.fixture
def delivery(campaign):
    return sent_pack_to(LeaderFactory(campaign=campaign, name="Rupert Vance"), title="Wins this month")


def test_a_leader_opening_the_web_version_is_counted_the_first_time_kept(client, delivery):
    link = signing.pack_web_url(delivery)
    assert client.get(link).status_code == 200
    delivery.refresh_from_db()
    first = delivery.opened_at
    assert first is not None and delivery.open_count == 1
    client.get(link)
    delivery.refresh_from_db()
    assert (delivery.opened_at, delivery.open_count) == (first, 2)
    assert delivery.last_opened_at >= first


def test_a_signed_in_member_opening_the_link_is_not_the_leader(client_for, champion, delivery):
    client_for(champion).get(signing.pack_web_url(delivery))
    delivery.refresh_from_db()
    assert delivery.opened_at is None and delivery.open_count == 0


def test_a_tampered_link_records_nothing(client, delivery):
    assert client.get(signing.pack_web_url(delivery) + "x").status_code == 404
    assert PackDelivery.objects.get().open_count == 0


def test_the_pack_page_and_the_leader_page_say_what_was_opened_and_when(client_for, champion, campaign, delivery):
    client = client_for(champion)
    assert "Not yet" in client.get(delivery.pack.get_absolute_url()).text
    PackDelivery.objects.filter(pk=delivery.pk).update(
        opened_at=timezone.now(), open_count=3, last_opened_at=timezone.now()
    )
    assert "3 times" in client.get(delivery.pack.get_absolute_url()).text
    page = client.get(delivery.leader.get_absolute_url()).text
    assert "What they were sent, and opened" in page
    assert "Wins this month" in page and "3 times" in page
    assert "1 sent, 1 opened" in page


def test_a_leader_sent_nothing_has_an_empty_reading_list(client_for, champion, campaign):
    leader = LeaderFactory(campaign=campaign, name="Nora Bell")
    assert "Nothing sent to Nora Bell yet" in client_for(champion).get(leader.get_absolute_url()).text


def test_leaders_who_never_open_anything_are_flagged_and_filtered(client_for, viewer, campaign):
    reader = LeaderFactory(campaign=campaign, name="Alma Reads")
    sent_pack_to(reader)
    sent_pack_to(reader, opened=True)
    silent = LeaderFactory(campaign=campaign, name="Bruno Silent")
    sent_pack_to(silent)
    SummaryDelivery.objects.create(
        summary=ExecutiveSummaryFactory(campaign=campaign),
        leader=silent,
        status="sent",
        sent_at=timezone.now() - timedelta(days=3),
    )
    once = LeaderFactory(campaign=campaign, name="Cleo Once")
    sent_pack_to(once)
    old = LeaderFactory(campaign=campaign, name="Dov Old")
    sent_pack_to(old, days_ago=120)
    sent_pack_to(old, days_ago=100)

    client = client_for(viewer)
    page = client.get(url("leader-list", campaign)).text
    rows = {name: page.split(name)[1][:200] for name in ("Alma Reads", "Bruno Silent", "Cleo Once", "Dov Old")}
    assert ["Never opens" in row for row in rows.values()] == [False, True, False, False]
    filtered = client.get(url("leader-list", campaign), {"reading": "never"}).text
    assert "Bruno Silent" in filtered and "Alma Reads" not in filtered and "Cleo Once" not in filtered
    assert "Never open what we send" in filtered


def test_the_filter_has_an_empty_state(client_for, champion, campaign):
    LeaderFactory(campaign=campaign)
    page = client_for(champion).get(url("leader-list", campaign), {"reading": "never"}).text
    assert "without opening any of them" in page


def test_the_leaders_list_reads_in_fixed_queries_with_many_leaders_and_deliveries(
    client_for, champion, campaign, django_assert_max_num_queries
):
    leaders = LeaderFactory.create_batch(30, campaign=campaign)
    packs = BriefingPackFactory.create_batch(5, campaign=campaign, status="sent")
    now = timezone.now()
    PackDelivery.objects.bulk_create(
        PackDelivery(pack=pack, leader=leader, status="sent", sent_at=now) for pack in packs for leader in leaders
    )
    client = client_for(champion)
    with django_assert_max_num_queries(12):
        response = client.get(url("leader-list", campaign))
    assert response.text.count("Never opens") == 25
    with django_assert_max_num_queries(12):
        client.get(url("leader-list", campaign), {"reading": "never", "page": 2})
    with django_assert_max_num_queries(16):
        page = client.get(leaders[0].get_absolute_url()).text
    assert "5 sent, 0 opened" in page
