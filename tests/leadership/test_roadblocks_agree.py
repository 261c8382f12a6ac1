"""
Open roadblocks have one definition and one order (ServiceProblem.objects.open_roadblocks): the wins
board, its list of every open roadblock, the briefing composer and the executive summary show the same
ones, oldest first.
"""

from datetime import UTC, date, datetime

from django.core import mail
from django.urls import reverse

from leadership.models import SummaryDelivery
from leadership.services import summaries_dispatch_due
from leadership.tasks import send_summary_delivery
from tests.factories import BriefingPackFactory, LeaderFactory, ServiceProblemFactory, SummaryScheduleFactory

MONDAY_9 = datetime(2026, 11, 16, 9, tzinfo=UTC)
OLDEST_FIRST = ["Roadblock one", "Roadblock two", "Roadblock three"]


def roadblock(campaign, title, opened_on, **fields):
    return ServiceProblemFactory(campaign=campaign, title=title, is_roadblock=True, opened_on=opened_on, **fields)


def test_the_board_its_list_the_composer_and_the_summary_show_the_same_roadblocks_oldest_first(
    client_for, admin_user, campaign, other_campaign
):
    ann = LeaderFactory(campaign=campaign, name="Ann Chief")
    # Created newest first, so an order by creation would differ from the order by opening.
    roadblock(campaign, "Roadblock three", date(2026, 10, 3))
    roadblock(campaign, "Roadblock two", date(2026, 10, 2))
    roadblock(campaign, "Roadblock one", date(2026, 10, 1), roadblock_leader=ann)
    roadblock(campaign, "Cleared already", date(2026, 9, 1), roadblock_cleared_on=date(2026, 10, 5))
    roadblock(campaign, "Won already", date(2026, 9, 1), status="won", won_on=date(2026, 10, 6))
    roadblock(other_campaign, "Another campaign's", date(2026, 9, 1))
    client = client_for(admin_user)

    board = client.get(reverse("campaign:board", kwargs={"slug": campaign.slug}))
    every = client.get(reverse("campaign:problem-list", kwargs={"slug": campaign.slug}), {"roadblocks": "1"})
    pack = BriefingPackFactory(campaign=campaign)
    composer = client.get(reverse("leadership:pack-compose", kwargs={"slug": campaign.slug, "pk": pack.pk}))
    SummaryScheduleFactory(campaign=campaign)
    [summary] = summaries_dispatch_due(now=MONDAY_9)

    assert [problem.title for problem in board.context["roadblocks"]] == OLDEST_FIRST
    assert [problem.title for problem in every.context["page"].object_list] == OLDEST_FIRST
    assert [problem.title for problem in composer.context["options"]["roadblocks"]] == OLDEST_FIRST
    assert [item["title"] for item in summary.snapshot["roadblocks"]] == OLDEST_FIRST
    assert board.context["figures"]["open_roadblocks"] == len(OLDEST_FIRST)

    # Ann's own copy lists hers and those put to no one, in the same order.
    send_summary_delivery(SummaryDelivery.objects.get(summary=summary, leader=ann).pk)
    body = mail.outbox[0].body
    assert sorted(OLDEST_FIRST, key=body.index) == OLDEST_FIRST
