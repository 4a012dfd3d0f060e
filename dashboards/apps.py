from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        from deals.merge_signals import merge_undoing, records_merging
        from startups.changes import data_changed

        from .alert_signals import alerts_raised
        from .merge_receivers import follows_merge, follows_unmerge
        from .signals import queue_alert_matching, queue_refresh
        from .webhook_delivery import deliveries_for_alerts

        data_changed.connect(queue_refresh, dispatch_uid="dashboards.queue_refresh")
        data_changed.connect(queue_alert_matching, dispatch_uid="dashboards.queue_alert_matching")
        alerts_raised.connect(deliveries_for_alerts, dispatch_uid="dashboards.webhook_deliveries")
        records_merging.connect(follows_merge, dispatch_uid="dashboards.follows_merge")
        merge_undoing.connect(follows_unmerge, dispatch_uid="dashboards.follows_unmerge")
