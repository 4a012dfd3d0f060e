"""Admin pages for bulk data: upload with a preview before confirming, and export."""

from django.conf import settings
from django.contrib import messages
from django.contrib.admin import site
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .bulk_exports import data_export_start
from .models import DataExport, PendingUpload
from .uploads import UploadForm, csv_files_of, import_uploaded, pack, unpack

IMPORTED_MODELS = [
    "startups.source",
    "startups.startup",
    "startups.modelproduct",
    "deals.investor",
    "deals.fxrate",
    "deals.fundinground",
    "deals.participation",
    "deals.valuationmark",
    "deals.computedeal",
    "deals.reportedmetric",
    "deals.claim",
]
IMPORT_PERMISSIONS = [
    f"{label.split('.')[0]}.{action}_{label.split('.')[1]}"
    for label in IMPORTED_MODELS
    for action in ("add", "change")
]
# The export is every record of every table: only for those who may view them all.
EXPORT_PERMISSIONS = [
    f"{label.split('.')[0]}.view_{label.split('.')[1]}" for label in IMPORTED_MODELS
]


def _require_import_permission(request: HttpRequest) -> None:
    if not request.user.has_perms(IMPORT_PERMISSIONS):
        raise PermissionDenied


def upload_view(request: HttpRequest) -> HttpResponse:
    """Step 1: upload; the files go through a dry run and the preview shows what would change."""
    _require_import_permission(request)
    context = {**site.each_context(request), "title": _("Import data")}
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            files = [
                f
                for upload in form.cleaned_data["files"]
                for f in csv_files_of(upload.name, upload.read())
            ]
        except ValidationError as error:
            form.add_error("files", error)
        else:
            report = import_uploaded(files, dry_run=True, user=request.user)
            pending = None
            if report.ok:
                pending = PendingUpload.objects.create(
                    uploaded_by=request.user,
                    file_names=", ".join(name for name, _ in files)[:1000],
                    payload=pack(files),
                )
            context.update(report=report, pending=pending)
    context["form"] = form
    return render(request, "admin/deals/import.html", context)


@require_POST
def confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 2: write what the preview showed, through the same pipeline."""
    _require_import_permission(request)
    pending = get_object_or_404(PendingUpload, pk=pk, uploaded_by=request.user)
    if pending.expired:
        pending.delete()
        messages.error(
            request,
            _(
                "This preview has expired: previews are kept %(hours)d hours. "
                "Upload the files again to import them."
            )
            % {"hours": settings.IMPORT_PREVIEW_TTL_HOURS},
        )
        return redirect("data-import")
    report = import_uploaded(unpack(bytes(pending.payload)), dry_run=False, user=request.user)
    pending.delete()
    if report.ok:
        totals = {
            k: sum(getattr(c, k) for c in report.files.values())
            for k in ("created", "updated", "unchanged")
        }
        messages.success(
            request,
            _("Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
            % totals,
        )
        return redirect("admin:index")
    # The data changed between preview and confirmation; show the new problems.
    context = {
        **site.each_context(request),
        "title": _("Import data"),
        "report": report,
        "form": UploadForm(),
    }
    return render(request, "admin/deals/import.html", context)


def _require_export_permission(request: HttpRequest) -> None:
    if not request.user.has_perms(EXPORT_PERMISSIONS):
        raise PermissionDenied


def export_view(request: HttpRequest) -> HttpResponse:
    """Every table in the import format, as one ZIP: a POST starts a task that builds it; the
    page lists the caller's exports, each with its progress or its download."""
    _require_export_permission(request)
    if request.method == "POST":
        export = data_export_start(user=request.user)
        return redirect("data-export-status", export.pk)
    exports = DataExport.objects.filter(requested_by=request.user).defer("archive")[:10]
    context = {**site.each_context(request), "title": _("Export data"), "exports": exports}
    return render(request, "admin/deals/export.html", context)


def export_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One export's progress; the page reloads itself until the export is finished."""
    _require_export_permission(request)
    export = get_object_or_404(
        DataExport.objects.defer("archive"), pk=pk, requested_by=request.user
    )
    context = {**site.each_context(request), "title": _("Export data"), "export": export}
    return render(request, "admin/deals/export_status.html", context)


def export_download_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_export_permission(request)
    export = get_object_or_404(
        DataExport, pk=pk, requested_by=request.user, status=DataExport.Status.DONE
    )
    response = HttpResponse(bytes(export.archive), content_type="application/zip")
    stamp = timezone.localtime(export.created_at).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="tracker-export-{stamp}.zip"'
    return response
