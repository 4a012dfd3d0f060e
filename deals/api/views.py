"""The resources: thin viewsets that parse with a serializer, read through the API selectors
and write through the services (`deals.services`, `startups.services`), nothing else."""

from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import StreamingHttpResponse
from rest_framework import viewsets

from deals import services as deals_services
from deals.models import FxRate
from startups import services as startups_services
from startups.services import record_delete, sources_for_urls

from . import filters, selectors
from . import serializers as api
from .errors import call_service
from .merge_views import MergeMixin
from .renderers import CSVRenderer, columns_of, csv_stream
from .serializers.rows import row_plan
from .touches import delete_permissions, require

NAME_SEARCH = ["name_en", "name_zh", "aliases"]
SLUG = "[A-Za-z0-9_-]+"
STARTUP_NAME_SEARCH = ["startup__name_en", "startup__name_zh", "startup__aliases"]
# Records read, written and sent at a time in a CSV list: a page at the largest size, the
# query the benchmarks measure (docs/benchmarks.md), and a few hundred kilobytes of CSV.
CSV_CHUNK_SIZE = 500
CSV_CONTENT_TYPE = f"{CSVRenderer.media_type}; charset={CSVRenderer.charset}"


class KeysetListMixin:
    """A list in keyset pages (deals.api.pagination), or, as CSV, the whole list streamed.

    Every list of the API answers this way: the resources, and the statistics that are lists
    of records (co-investment pairs)."""

    def list(self, request, *args, **kwargs):
        # A page of records; or, as CSV, every record of the list, streamed (csv_list).
        # (A comment, not a docstring: drf-spectacular would make a docstring every list's
        # description.)
        queryset = self.filter_queryset(self.list_queryset())
        if getattr(request.accepted_renderer, "format", None) == CSVRenderer.format:
            return self.csv_list(queryset)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.records(page))

    def list_queryset(self) -> QuerySet:
        return self.get_queryset()

    def records(self, page: Sequence) -> Sequence[dict]:
        """The output of a page (or a chunk) of records."""
        return self.get_serializer(page, many=True).data

    def csv_list(self, queryset: QuerySet) -> StreamingHttpResponse:
        """Every record the filters leave, in the list's order, as one CSV: read and written
        CSV_CHUNK_SIZE records at a time, in keyset chunks, so that memory stays the same
        for ten records or a million. `page_size` does not apply; a `next` cursor starts the
        CSV there."""
        chunks = self.paginator.chunks(queryset, self.request, self, CSV_CHUNK_SIZE)
        columns = columns_of(self.get_serializer())
        records = (self.records(chunk) for chunk in chunks)
        return StreamingHttpResponse(csv_stream(records, columns), content_type=CSV_CONTENT_TYPE)


class RecordViewSet(KeysetListMixin, viewsets.ModelViewSet):
    """List, read, create, update and delete one kind of record through its services."""

    create_service: Callable[..., Model]
    update_service: Callable[..., Model]
    delete_service: Callable[[Model], None] = staticmethod(record_delete)
    selector: Callable[[], Any]
    # Lists as `.values()` rows of the given columns; the serializer must be RowsListSerializer's.
    row_selector: Callable[[Sequence[str]], QuerySet] | None = None
    ordering_fields = ["id", "updated_at", "created_at"]
    # Anything else in the path is no record: a JSON 404 before any query (PostgreSQL would
    # refuse a NUL byte in a slug with an error, not an empty result).
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return self.selector()

    def list_queryset(self) -> QuerySet:
        # With a row selector, records are `.values()` rows written by the serializer's row
        # plan (RowsListSerializer): the same filters, ordering, cursor and output, without
        # model instances.
        if self.row_selector is None:
            return self.get_queryset()
        return self.row_selector(row_plan(self.get_serializer_class()).columns)

    def records(self, page: Sequence) -> Sequence[dict]:
        """The output of a page (or a chunk) of records: instances, or rows."""
        if self.row_selector is not None:
            plan = row_plan(self.get_serializer_class())
            related = plan.related_rows()
            page = selectors.add_related_rows(page, plan.model, related, plan.shows_source_urls)
        return self.get_serializer(page, many=True).data

    @transaction.atomic
    def _saved(self, serializer, service: Callable[..., Model], *args: Any) -> None:
        # The record, then the claims it carries (ClaimsMixin): a refusal of either writes
        # nothing.
        record = call_service(
            service, *args, names=serializer.error_names(), **serializer.service_fields()
        )
        if hasattr(serializer, "write_claims"):
            serializer.write_claims(record)
        # Read back as a list reads it: annotations, related records and sources included.
        serializer.instance = self.get_queryset().get(pk=record.pk)

    def perform_create(self, serializer) -> None:
        require(self.request.user, serializer.nested_permissions())
        self._saved(serializer, type(self).create_service)

    def perform_update(self, serializer) -> None:
        require(self.request.user, serializer.nested_permissions())
        self._saved(serializer, type(self).update_service, serializer.instance)

    def perform_destroy(self, instance: Model) -> None:
        require(self.request.user, delete_permissions(instance))
        call_service(type(self).delete_service, instance)


class StartupViewSet(MergeMixin, RecordViewSet):
    """Startups, looked up by slug, with their latest valuation in USD."""

    serializer_class = api.StartupSerializer
    filterset_class = filters.StartupFilter
    selector = staticmethod(selectors.startups_for_api)
    create_service = staticmethod(startups_services.startup_create)
    update_service = staticmethod(startups_services.startup_update)
    lookup_field = "slug"
    lookup_value_regex = SLUG
    search_fields = [*NAME_SEARCH, "slug"]
    search_normalised_names = True
    ordering_fields = ["name_en", "slug", "latest_valuation_usd", *RecordViewSet.ordering_fields]
    ordering = ["name_en"]


class InvestorViewSet(MergeMixin, RecordViewSet):
    """Investors, looked up by slug; `parent` makes one an affiliate of another."""

    serializer_class = api.InvestorSerializer
    filterset_class = filters.InvestorFilter
    selector = staticmethod(selectors.investors_for_api)
    create_service = staticmethod(deals_services.investor_create)
    update_service = staticmethod(deals_services.investor_update)
    lookup_field = "slug"
    lookup_value_regex = SLUG
    search_fields = [*NAME_SEARCH, "slug"]
    search_normalised_names = True
    ordering_fields = ["name_en", "slug", *RecordViewSet.ordering_fields]
    ordering = ["name_en"]


class FundingRoundViewSet(RecordViewSet):
    """Funding rounds with their participants, sources, and USD figures with the rates used."""

    serializer_class = api.FundingRoundSerializer
    filterset_class = filters.FundingRoundFilter
    selector = staticmethod(selectors.rounds_for_api)
    row_selector = staticmethod(selectors.round_rows_for_api)
    create_service = staticmethod(deals_services.funding_round_create)
    update_service = staticmethod(deals_services.funding_round_update)
    search_fields = [*STARTUP_NAME_SEARCH, "round_label"]
    ordering_fields = [
        "announced_on",
        "amount_usd",
        "post_money_valuation_usd",
        *RecordViewSet.ordering_fields,
    ]
    ordering = ["-announced_on"]


class ParticipationViewSet(RecordViewSet):
    """An investor's part in a round: lead or not, amount, stake, compute credits."""

    serializer_class = api.ParticipationSerializer
    filterset_class = filters.ParticipationFilter
    selector = staticmethod(selectors.participations_for_api)
    create_service = staticmethod(deals_services.participation_create)
    update_service = staticmethod(deals_services.participation_update)
    search_fields = ["investor__name_en", "investor__name_zh", "investor__aliases"]
    ordering = ["id"]


class ValuationMarkViewSet(RecordViewSet):
    """Valuations reported outside rounds: press reports, secondary sales, market values."""

    serializer_class = api.ValuationMarkSerializer
    filterset_class = filters.ValuationMarkFilter
    selector = staticmethod(selectors.valuation_marks_for_api)
    create_service = staticmethod(deals_services.valuation_mark_create)
    update_service = staticmethod(deals_services.valuation_mark_update)
    search_fields = STARTUP_NAME_SEARCH
    ordering_fields = ["valued_on", *RecordViewSet.ordering_fields]
    ordering = ["-valued_on"]


class ModelProductViewSet(RecordViewSet):
    """Models and apps, with launch and generative-AI filing dates."""

    serializer_class = api.ModelProductSerializer
    filterset_class = filters.ModelProductFilter
    selector = staticmethod(selectors.products_for_api)
    create_service = staticmethod(startups_services.model_product_create)
    update_service = staticmethod(startups_services.model_product_update)
    search_fields = ["name", *STARTUP_NAME_SEARCH]
    ordering_fields = ["name", *RecordViewSet.ordering_fields]
    ordering = ["name"]


class ComputeDealViewSet(RecordViewSet):
    """Chips bought or rented, cloud credits, vouchers, training runs."""

    serializer_class = api.ComputeDealSerializer
    filterset_class = filters.ComputeDealFilter
    selector = staticmethod(selectors.compute_deals_for_api)
    create_service = staticmethod(deals_services.compute_deal_create)
    update_service = staticmethod(deals_services.compute_deal_update)
    search_fields = ["buyer", "chip", "provider"]
    ordering_fields = ["announced_on", *RecordViewSet.ordering_fields]
    ordering = ["-announced_on"]


class SourceViewSet(RecordViewSet):
    """Documents that figures rest on."""

    serializer_class = api.SourceSerializer
    filterset_class = filters.SourceFilter
    selector = staticmethod(selectors.sources_for_api)
    create_service = staticmethod(startups_services.source_create)
    update_service = staticmethod(startups_services.source_update)
    delete_service = staticmethod(startups_services.source_delete)
    search_fields = ["url", "title", "publisher"]
    ordering_fields = ["url", *RecordViewSet.ordering_fields]
    ordering = ["url"]


def fx_rate_create(*, source_url: str | None = None, **fields: Any) -> FxRate:
    source = sources_for_urls([source_url])[0] if source_url else None
    return deals_services.fx_rate_save(FxRate(source=source, **fields))


@transaction.atomic
def fx_rate_update(rate: FxRate, *, source_url: str | None = "", **fields: Any) -> FxRate:
    """Save through fx_rate_save; a rate moved to another currency re-prices the old one too."""
    previous_currency = rate.currency
    if source_url != "":
        fields["source"] = sources_for_urls([source_url])[0] if source_url else None
    for name, value in fields.items():
        setattr(rate, name, value)
    deals_services.fx_rate_save(rate)
    if rate.currency != previous_currency:
        deals_services.usd_recompute(currencies=[previous_currency])
    return rate


class FxRateViewSet(RecordViewSet):
    """Monthly units of a currency per USD; a change re-derives every USD figure in it."""

    serializer_class = api.FxRateSerializer
    filterset_class = filters.FxRateFilter
    selector = staticmethod(selectors.fx_rates_for_api)
    create_service = staticmethod(fx_rate_create)
    update_service = staticmethod(fx_rate_update)
    delete_service = staticmethod(deals_services.fx_rate_delete)
    ordering_fields = ["month", *RecordViewSet.ordering_fields]
    ordering = ["month"]


class ReportedMetricViewSet(RecordViewSet):
    """Figures published by others (ITJuzi's 40%), to compare with tracked deals."""

    serializer_class = api.ReportedMetricSerializer
    filterset_class = filters.ReportedMetricFilter
    selector = staticmethod(selectors.metrics_for_api)
    create_service = staticmethod(deals_services.reported_metric_create)
    update_service = staticmethod(deals_services.reported_metric_update)
    search_fields = ["metric", "subject"]
    ordering_fields = ["metric", *RecordViewSet.ordering_fields]
    ordering = ["metric"]
