"""A leader's engagement: "last engaged" from past moments only, celebrations logged, answers to invitations."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from campaign.fragments import days_ago as engaged_ago
from campaign.models import ServiceProblem
from leadership import services
from leadership.models import BriefingPack, Engagement, Leader, PackDelivery
from tests.factories import (
    BriefingPackFactory,
    EngagementFactory,
    EventFactory,
    LeaderFactory,
    ServiceProblemFactory,
)


def url(name, campaign, **kwargs):
    return reverse(f"leadership:{name}", kwargs={"slug": campaign.slug, **kwargs})


def won_problem(campaign, **fields):
    return ServiceProblemFactory(
        campaign=campaign,
        status=ServiceProblem.Status.WON,
        story_what="Did it",
        story_before="slow",
        story_after="fast",
        won_on=timezone.localdate() - timedelta(days=3),
        **fields,
    )


# --- Last engaged ----------------------------------------------------------------------------------


def test_an_accepted_invitation_still_to_come_is_not_the_last_engagement(client_for, viewer, campaign):
    today = timezone.localdate()
    leader = LeaderFactory(campaign=campaign, name="Margaret Hale")
    EngagementFactory(leader=leader, happened_on=today - timedelta(days=3))
    services.event_answer(event=EventFactory(campaign=campaign), leader=leader, accepted=True)
    response = client_for(viewer).get(url("leader-list", campaign))
    assert response.context["page"].object_list[0].last_engaged == today - timedelta(days=3)
    assert "(3\xa0days ago)" in response.text
    assert "0 minutes" not in response.text
    detail = client_for(viewer).get(url("leader-detail", campaign, pk=leader.pk))
    assert f"<strong>Last engaged:</strong> {(today - timedelta(days=3)):%-d %B %Y}" in detail.text


def test_a_leader_whose_only_engagement_is_still_to_come_was_never_engaged(client_for, viewer, campaign):
    leader = LeaderFactory(campaign=campaign)
    EngagementFactory(leader=leader, happened_on=timezone.localdate() + timedelta(days=9), outcome="accepted")
    response = client_for(viewer).get(url("leader-list", campaign))
    assert response.context["page"].object_list[0].last_engaged is None
    assert "Never" in response.text
    quiet = client_for(viewer).get(url("leader-list", campaign), {"quiet": "30"})
    assert [row.pk for row in quiet.context["page"].object_list] == [leader.pk]


def test_an_engagement_today_is_today_not_hours_since_midnight(client_for, viewer, campaign):
    leader = LeaderFactory(campaign=campaign)
    with time_machine.travel(datetime(2026, 11, 20, 15, 30, tzinfo=UTC), tick=False):
        EngagementFactory(leader=leader, happened_on=timezone.localdate())
        response = client_for(viewer).get(url("leader-list", campaign))
    assert "(today)" in response.text
    assert "hours" not in response.text


def test_last_engaged_reads_in_whole_days(campaign):
    today = timezone.localdate()
    assert engaged_ago(today, today) == "today"
    assert engaged_ago(today - timedelta(days=1), today) == "yesterday"
    assert engaged_ago(today - timedelta(days=5), today) == "5\xa0days ago"
    assert engaged_ago(today - timedelta(days=40), today) == "1\xa0month ago"


def test_last_engaged_counts_days_in_the_campaigns_time_zone(client_for, viewer, campaign):
    campaign.time_zone = "Pacific/Auckland"
    campaign.save()
    leader = LeaderFactory(campaign=campaign)
    # 20 November 23:00 UTC is already 21 November in Auckland: an engagement on the 21st has happened.
    with time_machine.travel(datetime(2026, 11, 20, 23, 0, tzinfo=UTC), tick=False):
        EngagementFactory(leader=leader, happened_on=datetime(2026, 11, 21).date())
        response = client_for(viewer).get(url("leader-list", campaign))
    assert response.context["page"].object_list[0].last_engaged == datetime(2026, 11, 21).date()
    assert "(today)" in response.text


# --- Celebrations ----------------------------------------------------------------------------------


def test_a_recorded_celebration_reaches_the_leaders_engagement_log(client_for, champion, campaign):
    problem = won_problem(campaign, title="Invoices out in a day")
    leader = LeaderFactory(campaign=campaign)
    day = timezone.localdate() - timedelta(days=2)
    data = {"celebration": "handshake", "celebrated_on": day.isoformat(), "celebrated_by": leader.pk}
    client = client_for(champion)
    client.post(reverse("campaign:problem-celebrate", kwargs={"slug": campaign.slug, "pk": problem.pk}), data)
    engagement = Engagement.objects.get()
    assert (engagement.leader, engagement.kind, engagement.recognition) == (leader, "recognition", "handshake")
    assert (engagement.happened_on, engagement.outcome, engagement.problem) == (day, "attended", problem)
    assert engagement.recorded_by == champion
    page = client.get(url("leader-detail", campaign, pk=leader.pk)).text
    assert "Invoices out in a day" in page.split('id="engagement-log"')[1]
    assert Leader.objects.for_list(campaign).get().last_engaged == day


def test_recording_a_celebration_again_updates_its_log_entry_instead_of_adding_one(client_for, champion, campaign):
    problem = won_problem(campaign)
    first, second = LeaderFactory(campaign=campaign), LeaderFactory(campaign=campaign)
    celebrate = reverse("campaign:problem-celebrate", kwargs={"slug": campaign.slug, "pk": problem.pk})
    client = client_for(champion)
    client.post(celebrate, {"celebration": "photo", "celebrated_on": "2026-11-05", "celebrated_by": first.pk})
    client.post(celebrate, {"celebration": "speech", "celebrated_on": "2026-11-06", "celebrated_by": second.pk})
    engagement = Engagement.objects.get()
    assert (engagement.leader, engagement.recognition, str(engagement.happened_on)) == (second, "speech", "2026-11-06")
    client.post(celebrate, {"celebration": "visit", "celebrated_on": "2026-11-06", "celebrated_by": ""})
    assert not Engagement.objects.exists()


# --- Answers to invitations ------------------------------------------------------------------------


def _send_pack_with(campaign, event, leaders):
    pack = BriefingPackFactory(campaign=campaign, status=BriefingPack.Status.SENT)
    pack.events.add(event)
    pack.recipients.set(leaders)
    PackDelivery.objects.bulk_create(PackDelivery(pack=pack, leader=leader) for leader in leaders)
    return pack


def test_each_invitation_lists_who_accepted_declined_or_has_not_answered(client_for, viewer, campaign):
    event = EventFactory(campaign=campaign, title="Trade breakfast")
    ana, bo, cy = (LeaderFactory(campaign=campaign, name=name) for name in ("Ana Accepts", "Bo Declines", "Cy Quiet"))
    _send_pack_with(campaign, event, [ana, bo, cy])
    services.event_answer(event=event, leader=ana, accepted=True)
    services.event_answer(event=event, leader=bo, accepted=False)
    EventFactory(campaign=campaign, title="Not sent yet")
    text = client_for(viewer).get(url("event-list", campaign)).text
    rows = {row.split("<strong>")[1].split("</strong>")[0]: row for row in text.split('<li class="row">')[1:]}
    sent = rows["Trade breakfast"]
    assert "Accepted (1): Ana Accepts" in sent
    assert "Declined (1): Bo Declines" in sent
    assert "No answer yet (1): Cy Quiet" in sent
    assert "Not sent to any leader yet" in rows["Not sent yet"]


def test_the_invitations_page_holds_its_query_count_with_many_answers(
    client_for, viewer, campaign, django_assert_max_num_queries
):
    leaders = [LeaderFactory(campaign=campaign) for _ in range(12)]
    for n in range(30):
        event = EventFactory(campaign=campaign)
        _send_pack_with(campaign, event, leaders)
        for leader in leaders[: n % 12]:
            services.event_answer(event=event, leader=leader, accepted=n % 2 == 0)
    client = client_for(viewer)
    with django_assert_max_num_queries(9):
        response = client.get(url("event-list", campaign))
    assert response.status_code == 200
    assert "No answer yet" in response.text


def test_another_campaigns_answers_stay_off_the_invitations_page(client_for, viewer, campaign, other_campaign):
    event = EventFactory(campaign=campaign, title="Ours")
    ours = LeaderFactory(campaign=campaign, name="Our Leader")
    _send_pack_with(campaign, event, [ours])
    theirs = EventFactory(campaign=other_campaign, title="Theirs")
    _send_pack_with(other_campaign, theirs, [LeaderFactory(campaign=other_campaign, name="Their Leader")])
    text = client_for(viewer).get(url("event-list", campaign)).text
    assert "Our Leader" in text
    assert "Their Leader" not in text and "Theirs" not in text


# --- The leader's page -----------------------------------------------------------------------------


def test_the_leaders_log_holds_past_moments_and_lists_accepted_invitations_apart(client_for, viewer, campaign):
    leader = LeaderFactory(campaign=campaign)
    EngagementFactory(leader=leader, happened_on=timezone.localdate() - timedelta(days=2), note="Came to lunch")
    services.event_answer(event=EventFactory(campaign=campaign, title="Trade breakfast"), leader=leader, accepted=True)
    text = client_for(viewer).get(url("leader-detail", campaign, pk=leader.pk)).text
    coming_up, log = text.split("Coming up")[1].split("<table>")
    assert "Trade breakfast" in coming_up and "Accepted" in coming_up
    assert "Came to lunch" in log and "Trade breakfast" not in log


def test_the_leaders_page_holds_its_query_count_with_a_long_log(
    client_for, viewer, campaign, django_assert_max_num_queries
):
    leader = LeaderFactory(campaign=campaign)
    for n in range(40):
        EngagementFactory(leader=leader, happened_on=timezone.localdate() - timedelta(days=n))
        event = EventFactory(campaign=campaign)
        services.event_answer(event=event, leader=leader, accepted=True)
    problem = won_problem(campaign, celebrated_by=leader, celebrated_on=timezone.localdate(), celebration="photo")
    services.engagement_log_celebration(problem=problem)
    client = client_for(viewer)
    with django_assert_max_num_queries(10):
        response = client.get(url("leader-detail", campaign, pk=leader.pk))
    assert "The win's story" in response.text


def test_another_campaigns_leader_page_is_404_and_a_viewer_cannot_log(client_for, viewer, campaign, other_campaign):
    theirs = LeaderFactory(campaign=other_campaign)
    client = client_for(viewer)
    assert client.get(url("leader-detail", campaign, pk=theirs.pk)).status_code == 404
    ours = LeaderFactory(campaign=campaign)
    data = {"kind": "pitch", "happened_on": "2026-11-01", "outcome": "accepted"}
    assert client.post(url("engagement-add", campaign, pk=ours.pk), data).status_code == 403
