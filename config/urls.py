from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from deals import admin_disputes, admin_duplicates, admin_views, merge_admin


class FaviconView(RedirectView):
    """Browsers and feed readers ask /favicon.ico whatever a page links: send them to the
    icon the pages link. Temporary, since the static file's hashed name changes with it."""

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("favicon.svg")


handler400 = "config.request_limits.bad_request"
handler500 = "config.errors.server_error"

urlpatterns = [
    # Public even when reads need a login (config/read_access.py): they show no data.
    path("favicon.ico", login_not_required(FaviconView.as_view()), name="favicon"),
    path("admin/data/import/", admin.site.admin_view(admin_views.upload_view), name="data-import"),
    path(
        "admin/data/import/<int:pk>/confirm/",
        admin.site.admin_view(admin_views.confirm_view),
        name="data-import-confirm",
    ),
    path("admin/data/export/", admin.site.admin_view(admin_views.export_view), name="data-export"),
    path(
        "admin/data/export/<int:pk>/",
        admin.site.admin_view(admin_views.export_status_view),
        name="data-export-status",
    ),
    path(
        "admin/data/export/<int:pk>/download/",
        admin.site.admin_view(admin_views.export_download_view),
        name="data-export-download",
    ),
    path(
        "admin/data/merge/<str:kind>/<int:survivor_pk>/<int:merged_pk>/",
        admin.site.admin_view(merge_admin.merge_view),
        name="data-merge",
    ),
    path(
        "admin/data/merge/undo/<int:pk>/",
        admin.site.admin_view(merge_admin.undo_view),
        name="data-merge-undo",
    ),
    path(
        "admin/disputes/",
        admin.site.admin_view(admin_disputes.disputes_view),
        name="claims-disputes",
    ),
    path(
        "admin/duplicates/",
        admin.site.admin_view(admin_duplicates.duplicates_view),
        name="duplicates",
    ),
    path(
        "admin/duplicates/<str:kind>/<int:a_pk>/<int:b_pk>/",
        admin.site.admin_view(admin_duplicates.duplicate_compare_view),
        name="duplicate-compare",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.urls_api")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
]
# The pages carry their language in the URL (config/languages.py): English unprefixed.
urlpatterns += i18n_patterns(path("", include("dashboards.urls")), prefix_default_language=False)
