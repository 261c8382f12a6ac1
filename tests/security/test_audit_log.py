"""The audit log: settings, departments, goals, roles, API tokens and the schedule record who, when, before, after."""

import datetime
import re

import pytest
from django.contrib import admin
from django.urls import reverse

from campaign.models import AuditEntry, Department, Membership, Role
from leadership.models import ApiToken
from tests.factories import DepartmentFactory, MembershipFactory, SummaryScheduleFactory


def settings_data(campaign, **changes):
    data = {
        "name": campaign.name,
        "slug": campaign.slug,
        "service_focus": campaign.service_focus,
        "why": campaign.why,
        "how": campaign.how,
        "what": campaign.what,
        "status": campaign.status,
        "start_date": campaign.start_date.isoformat(),
        "time_zone": campaign.time_zone,
        "people_per_ally": campaign.people_per_ally,
        "stale_after_days": campaign.stale_after_days,
    }
    return {**data, **changes}


def test_changing_campaign_settings_records_who_when_before_and_after(client_for, campaign, admin_user):
    old_name = campaign.name
    response = client_for(admin_user).post(
        reverse("campaign:settings", kwargs={"slug": campaign.slug}), settings_data(campaign, name="Harbour Line 2")
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(campaign=campaign)
    assert entry.actor == admin_user
    assert entry.actor_name == "ada"
    assert entry.action == "Campaign settings changed"
    assert entry.before == {"name": old_name}
    assert entry.after == {"name": "Harbour Line 2"}
    assert entry.at is not None


def test_saving_settings_unchanged_records_nothing(client_for, campaign, admin_user):
    client_for(admin_user).post(reverse("campaign:settings", kwargs={"slug": campaign.slug}), settings_data(campaign))
    assert not AuditEntry.objects.exists()


def test_an_invalid_settings_form_records_nothing(client_for, campaign, admin_user):
    url = reverse("campaign:settings", kwargs={"slug": campaign.slug})
    response = client_for(admin_user).post(url, settings_data(campaign, name=""))
    assert response.status_code == 200
    assert not AuditEntry.objects.exists()


def test_role_changes_and_removals_are_recorded(client_for, campaign, admin_user):
    member = MembershipFactory(campaign=campaign, role=Role.VIEWER, user__username="vic")
    client = client_for(admin_user)
    client.post(
        reverse("campaign:settings-members-role", kwargs={"slug": campaign.slug, "pk": member.pk}), {"role": "champion"}
    )
    client.post(reverse("campaign:settings-members-remove", kwargs={"slug": campaign.slug, "pk": member.pk}))
    changed, removed = AuditEntry.objects.filter(campaign=campaign).order_by("pk")
    assert (changed.action, changed.target, changed.before, changed.after) == (
        "Member role changed",
        str(member.user),
        {"role": "viewer"},
        {"role": "champion"},
    )
    assert (removed.action, removed.before, removed.actor) == ("Member removed", {"role": "champion"}, admin_user)
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_inviting_a_member_is_recorded(client_for, campaign, admin_user):
    url = reverse("campaign:settings-members", kwargs={"slug": campaign.slug})
    client_for(admin_user).post(url, {"email": "new.person@example.com", "role": "viewer"})
    entry = AuditEntry.objects.get(campaign=campaign)
    assert (entry.action, entry.target, entry.after) == ("Member invited", "new.person@example.com", {"role": "viewer"})


def test_departments_added_changed_and_removed_are_recorded(client_for, campaign, admin_user):
    client = client_for(admin_user)
    client.post(
        reverse("campaign:settings-departments", kwargs={"slug": campaign.slug}),
        {"name": "Billing", "kind": "customer_facing"},
    )
    department = campaign.departments.get(name="Billing")
    edit = reverse("campaign:settings-departments-edit", kwargs={"slug": campaign.slug, "pk": department.pk})
    client.post(edit, {"name": "Billing & Accounts", "kind": "customer_facing"})
    client.post(reverse("campaign:settings-departments-delete", kwargs={"slug": campaign.slug, "pk": department.pk}))
    actions = list(AuditEntry.objects.filter(campaign=campaign).order_by("pk").values_list("action", flat=True))
    assert actions == ["Department added", "Department changed", "Department removed"]
    changed = AuditEntry.objects.get(action="Department changed")
    assert changed.before == {"name": "Billing"}
    assert changed.after == {"name": "Billing & Accounts"}


def test_api_tokens_created_and_revoked_are_recorded_without_the_secret(client_for, campaign, admin_user):
    client = client_for(admin_user)
    response = client.post(
        reverse("leadership:settings-api-tokens", kwargs={"slug": campaign.slug}), {"name": "Helpdesk"}
    )
    raw = response.context["raw_token"]
    token = ApiToken.objects.get(campaign=campaign)
    client.post(reverse("leadership:settings-api-tokens-revoke", kwargs={"slug": campaign.slug, "pk": token.pk}))
    entries = AuditEntry.objects.filter(campaign=campaign).order_by("pk")
    assert [(e.action, e.target) for e in entries] == [
        ("API token created", "Helpdesk"),
        ("API token revoked", "Helpdesk"),
    ]
    for entry in entries:
        assert raw not in str(entry.before) + str(entry.after)


def test_schedule_changes_are_recorded(client_for, campaign, admin_user):
    url = reverse("leadership:settings-summaries", kwargs={"slug": campaign.slug})
    client = client_for(admin_user)
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list)}
    data.update(
        {"enabled": "on", "cadence": "monthly", "day_of_month": 3, "hour": 9, "weekday": 0, "all_leaders": "on"}
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    entry = AuditEntry.objects.get(campaign=campaign)
    assert entry.action == "Summary schedule changed"
    assert entry.before["enabled"] is False
    assert entry.after["enabled"] is True
    assert entry.after["cadence"] == "monthly"


def test_admins_read_the_log_and_others_cannot(client_for, campaign, admin_user, champion, other_campaign):
    DepartmentFactory(campaign=campaign)
    AuditEntry.objects.create(
        campaign=campaign,
        actor=admin_user,
        actor_name="ada",
        action="Campaign settings changed",
        before={"name": "<b>Old</b>"},
        after={"name": "New"},
    )
    AuditEntry.objects.create(campaign=other_campaign, actor_name="olly", action="Their secret change")
    url = reverse("campaign:settings-audit", kwargs={"slug": campaign.slug})
    page = client_for(admin_user).get(url).content.decode()
    assert "Campaign settings changed" in page
    assert "&lt;b&gt;Old&lt;/b&gt;" in page
    assert "Their secret change" not in page
    assert client_for(champion).get(url).status_code == 403


def test_the_log_has_an_empty_state(client_for, campaign, admin_user):
    page = (
        client_for(admin_user).get(reverse("campaign:settings-audit", kwargs={"slug": campaign.slug})).content.decode()
    )
    assert "Nothing recorded yet" in page


def test_the_log_page_takes_few_queries_with_many_entries(
    client_for, campaign, admin_user, django_assert_max_num_queries
):
    AuditEntry.objects.bulk_create(
        AuditEntry(campaign=campaign, actor=admin_user, actor_name="ada", action=f"Change {n}") for n in range(120)
    )
    client = client_for(admin_user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("campaign:settings-audit", kwargs={"slug": campaign.slug}))
    assert response.content.decode().count("<tr>") == 51


def test_nobody_can_change_or_delete_an_entry(campaign):
    entry = AuditEntry.objects.create(campaign=campaign, actor_name="ada", action="Campaign settings changed")
    entry.action = "Nothing happened"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_the_django_admin_offers_no_add_change_or_delete(rf, campaign, admin_user):
    model_admin = admin.site._registry[AuditEntry]
    request = rf.get("/admin/")
    request.user = admin_user
    entry = AuditEntry.objects.create(campaign=campaign, actor_name="ada", action="x")
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)


def test_a_superuser_cannot_edit_an_entry_through_the_admin(client, campaign, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", "root@example.com", "x" * 16)
    client.force_login(superuser, backend="django.contrib.auth.backends.ModelBackend")
    entry = AuditEntry.objects.create(campaign=campaign, actor_name="ada", action="Campaign settings changed")
    change_url = reverse("admin:campaign_auditentry_change", args=[entry.pk])
    assert client.get(change_url).status_code == 200  # view only
    client.post(change_url, {"action": "Rewritten", "actor_name": "mallory"})
    client.post(reverse("admin:campaign_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    entry.refresh_from_db()
    assert (entry.action, entry.actor_name) == ("Campaign settings changed", "ada")
    assert client.get(reverse("admin:campaign_auditentry_add")).status_code == 403


def audit_page(client, campaign):
    return client.get(reverse("campaign:settings-audit", kwargs={"slug": campaign.slug})).content.decode()


def test_the_log_shows_weekday_names_and_hides_microseconds(client_for, campaign, admin_user):
    campaign.time_zone = "Europe/Paris"
    campaign.save()
    SummaryScheduleFactory(campaign=campaign, enabled=False, weekday=0)
    url = reverse("leadership:settings-summaries", kwargs={"slug": campaign.slug})
    client = client_for(admin_user)
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list)}
    data.update({"enabled": "on", "cadence": "weekly", "weekday": 4, "hour": 9, "all_leaders": "on"})
    assert client.post(url, data).status_code == 302
    page = audit_page(client, campaign)
    changes = page.split('<dl class="audit-changes">')[1].split("</dl>")[0]
    assert "<dt>Day of the week</dt>" in changes
    assert "<dd>Monday → Friday</dd>" in changes
    assert "<dt>Send summaries</dt>" in changes
    assert "<dd>No → Yes</dd>" in changes
    assert not re.search(r"\d\d:\d\d:\d\d", changes)
    assert not re.search(r"\.\d{6}", page)


def test_the_log_shows_choice_labels_not_stored_values(client_for, campaign, admin_user):
    department = DepartmentFactory(campaign=campaign, name="Billing", kind=Department.Kind.INTERNAL_PROVIDER)
    client = client_for(admin_user)
    url = reverse("campaign:settings-departments-edit", kwargs={"slug": campaign.slug, "pk": department.pk})
    client.post(url, {"name": "Billing", "kind": Department.Kind.CUSTOMER_FACING, "headcount": ""})
    member = MembershipFactory(campaign=campaign, role=Role.VIEWER, user__username="vic")
    client.post(
        reverse("campaign:settings-members-role", kwargs={"slug": campaign.slug, "pk": member.pk}), {"role": "champion"}
    )
    page = audit_page(client, campaign)
    assert "internal_provider" not in page
    assert "<dd>Internal service provider → Customer-facing</dd>" in page
    assert "<dd>Viewer → Champion</dd>" in page


def test_the_log_shows_when_to_the_minute_in_the_campaigns_time_zone(client_for, campaign, admin_user):
    campaign.time_zone = "Asia/Tokyo"
    campaign.save()
    AuditEntry.objects.create(
        campaign=campaign,
        actor_name="ada",
        action="Summary schedule changed",
        at=datetime.datetime(2026, 12, 1, 23, 30, 15, 123456, tzinfo=datetime.UTC),
        before={"active_since": "2026-11-30 10:05:07.654321+00:00"},
        after={"active_since": "2026-12-01 23:30:15.123456+00:00"},
    )
    page = audit_page(client_for(admin_user), campaign)
    assert "2 Dec 2026 08:30" in page
    assert "30 Nov 2026 19:05 → 2 Dec 2026 08:30" in page
    assert "654321" not in page
