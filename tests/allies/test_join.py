import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from allies import forms, services
from allies.forms import join_stamp
from allies.models import Ally, JoinLink
from campaign.models import MemberDelivery, Role
from tests.factories import AllyFactory, DepartmentFactory, JoinLinkFactory, MembershipFactory


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    """Each test starts with no sign-ups counted against the test client's address."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_typing_delay(monkeypatch):
    """The tests post at machine speed; the time trap has tests of its own below."""
    monkeypatch.setattr(forms, "JOIN_MIN_SECONDS", 0)


@pytest.fixture
def link(campaign):
    return JoinLinkFactory(campaign=campaign)


def join_url(link):
    return reverse("allies:join", kwargs={"token": link.token})


def sign_up(client, link, department, **overrides):
    data = {
        "name": "Vi Volunteer",
        "email": "vi@example.com",
        "department": department.pk,
        "level": "middle",
        "motivation": "Late invoices drive me mad",
        "website": "",
        "started": join_stamp(),
        **overrides,
    }
    return client.post(join_url(link), data)


def test_the_join_page_shows_the_campaigns_why_and_a_labelled_form(client, campaign, link, department):
    response = client.get(join_url(link))
    assert response.status_code == 200
    assert campaign.name in response.text
    assert campaign.why in response.text
    for field in ("name", "email", "department", "motivation"):
        assert f'<label for="id_{field}"' in response.text
    assert "Customer Support" in response.text
    assert 'class="hp-field"' in response.text


def test_only_the_campaigns_departments_are_offered(client, campaign, other_campaign, link):
    DepartmentFactory(campaign=other_campaign, name="Elsewhere Team")
    assert "Elsewhere Team" not in client.get(join_url(link)).text


def test_signing_up_lands_a_volunteer_awaiting_review(client, campaign, link, department):
    response = sign_up(client, link, department)
    assert response.status_code == 302
    assert response.url == reverse("allies:join-thanks", kwargs={"token": link.token})
    ally = Ally.objects.get(campaign=campaign)
    assert (ally.name, ally.email, ally.level) == ("Vi Volunteer", "vi@example.com", "middle")
    assert ally.department == department
    assert (ally.source, ally.stage, ally.awaiting_review) == ("volunteered", "interested", True)
    assert ally.motivation == "Late invoices drive me mad"
    assert ally.stage_changes.get().to_stage == "interested"
    thanks = client.get(response.url)
    assert "Thank you" in thanks.text
    assert campaign.name in thanks.text


def test_signing_up_twice_with_one_email_merges(client, campaign, link, department):
    AllyFactory(campaign=campaign, email="vi@example.com", name="Vi Known", stage="identified")
    sign_up(client, link, department, email="VI@EXAMPLE.COM", name="Vi Again", motivation="Second thoughts")
    ally = Ally.objects.get(campaign=campaign)
    assert (ally.name, ally.motivation, ally.stage) == ("Vi Known", "Second thoughts", "interested")
    assert ally.awaiting_review


def test_a_sign_up_matching_an_ally_further_along_leaves_their_stage_and_review_alone(
    client, campaign, link, department
):
    AllyFactory(campaign=campaign, email="vi@example.com", stage="committed")
    sign_up(client, link, department)
    ally = Ally.objects.get(campaign=campaign)
    assert (ally.stage, ally.awaiting_review) == ("committed", False)


def test_a_bad_form_is_shown_again_with_messages_beside_the_fields(client, campaign, link, department):
    response = sign_up(client, link, department, name="", email="not-an-email")
    assert response.status_code == 200
    assert "This field is required" in response.text
    assert "Enter a valid email address" in response.text
    assert not Ally.objects.exists()


def test_a_forged_department_is_a_form_error(client, campaign, other_campaign, link):
    foreign = DepartmentFactory(campaign=other_campaign)
    response = sign_up(client, link, foreign)
    assert "Select a valid choice" in response.text
    assert not Ally.objects.exists()


def test_a_filled_honeypot_pretends_success_and_stores_nothing(client, campaign, link, department):
    response = sign_up(client, link, department, website="http://spam.example")
    assert response.status_code == 302
    assert response.url.endswith("/thanks/")
    assert not Ally.objects.exists()


def test_a_post_without_the_forms_stamp_is_treated_as_a_bot(client, campaign, link, department):
    for stamp in ("", "forged:stamp"):
        response = sign_up(client, link, department, started=stamp)
        assert response.status_code == 302
        assert response.url.endswith("/thanks/")
    assert not Ally.objects.exists()


def test_a_post_faster_than_a_person_types_is_treated_as_a_bot(client, campaign, link, department, monkeypatch):
    monkeypatch.setattr(forms, "JOIN_MIN_SECONDS", 3)
    response = sign_up(client, link, department)
    assert response.url.endswith("/thanks/")
    assert not Ally.objects.exists()


def test_a_person_who_took_their_time_is_let_in(client, campaign, link, department, monkeypatch):
    monkeypatch.setattr(forms, "JOIN_MIN_SECONDS", 3)
    ten_seconds_ago = forms.time.time() - 10
    with monkeypatch.context() as patch:
        patch.setattr(forms.time, "time", lambda: ten_seconds_ago)
        stamp = join_stamp()
    assert sign_up(client, link, department, started=stamp).status_code == 302
    assert Ally.objects.filter(campaign=campaign).count() == 1


def test_a_form_left_open_too_long_asks_to_be_sent_again(client, campaign, link, department, monkeypatch):
    old = forms.time.time() - forms.JOIN_STAMP_MAX_AGE - 60
    with monkeypatch.context() as patch:
        patch.setattr(forms.time, "time", lambda: old)
        stamp = join_stamp()
    response = sign_up(client, link, department, started=stamp)
    assert response.status_code == 200
    assert "Please send it again" in response.text
    assert stamp not in response.text
    assert not Ally.objects.exists()


def test_sign_ups_are_rate_limited_per_address(client, campaign, link, department):
    for n in range(5):
        assert sign_up(client, link, department, email=f"vi{n}@example.com").status_code == 302
    response = sign_up(client, link, department, email="vi5@example.com")
    assert response.status_code == 429
    assert "Please wait a few minutes" in response.text
    assert Ally.objects.count() == 5
    other_address = Client(REMOTE_ADDR="10.1.2.3")
    assert sign_up(other_address, link, department, email="vi6@example.com").status_code == 302


def test_the_join_form_needs_a_csrf_token(campaign, link, department):
    client = Client(enforce_csrf_checks=True)
    response = sign_up(client, link, department)
    assert response.status_code == 403
    assert not Ally.objects.exists()


def test_unknown_switched_off_or_rotated_tokens_are_404(client, campaign, link, department, admin_user):
    assert client.get(reverse("allies:join", kwargs={"token": "nope"})).status_code == 404
    old_token = link.token
    new = services.join_link_create(campaign=campaign, by=admin_user)
    assert client.get(reverse("allies:join", kwargs={"token": old_token})).status_code == 404
    assert client.get(reverse("allies:join-thanks", kwargs={"token": old_token})).status_code == 404
    assert sign_up(client, JoinLink(token=old_token), department).status_code == 404
    assert client.get(join_url(new)).status_code == 200
    services.join_link_switch_off(campaign=campaign)
    assert client.get(join_url(new)).status_code == 404
    assert not Ally.objects.exists()


# --- the admin page -------------------------------------------------------------------------


def join_link_url(campaign, name="join-link"):
    return reverse(f"allies:{name}", kwargs={"slug": campaign.slug})


def test_an_admin_publishes_rotates_and_switches_off_the_link(client_for, admin_user, campaign):
    client = client_for(admin_user)
    assert "No join link is on" in client.get(join_link_url(campaign)).text
    client.post(join_link_url(campaign))
    first = JoinLink.objects.get(campaign=campaign, active=True)
    page = client.get(join_link_url(campaign)).text
    assert f"http://testserver/join/{first.token}/" in page
    assert first.created_by == admin_user
    client.post(join_link_url(campaign))
    second = JoinLink.objects.get(campaign=campaign, active=True)
    assert second.pk != first.pk
    response = client.post(join_link_url(campaign, "join-link-off"), follow=True)
    assert "switched off" in response.text
    assert not JoinLink.objects.filter(campaign=campaign, active=True).exists()


def test_champions_see_and_copy_the_link_but_cannot_publish_rotate_or_switch_it_off(
    client_for, champion, campaign, link
):
    client = client_for(champion)
    page = client.get(join_link_url(campaign)).text
    assert f'value="http://testserver/join/{link.token}/"' in page
    assert '<label for="join-link-address">' in page
    assert "Make a new link" not in page and "Switch off" not in page
    assert client.post(join_link_url(campaign)).status_code == 403
    assert client.post(join_link_url(campaign, "join-link-off")).status_code == 403
    assert list(JoinLink.objects.filter(active=True)) == [link]


def test_a_champion_is_told_to_ask_an_admin_when_no_link_is_on(client_for, champion, campaign):
    page = client_for(champion).get(join_link_url(campaign)).text
    assert "Ask a campaign admin to publish one" in page
    assert "Publish a join link" not in page


def test_the_ally_nav_offers_the_join_link_to_champions_not_viewers(client_for, champion, viewer, campaign):
    list_url = reverse("allies:ally-list", kwargs={"slug": campaign.slug})
    assert join_link_url(campaign) in client_for(champion).get(list_url).text
    assert join_link_url(campaign) not in client_for(viewer).get(list_url).text


def test_viewers_cannot_see_the_join_link(client_for, viewer, campaign, link):
    client = client_for(viewer)
    assert client.get(join_link_url(campaign)).status_code == 403
    assert client.post(join_link_url(campaign)).status_code == 403


def test_the_join_link_page_queries_stay_few(client_for, champion, campaign, link, django_assert_max_num_queries):
    DepartmentFactory.create_batch(20, campaign=campaign)
    AllyFactory.create_batch(30, campaign=campaign, awaiting_review=True)
    client = client_for(champion)
    with django_assert_max_num_queries(6):
        assert client.get(join_link_url(campaign)).status_code == 200


# --- Telling the champions ------------------------------------------------------------------------


@pytest.fixture
def team(campaign, admin_user, champion, viewer):
    """The campaign's admin, champion and viewer, and a champion of another campaign."""
    MembershipFactory(role=Role.CHAMPION, user__email="elsewhere@example.com")
    return admin_user, champion, viewer


def test_a_sign_up_emails_each_champion_and_admin_once_through_the_outbox(
    client, campaign, link, department, team, django_capture_on_commit_callbacks, send_member_mail
):
    admin_user, champion, _viewer = team
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sign_up(client, link, department)
    assert mail.outbox == []  # nothing sent in the public request
    assert len(callbacks) == 2
    rows = MemberDelivery.objects.filter(template="volunteer-signed-up")
    assert sorted(rows.values_list("to_email", flat=True)) == sorted([admin_user.email, champion.email])
    assert {row.triggered_by for row in rows} == {None}

    send_member_mail()
    send_member_mail()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([admin_user.email, champion.email])
    message = mail.outbox[0]
    ally = Ally.objects.get()
    assert message.subject == "Vi Volunteer volunteered for Harbour Line"
    assert "Late invoices drive me mad" in message.body
    assert ally.get_absolute_url() in message.body
    assert "Vi Volunteer" in message.alternatives[0].content


def test_a_sign_up_holds_its_query_count_however_many_champions_are_told(
    client, campaign, link, department, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    MembershipFactory.create_batch(30, campaign=campaign, role=Role.CHAMPION)
    # The sign-up's own checks and savepoints, the event (a savepoint, its row, the campaign's channels),
    # then one read of the members and one INSERT for all 30.
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        django_assert_max_num_queries(35),
    ):  # 4 of them: the rollup's day
        sign_up(client, link, department)
    assert MemberDelivery.objects.count() == len(callbacks) == 30
    assert len({row.pk for row in MemberDelivery.objects.all()}) == 30


def test_a_sign_up_already_waiting_or_further_along_tells_nobody_again(
    client, campaign, link, department, team, django_capture_on_commit_callbacks
):
    AllyFactory(campaign=campaign, email="far@example.com", stage="committed")
    with django_capture_on_commit_callbacks(execute=False):
        sign_up(client, link, department)
        sign_up(client, link, department, motivation="Still keen")
        sign_up(client, link, department, email="far@example.com")
    assert MemberDelivery.objects.count() == 2  # the first sign-up, to the admin and the champion


def test_a_volunteer_name_with_markup_is_plain_in_the_text_and_escaped_in_the_html(
    client, campaign, link, department, team, django_capture_on_commit_callbacks, send_member_mail
):
    with django_capture_on_commit_callbacks(execute=False):
        sign_up(client, link, department, name='Vi <b>"&"</b>')
    send_member_mail()
    message = mail.outbox[0]
    assert message.subject == 'Vi <b>"&"</b> volunteered for Harbour Line'
    assert 'Vi <b>"&"</b>' in message.body
    assert "<b>" not in message.alternatives[0].content.split("<body", 1)[1].replace("<strong>", "")


def test_the_join_link_page_shows_nothing_of_another_campaign(client_for, admin_user, campaign, other_campaign):
    foreign = JoinLinkFactory(campaign=other_campaign)
    page = client_for(admin_user).get(join_link_url(campaign)).text
    assert foreign.token not in page
    assert client_for(admin_user).post(join_link_url(other_campaign, "join-link-off")).status_code == 404
    foreign.refresh_from_db()
    assert foreign.active


def test_the_join_link_page_warns_when_there_are_no_departments_to_choose(client_for, admin_user, campaign):
    page = client_for(admin_user).get(join_link_url(campaign)).text
    assert "this campaign has none yet" in page
    DepartmentFactory(campaign=campaign)
    assert "this campaign has none yet" not in client_for(admin_user).get(join_link_url(campaign)).text
