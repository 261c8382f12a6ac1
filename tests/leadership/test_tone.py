"""Tone and balance: the composer's checks of a pack, and each leader's order in packs and executive summaries."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from leadership.models import PackDelivery
from leadership.services import pack_send
from leadership.tasks import send_pack_delivery
from leadership.tone import AnswerPart, Item, PackParts, Reader, pack_tone_checks, tone_checks
from tests.factories import (
    BriefingPackFactory,
    ClippingFactory,
    FeedbackFactory,
    LeaderFactory,
    ObjectionFactory,
    ServiceProblemFactory,
)

WELL = Reader(name="Ana", leads_with="well", wiifm_benefits=frozenset({"cost_saved"}), raised=frozenset({1}))
WRONG = Reader(name="Bo", leads_with="wrong", wiifm_benefits=frozenset(), raised=frozenset())
A_WIN = Item(frozenset({"cost_saved"}))


def keys(parts):
    return [check.key for check in tone_checks(parts)]


# --- The checks, as a pure function of the pack's parts --------------------------------------------


def test_a_balanced_pack_has_nothing_to_flag():
    parts = PackParts(note="Good news from the depots.", readers=[WELL, WRONG], stories=[A_WIN], roadblocks=1)
    assert tone_checks(parts) == []


def test_a_note_that_opens_with_a_problem_is_flagged_for_those_who_like_good_news_first():
    parts = PackParts(note="Complaints are up again. But we won two.", readers=[WELL], stories=[A_WIN, A_WIN])
    [check] = tone_checks(parts)
    assert check.key == "opens-with-problems"
    assert "Your note opens with a problem (“Complaints are up again.”)" in check.message and "Ana" in check.message


def test_a_leader_drawn_to_trouble_is_not_warned_about_problems_first():
    parts = PackParts(note="Complaints are up again.", readers=[WRONG], roadblocks=1, stories=[A_WIN])
    assert "opens-with-problems" not in keys(parts)


def test_a_pack_whose_first_section_is_a_problem_is_flagged():
    roadblocked = Reader(name="Ana", leads_with="well", wiifm_benefits=frozenset(), raised=frozenset(), roadblocks=1)
    parts = PackParts(readers=[roadblocked], roadblocks=1, clippings=[Item(disaster=True)])
    checks = tone_checks(parts)
    assert checks[0].key == "opens-with-problems"
    assert checks[0].message.startswith("For Ana, who like to hear what is going well first, the pack opens")


def test_more_problems_than_wins_names_them():
    answer = AnswerPart(objection_id=1, benefits=frozenset(), complaints_listed=3, complaints_without_action=0)
    parts = PackParts(readers=[WELL], stories=[A_WIN], answers=[answer], roadblocks=2, clippings=[Item(disaster=True)])
    check = next(c for c in tone_checks(parts) if c.key == "more-problems-than-wins")
    assert check.message.startswith(
        "More problems than wins: 3 open complaints, 2 roadblocks, 1 service disaster against 1 win."
    )


def test_an_answer_nobody_raised_counts_for_nothing():
    answer = AnswerPart(objection_id=99, benefits=frozenset(), complaints_listed=3, complaints_without_action=3)
    parts = PackParts(readers=[WELL], stories=[A_WIN], answers=[answer])
    assert keys(parts) == []


def test_a_complaint_listed_without_what_is_being_done_is_flagged():
    answer = AnswerPart(
        objection_id=1, benefits=frozenset(), wins_listed=5, complaints_listed=3, complaints_without_action=1
    )
    parts = PackParts(readers=[WELL], stories=[A_WIN], answers=[answer])
    [check] = tone_checks(parts)
    assert check.key == "complaint-without-action"
    assert check.message.startswith("1 complaint is listed without what is being done about it")


def test_nothing_for_a_leaders_wiifm_is_flagged_and_unknown_values_are_not():
    parts = PackParts(readers=[WELL, WRONG], stories=[Item(frozenset({"team"}))])
    [check] = tone_checks(parts)
    assert check.key == "nothing-for-their-wiifm"
    assert "what Ana values" in check.message and "Bo" not in check.message


# --- On a saved pack, in the composer and on the send page ------------------------------------------


@pytest.fixture
def gloomy_pack(campaign, champion):
    """A draft that opens with trouble: a roadblock, a disaster clipping, an open complaint with no action listed."""
    leader = LeaderFactory(campaign=campaign, name="Rupert Vance", wiifm=["team"])
    scores = ObjectionFactory(campaign=campaign, objection="Our scores are good.", evidence_kind="scores")
    leader.objections.add(scores)
    FeedbackFactory(campaign=campaign, summary="Nobody called back", action="")
    pack = BriefingPackFactory(campaign=campaign, title="Where we stand", created_by=champion, note="")
    pack.recipients.add(leader)
    pack.answers.add(scores)
    pack.roadblocks.add(ServiceProblemFactory(campaign=campaign, is_roadblock=True, roadblock_ask="Fund a courier"))
    pack.clippings.add(ClippingFactory(campaign=campaign, kind="disaster", title="Airline loses bags"))
    return pack


def test_pack_tone_checks_reads_a_saved_pack(gloomy_pack, django_assert_max_num_queries):
    with django_assert_max_num_queries(13):
        checks = pack_tone_checks(gloomy_pack)
    assert [c.key for c in checks] == [
        "more-problems-than-wins",
        "complaint-without-action",
        "nothing-for-their-wiifm",
    ]  # the answer comes before the roadblock for Rupert, so the pack does not open with a problem


def test_the_composer_shows_the_checks_without_blocking(client_for, champion, gloomy_pack):
    html = client_for(champion).get(gloomy_pack.get_absolute_url()).text
    assert "Tone and balance" in html
    assert "More problems than wins" in html and "Advice only: you can send the pack as it is." in html
    assert "Send to 1 leader" in html


def test_the_checks_refresh_for_the_unsaved_choices(client_for, champion, campaign, gloomy_pack, other_campaign):
    story = ServiceProblemFactory(campaign=campaign, status="won", won_on=date(2026, 10, 1), benefits=["team"])
    foreign = ServiceProblemFactory(campaign=other_campaign, status="won", won_on=date(2026, 10, 1))
    leader = gloomy_pack.recipients.get()
    query = {"recipients": [leader.pk], "stories": [story.pk, foreign.pk, "x"], "note": "Complaints are up."}
    response = client_for(champion).get(
        gloomy_pack.get_absolute_url(), query, headers={"HX-Request": "true", "HX-Target": "tone-checks"}
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="tone-checks"')
    assert "Your note opens with a problem" in response.text  # the unsaved note
    assert "Nothing in it is tied to" not in response.text  # the unsaved story speaks to their team
    assert "More problems than wins" not in response.text  # nothing else chosen


def test_the_send_page_shows_the_checks_and_sending_still_works(client_for, champion, gloomy_pack):
    url = reverse("leadership:pack-send", kwargs={"slug": gloomy_pack.campaign.slug, "pk": gloomy_pack.pk})
    client = client_for(champion)
    html = client.get(url).text
    assert "Before you send: tone and balance" in html and "complaint is listed without" in html
    assert client.post(url).status_code == 302
    assert PackDelivery.objects.filter(pack=gloomy_pack).count() == 1


def test_the_composer_offers_the_answers_to_what_the_chosen_leaders_raised(client_for, champion, campaign):
    ana = LeaderFactory(campaign=campaign, name="Ana Ruiz")
    bo = LeaderFactory(campaign=campaign, name="Bo Lind")
    cost = ObjectionFactory(campaign=campaign, objection="Service is a cost.", evidence_kind="cost")
    unheard = ObjectionFactory(campaign=campaign, objection="Nobody said this.")
    ana.objections.add(cost)
    bo.objections.add(cost)
    pack = BriefingPackFactory(campaign=campaign)
    pack.recipients.add(ana, bo)
    html = client_for(champion).get(pack.get_absolute_url()).text
    assert f'id="id_answers_{cost.pk}"' in html and "Raised by Ana Ruiz, Bo Lind" in html
    assert f'id="id_answers_{unheard.pk}"' not in html
    assert "With our numbers" in html


def test_the_composer_explains_where_answers_come_from_before_leaders_are_chosen(client_for, champion, campaign):
    html = client_for(champion).get(BriefingPackFactory(campaign=campaign).get_absolute_url()).text
    assert "Choose leaders first: the answers to the objections they raised are offered here." in html


def test_saving_an_answer_and_refusing_another_campaigns(client_for, champion, campaign, other_campaign):
    leader = LeaderFactory(campaign=campaign)
    mine = ObjectionFactory(campaign=campaign)
    leader.objections.add(mine)
    foreign = ObjectionFactory(campaign=other_campaign)
    pack = BriefingPackFactory(campaign=campaign, title="T")
    data = {"title": "T", "recipients": [leader.pk], "answers": [mine.pk, foreign.pk]}
    response = client_for(champion).post(pack.get_absolute_url(), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not pack.answers.exists()
    data["answers"] = [mine.pk]
    assert client_for(champion).post(pack.get_absolute_url(), data).status_code == 302
    assert list(pack.answers.all()) == [mine]


# --- Each leader's order, and their answers, in the pack they receive --------------------------------


def sent_to(pack, champion, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        pack_send(pack=pack, by=champion)
    for delivery in PackDelivery.objects.filter(pack=pack):
        send_pack_delivery.run(delivery.pk)
    return {message.to[0]: message for message in mail.outbox}


def test_each_leader_reads_the_sections_in_their_order_and_only_their_answers(
    campaign, champion, django_capture_on_commit_callbacks
):
    cheerful = LeaderFactory(campaign=campaign, email="ana@example.com", leads_with="well")
    troubled = LeaderFactory(campaign=campaign, email="bo@example.com", leads_with="wrong")
    cost = ObjectionFactory(campaign=campaign, objection="Service is a cost.", evidence_kind="cost")
    troubled.objections.add(cost)
    ServiceProblemFactory(
        campaign=campaign,
        title="Invoices <keyed> once",
        status="won",
        won_on=date(2026, 10, 1),
        benefits=["cost_saved"],
    )
    pack = BriefingPackFactory(campaign=campaign, title="Update", created_by=champion)
    pack.recipients.add(cheerful, troubled)
    pack.stories.add(
        ServiceProblemFactory(campaign=campaign, title="Same-day slots", status="won", won_on=date(2026, 10, 2))
    )
    pack.roadblocks.add(ServiceProblemFactory(campaign=campaign, title="Courier budget", is_roadblock=True))
    pack.answers.add(cost)

    messages = sent_to(pack, champion, django_capture_on_commit_callbacks)

    ana_text, bo_text = messages["ana@example.com"].body, messages["bo@example.com"].body
    assert ana_text.index("SERVICE STORIES") < ana_text.index("WAITING ON YOUR DECISION")
    assert bo_text.index("WAITING ON YOUR DECISION") < bo_text.index("ON WHAT YOU TOLD US") < bo_text.index("SERVICE")
    assert "ON WHAT YOU TOLD US" not in ana_text  # Ana raised nothing
    assert "Invoices <keyed> once" in bo_text  # the live evidence: a win that saved money
    bo_html = messages["bo@example.com"].alternatives[0][0]
    assert bo_html.index("Waiting on your decision") < bo_html.index("On what you told us")
    assert "Invoices &lt;keyed&gt; once" in bo_html and "<keyed>" not in bo_html
    ana_html = messages["ana@example.com"].alternatives[0][0]
    assert ana_html.index("Service stories") < ana_html.index("Waiting on your decision")


def test_the_print_view_takes_either_order(client_for, viewer, campaign):
    pack = BriefingPackFactory(campaign=campaign)
    pack.stories.add(ServiceProblemFactory(campaign=campaign, status="won", won_on=date(2026, 10, 2)))
    pack.roadblocks.add(ServiceProblemFactory(campaign=campaign, is_roadblock=True))
    url = reverse("leadership:pack-print", kwargs={"slug": campaign.slug, "pk": pack.pk})
    well = client_for(viewer).get(url).text
    wrong = client_for(viewer).get(url, {"lead": "wrong"}).text
    assert well.index("Service stories from our own teams") < well.index("Waiting on a decision")
    assert wrong.index("Waiting on a decision") < wrong.index("Service stories from our own teams")
    odd = client_for(viewer).get(url, {"lead": "<sideways>"}).text
    assert odd.index("Service stories from our own teams") < odd.index("Waiting on a decision")


# --- Each leader's copy of the executive summary ------------------------------------------------------


def test_each_leaders_summary_has_the_same_figures_in_their_order(campaign, django_assert_max_num_queries):
    from datetime import UTC, datetime

    from leadership.emails import summary_delivery_builder
    from leadership.models import SummaryDelivery
    from leadership.services import summaries_dispatch_due
    from leadership.tasks import SUMMARY_DELIVERY_RELATED
    from tests.factories import SummaryScheduleFactory

    monday_9 = datetime(2026, 11, 16, 9, tzinfo=UTC)
    LeaderFactory(campaign=campaign, email="ana@example.com", leads_with="well")
    LeaderFactory(campaign=campaign, email="bo@example.com", leads_with="wrong")
    FeedbackFactory(campaign=campaign, received_on=date(2026, 11, 10), summary="Late again", action="New courier")
    FeedbackFactory(campaign=campaign, kind="compliment", severity="", received_on=date(2026, 11, 11), featured=True)
    SummaryScheduleFactory(campaign=campaign)
    [summary] = summaries_dispatch_due(now=monday_9)
    deliveries = list(SummaryDelivery.objects.filter(summary=summary).select_related(*SUMMARY_DELIVERY_RELATED))
    build = summary_delivery_builder()
    with django_assert_max_num_queries(0):  # the leader's order costs no query: it came with the delivery's leader
        sent = {delivery.leader.email: build(delivery) for delivery in deliveries}
    ana, bo = sent["ana@example.com"], sent["bo@example.com"]
    assert ana.body.index("COMPLIMENTS") < ana.body.index("OPEN COMPLAINTS") < ana.body.index("MOMENTUM")
    assert bo.body.index("OPEN COMPLAINTS") < bo.body.index("COMPLIMENTS") < bo.body.index("MOMENTUM")
    assert bo.body.index("COMPLAINTS\n") < bo.body.index("OPEN COMPLAINTS")  # the figures first, for everyone
    ana_html, bo_html = ana.alternatives[0][0], bo.alternatives[0][0]
    assert ana_html.index(">Compliments<") < ana_html.index(">Open complaints and what is being done<")
    assert bo_html.index(">Open complaints and what is being done<") < bo_html.index(">Compliments<")
    for part in ("Late again", "New courier"):
        assert part in ana.body and part in bo.body


def test_two_answers_of_one_kind_count_their_complaints_once():
    scores = AnswerPart(objection_id=1, benefits=frozenset(), kind="scores", complaints_listed=3)
    excellent = AnswerPart(objection_id=2, benefits=frozenset(), kind="scores", complaints_listed=3)
    reader = Reader(name="Ana", leads_with="well", wiifm_benefits=frozenset(), raised=frozenset({1, 2}))
    parts = PackParts(readers=[reader], stories=[A_WIN, A_WIN], answers=[scores, excellent])
    check = next(c for c in tone_checks(parts) if c.key == "more-problems-than-wins")
    assert check.message.startswith("More problems than wins: 3 open complaints against 2 wins.")


def test_the_tone_region_stays_within_its_queries_with_many_rows(
    client_for, champion, campaign, django_assert_max_num_queries
):
    leaders = [LeaderFactory(campaign=campaign, wiifm=["revenue"]) for _ in range(30)]
    answers = [ObjectionFactory(campaign=campaign, evidence_kind=kind) for kind in ("cost", "scores", "bottom_line")]
    for leader in leaders:
        leader.objections.add(*answers)
    stories = [
        ServiceProblemFactory(campaign=campaign, status="won", won_on=date(2026, 10, 1), benefits=["revenue"])
        for _ in range(30)
    ]
    clippings = [ClippingFactory(campaign=campaign, kind="disaster") for _ in range(20)]
    for _ in range(30):
        FeedbackFactory(campaign=campaign)
    pack = BriefingPackFactory(campaign=campaign)
    query = {
        "recipients": [leader.pk for leader in leaders],
        "stories": [story.pk for story in stories],
        "clippings": [clipping.pk for clipping in clippings],
        "answers": [answer.pk for answer in answers],
        "note": "Here is where we stand.",
    }
    client = client_for(champion)
    # Session, user and memberships, the pack; then the parts (leaders, who raised what, stories, clippings,
    # answers) and the nine reads of the three kinds of evidence.
    with django_assert_max_num_queries(18):
        response = client.get(
            pack.get_absolute_url(), query, headers={"HX-Request": "true", "HX-Target": "tone-checks"}
        )
    assert response.status_code == 200
    # 20 disasters and 3 complaints listed against 30 stories and the wins the answers list.
    assert "More problems than wins" not in response.text
    assert "3 complaints are listed without what is being done" in response.text
