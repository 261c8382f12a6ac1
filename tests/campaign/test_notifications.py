"""
Members' notifications (campaign.notifications): each chooses per kind of event how to hear of it;
mail at once goes through the member outbox, digests once per member and period; every member mail
links to the settings, and notification mail carries a one-click "stop these emails".
"""

from datetime import UTC, datetime

from django.core import mail
from django.urls import reverse

from campaign import events, notifications
from campaign.models import MemberDelivery, NotificationDigest, Role
from campaign.outbox import member_delivery_send
from campaign.services import member_add_by_email
from tests.factories import MembershipFactory, UserFactory


def send_all():
    for pk in MemberDelivery.objects.filter(status="queued").values_list("pk", flat=True):
        member_delivery_send(pk=pk)


def member(campaign, role, email, **choices):
    membership = MembershipFactory(campaign=campaign, role=role, user=UserFactory(email=email))
    if choices:
        notifications.notification_settings_save(membership=membership, choices=choices)
    return membership


def test_roles_start_with_sensible_defaults(campaign):
    champion = member(campaign, Role.CHAMPION, "c@example.com")
    viewer = member(campaign, Role.VIEWER, "v@example.com")
    assert notifications.choices_for(champion)["volunteer_joined"] == "now"
    assert notifications.choices_for(champion)["follow_ups_due"] == "daily"
    assert notifications.choices_for(viewer) == {"roadblock_cleared": "weekly"}  # a viewer reviews no volunteer


def test_mail_at_once_goes_to_those_who_chose_it_and_whom_it_concerns(campaign):
    member(campaign, Role.ADMIN, "admin@example.com")
    member(campaign, Role.CHAMPION, "off@example.com", leader_rsvp="off")
    owner = member(campaign, Role.CHAMPION, "owner@example.com")
    member(campaign, Role.VIEWER, "viewer@example.com")

    events.announce(campaign, "leader_rsvp", key="1", subject="Dana accepted “Panel”", audience=[owner.user_id])
    events.announce(campaign, "leader_rsvp", key="1", subject="Dana accepted “Panel”", audience=[owner.user_id])
    send_all()

    assert [m.to for m in mail.outbox] == [["owner@example.com"]]
    message = mail.outbox[0]
    assert "Dana accepted “Panel”" in message.subject
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert reverse("campaign:notifications", kwargs={"slug": campaign.slug}) in message.body
    assert reverse("campaign:notifications", kwargs={"slug": campaign.slug}) in message.alternatives[0].content


def test_a_member_is_not_notified_of_their_own_action(campaign):
    admin = member(campaign, Role.ADMIN, "admin@example.com")
    events.announce(campaign, "summary_failed", key="1", subject="Failed", by=admin.user)
    assert not MemberDelivery.objects.exists()


def test_the_added_to_campaign_mail_links_to_the_settings(campaign, admin_user):
    member_add_by_email(campaign=campaign, email="new@example.com", role=Role.CHAMPION, by=admin_user)
    send_all()
    (message,) = mail.outbox
    assert reverse("campaign:notifications", kwargs={"slug": campaign.slug}) in message.body


def at(year, month, day, hour):
    return datetime(year, month, day, hour, tzinfo=UTC)


def test_one_daily_digest_per_member_and_day(campaign, time_machine):
    reader = member(campaign, Role.CHAMPION, "reader@example.com", roadblock_cleared="daily")
    member(campaign, Role.CHAMPION, "weekly@example.com", roadblock_cleared="weekly")
    time_machine.move_to(at(2026, 12, 2, 15))
    events.announce(campaign, "roadblock_cleared", key="a", subject="Roadblock cleared: <b>Budget</b>", url="/c/x/")
    events.announce(campaign, "roadblock_cleared", key="b", subject="Roadblock cleared: Rota")

    time_machine.move_to(at(2026, 12, 3, 6))  # before the digest hour: nothing yet
    assert notifications.digests_build() == []
    time_machine.move_to(at(2026, 12, 3, 8))
    (digest,) = notifications.digests_build()
    assert notifications.digests_build() == []  # the next tick writes none
    assert (digest.user_id, digest.cadence, digest.event_count) == (reader.user_id, "daily", 2)
    assert str(digest.period_start) == "2026-12-02"
    send_all()
    (message,) = mail.outbox
    assert message.to == ["reader@example.com"]
    assert "Roadblock cleared: <b>Budget</b>" in message.body
    html = message.alternatives[0].content
    assert "<b>Budget</b>" not in html and "&lt;b&gt;Budget&lt;/b&gt;" in html
    assert message.extra_headers["List-Unsubscribe"]


def test_the_weekly_digest_covers_monday_to_sunday_once(campaign, time_machine):
    member(campaign, Role.VIEWER, "viewer@example.com")  # weekly roadblocks by default
    time_machine.move_to(at(2026, 11, 25, 12))  # a Wednesday
    events.announce(campaign, "roadblock_cleared", key="a", subject="Cleared")
    time_machine.move_to(at(2026, 11, 30, 9))  # the next Monday
    (digest,) = [d for d in notifications.digests_build() if d.cadence == "weekly"]
    assert str(digest.period_start) == "2026-11-23"
    time_machine.move_to(at(2026, 12, 1, 9))
    assert [d for d in notifications.digests_build() if d.cadence == "weekly"] == []
    assert NotificationDigest.objects.count() == 1


def test_the_one_click_link_switches_a_kind_off(client, campaign):
    reader = member(campaign, Role.CHAMPION, "reader@example.com")
    url = notifications.off_url(reader, "volunteer_joined")
    page = client.get(url)
    assert page.status_code == 200 and "Stop these emails" in page.content.decode()
    assert notifications.choices_for(reader)["volunteer_joined"] == "now"
    answer = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert answer.content == b"Notifications switched off."
    reader.refresh_from_db()
    assert notifications.choices_for(reader)["volunteer_joined"] == "off"
    assert notifications.choices_for(reader)["leader_rsvp"] == "now"


def test_a_forged_link_is_404(client):
    assert client.get(reverse("campaign:notifications-off", kwargs={"token": "forged"})).status_code == 404


def test_a_member_saves_their_choices(client_for, campaign, champion):
    url = reverse("campaign:notifications", kwargs={"slug": campaign.slug})
    page = client_for(champion).get(url).content.decode()
    assert "A new volunteer to review" in page
    data = dict.fromkeys(notifications.choices_for(champion.memberships.get()), "off")
    data["follow_ups_due"] = "weekly"
    response = client_for(champion).post(url, data)
    assert response.status_code == 302
    choices = notifications.choices_for(champion.memberships.get())
    assert choices["follow_ups_due"] == "weekly" and choices["volunteer_joined"] == "off"


def test_a_bad_choice_is_refused_next_to_the_field(client_for, campaign, champion):
    url = reverse("campaign:notifications", kwargs={"slug": campaign.slug})
    response = client_for(champion).post(url, {"follow_ups_due": "hourly"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_the_settings_page_reads_a_fixed_number_of_queries(
    client_for, campaign, champion, django_assert_max_num_queries
):
    for n in range(40):
        member(campaign, Role.CHAMPION, f"m{n}@example.com")
        events.announce(campaign, "roadblock_cleared", key=n, subject=f"Cleared {n}")
    client = client_for(champion)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("campaign:notifications", kwargs={"slug": campaign.slug}))
    assert "Save my notifications" in response.content.decode()


def test_digests_at_the_bench_size_take_a_bounded_number_of_queries(
    campaign, time_machine, django_assert_max_num_queries
):
    time_machine.move_to(at(2026, 12, 2, 12))
    for n in range(30):
        member(campaign, Role.CHAMPION, f"m{n}@example.com", roadblock_cleared="daily")
        events.announce(campaign, "roadblock_cleared", key=n, subject=f"Cleared {n}")
    MemberDelivery.objects.all().delete()
    time_machine.move_to(at(2026, 12, 3, 8))
    # Per digest written: a savepoint, the digest, its mail, its link back (a handful); the reads are fixed.
    with django_assert_max_num_queries(8 + 30 * 8):
        made = notifications.digests_build()
    assert len(made) == 30
