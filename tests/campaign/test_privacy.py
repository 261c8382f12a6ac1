"""Privacy: the registry is true to the models; find, export and erase a person; retention."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from django.utils import timezone

from campaign.models import AuditEntry, MemberDelivery, PrivacyJob, Role
from campaign.privacy import jobs, retention
from campaign.privacy.registry import MODELS, PLACEHOLDER
from campaign.privacy.tasks import run_privacy_job
from leadership.models import ExecutiveSummary
from tests.factories import (
    AllyFactory,
    CampaignFactory,
    FeedbackFactory,
    LeaderFactory,
    MembershipFactory,
    TouchpointFactory,
)

NAME = "Priya Quistwater"
EMAIL = "priya.quistwater@example.com"
APPS = ("campaign", "allies", "personas", "leadership")


def test_every_declared_field_exists():
    for label, entry in MODELS.items():
        model = apps.get_model(label)
        names = {field.name for field in model._meta.get_fields()}
        missing = (set(entry.personal) | entry.not_personal) - names
        assert not missing, f"{label} declares fields it does not have: {sorted(missing)}"


def test_every_text_field_of_every_model_is_declared_personal_or_not():
    text = (models.CharField, models.TextField, models.EmailField)
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            entry = MODELS.get(model._meta.label_lower)
            assert entry, f"{model._meta.label_lower} is not in the privacy registry (its app's privacy.py)"
            for field in model._meta.concrete_fields:
                if isinstance(field, text):
                    declared = field.name in entry.personal or field.name in entry.not_personal
                    assert declared, f"{model._meta.label_lower}.{field.name}: personal or not?"


@pytest.fixture
def priya(campaign):
    """An ally whose name and address are copied into a touchpoint, an email, a summary and the audit log."""
    ally = AllyFactory(campaign=campaign, name=NAME, email=EMAIL, note="Met at the depot", motivation="Fairness")
    TouchpointFactory(campaign=campaign, allies=[ally], note=f"Lunch with {NAME}")
    MemberDelivery.objects.create(
        campaign=campaign,
        to_email="chris@example.com",
        template="volunteer-signed-up",
        subject=f"{NAME} joined",
        context={"ally_name": NAME, "ally_email": EMAIL},
        status="sent",
        sent_at=timezone.now(),
    )
    ExecutiveSummary.objects.create(
        campaign=campaign,
        period_start=timezone.localdate() - timedelta(days=7),
        period_end=timezone.localdate(),
        due_at=timezone.now(),
        snapshot={"compliments": [{"summary": f"{NAME} was kind", "customer": "Zoë Ng"}]},
    )
    AuditEntry.objects.create(campaign=campaign, actor_name="ada", action="Invitation revoked", target=EMAIL)
    return ally


def _run_jobs(callbacks):
    """What a worker does with the enqueued jobs (the captured callbacks would only ring the broker)."""
    assert callbacks
    for pk in PrivacyJob.objects.filter(status="queued").values_list("pk", flat=True):
        run_privacy_job.run(pk)


def test_an_admin_finds_a_person_across_their_campaigns(client_for, admin_user, priya, django_assert_max_num_queries):
    second = CampaignFactory(name="Second Line", slug="second")
    MembershipFactory(campaign=second, user=admin_user, role=Role.ADMIN)
    AllyFactory(campaign=second, name="Priya Second")
    AllyFactory.create_batch(30, campaign=second)
    AllyFactory(campaign=CampaignFactory(slug="third"), name="Priya Elsewhere")  # not theirs
    client = client_for(admin_user)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("campaign:privacy"), {"q": "priya"})
    page = response.content.decode()
    assert NAME in page and "Priya Second" in page
    assert "Priya Elsewhere" not in page
    assert 'for="id_q"' in page


def test_a_search_with_no_match_says_so(client_for, admin_user):
    response = client_for(admin_user).get(reverse("campaign:privacy"), {"q": "Nobody Atall"})
    assert "Nobody matches" in response.content.decode()


def test_a_member_who_administers_nothing_sees_an_empty_page(client_for, viewer, priya):
    response = client_for(viewer).get(reverse("campaign:privacy"), {"q": "priya"})
    assert "You administer no campaign" in response.content.decode()
    assert NAME not in response.content.decode()


def test_export_runs_as_a_job_and_gives_a_zip_with_the_emails_sent(
    client_for, admin_user, campaign, django_capture_on_commit_callbacks
):
    leader = LeaderFactory(campaign=campaign, name=NAME, email=EMAIL, wiifm_note="Budget first")
    client = client_for(admin_user)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("campaign:privacy-export", args=[campaign.slug, "leader", leader.pk]))
    job = PrivacyJob.objects.get()
    assert response.url == reverse("campaign:privacy-job", args=[campaign.slug, job.pk])
    waiting = client.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in waiting and "<h1>" not in waiting
    _run_jobs(callbacks)
    page = client.get(response.url).content.decode()
    assert "Download the export" in page and "every 2s" not in page
    token = jobs.download_token(job)
    download = client.get(reverse("campaign:privacy-download", args=[campaign.slug, job.pk, token]))
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    assert {"person.json", "leader.csv", "README.txt"} <= set(archive.namelist())
    document = json.loads(archive.read("person.json"))
    assert document["tables"]["leader"][0]["in_their_words"] == "Budget first"
    assert NAME in archive.read("leader.csv").decode()


def test_an_expired_or_forged_download_link_is_refused(client_for, admin_user, campaign, priya):
    job = PrivacyJob.objects.create(
        campaign=campaign,
        kind="export",
        subject_kind="ally",
        subject_pk=priya.pk,
        subject_label="Ally #1",
        status="done",
        result=b"zip",
        finished_at=timezone.now(),
    )
    response = client_for(admin_user).get(reverse("campaign:privacy-download", args=[campaign.slug, job.pk, "x"]))
    assert response.status_code == 302


def test_erasure_needs_the_typed_word(client_for, admin_user, campaign, priya):
    url = reverse("campaign:privacy-erase", args=[campaign.slug, "ally", priya.pk])
    response = client_for(admin_user).post(url, {"confirm": "yes"})
    assert "nothing has been erased" in response.content.decode()
    assert not PrivacyJob.objects.exists()


def test_after_erasure_the_name_and_address_are_nowhere(
    client_for, admin_user, campaign, priya, django_capture_on_commit_callbacks
):
    url = reverse("campaign:privacy-erase", args=[campaign.slug, "ally", priya.pk])
    client = client_for(admin_user)
    assert NAME in client.get(url).content.decode()
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url, {"confirm": "erase"}, follow=True)
    assert "cannot be undone" in response.content.decode()
    export = PrivacyJob.objects.create(
        campaign=campaign,
        kind="export",
        subject_kind="ally",
        subject_pk=priya.pk,
        subject_label="Ally #1",
        status="done",
        result=b"an earlier export",
        finished_at=timezone.now(),
    )
    _run_jobs(callbacks)
    export.refresh_from_db()
    assert export.result is None

    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    text = dump.getvalue()
    for value in (NAME, EMAIL, "Met at the depot", "Fairness"):
        assert value not in text
    assert "Zo" in text  # the summary's other customer is left alone
    priya.refresh_from_db()
    assert priya.name == PLACEHOLDER and priya.touchpoints.count() == 1  # the touchpoint stays, anonymous
    entry = AuditEntry.objects.filter(action="Person erased").get()
    assert entry.target == f"Ally #{priya.pk}"
    pages = [
        reverse("allies:ally-list", args=[campaign.slug]),
        reverse("allies:ally-detail", args=[campaign.slug, priya.pk]),
        reverse("campaign:privacy") + "?q=Priya",
        reverse("campaign:settings-audit", args=[campaign.slug]),
        reverse("leadership:outbox-list", args=[campaign.slug]),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200 and NAME not in response.content.decode(), page
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    for model in ("allies/ally", "allies/touchpoint", "campaign/memberdelivery", "campaign/auditentry"):
        response = client.get(f"/admin/{model}/")
        assert response.status_code == 200 and NAME not in response.content.decode()


def test_erasing_a_member_who_belongs_elsewhere_is_refused(client_for, admin_user, campaign):
    member = MembershipFactory(campaign=campaign, role=Role.CHAMPION, user__username="pq").user
    MembershipFactory(campaign=CampaignFactory(slug="elsewhere"), user=member)
    url = reverse("campaign:privacy-erase", args=[campaign.slug, "member", member.pk])
    response = client_for(admin_user).post(url, {"confirm": "erase"})
    assert "do not administer" in response.content.decode()
    assert not PrivacyJob.objects.exists()


def test_erasing_a_member_anonymises_their_account(admin_user, campaign):
    member = MembershipFactory(
        campaign=campaign,
        user__username="priyaq",
        user__first_name="Priya",
        user__last_name="Quistwater",
        user__email=EMAIL,
    ).user
    match = jobs.person_find_one(campaign_id=campaign.pk, kind="member", pk=member.pk)
    job = PrivacyJob.objects.create(
        campaign=campaign,
        kind="erase",
        subject_kind="member",
        subject_pk=member.pk,
        subject_label=match.label,
        requested_by=admin_user,
    )
    assert run_privacy_job.run(job.pk) == "done"
    member.refresh_from_db()
    assert (member.username, member.email, member.is_active) == (f"erased-{member.pk}", "", False)
    assert not member.memberships.exists()


def test_a_customer_named_in_feedback_is_erased_in_every_item(admin_user, campaign):
    first = FeedbackFactory(campaign=campaign, customer=NAME)
    FeedbackFactory(campaign=campaign, customer=NAME.upper(), summary=f"{NAME} waited an hour")
    match = jobs.person_find_one(campaign_id=campaign.pk, kind="customer", pk=first.pk)
    from campaign.privacy.erase import person_erase

    person_erase(campaign=campaign, match=match, by=admin_user)
    assert set(campaign.feedback.values_list("customer", flat=True)) == {PLACEHOLDER}
    assert NAME not in " ".join(campaign.feedback.values_list("summary", flat=True))


def test_retention_refuses_zero_days_with_a_message(client_for, admin_user, campaign):
    url = reverse("campaign:settings-retention", args=[campaign.slug])
    response = client_for(admin_user).post(url, {"retain_touchpoint_notes_days": "0"})
    assert "at least one day" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.retain_touchpoint_notes_days is None


def test_settings_show_what_the_next_run_will_anonymise_then_it_runs_once(client_for, admin_user, campaign):
    old = timezone.localdate() - timedelta(days=40)
    TouchpointFactory.create_batch(3, campaign=campaign, happened_on=old, note="Talked about rotas")
    TouchpointFactory(campaign=campaign, note="Recent")
    FeedbackFactory(campaign=campaign, customer=NAME, received_on=old)
    client = client_for(admin_user)
    response = client.post(
        reverse("campaign:settings-retention", args=[campaign.slug]),
        {"retain_touchpoint_notes_days": "30", "retain_customer_names_days": "30"},
        follow=True,
    )
    page = response.content.decode()
    assert "Retention saved" in page
    assert "Touchpoint notes older than 30 days: 3 to anonymise" in page
    campaign.refresh_from_db()
    assert retention.retention_apply(campaign) == {"touchpoint notes": 3, "customers' names in feedback": 1}
    assert retention.retention_apply(campaign) == {}
    assert campaign.touchpoints.filter(note="Recent").exists()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.CHAMPION])
def test_only_admins_may_export_or_erase(client_for, campaign, priya, role):
    user = MembershipFactory(campaign=campaign, role=role).user
    client = client_for(user)
    assert client.post(reverse("campaign:privacy-export", args=[campaign.slug, "ally", priya.pk])).status_code == 403
    assert client.get(reverse("campaign:privacy-erase", args=[campaign.slug, "ally", priya.pk])).status_code == 403


def test_another_campaigns_person_is_404(client_for, outsider, other_campaign, priya):
    url = reverse("campaign:privacy-erase", args=[other_campaign.slug, "ally", priya.pk])
    assert client_for(outsider).get(url).status_code == 404


def test_the_settings_page_counts_the_next_run_in_a_fixed_number_of_queries(
    client_for, admin_user, campaign, django_assert_max_num_queries
):
    campaign.retain_touchpoint_notes_days = campaign.retain_customer_names_days = 30
    campaign.retain_email_bodies_days = campaign.retain_departed_allies_days = 30
    campaign.save()
    old = timezone.localdate() - timedelta(days=60)
    TouchpointFactory.create_batch(20, campaign=campaign, happened_on=old, note="Old note")
    FeedbackFactory.create_batch(20, campaign=campaign, customer="Someone", received_on=old)
    client = client_for(admin_user)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("campaign:settings", args=[campaign.slug])).content.decode()
    assert "Touchpoint notes older than 30 days: 20 to anonymise" in page
    assert 'for="id_retain_touchpoint_notes_days"' in page


def test_the_job_page_reads_a_fixed_number_of_queries(
    client_for, admin_user, campaign, priya, django_assert_max_num_queries
):
    job = PrivacyJob.objects.create(
        campaign=campaign,
        kind="export",
        subject_kind="ally",
        subject_pk=priya.pk,
        subject_label="Ally #1",
        status="done",
        result=b"x" * 100_000,
        finished_at=timezone.now(),
    )
    client = client_for(admin_user)
    with django_assert_max_num_queries(6):
        page = client.get(reverse("campaign:privacy-job", args=[campaign.slug, job.pk])).content.decode()
    assert "Download the export" in page


def test_the_api_answers_with_the_placeholder_after_a_customer_is_erased(client, admin_user, campaign):
    from campaign.privacy.erase import person_erase
    from tests.factories import ApiTokenFactory

    item = FeedbackFactory(campaign=campaign, customer=NAME, summary=f"{NAME} waited")
    person_erase(
        campaign=campaign,
        match=jobs.person_find_one(campaign_id=campaign.pk, kind="customer", pk=item.pk),
        by=admin_user,
    )
    token = ApiTokenFactory(campaign=campaign)
    response = client.get(
        reverse("api-v1:feedback_list", kwargs={"slug": campaign.slug}),
        headers={"Authorization": f"Bearer {token.raw}"},
    )
    assert response.status_code == 200
    assert NAME not in response.content.decode() and PLACEHOLDER in response.content.decode()


def test_an_htmx_retention_with_an_error_comes_back_as_the_section(client_for, admin_user, campaign):
    url = reverse("campaign:settings-retention", args=[campaign.slug])
    response = client_for(admin_user).post(url, {"retain_email_bodies_days": "-3"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'id="retention"' in response.text and "<html" not in response.text
    assert "at least one day" in response.text
