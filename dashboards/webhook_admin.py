"""Webhook endpoints and their delivery log in the admin. Endpoints are made by their owners
through the API (the secret is shown to them once, never here); staff may turn one off or
back on. The delivery log is read-only."""

from django.contrib import admin
from django.http import HttpRequest

from .models import WebhookDelivery, WebhookEndpoint
from .webhook_sending import DELIVERY_LOG_FIELDS
from .webhook_services import webhook_endpoint_update


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "user", "active", "disabled_at", "created_at"]
    list_filter = ["active"]
    search_fields = ["url", "user__username"]
    fields = ["user", "url", "events", "active", "disabled_at", "disabled_reason", "created_at"]
    readonly_fields = ["user", "url", "events", "disabled_at", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request, obj: WebhookEndpoint, form, change: bool) -> None:
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        webhook_endpoint_update(WebhookEndpoint.objects.get(pk=obj.pk), **changed)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "webhook_id",
        "endpoint",
        "event",
        "status",
        "attempts",
        "response_code",
        "latency_ms",
        "next_attempt_at",
        "created_at",
    ]
    list_filter = ["status", "event"]
    search_fields = ["webhook_id", "endpoint__url"]
    list_select_related = ["endpoint"]
    readonly_fields = ["endpoint", "alert", *DELIVERY_LOG_FIELDS, "body"]
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
