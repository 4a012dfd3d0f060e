from django.contrib import admin
from django.urls import include, path

from deals import admin_views

handler400 = "config.request_limits.bad_request"

urlpatterns = [
    path("admin/data/import/", admin.site.admin_view(admin_views.upload_view), name="data-import"),
    path(
        "admin/data/import/<int:pk>/confirm/",
        admin.site.admin_view(admin_views.confirm_view),
        name="data-import-confirm",
    ),
    path("admin/data/export/", admin.site.admin_view(admin_views.export_view), name="data-export"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.urls_api")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("dashboards.urls")),
]
