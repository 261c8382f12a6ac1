"""The Privacy pages: find a person, export what is held about them, erase them; retention settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from campaign.access import campaign_view
from campaign.audit import audit_record, snapshot
from campaign.models import PrivacyJob, Role
from campaign.privacy import jobs
from campaign.privacy.erase import person_find_one
from campaign.privacy.forms import EraseConfirmForm, PersonSearchForm, RetentionForm
from campaign.privacy.registry import PERSON_KINDS
from campaign.privacy.retention import retention_preview
from campaign.privacy.search import MIN_LENGTH, administered_campaigns, people_find
from campaign.privacy.tasks import run_privacy_job

admin_only = campaign_view(read=Role.ADMIN, write=Role.ADMIN)


@require_GET
@login_required
def privacy_home(request):
    """The campaigns the user administers and a search for a person across them."""
    campaigns = administered_campaigns(request.user)
    form = PersonSearchForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    results = people_find(campaigns=campaigns, text=text) if campaigns else []
    names = {campaign.pk: campaign for campaign in campaigns}
    context = {
        "campaigns": campaigns,
        "form": form,
        "text": text,
        "too_short": 0 < len(text.strip()) < MIN_LENGTH,
        "results": [
            (kind, [(match, names[match.campaign_id]) for match in matches]) for kind, matches in results if matches
        ],
        "searched": len(text.strip()) >= MIN_LENGTH,
    }
    return render(request, "privacy/home.html", context)


def _person(request, kind, pk):
    match = person_find_one(campaign_id=request.campaign.pk, kind=kind, pk=pk)
    if match is None:
        raise Http404("No such person in this campaign.")
    return match


@require_POST
@admin_only
def person_export(request, kind, pk):
    match = _person(request, kind, pk)
    job = jobs.privacy_job_create(campaign=request.campaign, kind=PrivacyJob.Kind.EXPORT, match=match, by=request.user)
    run_privacy_job.delay_on_commit(job.pk)
    messages.success(
        request, f"Preparing the export of {match.label}: the download link appears here when it is ready."
    )
    return redirect("campaign:privacy-job", slug=request.campaign.slug, pk=job.pk)


@admin_only
def person_erase(request, kind, pk):
    match = _person(request, kind, pk)
    refusal = PERSON_KINDS[kind].refuse(match, request.user) if PERSON_KINDS[kind].refuse else None
    form = EraseConfirmForm(request.POST or None)
    if request.method == "POST" and refusal is None and form.is_valid():
        job = jobs.privacy_job_create(
            campaign=request.campaign, kind=PrivacyJob.Kind.ERASE, match=match, by=request.user
        )
        run_privacy_job.delay_on_commit(job.pk)
        messages.success(request, f"Erasing {match.label}. This cannot be undone.")
        return redirect("campaign:privacy-job", slug=request.campaign.slug, pk=job.pk)
    context = {"campaign": request.campaign, "match": match, "form": form, "refusal": refusal}
    return render(request, "privacy/erase_confirm.html", context)


@require_GET
@admin_only
def job_status(request, pk):
    has_file = ExpressionWrapper(Q(result__isnull=False), output_field=BooleanField())
    job = get_object_or_404(
        PrivacyJob.objects.defer("result").annotate(has_file=has_file), campaign=request.campaign, pk=pk
    )
    token = jobs.download_token(job) if job.kind == PrivacyJob.Kind.EXPORT and job.status == job.Status.DONE else ""
    context = {"campaign": request.campaign, "job": job, "token": token}
    template = "privacy/job.html#job-status" if request.htmx else "privacy/job.html"
    return render(request, template, context)


@require_GET
@admin_only
def job_download(request, pk, token):
    job = get_object_or_404(PrivacyJob, campaign=request.campaign, pk=pk, kind=PrivacyJob.Kind.EXPORT)
    if not jobs.download_token_valid(job, token) or job.result is None:
        messages.error(request, "This download link has expired. Export the person again for a fresh one.")
        return redirect("campaign:privacy-job", slug=request.campaign.slug, pk=job.pk)
    response = HttpResponse(bytes(job.result), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{job.subject_kind}-{job.subject_pk}-export.zip"'
    return response


def retention_context(campaign, form=None):
    """What the Settings page's retention partial needs."""
    return {
        "retention_form": form or RetentionForm(instance=campaign),
        "retention_preview": retention_preview(campaign),
    }


@require_POST
@admin_only
def retention_settings(request):
    campaign = request.campaign
    before = snapshot(campaign, RetentionForm.Meta.fields)
    form = RetentionForm(request.POST, instance=campaign)
    if form.is_valid():
        campaign = form.save()
        after = snapshot(campaign, RetentionForm.Meta.fields)
        audit_record(campaign=campaign, actor=request.user, action="Retention changed", before=before, after=after)
        messages.success(request, "Retention saved. The next daily run applies it.")
        return redirect("campaign:settings", slug=campaign.slug)
    campaign.refresh_from_db()
    context = {"campaign": campaign, **retention_context(campaign, form)}
    template = "privacy/_retention.html" if request.htmx else "privacy/retention.html"
    return render(request, template, context)
