from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from campaign.models import Invitation, Membership, Role
from tests.factories import MembershipFactory, UserFactory

User = get_user_model()
HTMX = {"HTTP_HX_REQUEST": "true"}


def members_url(campaign):
    return reverse("campaign:settings-members", kwargs={"slug": campaign.slug})


def invite(client, campaign, email, role="champion", **extra):
    return client.post(members_url(campaign), {"email": email, "role": role}, **extra)


def link_from(message):
    return next(line for line in message.body.splitlines() if "/accounts/invitation/" in line).strip()


def test_inviting_a_new_address_sends_a_single_use_link(
    client_for, admin_user, campaign, django_capture_on_commit_callbacks, send_member_mail
):
    with django_capture_on_commit_callbacks(execute=False):
        response = invite(client_for(admin_user), campaign, "New.Person@Example.com", **HTMX)
    send_member_mail()
    assert "Invitation sent to new.person@example.com" in response.headers["HX-Trigger"]
    invitation = Invitation.objects.get(campaign=campaign)
    assert invitation.email == "new.person@example.com"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.com"]
    assert "Harbour Line" in message.subject
    html = message.alternatives[0].content
    assert link_from(message) in html
    # Only the hash is stored: the raw token is in the email and nowhere else.
    token = link_from(message).rstrip("/").rsplit("/", 1)[-1]
    assert token not in invitation.token_hash


def test_adding_someone_with_an_account_makes_them_a_member_at_once(
    client_for, admin_user, campaign, django_capture_on_commit_callbacks, send_member_mail
):
    existing = UserFactory(username="erin", email="erin@example.com")
    with django_capture_on_commit_callbacks(execute=False):
        invite(client_for(admin_user), campaign, "ERIN@example.com", role="viewer")
    send_member_mail()
    assert Membership.objects.get(campaign=campaign, user=existing).role == Role.VIEWER
    assert not Invitation.objects.exists()
    assert mail.outbox[0].to == ["erin@example.com"]


def test_inviting_twice_or_inviting_a_member_is_refused(client_for, admin_user, champion, campaign):
    client = client_for(admin_user)
    invite(client, campaign, "twice@example.com")
    response = invite(client, campaign, "twice@example.com", **HTMX)
    assert "already has an invitation waiting" in response.text
    response = invite(client, campaign, champion.email, **HTMX)
    assert "already a member of this campaign" in response.text
    assert Invitation.objects.count() == 1


def test_unknown_role_is_refused(client_for, admin_user, campaign):
    response = invite(client_for(admin_user), campaign, "x@example.com", role="overlord", **HTMX)
    assert "Select a valid choice" in response.text
    assert not Invitation.objects.exists()


def test_changing_a_role(client_for, admin_user, champion, campaign):
    membership = Membership.objects.get(user=champion, campaign=campaign)
    url = reverse("campaign:settings-members-role", kwargs={"slug": campaign.slug, "pk": membership.pk})
    response = client_for(admin_user).post(url, {"role": "viewer"}, **HTMX)
    assert 'id="members-section"' in response.text
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER


def test_the_last_admin_cannot_be_demoted_or_removed(client_for, admin_user, champion, campaign):
    membership = Membership.objects.get(user=admin_user, campaign=campaign)
    client = client_for(admin_user)
    role_url = reverse("campaign:settings-members-role", kwargs={"slug": campaign.slug, "pk": membership.pk})
    response = client.post(role_url, {"role": "champion"}, **HTMX)
    assert "needs at least one admin" in response.headers["HX-Trigger"]
    remove_url = reverse("campaign:settings-members-remove", kwargs={"slug": campaign.slug, "pk": membership.pk})
    client.post(remove_url)
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


def test_an_admin_can_step_down_once_another_admin_exists(client_for, admin_user, campaign):
    MembershipFactory(campaign=campaign, role=Role.ADMIN)
    membership = Membership.objects.get(user=admin_user, campaign=campaign)
    url = reverse("campaign:settings-members-remove", kwargs={"slug": campaign.slug, "pk": membership.pk})
    client_for(admin_user).post(url)
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_removing_a_member_asks_for_confirmation(client_for, admin_user, champion, campaign):
    membership = Membership.objects.get(user=champion, campaign=campaign)
    url = reverse("campaign:settings-members-remove", kwargs={"slug": campaign.slug, "pk": membership.pk})
    response = client_for(admin_user).get(url)
    assert "Remove member" in response.text
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_revoking_an_invitation_kills_its_link(
    client_for, admin_user, campaign, client, django_capture_on_commit_callbacks, send_member_mail
):
    with django_capture_on_commit_callbacks(execute=False):
        invite(client_for(admin_user), campaign, "gone@example.com")
    send_member_mail()
    link = link_from(mail.outbox[0])
    invitation = Invitation.objects.get()
    client.post(reverse("campaign:settings-invitations-revoke", kwargs={"slug": campaign.slug, "pk": invitation.pk}))
    client.logout()
    assert client.get(link.replace("http://127.0.0.1:8000", "")).status_code == 404


def test_members_page_queries_do_not_grow(client_for, admin_user, campaign, django_assert_max_num_queries):
    MembershipFactory.create_batch(50, campaign=campaign)
    for n in range(20):
        inv = Invitation(campaign=campaign, email=f"p{n}@example.com", invited_by=admin_user)
        inv.issue_token()
        inv.save()
    client = client_for(admin_user)
    with django_assert_max_num_queries(7):
        client.get(members_url(campaign))


class TestAcceptingAnInvitation:
    @pytest.fixture
    def link(self, client_for, admin_user, campaign, django_capture_on_commit_callbacks, send_member_mail):
        with django_capture_on_commit_callbacks(execute=False):
            invite(client_for(admin_user), campaign, "newbie@example.com", role="viewer")
        send_member_mail()
        client_for(admin_user).logout()
        return link_from(mail.outbox[-1]).replace("http://127.0.0.1:8000", "")

    def accept(self, client, link, **overrides):
        data = {
            "username": "newbie",
            "first_name": "New",
            "last_name": "Bie",
            "password1": "tide lifts all boats",
            "password2": "tide lifts all boats",
            **overrides,
        }
        return client.post(link, data)

    def test_it_creates_the_account_and_logs_in(self, client, link, campaign):
        page = client.get(link)
        assert "Join Harbour Line" in page.text
        response = self.accept(client, link)
        assert response.status_code == 302
        assert response.url == campaign.get_absolute_url()
        user = User.objects.get(username="newbie")
        assert user.email == "newbie@example.com"
        assert Membership.objects.get(user=user).role == Role.VIEWER
        assert client.get(campaign.get_absolute_url()).status_code == 200

    def test_a_used_link_cannot_be_used_again(self, client, link):
        self.accept(client, link)
        client.logout()
        response = self.accept(client, link, username="second")
        assert response.status_code == 410
        assert "already been used" in response.text
        assert not User.objects.filter(username="second").exists()

    def test_an_expired_link_is_refused(self, client, link):
        with time_machine.travel(timezone.now() + timedelta(days=8)):
            response = self.accept(client, link)
        assert response.status_code == 410
        assert "expired" in response.text
        assert not User.objects.filter(username="newbie").exists()

    def test_a_forged_link_is_404(self, client, db):
        assert client.get("/accounts/invitation/not-a-real-token/").status_code == 404

    def test_weak_or_mismatched_passwords_are_refused(self, client, link):
        response = self.accept(client, link, password1="short", password2="short")
        assert "at least 12 characters" in response.text
        response = self.accept(client, link, password1="password1234", password2="password1234")
        assert "too common" in response.text
        response = self.accept(client, link, password2="something else entirely")
        assert "The two passwords differ" in response.text
        assert not User.objects.filter(username="newbie").exists()

    def test_a_taken_username_is_refused(self, client, link, champion):
        response = self.accept(client, link, username=champion.username.upper())
        assert "That username is taken" in response.text
