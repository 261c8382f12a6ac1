from django.urls import path

from personas import views

app_name = "personas"

urlpatterns = [
    path("c/<slug:slug>/personas/", views.card_list, name="card-list"),
    path("c/<slug:slug>/personas/new/", views.card_new, name="card-new"),
    path("c/<slug:slug>/personas/hints/", views.card_hints_view, name="card-hints"),
    path("c/<slug:slug>/personas/<int:pk>/", views.card_detail, name="card-detail"),
    path("c/<slug:slug>/personas/<int:pk>/edit/", views.card_edit, name="card-edit"),
    path("c/<slug:slug>/personas/<int:pk>/delete/", views.card_delete, name="card-delete"),
    path("c/<slug:slug>/personas/print/", views.print_cards, name="print"),
    path("c/<slug:slug>/personas/export.csv", views.export_cards, name="export"),
    path("c/<slug:slug>/personas/map/", views.service_map, name="service-map"),
    path("c/<slug:slug>/personas/workshops/", views.workshop_list, name="workshop-list"),
    path("c/<slug:slug>/personas/workshops/<int:pk>/", views.workshop, name="workshop"),
]
