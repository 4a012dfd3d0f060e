"""`/api/v1/changes/`: every create, update and delete of every record kind, in the order
they became visible (startups.change_feed), in keyset pages whose `next` link a client keeps
and polls (docs/api.md, "Change feed")."""

import json
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db.models import Model, QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.pagination import Cursor
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param

from deals.models import (
    ComputeDeal,
    FundingRound,
    FxRate,
    Investor,
    Participation,
    ReportedMetric,
    ValuationMark,
)
from startups.change_feed import purged_past, visible_changes
from startups.change_models import Change, ChangeAction
from startups.change_tracking import KINDS
from startups.models import ModelProduct, Source, Startup

from .pagination import KeysetPagination
from .schema import DETAIL
from .views import KeysetListMixin

# The kinds that have a record in the API: the model, the detail route, and the field the
# route looks the record up by. Tags and claims are read inside their records only.
RECORD_ROUTES: dict[str, tuple[type[Model], str, str]] = {
    "source": (Source, "source-detail", "pk"),
    "startup": (Startup, "startup-detail", "slug"),
    "product": (ModelProduct, "product-detail", "pk"),
    "investor": (Investor, "investor-detail", "slug"),
    "fx_rate": (FxRate, "fx-rate-detail", "pk"),
    "round": (FundingRound, "round-detail", "pk"),
    "participation": (Participation, "participation-detail", "pk"),
    "valuation": (ValuationMark, "valuation-mark-detail", "pk"),
    "compute_deal": (ComputeDeal, "compute-deal-detail", "pk"),
    "metric": (ReportedMetric, "reported-metric-detail", "pk"),
}
ACTIONS = tuple(ChangeAction.values)
PURGED_MESSAGE = (
    "This cursor points before the oldest change kept (the feed keeps {days} days): changes "
    "after it were deleted. Resynchronise from the lists with ?updated_since=, then read "
    "this feed again from its start."
)


class Gone(APIException):
    status_code = status.HTTP_410_GONE
    default_code = "gone"


class ChangeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KINDS)
    id = serializers.IntegerField(source="record_id")
    key = serializers.SerializerMethodField(help_text="The slug of a startup, investor or tag.")
    action = serializers.ChoiceField(choices=ACTIONS)
    time = serializers.DateTimeField(source="occurred_at")
    figures_changed = serializers.BooleanField(
        help_text="True on a create, and on an update that changed one of the figures."
    )
    url = serializers.SerializerMethodField(
        help_text="The record in the API, while it exists (null for a deletion, and for tags "
        "and claims, which have no address of their own)."
    )

    def get_key(self, change: Change) -> str | None:
        return change.record_key or None

    def get_url(self, change: Change) -> str | None:
        return self.context["urls"].get((change.kind, change.record_id))


class ChangePagination(KeysetPagination):
    """Keyset pages in (txid, id) order. `next` is always given, on the last page and on an
    empty one too (after the last row seen, or the cursor given): a client keeps it and polls
    it. A forward cursor before what the retention task deleted is a 410."""

    ordering = "txid"

    def get_ordering(self, request, queryset, view) -> tuple[str, ...]:
        return (self.ordering,)

    def decode_cursor(self, request: Request) -> Cursor | None:
        cursor = super().decode_cursor(request)
        if cursor is not None and not cursor.reverse and purged_past(*cursor.position):
            raise Gone(PURGED_MESSAGE.format(days=settings.CHANGES_KEEP_DAYS))
        return cursor

    def get_next_link(self) -> str | None:
        if self.page:
            return self.encode_cursor(Cursor(0, False, self._position(self.page[-1])))
        if self.cursor is None or self.cursor.reverse:
            # Nothing before the position either: the feed from its start.
            return remove_query_param(self.base_url, self.cursor_query_param)
        txid, change_id = self.cursor.position
        return self.encode_cursor(Cursor(0, False, self._position_of(txid, change_id)))

    @staticmethod
    def _position_of(txid: int, change_id: int) -> str:
        return json.dumps([str(txid), change_id])

    def get_paginated_response_schema(self, schema: dict) -> dict:
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["next"]["nullable"] = False
        paginated["required"] = ["next", "results"]
        return paginated


def _kinds(request: Request) -> list[str]:
    """`?kind=round,valuation` or `?kind=round&kind=valuation`."""
    wanted = [k.strip() for value in request.query_params.getlist("kind") for k in value.split(",")]
    return _checked("kind", [k for k in wanted if k], KINDS)


def _actions(request: Request) -> list[str]:
    wanted = [a.strip() for v in request.query_params.getlist("action") for a in v.split(",")]
    return _checked("action", [a for a in wanted if a], ACTIONS)


def _checked(parameter: str, values: list[str], allowed: Sequence[str]) -> list[str]:
    unknown = [value for value in values if value not in allowed]
    if unknown:
        message = f"must be one or more of {', '.join(allowed)} (got {unknown[0][:50]!r})"
        raise ValidationError({parameter: [message]})
    return values


def record_urls(changes: Sequence[Change], request: Request) -> dict[tuple[str, int], str]:
    """The API address of each record of `changes` that still exists and has one: a query
    per kind on the page, whatever its size."""
    ids: dict[str, set[int]] = {}
    for change in changes:
        if change.kind in RECORD_ROUTES and change.action != ChangeAction.DELETED:
            ids.setdefault(change.kind, set()).add(change.record_id)
    urls = {}
    for kind, record_ids in ids.items():
        model, route, lookup = RECORD_ROUTES[kind]
        for pk, key in model.objects.filter(pk__in=record_ids).values_list("pk", lookup):
            urls[kind, pk] = request.build_absolute_uri(reverse(route, kwargs={lookup: key}))
    return urls


KIND_PARAMETER = OpenApiParameter(
    "kind",
    OpenApiTypes.STR,
    description="Only these kinds, comma-separated or repeated: " + ", ".join(KINDS) + ".",
)
ACTION_PARAMETER = OpenApiParameter(
    "action",
    OpenApiTypes.STR,
    description="Only these actions, comma-separated or repeated: " + ", ".join(ACTIONS) + ".",
)


@extend_schema(
    parameters=[KIND_PARAMETER, ACTION_PARAMETER],
    responses={
        200: ChangeSerializer(many=True),
        410: OpenApiResponse(
            DETAIL, description="The cursor points before the oldest change kept: resync."
        ),
    },
)
class ChangeFeedView(KeysetListMixin, generics.ListAPIView):
    """Every create, update and delete of every kind of record, in the order they became
    visible. Keep the `next` link (always given) and poll it: a change that commits later
    still comes after it. A deletion is a tombstone: kind, id, key, `deleted`, time."""

    serializer_class = ChangeSerializer
    pagination_class = ChangePagination
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Change]:
        changes = visible_changes()
        if kinds := _kinds(self.request):
            changes = changes.filter(kind__in=kinds)
        if actions := _actions(self.request):
            changes = changes.filter(action__in=actions)
        return changes

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "urls": {}}

    def records(self, page: Sequence[Change]) -> Sequence[dict]:
        context = {**self.get_serializer_context(), "urls": record_urls(page, self.request)}
        return ChangeSerializer(page, many=True, context=context).data
