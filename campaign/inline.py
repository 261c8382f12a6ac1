"""
Inline list editing for the campaign's settings lists (departments, goals).

One page template per list holds three inline partials: `section` (the list
and its add form), `row` (one item) and `row-form` (one item being edited).
A plain request gets whole pages and redirects; an htmx request gets the
partial that changed. Every view is admin-only through `campaign_view`.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.db.models import ProtectedError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from campaign.access import campaign_view
from campaign.audit import audit_record, snapshot
from campaign.models import Role

admin_only = campaign_view(read=Role.ADMIN, write=Role.ADMIN)


@dataclass(frozen=True)
class InlineList:
    model: type
    form_class: type
    template: str
    noun: str  # "department"
    url_name: str  # "campaign:settings-departments"; the item urls add -row, -edit, -delete

    def items(self, campaign):
        return self.model.objects.filter(campaign=campaign)

    def get_item(self, request, pk):
        # Through the request's campaign: another campaign's id is a 404.
        return get_object_or_404(self.items(request.campaign), pk=pk)

    def list_url(self, campaign):
        return reverse(self.url_name, kwargs={"slug": campaign.slug})

    def context(self, request, **extra):
        return {"campaign": request.campaign, "items": self.items(request.campaign), "noun": self.noun, **extra}

    def urls(self, route):
        """URL patterns for `route` (e.g. "c/<slug:slug>/settings/departments/"): list, row, edit, delete."""
        name = self.url_name.split(":", 1)[1]
        return [
            path(route, admin_only(self.list_view), name=name),
            path(f"{route}<int:pk>/", require_GET(admin_only(self.row_view)), name=f"{name}-row"),
            path(f"{route}<int:pk>/edit/", admin_only(self.edit_view), name=f"{name}-edit"),
            path(f"{route}<int:pk>/delete/", admin_only(self.delete_view), name=f"{name}-delete"),
        ]

    def audit(self, request, verb, item, **change):
        action = f"{self.noun.capitalize()} {verb}"
        audit_record(campaign=request.campaign, actor=request.user, action=action, target=item, **change)

    def list_view(self, request):
        form = self.form_class(request.POST or None, campaign=request.campaign)
        if request.method == "POST" and form.is_valid():
            item = form.save()
            self.audit(request, "added", item, after=snapshot(item))
            messages.success(request, f"Added {self.noun} “{item}”.")
            if not request.htmx:
                return redirect(self.list_url(request.campaign))
            form = self.form_class(campaign=request.campaign)
        template = f"{self.template}#section" if request.htmx else self.template
        return render(request, template, self.context(request, form=form))

    def row_view(self, request, pk):
        item = self.get_item(request, pk)
        return render(request, f"{self.template}#row", self.context(request, item=item))

    def edit_view(self, request, pk):
        item = self.get_item(request, pk)
        # Its own ids: the row's form shares the page with the add form, whose labels must stay theirs.
        form = self.form_class(
            request.POST or None, instance=item, campaign=request.campaign, auto_id=f"id_edit_{item.pk}_%s"
        )
        before = snapshot(item)
        if request.method == "POST" and form.is_valid():
            item = form.save()
            self.audit(request, "changed", item, before=before, after=snapshot(item))
            messages.success(request, f"Saved {self.noun} “{item}”.")
            if not request.htmx:
                return redirect(self.list_url(request.campaign))
            return render(request, f"{self.template}#row", self.context(request, item=item))
        if request.htmx:
            return render(request, f"{self.template}#row-form", self.context(request, item=item, form=form))
        return render(
            request,
            "campaign/settings_item_edit.html",
            self.context(request, item=item, form=form, back_url=self.list_url(request.campaign)),
        )

    def delete_view(self, request, pk):
        item = self.get_item(request, pk)
        back_url = self.list_url(request.campaign)
        if request.method == "POST":
            try:
                item.delete()
            except ProtectedError:
                messages.error(request, f"“{item}” is still in use, so it cannot be removed.")
            else:
                self.audit(request, "removed", item, before=snapshot(item))
                messages.success(request, f"Removed {self.noun} “{item}”.")
            if request.htmx:
                form = self.form_class(campaign=request.campaign)
                return render(request, f"{self.template}#section", self.context(request, form=form))
            return redirect(back_url)
        return render(
            request,
            "campaign/confirm_delete.html",
            self.context(request, item=item, back_url=back_url, action=request.path),
        )
