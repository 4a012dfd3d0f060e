"""Lists read as `.values()` rows (deals.api.serializers.rows) answer byte for byte what the
serializer writes from model instances, whatever the values, filters, order and page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import F
from rest_framework import serializers

from deals.api.renderers import JSONRenderer
from deals.api.selectors import rounds_for_api
from deals.api.serializers import FundingRoundSerializer
from deals.api.serializers.rows import RowsListSerializer, row_plan
from deals.models import FundingRound
from tests.factories import (
    FundingRoundFactory,
    InvestorFactory,
    ParticipationFactory,
    SourceFactory,
    StartupFactory,
)

pytestmark = pytest.mark.django_db


def rounds_with_every_kind_of_value() -> None:
    startup = StartupFactory(is_ai=False, name_en='Zhipu «AI» "quoted"')
    twins = [InvestorFactory(name_en="Same name"), InvestorFactory(name_en="Same name")]
    sources = [
        SourceFactory(url="https://b.example.com/z"),
        SourceFactory(url="https://a.example.com/"),
    ]
    full = FundingRoundFactory(
        startup=startup,
        announced_on=dt.date(2023, 5, 1),
        date_precision="month",
        amount=Decimal("1234567.89"),
        amount_currency="CNY",
        amount_qualifier="approx",
        amount_usd=Decimal("173308.51"),
        amount_fx_rate=Decimal("7.12345678"),
        valuation_fx_rate=Decimal("0.00000001"),
        post_money_valuation_usd=Decimal("1.40"),
        post_money_valuation=Decimal("10"),
        valuation_currency="CNY",
        compute_credit_amount=Decimal("0.01"),
        compute_credit_currency="CNY",
        notes="line one\nline two, \u2028 and a tab\t",
    )
    full.sources.add(*sources)
    for investor in twins:
        ParticipationFactory(
            round=full, investor=investor, amount=Decimal("5"), amount_currency="CNY"
        )
    ParticipationFactory(
        round=full, is_lead=True, stake_percent=Decimal("12.5"), amount_usd=Decimal("99.90")
    )
    FundingRoundFactory(amount=None, amount_currency="", announced_on=dt.date(2023, 5, 1))
    FundingRoundFactory(announced_on=dt.date(1999, 1, 1), date_precision="year")


def instance_page(ordering: tuple[str, ...], size: int) -> bytes:
    records = list(rounds_for_api().order_by(*ordering)[:size])
    data = FundingRoundSerializer(records, many=True).data
    return JSONRenderer().render(data)


@pytest.mark.parametrize(
    "ordering, keys",
    [
        ("", ("-announced_on", "-pk")),
        ("id", ("pk",)),
        ("-updated_at", ("-updated_at", "-pk")),
        ("created_at", ("created_at", "pk")),
        # Nulls last, in both directions.
        ("-amount_usd", (F("amount_usd").desc(nulls_last=True), "-pk")),
        ("amount_usd", (F("amount_usd").asc(nulls_last=True), "pk")),
    ],
)
def test_a_page_of_rows_is_what_the_serializer_writes_from_instances(anonymous, ordering, keys):
    rounds_with_every_kind_of_value()
    response = anonymous.get("/api/v1/rounds/", {"ordering": ordering, "page_size": 10})

    results = response.content.split(b'"results":', 1)[1].rsplit(b"}", 1)[0]
    assert results == instance_page(keys, 10)


def test_rows_and_instances_give_the_same_csv(anonymous):
    rounds_with_every_kind_of_value()

    by_rows = anonymous.get("/api/v1/rounds/", {"format": "csv"}).getvalue()
    record = FundingRound.objects.get(date_precision="month")
    one = anonymous.get(f"/api/v1/rounds/{record.pk}/", {"format": "csv"}).getvalue()

    assert one.splitlines()[0] == by_rows.splitlines()[0]
    assert one.splitlines()[1] in by_rows.splitlines()


def test_the_cursor_of_a_page_of_rows_walks_every_record_once(anonymous):
    for day in (1, 1, 1, 2, 3):
        FundingRoundFactory(announced_on=dt.date(2024, 1, day))
    seen, url = [], "/api/v1/rounds/?page_size=2"
    while url:
        body = anonymous.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]

    assert sorted(seen) == sorted(FundingRound.objects.values_list("pk", flat=True))
    assert len(seen) == 5


def test_a_serializer_field_that_reads_no_column_cannot_list_rows():
    class Computed(FundingRoundSerializer):
        summary = serializers.SerializerMethodField()

        class Meta(FundingRoundSerializer.Meta):
            fields = (*FundingRoundSerializer.Meta.fields, "summary")
            list_serializer_class = RowsListSerializer

        def get_summary(self, record) -> str:
            return str(record)

    with pytest.raises(ImproperlyConfigured, match="summary"):
        row_plan(Computed)
