"""Alerts to webhook messages: one delivery per matching endpoint of the alert's owner, written
in the matcher's transaction (dashboards.alert_signals.alerts_raised), sent after commit.

The body is built once and stored: every attempt sends the same bytes with the same
`webhook-id`. Its record is the record as the API reads it, by the API's own serializers.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from rest_framework.serializers import Serializer, SerializerMethodField

from deals.api import selectors
from deals.api.renderers import JSONRenderer
from deals.api.serializers import (
    ComputeDealSerializer,
    FundingRoundSerializer,
    ValuationMarkSerializer,
)
from deals.api.serializers.claims import ClaimSerializer
from deals.claim_models import RECORD_FIELDS, Claim

from .models import Alert, WatchItem, WebhookDelivery, WebhookEndpoint
from .signals import BROKER_ERRORS
from .webhook_signing import new_message_id

logger = logging.getLogger(__name__)

# The kinds of record an alert is raised for (the first part of its event name).
ALERT_KINDS = ("round", "valuation", "compute_deal", "claim")
EVENTS = tuple(f"{kind}.{action}" for kind in ALERT_KINDS for action in ("created", "updated"))
TEST_EVENT = "webhook.test"
# Deliveries written per INSERT when one change alerts many users.
INSERT_BATCH = 500


class ClaimRecordSerializer(ClaimSerializer):
    """A claim as the records' `claims` lists read it, with the record it is about."""

    record = SerializerMethodField()
    record_id = SerializerMethodField()

    class Meta(ClaimSerializer.Meta):
        fields = ("id", "record", "record_id", *ClaimSerializer.Meta.fields)

    def _record_kind(self, claim: Claim) -> str:
        return next(kind for kind, name in RECORD_FIELDS.items() if getattr(claim, f"{name}_id"))

    def get_record(self, claim: Claim) -> str:
        return self._record_kind(claim)

    def get_record_id(self, claim: Claim) -> int:
        return getattr(claim, f"{RECORD_FIELDS[self._record_kind(claim)]}_id")


def claims_for_webhooks() -> QuerySet[Claim]:
    return Claim.objects.select_related("source")


RECORD_READERS: dict[str, tuple[Callable[[], QuerySet], type[Serializer]]] = {
    "round": (selectors.rounds_for_api, FundingRoundSerializer),
    "valuation": (selectors.valuation_marks_for_api, ValuationMarkSerializer),
    "compute_deal": (selectors.compute_deals_for_api, ComputeDealSerializer),
    "claim": (claims_for_webhooks, ClaimRecordSerializer),
}


def records_as_the_api_reads_them(alerts: Iterable[Alert]) -> dict[tuple[str, int], dict]:
    """The alerts' records, one query (and its prefetches) per kind; a record deleted since
    is missing."""
    ids_by_kind: dict[str, set[int]] = defaultdict(set)
    for alert in alerts:
        if alert.kind in RECORD_READERS:
            ids_by_kind[alert.kind].add(alert.record_id)
    found = {}
    for kind, ids in ids_by_kind.items():
        selector, serializer = RECORD_READERS[kind]
        for record in selector().filter(pk__in=ids):
            found[kind, record.pk] = serializer(record).data
    return found


def watch_item_data(item: WatchItem | None) -> dict[str, Any] | None:
    if item is None:
        return None
    return {
        "id": item.pk,
        "startup": item.startup.slug if item.startup_id else None,
        "investor": item.investor.slug if item.investor_id else None,
        "search": item.search or None,
    }


def message_body(event: str, data: dict[str, Any], timestamp=None) -> str:
    """The JSON body of a message (Standard Webhooks' type, timestamp, data), as the API
    writes JSON."""
    payload = {"type": event, "timestamp": timestamp or timezone.now(), "data": data}
    return JSONRenderer().render(payload).decode("utf-8")


def alert_bodies(alerts: list[Alert]) -> dict[int, str]:
    records = records_as_the_api_reads_them(alerts)
    item_ids = {alert.watch_item_id for alert in alerts if alert.watch_item_id}
    items = WatchItem.objects.select_related("startup", "investor").in_bulk(item_ids)
    return {
        alert.pk: message_body(
            alert.event,
            {
                "kind": alert.kind,
                "id": alert.record_id,
                "record": records.get((alert.kind, alert.record_id)),
                "watch_item": watch_item_data(items.get(alert.watch_item_id)),
            },
            alert.created_at,
        )
        for alert in alerts
    }


def listens_to(endpoint: WebhookEndpoint, event: str) -> bool:
    return not endpoint.events or event in endpoint.events


def deliveries_for_alerts(sender: Any, alerts: list[Alert], **kwargs: Any) -> None:
    """The receiver of alerts_raised: inside the matcher's transaction, a delivery for each new
    alert and each active endpoint of its owner that takes its event; sent after commit."""
    users = {alert.user_id for alert in alerts}
    endpoints_by_user: dict[int, list[WebhookEndpoint]] = defaultdict(list)
    for endpoint in WebhookEndpoint.objects.filter(user_id__in=users, active=True):
        endpoints_by_user[endpoint.user_id].append(endpoint)
    wanted = [
        (alert, endpoint)
        for alert in alerts
        for endpoint in endpoints_by_user[alert.user_id]
        if listens_to(endpoint, alert.event)
    ]
    if not wanted:
        return
    bodies = alert_bodies(list({alert.pk: alert for alert, _ in wanted}.values()))
    now = timezone.now()
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                endpoint=endpoint,
                alert=alert,
                webhook_id=new_message_id(),
                event=alert.event,
                body=bodies[alert.pk],
                next_attempt_at=now,
            )
            for alert, endpoint in wanted
        ],
        batch_size=INSERT_BATCH,
    )
    queue_after_commit([delivery.pk for delivery in deliveries])


def test_delivery_create(endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A `webhook.test` message to the endpoint, sent after commit like any other."""
    body = message_body(
        TEST_EVENT, {"endpoint_id": endpoint.pk, "message": "A test event, sent on request."}
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        webhook_id=new_message_id(),
        event=TEST_EVENT,
        body=body,
        next_attempt_at=timezone.now(),
    )
    queue_after_commit([delivery.pk])
    return delivery


def queue_after_commit(delivery_ids: list[int]) -> None:
    transaction.on_commit(lambda: queue_sending(delivery_ids))


def queue_sending(delivery_ids: list[int]) -> None:
    """One task per delivery. A broker that is down loses nothing: the deliveries are due,
    and the every-minute sweep (send_due_deliveries_task) sends them."""
    from .webhook_tasks import send_delivery_task

    for delivery_id in delivery_ids:
        try:
            send_delivery_task.delay(delivery_id)
        except BROKER_ERRORS as error:
            logger.warning(
                "webhook delivery %s not queued (%s); the sweep sends it", delivery_id, error
            )
            return
