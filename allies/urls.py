from django.urls import path

from allies.views import coverage, transfer

app_name = "allies"

urlpatterns = [
    path("c/<slug:slug>/allies/coverage/", coverage.coverage, name="coverage"),
    path("c/<slug:slug>/allies/export.csv", transfer.export_csv, name="export"),
    path("c/<slug:slug>/allies/import/", transfer.import_upload, name="import"),
    path("c/<slug:slug>/allies/import/confirm/", transfer.import_confirm, name="import-confirm"),
]
