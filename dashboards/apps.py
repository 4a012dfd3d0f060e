from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        from startups.changes import data_changed

        from .signals import queue_alert_matching, queue_refresh

        data_changed.connect(queue_refresh, dispatch_uid="dashboards.queue_refresh")
        data_changed.connect(queue_alert_matching, dispatch_uid="dashboards.queue_alert_matching")
