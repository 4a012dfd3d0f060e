"""`/api/v1/webhooks/`: the signed-in user's own webhook endpoints (no model permission; another
user's endpoint is a 404), a test event for each, and each one's delivery log."""

from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from deals.api.fields import HttpURLField
from deals.api.renderers import JSONRenderer, SignedInBrowsableAPIRenderer

from .models import WebhookDelivery, WebhookEndpoint
from .webhook_delivery import EVENTS, test_delivery_create
from .webhook_sending import DELIVERY_LOG_FIELDS
from .webhook_services import webhook_endpoint_create, webhook_endpoint_update
from .webhook_urls import RefusedURL, checked_target

EVENTS_HELP = (
    "The events sent to this endpoint; empty or left out: every event. The events: "
    + ", ".join(EVENTS)
    + "."
)


class WebhookEndpointSerializer(serializers.ModelSerializer):
    url = HttpURLField(
        max_length=2000,
        help_text="https, on a host that resolves to public addresses only (docs/webhooks.md).",
    )
    events = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, help_text=EVENTS_HELP
    )

    class Meta:
        model = WebhookEndpoint
        fields = ("id", "url", "events", "active", "disabled_at", "disabled_reason", "created_at")
        read_only_fields = ("disabled_at", "disabled_reason", "created_at")
        extra_kwargs = {
            "active": {
                "help_text": "Off: nothing is sent. An endpoint that failed for 24 hours is "
                "turned off; true turns it back on."
            },
            "disabled_reason": {"help_text": "Why the endpoint was turned off (empty if on)."},
        }

    def validate_url(self, url: str) -> str:
        try:
            checked_target(url)
        except RefusedURL as refused:
            raise serializers.ValidationError(str(refused)) from refused
        return url

    def validate_events(self, events: list[str]) -> list[str]:
        unknown = [event for event in events if event not in EVENTS]
        if unknown:
            raise serializers.ValidationError(
                _("Unknown events: %(unknown)s. The events are: %(events)s.")
                % {"unknown": ", ".join(unknown), "events": ", ".join(EVENTS)}
            )
        return list(dict.fromkeys(events))


class NewWebhookEndpointSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text="The signing secret, shown this once: keep it to verify signatures.",
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = (*WebhookEndpointSerializer.Meta.fields, "secret")


class WebhookDeliverySerializer(serializers.ModelSerializer):
    webhook_id = serializers.CharField(
        read_only=True, help_text="The `webhook-id` header: the same on every attempt."
    )

    class Meta:
        model = WebhookDelivery
        fields = ("id", *DELIVERY_LOG_FIELDS)
        read_only_fields = fields


class OwnItems:
    """A signed-in user's own records, as JSON, newest first in keyset pages."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer, SignedInBrowsableAPIRenderer]
    filter_backends: list = []

    def user_endpoints(self) -> QuerySet[WebhookEndpoint]:
        if getattr(self, "swagger_fake_view", False):  # the schema, written without a user
            return WebhookEndpoint.objects.none()
        return WebhookEndpoint.objects.filter(user=self.request.user)


@extend_schema_view(
    list=extend_schema(summary="Your webhook endpoints"),
    create=extend_schema(
        summary="Add a webhook endpoint",
        description="The answer carries the endpoint's signing `secret`, the only time it is "
        "shown.",
    ),
    retrieve=extend_schema(summary="One of your webhook endpoints"),
    partial_update=extend_schema(summary="Change a webhook endpoint (url, events, active)"),
    destroy=extend_schema(summary="Delete a webhook endpoint and its delivery log"),
)
class WebhookEndpointViewSet(
    OwnItems,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> QuerySet[WebhookEndpoint]:
        return self.user_endpoints()

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action == "create":
            return NewWebhookEndpointSerializer
        if self.action == "send_test":
            return WebhookDeliverySerializer
        return WebhookEndpointSerializer

    def perform_create(self, serializer) -> None:
        serializer.instance = webhook_endpoint_create(
            user=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer) -> None:
        serializer.instance = webhook_endpoint_update(
            serializer.instance, **serializer.validated_data
        )

    @extend_schema(
        summary="Send a test event",
        description="Sends a `webhook.test` message through the same delivery path (signed, "
        "logged, retried); the answer is its delivery as logged so far.",
        request=None,
        responses={202: WebhookDeliverySerializer},
    )
    @action(detail=True, methods=["post"], url_path="test", url_name="test")
    def send_test(self, request: Request, pk: str) -> Response:
        endpoint = self.get_object()
        if not endpoint.active:
            message = _("This endpoint is off: turn it on (active: true) first.")
            raise serializers.ValidationError({"active": [message]})
        with transaction.atomic():
            delivery = test_delivery_create(endpoint)
        delivery.refresh_from_db()
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(summary="The delivery log of one of your webhook endpoints, newest first")
class WebhookDeliveryList(OwnItems, generics.ListAPIView):
    serializer_class = WebhookDeliverySerializer

    def get_queryset(self) -> QuerySet[WebhookDelivery]:
        if getattr(self, "swagger_fake_view", False):
            return WebhookDelivery.objects.none()
        endpoint = get_object_or_404(self.user_endpoints(), pk=self.kwargs["pk"])
        return endpoint.deliveries.all()
