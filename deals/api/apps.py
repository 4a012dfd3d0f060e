from django.apps import AppConfig


class ApiConfig(AppConfig):
    """An app only so that its admin module (API tokens) is discovered; it has no models."""

    name = "deals.api"
    label = "api"
    verbose_name = "API"
