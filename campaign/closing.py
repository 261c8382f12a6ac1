"""
A whole campaign leaves and closes: the export of everything it holds, and its deletion in batches.

Which tables belong to a campaign is found, not listed: every model with a chain of foreign keys that
ends at Campaign (`tied_models`), read from `_meta`, so the apps standing on this one take part without
this module importing them.

The deletion is a job with a lease, like the outbox's claim: `campaign_deletion_start` marks the campaign
(nobody can open it from then on) and counts its rows; `campaign_deletion_run` claims it, deletes batch
after batch (each its own transaction, counted on the campaign row), and lets go. A worker killed mid-way
leaves committed batches deleted and the rest in place; once its lease runs out, the beat task that
resumes deletions hands the campaign to the next worker, which carries on where it stopped.
"""

import csv
import graphlib
import io
import json
import logging
import time
import zipfile
from collections import deque
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from celery import current_app
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from campaign.models import Campaign, CampaignExport

logger = logging.getLogger(__name__)

# By name, as campaign.outbox does: campaign.tasks imports this module.
EXPORT_TASK = "campaign.tasks.build_campaign_export"
DELETE_TASK = "campaign.tasks.delete_campaign"
EXPORT_DIR = "exports"
EXPORT_SALT = "campaign.closing.export"
# Columns never written to an export: secrets that would let someone act as a member or a leader.
SECRET_MARKERS = ("password", "token", "secret")
# Rows of these are the export machinery itself, not the campaign's data.
NOT_EXPORTED = {"campaign.campaignexport"}
# A deletion job works this long, then hands over to a fresh task (well inside the task time limit).
RUN_SECONDS = 60
# A spreadsheet reads a cell starting with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Tied:
    """A model whose rows belong to a campaign, and the lookup from it to the campaign's id ("ally__campaign__pk")."""

    model: type
    path: str

    @property
    def label(self):
        return self.model._meta.label_lower

    def rows(self, campaign):
        if self.model is Campaign:
            return Campaign._base_manager.filter(pk=campaign.pk)
        return self.model._base_manager.filter(**{self.path: campaign.pk})


def tied_models():
    """
    Every model tied to Campaign by foreign keys, with its shortest lookup path, Campaign itself included.

    A breadth-first walk back along every foreign key (many-to-many tables included) from Campaign; at
    the same depth a required key is preferred to an optional one. Rows an optional key leaves unset are
    not the campaign's (and when they point at it through another key, deleting the campaign cascades).
    """
    everything = apps.get_models(include_auto_created=True)
    found = {Campaign: ""}
    queue = deque([Campaign])
    while queue:
        target = queue.popleft()
        for model in everything:
            if model in found:
                continue
            keys = [f for f in model._meta.concrete_fields if f.many_to_one and f.related_model is target]
            keys.sort(key=lambda field: field.null)
            if keys:
                prefix = found[target]
                found[model] = f"{keys[0].name}__{prefix}" if prefix else keys[0].name
                queue.append(model)
    tied = [Tied(model, f"{path}__pk" if path else "pk") for model, path in found.items()]
    return sorted(tied, key=lambda t: (t.model is not Campaign, t.label))


def _label(model):
    return model._meta.label_lower


def deletion_order(tied):
    """The tied models in an order that deletes a row before the rows it points at (Campaign last)."""
    models_ = {t.model: t for t in tied}
    graph = {model: set() for model in models_}
    for model in models_:
        for field in model._meta.concrete_fields:
            if field.many_to_one and field.related_model in models_ and field.related_model is not model:
                graph[field.related_model].add(model)  # the referenced model waits for the one pointing at it
    # Sorted by label, for the same order on every run.
    graph = {model: sorted(graph[model], key=_label) for model in sorted(graph, key=_label)}
    try:
        order = list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError:
        order = sorted(models_, key=lambda model: -models_[model].path.count("__"))
    order.remove(Campaign)
    return [models_[model] for model in order]


# --- Export ------------------------------------------------------------------------------------------


def _exported_fields(model):
    """The columns an export holds: not secrets, and not stored files (a person's own export zip)."""
    return [
        f
        for f in model._meta.concrete_fields
        if not any(m in f.name.lower() for m in SECRET_MARKERS) and not isinstance(f, models.BinaryField)
    ]


def _cell(value):
    """A CSV cell: text, with a leading apostrophe where a spreadsheet would read a formula."""
    if value is None:
        return ""
    text = json.dumps(value, cls=DjangoJSONEncoder) if isinstance(value, dict | list) else str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def export_tables():
    """(file stem, model, fields, rows-of-campaign) for every table an export holds, the members' accounts last."""
    tables = [
        (t.label.replace(".", "_"), t.model, _exported_fields(t.model), t.rows)
        for t in tied_models()
        if t.label not in NOT_EXPORTED
    ]
    user_model = get_user_model()
    user_fields = [user_model._meta.get_field(name) for name in ("id", "username", "first_name", "last_name", "email")]

    def members(campaign):
        return user_model._base_manager.filter(memberships__campaign=campaign).distinct()

    tables.append(("members_accounts", user_model, user_fields, members))
    return tables


def export_file_path(export):
    return Path(settings.MEDIA_ROOT) / export.file_name


def campaign_export_request(*, campaign, by):
    """Ask for an export of the campaign; the task is enqueued once the row is committed."""
    with transaction.atomic():
        export = CampaignExport.objects.create(campaign=campaign, requested_by=by)
        transaction.on_commit(lambda: current_app.send_task(EXPORT_TASK, args=(export.pk,)))
    return export


def campaign_export_build(*, export_id):
    """Write the zip of the export's campaign, updating its progress table by table."""
    claimed = CampaignExport.objects.filter(pk=export_id, status=CampaignExport.Status.QUEUED).update(
        status=CampaignExport.Status.RUNNING
    )
    if not claimed:
        logger.info("campaign export %s is gone or already taken", export_id)
        return
    export = CampaignExport.objects.select_related("campaign").get(pk=export_id)
    campaign = export.campaign
    tables = export_tables()
    export.file_name = f"{EXPORT_DIR}/{campaign.slug}-{export.pk}-{timezone.now():%Y%m%d-%H%M%S}.zip"
    target = export_file_path(export)
    target.parent.mkdir(parents=True, exist_ok=True)
    described = []
    total_rows = 0
    try:
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for done, (stem, model, fields, rows_of) in enumerate(tables, start=1):
                count = _write_table(archive, stem, fields, rows_of(campaign))
                total_rows += count
                described.append(
                    {"stem": stem, "title": model._meta.verbose_name_plural, "fields": fields, "count": count}
                )
                CampaignExport.objects.filter(pk=export.pk).update(progress=done * 99 // len(tables))
            readme = render_to_string(
                "campaign/export_readme.txt", {"campaign": campaign, "tables": described, "export": export}
            )
            archive.writestr("README.txt", readme)
    except Exception:
        target.unlink(missing_ok=True)
        CampaignExport.objects.filter(pk=export.pk).update(status=CampaignExport.Status.FAILED)
        raise
    CampaignExport.objects.filter(pk=export.pk).update(
        status=CampaignExport.Status.DONE,
        progress=100,
        file_name=export.file_name,
        row_count=total_rows,
        finished_at=timezone.now(),
    )


def _write_table(archive, stem, fields, queryset):
    """The table as `stem`.csv and `stem`.json (one pass over the rows each: a zip takes one writer at a time)."""
    names = [field.attname for field in fields]
    rows = queryset.order_by("pk").values_list(*names)
    with archive.open(f"{stem}.csv", "w") as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(names)
        for values in rows.iterator(chunk_size=2000):
            writer.writerow([_cell(value) for value in values])
    count = 0
    with archive.open(f"{stem}.json", "w") as raw, io.TextIOWrapper(raw, encoding="utf-8") as out:
        out.write("[")
        for values in rows.iterator(chunk_size=2000):
            out.write(("," if count else "") + "\n  ")
            out.write(json.dumps(dict(zip(names, values, strict=True)), cls=DjangoJSONEncoder))
            count += 1
        out.write("\n]\n")
    return count


def export_download_token(export):
    return signing.TimestampSigner(salt=EXPORT_SALT).sign(str(export.pk))


def export_from_token(campaign, token):
    """The campaign's finished export a download token names, or None when it is wrong, expired or gone."""
    max_age = timedelta(hours=settings.CAMPAIGN_EXPORT_LINK_HOURS)
    try:
        pk = int(signing.TimestampSigner(salt=EXPORT_SALT).unsign(token, max_age=max_age))
    except (signing.BadSignature, ValueError):
        return None
    export = CampaignExport.objects.filter(pk=pk, campaign=campaign, status=CampaignExport.Status.DONE).first()
    if export is None or not export_file_path(export).is_file():
        return None
    return export


# --- Deletion ----------------------------------------------------------------------------------------


def campaign_deletion_start(*, campaign, by):
    """Close the campaign to everyone and start deleting it in the background. Idempotent."""
    total = sum(t.rows(campaign).count() for t in tied_models())
    with transaction.atomic():
        started = Campaign.objects.filter(pk=campaign.pk, deletion_started_at__isnull=True).update(
            deletion_started_at=timezone.now(), deletion_total_rows=total, deletion_deleted_rows=0
        )
        if started:
            logger.info("campaign %s (%s) deletion asked for by %s", campaign.pk, campaign.slug, by)
            transaction.on_commit(lambda: current_app.send_task(DELETE_TASK, args=(campaign.pk,)))
    return bool(started)


def _claim(campaign_id):
    """Take the campaign's deletion for this worker, unless another holds an unexpired lease."""
    now = timezone.now()
    lease = now + timedelta(seconds=settings.CAMPAIGN_DELETION_LEASE_SECONDS)
    unclaimed = models.Q(deletion_claimed_until__isnull=True) | models.Q(deletion_claimed_until__lt=now)
    return Campaign._base_manager.filter(unclaimed, pk=campaign_id, deletion_started_at__isnull=False).update(
        deletion_claimed_until=lease
    )


def campaign_deletion_run(*, campaign_id):
    """
    Delete the campaign's rows batch by batch for up to RUN_SECONDS. Returns "done", "more" (call again)
    or "busy" (another worker holds it, or it is not being deleted).
    """
    if not _claim(campaign_id):
        return "busy"
    campaign = Campaign._base_manager.get(pk=campaign_id)
    deadline = time.monotonic() + RUN_SECONDS
    _delete_exports_files(campaign)  # before their rows go, which name the files
    for tied in deletion_order(tied_models()):
        while True:
            if time.monotonic() > deadline:
                Campaign._base_manager.filter(pk=campaign_id).update(deletion_claimed_until=None)
                return "more"
            if not _delete_batch(campaign, tied):
                break
    with transaction.atomic():
        Campaign._base_manager.filter(pk=campaign_id).delete()
    logger.info("campaign %s (%s) deleted", campaign_id, campaign.slug)
    return "done"


def _delete_batch(campaign, tied):
    """Delete one batch of `tied`'s rows of the campaign and count them; False when none were left."""
    size = settings.CAMPAIGN_DELETION_BATCH_SIZE
    with transaction.atomic():
        pks = list(tied.rows(campaign).order_by("pk").values_list("pk", flat=True)[:size])
        if not pks:
            return False
        deleted, _ = tied.model._base_manager.filter(pk__in=pks).delete()
        lease = timezone.now() + timedelta(seconds=settings.CAMPAIGN_DELETION_LEASE_SECONDS)
        Campaign._base_manager.filter(pk=campaign.pk).update(
            deletion_deleted_rows=models.F("deletion_deleted_rows") + deleted, deletion_claimed_until=lease
        )
    return True


def _delete_exports_files(campaign):
    for export in CampaignExport.objects.filter(campaign=campaign).exclude(file_name=""):
        export_file_path(export).unlink(missing_ok=True)


def campaign_deletions_due():
    """Ids of campaigns being deleted that no worker holds: what the beat task hands out again."""
    now = timezone.now()
    unclaimed = models.Q(deletion_claimed_until__isnull=True) | models.Q(deletion_claimed_until__lt=now)
    return list(
        Campaign._base_manager.filter(unclaimed, deletion_started_at__isnull=False).values_list("pk", flat=True)
    )
