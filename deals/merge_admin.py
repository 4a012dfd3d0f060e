"""The admin's side of merges: the confirm page (`data-merge`), the read-only list of merges
and the undo page (`data-merge-undo`). The changelists' action that opens the confirm page
is startups.admin.merge_selected."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from startups.models import Merge, Startup

from .merge_access import may_merge
from .merge_relations import MergeRefused
from .merge_undo import undo_merge
from .merging import MODELS, merge_conflicts, merge_preview, record_merge
from .models import Investor

# The kinds as the URL names them.
URL_KINDS: dict[str, type[models.Model]] = {"startups": Startup, "investors": Investor}


def merge_url(survivor: models.Model, merged: models.Model) -> str:
    """The confirm page merging `merged` into `survivor`."""
    kind = next(kind for kind, model in URL_KINDS.items() if isinstance(survivor, model))
    return reverse("data-merge", args=[kind, survivor.pk, merged.pk])


def _admin_url(record: models.Model) -> str:
    meta = record._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])


def merge_view(request: HttpRequest, kind: str, survivor_pk: int, merged_pk: int) -> HttpResponse:
    """GET: what merging would move (counts per relation) and what would refuse it; POST:
    merge, then the survivor's admin page."""
    model = URL_KINDS.get(kind)
    if model is None:
        raise Http404
    if not may_merge(request.user, model):
        raise PermissionDenied
    survivor = get_object_or_404(model, pk=survivor_pk)
    merged = get_object_or_404(model, pk=merged_pk)
    conflicts = merge_conflicts(survivor, merged)
    if request.method == "POST" and not conflicts:
        try:
            record_merge(survivor, merged, request.user)
        except MergeRefused as refused:
            conflicts = refused.messages
        else:
            messages.success(
                request,
                _("%(merged)s was merged into %(survivor)s.")
                % {"merged": merged, "survivor": survivor},
            )
            return redirect(_admin_url(survivor))
    context = {
        **admin.site.each_context(request),
        "title": _("Merge %(merged)s into %(survivor)s") % {"merged": merged, "survivor": survivor},
        "survivor": survivor,
        "merged": merged,
        "moves": merge_preview(survivor, merged),
        "conflicts": conflicts,
        "swap_url": merge_url(merged, survivor),
        "opts": model._meta,
    }
    return render(
        request,
        "admin/deals/merge.html",
        context,
        status=409 if conflicts and request.method == "POST" else 200,
    )


def undo_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what undoing puts back; POST: undo (or say why it cannot be done)."""
    merge = get_object_or_404(Merge, pk=pk)
    if not may_merge(request.user, MODELS[merge.kind]):
        raise PermissionDenied
    changelist = reverse("admin:startups_merge_changelist")
    if request.method == "POST":
        try:
            undo_merge(merge, request.user)
        except MergeRefused as refused:
            for message in refused.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("The merge of %(merged)s was undone.") % {"merged": merge.merged_slug}
            )
        return redirect(changelist)
    context = {
        **admin.site.each_context(request),
        "title": _("Undo the merge of %(merged)s into %(survivor)s")
        % {"merged": merge.merged_slug, "survivor": merge.survivor_slug},
        "merge": merge,
        "moved": {key: len(ids) for key, ids in merge.snapshot.get("moved", {}).items()},
        "changelist": changelist,
    }
    return render(request, "admin/deals/merge_undo.html", context)


@admin.register(Merge)
class MergeAdmin(admin.ModelAdmin):
    """Merges, read only; a live one has its Undo button."""

    list_display = [
        "merged_at",
        "kind",
        "merged_slug",
        "merged_name",
        "survivor_slug",
        "merged_by",
        "undone_at",
        "undo",
    ]
    list_filter = ["kind"]
    search_fields = ["merged_slug", "merged_name", "survivor_slug"]
    exclude = ["snapshot"]
    readonly_fields = ["undo"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description=gettext_lazy("undo"))
    def undo(self, merge: Merge) -> str:
        if merge.undone:
            return "—"
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("data-merge-undo", args=[merge.pk]),
            _("Undo"),
        )
