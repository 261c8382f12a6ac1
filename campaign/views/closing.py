"""A campaign leaves and closes: its export ("Leave with your data") and its deletion, admins only."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from campaign import closing
from campaign.access import campaign_view
from campaign.forms import CampaignDeleteForm, CampaignForm
from campaign.models import CampaignExport, Role


def closing_context(campaign):
    """What the settings page's "Leave with your data" and "Delete this campaign" sections show."""
    latest = CampaignExport.objects.filter(campaign=campaign).select_related("requested_by").first()
    download_token = closing.export_download_token(latest) if latest and latest.status == "done" else None
    return {"latest_export": latest, "export_download_token": download_token}


@campaign_view(read=Role.ADMIN, write=Role.ADMIN)
def campaign_export(request):
    """POST starts an export; GET shows the latest export's state (the fragment htmx polls while it is built)."""
    campaign = request.campaign
    if request.method == "POST":
        closing.campaign_export_request(campaign=campaign, by=request.user)
        messages.success(request, "The export has started. It takes a moment; the link appears here when it is ready.")
        if not request.htmx:
            return redirect("campaign:settings", slug=campaign.slug)
    context = {"campaign": campaign, **closing_context(campaign)}
    if request.htmx:
        return render(request, "campaign/_settings_closing.html#export-status", context)
    return render(request, "campaign/settings_general.html", {**context, "form": CampaignForm(instance=campaign)})


@require_GET
@campaign_view(read=Role.ADMIN, write=Role.ADMIN)
def campaign_export_download(request, token):
    export = closing.export_from_token(request.campaign, token)
    if export is None:
        raise Http404("This download link is wrong or has expired. Start a new export from Settings.")
    path = closing.export_file_path(export)
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name, content_type="application/zip")


@campaign_view(read=Role.ADMIN, write=Role.ADMIN)
def campaign_delete(request):
    campaign = request.campaign
    form = CampaignDeleteForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        closing.campaign_deletion_start(campaign=campaign, by=request.user)
        messages.success(request, f"“{campaign.name}” is being deleted. Your campaign list shows how far it has got.")
        return redirect("campaign:list")
    return render(request, "campaign/campaign_delete.html", {"campaign": campaign, "form": form})
