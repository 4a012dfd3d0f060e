from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StartupsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "startups"
    verbose_name = _("Startups and evidence")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the checks)
