"""One record and one valid write per resource, for tests that go over all of them."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from deals.models import (
    ComputeDeal,
    FundingRound,
    FxRate,
    Investor,
    Participation,
    ReportedMetric,
    ValuationMark,
)
from startups.models import ModelProduct, Source, Startup
from tests.factories import (
    ComputeDealFactory,
    FundingRoundFactory,
    FxRateFactory,
    InvestorFactory,
    ModelProductFactory,
    ParticipationFactory,
    ReportedMetricFactory,
    SourceFactory,
    StartupFactory,
    ValuationMarkFactory,
)

SOURCE = "https://news.example.com/new-story"


@dataclass
class Resource:
    path: str
    model: type
    make: Callable[[], Any]
    create: Callable[[], dict]
    update: dict
    key: str = "pk"
    # What `create` also writes besides the record: new sources, tags, participations
    # (deals/api/touches.py), each needing its model's permission.
    create_needs: tuple[str, ...] = ()

    def url(self, record=None) -> str:
        if record is None:
            return f"/api/v1/{self.path}/"
        return f"/api/v1/{self.path}/{getattr(record, self.key)}/"


RESOURCES = {
    "startups": Resource(
        "startups",
        Startup,
        StartupFactory,
        lambda: {
            "slug": "new-co",
            "name_en": "New Co",
            "name_zh": "新公司",
            "founded": "2023-Q2",
            "tags": ["robotics"],
            "source_urls": [SOURCE],
        },
        {"city": "Shanghai"},
        key="slug",
        create_needs=("startups.add_source", "startups.add_tag"),
    ),
    "investors": Resource(
        "investors",
        Investor,
        InvestorFactory,
        lambda: {
            "slug": "new-fund",
            "name_en": "New Fund",
            "kind": "vc",
            "parent": InvestorFactory().slug,
        },
        {"hq_city": "Hangzhou"},
        key="slug",
    ),
    "rounds": Resource(
        "rounds",
        FundingRound,
        FundingRoundFactory,
        lambda: {
            "startup": StartupFactory().slug,
            "announced_on": "2024-05",
            "round_label": "Series Z",
            "amount": "710000000",
            "amount_currency": "CNY",
            "source_urls": [SOURCE],
            "participants": [{"investor": InvestorFactory().slug, "is_lead": True}],
        },
        {"notes": "Checked against the filing."},
        create_needs=("startups.add_source", "deals.add_participation"),
    ),
    "participations": Resource(
        "participations",
        Participation,
        ParticipationFactory,
        lambda: {
            "round": FundingRoundFactory().pk,
            "investor": InvestorFactory().slug,
            "amount": "1000000",
            "amount_currency": "USD",
        },
        {"is_lead": True},
    ),
    "valuation-marks": Resource(
        "valuation-marks",
        ValuationMark,
        ValuationMarkFactory,
        lambda: {
            "startup": StartupFactory().slug,
            "valued_on": "2024-Q3",
            "value": "1000000000",
            "currency": "USD",
            "kind": "secondary",
            "source_urls": [SOURCE],
        },
        {"notes": "A secondary sale."},
        create_needs=("startups.add_source",),
    ),
    "products": Resource(
        "products",
        ModelProduct,
        ModelProductFactory,
        lambda: {"startup": StartupFactory().slug, "name": "New Model", "launched_on": "2024-05"},
        {"modality": "text"},
    ),
    "compute-deals": Resource(
        "compute-deals",
        ComputeDeal,
        ComputeDealFactory,
        lambda: {
            "startup": StartupFactory().slug,
            "kind": "cloud_credits",
            "provider": "Alibaba Cloud",
            "announced_on": "2024",
            "amount": "1000000",
            "amount_currency": "USD",
            "source_urls": [SOURCE],
        },
        {"quantity": 200},
        create_needs=("startups.add_source",),
    ),
    "sources": Resource(
        "sources",
        Source,
        SourceFactory,
        lambda: {"url": SOURCE, "title": "A new story"},
        {"publisher": "Caixin"},
    ),
    "fx-rates": Resource(
        "fx-rates",
        FxRate,
        lambda: FxRateFactory(month=dt.date(2023, 1, 1), units_per_usd=Decimal("6.9")),
        lambda: {"month": "2024-06", "currency": "EUR", "units_per_usd": "0.92"},
        {"units_per_usd": "7.2"},
    ),
    "reported-metrics": Resource(
        "reported-metrics",
        ReportedMetric,
        ReportedMetricFactory,
        lambda: {
            "metric": "deals",
            "subject": "Somebody",
            "value": "10",
            "unit": "count",
            "period_start": "2024",
            "period_end": "2024",
            "source_urls": [SOURCE],
        },
        {"notes": "Recounted."},
        create_needs=("startups.add_source",),
    ),
}
