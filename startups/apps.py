from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StartupsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "startups"
    verbose_name = _("Startups and evidence")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from . import checks  # noqa: F401  (registers the checks)
        from .search import register_fold

        connection_created.connect(register_fold, dispatch_uid="startups.register_fold")
