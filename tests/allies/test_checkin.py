"""The middle's check-in: rounds, who is asked, the email, the signed answer pages and what answers become."""

import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail, signing
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from allies import checkin
from allies.models import Ally, CheckinAnswer, CheckinInvite, CheckinRound, Stage
from campaign.models import CheckinCadence, Level, MemberDelivery, Membership, Nomination, PrivacyJob, ServiceProblem
from campaign.privacy.tasks import run_privacy_job
from tests.factories import AllyFactory, DepartmentFactory, MembershipFactory, UserFactory
from tests.security.test_audit_log import settings_data

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def finance(campaign):
    return DepartmentFactory(campaign=campaign, name="Finance")


@pytest.fixture
def mira(campaign, finance):
    """Mira, a middle manager in Finance and an ally with an address."""
    return AllyFactory(
        campaign=campaign, department=finance, level=Level.MIDDLE, name="Mira Patel", email="mira@example.com"
    )


def open_round(campaign):
    return checkin.checkin_round_open(campaign=campaign)


def links_of(message):
    """The check-in email's links in the text part: the three answers, then the unsubscribe link."""
    return re.findall(r"https?://\S+/check-in/\S+/", message.body)


def answer_link(invite, question):
    return checkin.answer_url(invite, question).removeprefix("http://testserver")


def path_of(url):
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


# --- Periods ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cadence", "day", "period"),
    [
        (CheckinCadence.MONTHLY, date(2026, 12, 3), (date(2026, 12, 1), date(2027, 1, 1))),
        (CheckinCadence.MONTHLY, date(2026, 2, 28), (date(2026, 2, 1), date(2026, 3, 1))),
        (CheckinCadence.QUARTERLY, date(2026, 11, 30), (date(2026, 10, 1), date(2027, 1, 1))),
        (CheckinCadence.QUARTERLY, date(2026, 1, 1), (date(2026, 1, 1), date(2026, 4, 1))),
        (CheckinCadence.FORTNIGHTLY, date(2024, 1, 14), (date(2024, 1, 1), date(2024, 1, 15))),
        (CheckinCadence.FORTNIGHTLY, date(2024, 1, 15), (date(2024, 1, 15), date(2024, 1, 29))),
    ],
)
def test_each_cadence_has_its_period(cadence, day, period):
    assert checkin.checkin_period(cadence, day) == period


def test_a_campaign_checks_in_monthly_unless_changed(campaign):
    assert campaign.checkin_cadence == CheckinCadence.MONTHLY
    assert checkin.checkin_period(CheckinCadence.OFF, date(2026, 12, 3)) is None


# --- Rounds ----------------------------------------------------------------------------------------


def test_a_round_asks_the_middle_and_the_members_who_opted_in_once_each(campaign, finance, mira, tasks_enqueued):
    AllyFactory(campaign=campaign, department=finance, level=Level.FRONTLINE)
    AllyFactory(campaign=campaign, department=finance, level=Level.MIDDLE, email="")
    AllyFactory(campaign=campaign, department=finance, level=Level.MIDDLE, stage=Stage.DECLINED)
    AllyFactory(campaign=campaign, department=finance, level=Level.MIDDLE, awaiting_review=True)
    AllyFactory(campaign=campaign, department=finance, level=Level.MIDDLE, checkin_unsubscribed_at=NOW)
    keen = MembershipFactory(campaign=campaign, gets_checkin=True, user__email="kim@example.com").user
    MembershipFactory(campaign=campaign, gets_checkin=True, user__email="MIRA@example.com")  # Mira's address again
    MembershipFactory(campaign=campaign, gets_checkin=False, user__email="nope@example.com")
    round_ = open_round(campaign)
    invites = list(round_.invites.order_by("pk"))
    assert [(invite.ally, invite.member) for invite in invites] == [(mira, None), (None, keen)]
    assert invites[0].department == finance
    deliveries = MemberDelivery.objects.filter(checkin_invite__round=round_).order_by("pk")
    assert [d.to_email for d in deliveries] == ["mira@example.com", "kim@example.com"]
    assert all(d.template == "middle-checkin" for d in deliveries)
    assert tasks_enqueued == []  # enqueued only once the transaction commits


def test_a_second_round_in_the_same_period_opens_nothing(campaign, mira):
    assert open_round(campaign) is not None
    assert open_round(campaign) is None
    assert CheckinRound.objects.count() == 1
    assert CheckinInvite.objects.count() == 1
    assert MemberDelivery.objects.count() == 1


def test_beats_tick_opens_each_due_round_once_and_skips_campaigns_that_are_off(campaign, other_campaign, mira):
    other_campaign.checkin_cadence = CheckinCadence.OFF
    other_campaign.save()
    opened = checkin.checkins_dispatch_due()
    assert [round_.campaign for round_ in opened] == [campaign]
    assert (opened[0].period_start, opened[0].period_end) == (date(2026, 12, 1), date(2027, 1, 1))
    assert checkin.checkins_dispatch_due() == []
    with time_machine.travel(datetime(2027, 1, 1, 0, 5, tzinfo=UTC), tick=False):
        assert len(checkin.checkins_dispatch_due()) == 1
    assert CheckinRound.objects.filter(campaign=campaign).count() == 2


def test_the_round_follows_the_campaigns_time_zone(campaign, mira):
    campaign.time_zone = "Pacific/Auckland"  # already 1 January there
    campaign.save()
    with time_machine.travel(datetime(2026, 12, 31, 12, 0, tzinfo=UTC), tick=False):
        (round_,) = checkin.checkins_dispatch_due()
    assert round_.period_start == date(2027, 1, 1)


def test_the_beat_task_is_scheduled_and_opens_rounds(settings, campaign, mira):
    from allies.tasks import dispatch_due_checkins

    entry = settings.CELERY_BEAT_SCHEDULE["dispatch-due-checkins"]
    assert entry["task"] == "allies.tasks.dispatch_due_checkins"
    assert entry["options"]["expires"] < entry["schedule"]
    assert dispatch_due_checkins.run() == [CheckinRound.objects.get().pk]


# --- The email -------------------------------------------------------------------------------------


def test_the_email_has_the_three_questions_and_a_one_click_unsubscribe(
    campaign, mira, django_capture_on_commit_callbacks, tasks_enqueued, send_member_mail
):
    with django_capture_on_commit_callbacks(execute=True):
        open_round(campaign)
    assert tasks_enqueued.names() == ["campaign.tasks.send_member_delivery"]
    send_member_mail()
    (message,) = mail.outbox
    assert message.to == ["mira@example.com"]
    assert message.subject == "Three quick questions from Harbour Line"
    html = message.alternatives[0].content
    for question in CheckinAnswer.Question.labels:
        assert question in message.body
        assert question in html
    praise, _suggestion, _roadblock, unsubscribe = links_of(message)
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert praise in html and unsubscribe in html
    delivery = MemberDelivery.objects.get()
    assert delivery.status == MemberDelivery.Status.SENT
    # The links are the credential: once sent, the row keeps none of them.
    assert set(delivery.secret_context.values()) == {None}
    assert praise not in str(delivery.context)


def test_the_outbox_lists_the_checkin_with_its_links_hidden(client_for, admin_user, campaign, mira):
    open_round(campaign)
    delivery = MemberDelivery.objects.get()
    client = client_for(admin_user)
    listing = client.get(reverse("leadership:outbox-list", kwargs={"slug": campaign.slug}))
    assert "Three quick questions from Harbour Line" in listing.text
    page = client.get(
        reverse("leadership:outbox-message", kwargs={"slug": campaign.slug, "kind": "member", "pk": delivery.pk})
    )
    assert page.status_code == 200
    assert "only the recipient sees this link" in page.text
    assert "/check-in/" not in page.text


# --- Answers ---------------------------------------------------------------------------------------


@pytest.fixture
def invite(campaign, mira):
    open_round(campaign)
    return CheckinInvite.objects.get(ally=mira)


def test_the_answer_page_asks_one_question_with_a_labelled_field(client, invite):
    response = client.get(answer_link(invite, "praise"))
    assert response.status_code == 200
    assert "Who on your team did great service lately?" in response.text
    assert '<label for="id_person"' in response.text
    assert '<label for="id_text"' in response.text
    assert not CheckinAnswer.objects.exists()  # opening the link answers nothing


def test_praise_becomes_a_recognition_candidate_on_the_wins_board(
    client, client_for, viewer, campaign, invite, finance
):
    response = client.post(
        answer_link(invite, "praise"), {"person": "Sam Ortiz", "text": "Cleared the refunds queue by Friday"}
    )
    assert response.status_code == 200
    assert "Thank you, Mira Patel" in response.text
    nomination = Nomination.objects.get()
    assert (nomination.person, nomination.what) == ("Sam Ortiz", "Cleared the refunds queue by Friday")
    assert (nomination.nominated_by, nomination.department, nomination.campaign) == (invite.ally, finance, campaign)
    assert CheckinAnswer.objects.get().nomination == nomination
    invite.refresh_from_db()
    assert invite.answered_at is not None
    board = client_for(viewer).get(reverse("campaign:board", kwargs={"slug": campaign.slug}))
    assert "Sam Ortiz" in board.text
    assert "Nominated by Mira Patel" in board.text


def test_a_suggestion_becomes_a_backlog_problem_from_the_middle(client, invite, finance):
    client.post(answer_link(invite, "suggestion"), {"text": "Let teams close small refunds without sign-off"})
    problem = ServiceProblem.objects.get()
    assert problem.status == ServiceProblem.Status.BACKLOG
    assert problem.title == "Let teams close small refunds without sign-off"
    assert (problem.from_the_middle, problem.raised_by, problem.department) == (True, invite.ally, finance)
    assert not problem.is_roadblock


def test_what_is_in_the_way_becomes_an_ask_of_leadership_that_packs_carry(client, client_for, viewer, campaign, invite):
    client.post(answer_link(invite, "roadblock"), {"text": "We need a second courier slot on Fridays"})
    problem = ServiceProblem.objects.get()
    assert problem.is_open_roadblock
    assert problem.roadblock_ask == "We need a second courier slot on Fridays"
    assert list(ServiceProblem.objects.open_roadblocks(campaign)) == [problem]
    board = client_for(viewer).get(reverse("campaign:board", kwargs={"slug": campaign.slug}))
    assert "From the middle" in board.text
    assert "raised by Mira Patel" in board.text


def test_a_link_used_twice_keeps_the_first_answer_and_says_so(client, invite):
    url = answer_link(invite, "suggestion")
    client.post(url, {"text": "First thought"})
    again = client.post(url, {"text": "Second thought"})
    assert again.status_code == 200
    assert "You have answered this already" in again.text
    assert "First thought" in again.text
    assert ServiceProblem.objects.get().title == "First thought"
    assert client.get(url).text.count("You have answered this already") == 1
    # Each question has its own link: the other two still take their answer.
    client.post(answer_link(invite, "roadblock"), {"text": "No budget for overtime"})
    assert CheckinAnswer.objects.filter(invite=invite).count() == 2


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"),
        lambda token: "nonsense",
        # A valid token made for the unsubscribe link opens no answer page.
        None,
    ],
    ids=["tampered", "garbage", "other-purpose"],
)
def test_a_tampered_link_gets_a_clear_page_not_an_error(client, invite, mangle):
    if mangle is None:
        token = path_of(checkin.unsubscribe_url(invite)).split("/")[2]
    else:
        token = mangle(answer_link(invite, "praise").split("/")[2])
    response = client.post(reverse("allies:checkin-answer", kwargs={"token": token}), {"person": "X", "text": "Y"})
    assert response.status_code == 404
    assert "This link does not work" in response.text
    assert not CheckinAnswer.objects.exists()


def test_a_link_naming_an_unknown_question_or_invite_is_refused(client, invite):
    for payload in ({"i": invite.pk, "q": "salary"}, {"i": invite.pk + 99, "q": "praise"}):
        token = signing.dumps(payload, salt=checkin.ANSWER_SALT, compress=True)
        response = client.get(reverse("allies:checkin-answer", kwargs={"token": token}))
        assert response.status_code == 404
        assert "This link does not work" in response.text


def test_a_closed_round_takes_no_more_answers(client, invite):
    url = answer_link(invite, "praise")
    with time_machine.travel(datetime(2027, 1, 2, tzinfo=UTC), tick=False):
        response = client.post(url, {"person": "Sam", "text": "Great"})
    assert response.status_code == 410
    assert "This round has closed" in response.text
    assert not Nomination.objects.exists()


@pytest.mark.parametrize(
    ("question", "data", "error"),
    [
        ("praise", {"person": "", "text": "Stayed late"}, "Name the person who did great service."),
        ("praise", {"person": "Sam", "text": "   "}, "Write a line: a few words are enough."),
        ("roadblock", {"text": "x" * 301}, "Keep it to one line: 300 characters at most (this has 301)."),
    ],
)
def test_bad_input_gets_a_message_and_changes_nothing(client, invite, question, data, error):
    response = client.post(answer_link(invite, question), data)
    assert response.status_code == 400
    assert error in response.text
    assert not CheckinAnswer.objects.exists()
    assert not ServiceProblem.objects.exists() and not Nomination.objects.exists()


def test_an_answer_page_escapes_what_people_type(client, client_for, champion, campaign, invite):
    hostile = "<script>alert(1)</script>"
    client.post(answer_link(invite, "praise"), {"person": hostile, "text": hostile})
    client.post(answer_link(invite, "roadblock"), {"text": hostile})
    round_url = reverse("allies:checkin-round", kwargs={"slug": campaign.slug, "pk": invite.round_id})
    for url in (round_url, reverse("campaign:board", kwargs={"slug": campaign.slug})):
        page = client_for(champion).get(url).text
        assert hostile not in page
        assert "&lt;script&gt;" in page


# --- Unsubscribing ---------------------------------------------------------------------------------


def test_one_click_unsubscribe_leaves_the_ally_out_of_later_rounds(campaign, invite):
    url = path_of(checkin.unsubscribe_url(invite))
    client = Client(enforce_csrf_checks=True)  # a mail client's POST has no cookie and no token
    page = client.get(url)
    assert "Stop the check-in?" in page.text
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert response.text == "Unsubscribed."
    assert Ally.objects.get(pk=invite.ally_id).checkin_unsubscribed_at is not None
    with time_machine.travel(datetime(2027, 1, 5, tzinfo=UTC), tick=False):
        round_ = open_round(campaign)
    assert round_.invites.count() == 0


def test_a_member_who_opted_in_unsubscribes_from_the_page(client, campaign):
    user = UserFactory(email="kim@example.com", first_name="Kim", last_name="Lee")
    membership = MembershipFactory(campaign=campaign, user=user, gets_checkin=True)
    round_ = open_round(campaign)
    url = path_of(checkin.unsubscribe_url(round_.invites.get()))
    response = client.post(url)
    assert "You will not receive the check-in any more" in response.text
    assert "Kim Lee" in response.text
    membership.refresh_from_db()
    assert not membership.gets_checkin


def test_a_tampered_unsubscribe_link_changes_nothing(client, invite):
    url = path_of(checkin.unsubscribe_url(invite))
    response = client.post(url.replace("/unsubscribe/", "x/unsubscribe/"))
    assert response.status_code == 404
    assert "This link does not work" in response.text
    assert Ally.objects.get(pk=invite.ally_id).checkin_unsubscribed_at is None


# --- The champions' pages --------------------------------------------------------------------------


def rounds_url(campaign):
    return reverse("allies:checkin-list", kwargs={"slug": campaign.slug})


def test_the_rounds_page_starts_empty(client_for, viewer, campaign):
    response = client_for(viewer).get(rounds_url(campaign))
    assert response.status_code == 200
    assert "No rounds yet" in response.text
    assert "gets_checkin" not in response.text  # a viewer has no opt-in to save


def test_the_rounds_page_lists_rounds_with_their_counts(client_for, viewer, campaign, invite, client):
    client.post(answer_link(invite, "praise"), {"person": "Sam", "text": "Great"})
    response = client_for(viewer).get(rounds_url(campaign))
    round_ = response.context["page"].object_list[0]
    assert (round_.invited, round_.answered) == (1, 1)
    assert "1 Dec 2026 – 31 Dec 2026" in response.text


def test_a_champion_opts_in_and_out(client_for, champion, campaign):
    url = reverse("allies:checkin-opt-in", kwargs={"slug": campaign.slug})
    response = client_for(champion).post(url, {"gets_checkin": "on"}, follow=True)
    assert "check-in from the next round." in response.text
    assert Membership.objects.get(user=champion).gets_checkin
    client_for(champion).post(url, {})
    assert not Membership.objects.get(user=champion).gets_checkin


def test_a_viewer_cannot_opt_in(client_for, viewer, campaign):
    response = client_for(viewer).post(
        reverse("allies:checkin-opt-in", kwargs={"slug": campaign.slug}), {"gets_checkin": "on"}
    )
    assert response.status_code == 403
    assert not Membership.objects.get(user=viewer).gets_checkin


def test_another_campaigns_round_is_404(client_for, outsider, admin_user, campaign, invite):
    url = reverse("allies:checkin-round", kwargs={"slug": "other", "pk": invite.round_id})
    assert client_for(outsider).get(url).status_code == 404


def test_the_round_page_shows_who_answered_per_department_and_what_it_became(
    client, client_for, viewer, campaign, invite
):
    DepartmentFactory(campaign=campaign, name="Legal")
    AllyFactory(campaign=campaign, level=Level.MIDDLE, department=DepartmentFactory(campaign=campaign, name="IT"))
    client.post(answer_link(invite, "praise"), {"person": "Sam Ortiz", "text": "Cleared the refunds queue"})
    client.post(answer_link(invite, "roadblock"), {"text": "Approval takes three weeks"})
    response = client_for(viewer).get(
        reverse("allies:checkin-round", kwargs={"slug": campaign.slug, "pk": invite.round_id})
    )
    assert response.status_code == 200
    assert [(row["department__name"], row["asked"], row["answered"]) for row in response.context["departments"]] == [
        ("Finance", 1, 1)
    ]
    problem = ServiceProblem.objects.get()
    assert reverse("campaign:problem-detail", kwargs={"slug": campaign.slug, "pk": problem.pk}) in response.text
    assert f"#nomination-{Nomination.objects.get().pk}" in response.text
    assert "Became an ask of leadership" in response.text
    assert "Mira Patel" in response.text


def test_a_round_with_nobody_to_ask_says_so(client_for, viewer, campaign):
    round_ = open_round(campaign)
    response = client_for(viewer).get(round_.get_absolute_url())
    assert "Nobody was asked in this round" in response.text
    assert "No answers yet." in response.text


def test_the_round_pages_queries_do_not_grow(client_for, viewer, campaign, django_assert_max_num_queries):
    departments = DepartmentFactory.create_batch(8, campaign=campaign)
    allies = [AllyFactory(campaign=campaign, level=Level.MIDDLE, department=departments[n % 8]) for n in range(60)]
    round_ = open_round(campaign)
    for ally in allies[:40]:
        invite = round_.invites.get(ally=ally)
        for question in ("praise", "suggestion", "roadblock"):
            checkin.checkin_answer(invite_id=invite.pk, question=question, text=f"Answer {ally.pk}", person="Sam")
    client = client_for(viewer)
    with django_assert_max_num_queries(8):
        detail = client.get(round_.get_absolute_url())
    assert detail.context["answers"].paginator.count == 120
    for n in range(30):
        CheckinRound.objects.create(
            campaign=campaign,
            period_start=date(2020, 1, 1) + timedelta(days=31 * n),
            period_end=date(2020, 1, 1) + timedelta(days=31 * n + 28),
            cadence="monthly",
        )
    with django_assert_max_num_queries(6):
        listing = client.get(rounds_url(campaign))
    assert listing.status_code == 200


# --- Home's checkup and the coverage page ----------------------------------------------------------


def checkup_item(campaign):
    from campaign import registry

    return next((item for item in registry.checkup_items(campaign) if item.key == "middle-answered"), None)


def test_the_checkup_says_nothing_without_an_open_round_or_with_the_checkin_off(campaign, mira):
    assert checkup_item(campaign) is None
    open_round(campaign)
    campaign.checkin_cadence = CheckinCadence.OFF
    campaign.save()
    assert checkup_item(campaign) is None


def test_the_checkup_counts_departments_whose_middle_answered_this_round(campaign, mira):
    it = DepartmentFactory(campaign=campaign, name="IT")
    AllyFactory(campaign=campaign, department=it, level=Level.MIDDLE)
    legal = DepartmentFactory(campaign=campaign, name="Legal")
    AllyFactory(campaign=campaign, department=legal, level=Level.MIDDLE)
    round_ = open_round(campaign)
    item = checkup_item(campaign)
    assert (item.status, item.number) == ("red", "0 of 3")
    assert "Departments whose middle answered this round: 0 of 3." in item.summary
    assert item.url == round_.get_absolute_url()
    for ally in (mira, Ally.objects.get(department=it)):
        invite = round_.invites.get(ally=ally)
        checkin.checkin_answer(invite_id=invite.pk, question="praise", text="Great", person="Sam")
    item = checkup_item(campaign)
    assert (item.status, item.number) == ("amber", "2 of 3")
    invite = round_.invites.get(ally__department=legal)
    checkin.checkin_answer(invite_id=invite.pk, question="roadblock", text="Budget")
    assert checkup_item(campaign).status == "green"


def test_the_checkup_is_on_home(client_for, viewer, campaign, mira):
    open_round(campaign)
    response = client_for(viewer).get(reverse("campaign:home", kwargs={"slug": campaign.slug}))
    assert "The middle speaks up" in response.text
    assert "0 of 1" in response.text


def test_the_checkup_says_nothing_yet_when_nobody_was_asked(campaign):
    open_round(campaign)
    item = checkup_item(campaign)
    assert (item.status, item.number) == ("none", "0")


def test_the_coverage_page_shows_per_department_whether_the_middle_answered(
    client, client_for, viewer, campaign, invite
):
    it = DepartmentFactory(campaign=campaign, name="IT")
    url = reverse("allies:coverage", kwargs={"slug": campaign.slug})
    page = client_for(viewer).get(url).text
    assert "The middle, this round" in page
    assert "Asked, no answer yet" in page
    assert "Nobody in the middle to ask" in page  # IT
    assert "0 of 1 answered" in page
    client.post(answer_link(invite, "suggestion"), {"text": "Fewer forms"})
    page = client_for(viewer).get(url).text
    assert "1 of 1 answered" in page
    assert it.name in page


def test_the_coverage_page_has_no_checkin_column_without_a_round(client_for, viewer, campaign, mira):
    page = client_for(viewer).get(reverse("allies:coverage", kwargs={"slug": campaign.slug})).text
    assert "The middle, this round" not in page


# --- Privacy ---------------------------------------------------------------------------------------


def test_erasing_an_ally_leaves_their_name_in_no_checkin_row(
    client_for, admin_user, campaign, invite, client, django_capture_on_commit_callbacks
):
    client.post(answer_link(invite, "roadblock"), {"text": "Approval takes three weeks"})
    url = reverse("campaign:privacy-erase", args=[campaign.slug, "ally", invite.ally_id])
    with django_capture_on_commit_callbacks():
        client_for(admin_user).post(url, {"confirm": "erase"})
    for pk in PrivacyJob.objects.filter(status="queued").values_list("pk", flat=True):
        run_privacy_job.run(pk)
    dump = io.StringIO()
    call_command("dumpdata", "allies", "campaign", stdout=dump)
    assert "Mira Patel" not in dump.getvalue()
    assert "mira@example.com" not in dump.getvalue()
    assert ServiceProblem.objects.get().roadblock_ask == "Approval takes three weeks"  # the ask stays, anonymous


# --- The cadence setting ---------------------------------------------------------------------------


def test_an_admin_sets_the_cadence_and_a_bad_one_is_refused(client_for, admin_user, campaign):
    url = reverse("campaign:settings", kwargs={"slug": campaign.slug})
    client = client_for(admin_user)
    page = client.get(url)
    assert '<label for="id_checkin_cadence"' in page.text
    assert client.post(url, settings_data(campaign, checkin_cadence="quarterly")).status_code == 302
    campaign.refresh_from_db()
    assert campaign.checkin_cadence == CheckinCadence.QUARTERLY
    response = client.post(url, settings_data(campaign, checkin_cadence="hourly"))
    assert response.status_code == 200
    assert "Select a valid choice. hourly is not one of the available choices." in response.text
    campaign.refresh_from_db()
    assert campaign.checkin_cadence == CheckinCadence.QUARTERLY
    client.post(url, settings_data(campaign, checkin_cadence="off"))
    campaign.refresh_from_db()
    assert campaign.checkin_cadence == CheckinCadence.OFF
    assert checkin.checkins_dispatch_due() == []
