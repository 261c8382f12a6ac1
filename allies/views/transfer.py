import secrets

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from allies.coverage import ally_list_url
from allies.transfer import (
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    ImportFileError,
    ImportRejected,
    allies_dataset,
    allies_import,
    import_preview,
)
from campaign.access import campaign_view
from campaign.models import Role

# The uploaded file waits in the server-side session between preview and confirm: the
# confirm step re-reads and re-checks it, and never takes rows from the browser.
SESSION_KEY = "allies-import"

champions = campaign_view(read=Role.CHAMPION, write=Role.CHAMPION)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=f"UTF-8, at most {MAX_UPLOAD_BYTES // 1024} KB and {MAX_ROWS} allies.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_UPLOAD_BYTES // 1024} KB. Split it and import each part."
            )
        return upload.read()


@require_GET
@campaign_view()
def export_csv(request):
    campaign = request.campaign
    body = "\ufeff" + allies_dataset(campaign).export("csv")  # the BOM tells Excel it is UTF-8
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    filename = f"{campaign.slug}-allies-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@champions
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"]
        try:
            preview = import_preview(campaign=request.campaign, data=data)
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            token = secrets.token_urlsafe(16)
            request.session[SESSION_KEY] = {
                "campaign": request.campaign.pk,
                "token": token,
                "data": data.decode("utf-8-sig"),
                "filename": request.FILES["file"].name,
            }
            context = {"campaign": request.campaign, "preview": preview, "token": token}
            return render(request, "allies/import_preview.html", context)
    return render(request, "allies/import.html", {"campaign": request.campaign, "form": form})


@require_POST
@champions
def import_confirm(request):
    stored = request.session.get(SESSION_KEY) or {}
    if stored.get("campaign") != request.campaign.pk or stored.get("token") != request.POST.get("token"):
        messages.error(request, "That preview has expired or was replaced. Upload the file again.")
        return redirect("allies:import", slug=request.campaign.slug)
    try:
        allies = allies_import(campaign=request.campaign, data=stored["data"].encode(), by=request.user)
    except (ImportRejected, ImportFileError) as error:
        preview = getattr(error, "preview", None)
        messages.error(request, "Some lines cannot be imported now, so nothing was imported.")
        if preview is None:
            return redirect("allies:import", slug=request.campaign.slug)
        return render(request, "allies/import_preview.html", {"campaign": request.campaign, "preview": preview})
    del request.session[SESSION_KEY]
    noun = "ally" if len(allies) == 1 else "allies"
    messages.success(request, f"Imported {len(allies)} {noun} from {stored['filename']}.")
    return redirect(ally_list_url(request.campaign))
