"""Claims read with every record that has figures: in lists as in single reads, with the
figures in dispute; `?disputed=` filters every such list; CSV leaves the claims out."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deals.claim_models import RECORD_FIELDS
from deals.claim_services import claim_accept, claim_save
from deals.services import funding_round_create
from tests.factories import (
    ClaimFactory,
    ComputeDealFactory,
    FundingRoundFactory,
    InvestorFactory,
    ParticipationFactory,
    SourceFactory,
    StartupFactory,
    ValuationMarkFactory,
)

from .resources import RESOURCES
from .test_csv import csv_rows
from .test_lists import LIST_QUERIES

pytestmark = pytest.mark.django_db

COPY = "https://copy.example.com/moonshot"
OUTLET = "https://www.bloomberg.com/moonshot"
FIGURE_PATHS = ["rounds", "participations", "valuation-marks", "compute-deals"]


@pytest.fixture
def disputed_round():
    """Moonshot's Series B: a copy says ≥ $1B, Bloomberg (the original) says $800M."""
    SourceFactory(
        url=COPY,
        kind="syndicated",
        original_publisher="Bloomberg",
        published_on=dt.date(2024, 3, 1),
    )
    outlet = SourceFactory(
        url=OUTLET, kind="original_report", publisher="", published_on=dt.date(2024, 2, 20)
    )
    funding_round = funding_round_create(
        startup=StartupFactory(slug="moonshot"),
        announced_on=dt.date(2024, 2, 1),
        round_label="Series B",
        amount=Decimal("1000000000"),
        amount_currency="USD",
        amount_qualifier="at_least",
        source_urls=[COPY],
    )
    claim_save(ClaimFactory.build(round=funding_round, source=outlet, value=Decimal("8e8")))
    return funding_round


def claim_on(record, **fields):
    """A claim on any record's figure (ClaimFactory's is on a new round's amount)."""
    owner = RECORD_FIELDS[record.CLAIM_KIND]
    return ClaimFactory.build(**{"round": None, owner: record}, **fields)


EXPECTED_CLAIMS = [
    {
        "field": "amount",
        "value": "1000000000.0000",
        "currency": "USD",
        "qualifier": "at_least",
        "value_usd": "1000000000.00",
        "as_of": "2024-02-01",
        "reported_on": "2024-03-01",
        "source_url": COPY,
        "source_kind": "syndicated",
        "publisher": "Bloomberg",
        "confidence": "reported",
        "accepted": False,
    },
    {
        "field": "amount",
        "value": "800000000.0000",
        "currency": "USD",
        "qualifier": "exact",
        "value_usd": "800000000.00",
        "as_of": None,
        "reported_on": None,
        "source_url": OUTLET,
        "source_kind": "original_report",
        "publisher": "www.bloomberg.com",
        "confidence": "reported",
        "accepted": False,
    },
]


def test_a_round_shows_its_claims_and_disputed_figures_in_the_list_and_alone(
    anonymous, disputed_round
):
    (listed,) = anonymous.get("/api/v1/rounds/").json()["results"]
    alone = anonymous.get(f"/api/v1/rounds/{disputed_round.pk}/").json()

    for body in (listed, alone):
        assert body["claims"] == EXPECTED_CLAIMS
        assert body["disputed"] == ["amount"]
        # The original report outranks the copy: its figure is the round's.
        assert (body["amount"], body["amount_qualifier"]) == ("800000000.00", "exact")


def test_a_staff_accepted_claim_resolves_the_dispute(anonymous, disputed_round):
    copy_claim = disputed_round.claims.get(source__url=COPY)
    claim_accept(copy_claim, reason="The filing confirms at least $1B.")

    body = anonymous.get(f"/api/v1/rounds/{disputed_round.pk}/").json()

    assert body["disputed"] == []
    assert [claim["accepted"] for claim in body["claims"]] == [True, False]
    assert (body["amount"], body["amount_qualifier"]) == ("1000000000.00", "at_least")


def test_a_rounds_participants_show_their_own_claims(anonymous):
    source = SourceFactory(url="https://example.com/stake", publisher="Caixin")
    funding_round = FundingRoundFactory()
    stake = ParticipationFactory(round=funding_round, investor=InvestorFactory(slug="alibaba"))
    claim_save(
        claim_on(
            stake,
            field="stake_percent",
            value=Decimal("5.5"),
            currency="",
            qualifier="approx",
            source=source,
        )
    )

    (listed,) = anonymous.get("/api/v1/rounds/").json()["results"]
    alone = anonymous.get(f"/api/v1/rounds/{funding_round.pk}/").json()
    stake_alone = anonymous.get(f"/api/v1/participations/{stake.pk}/").json()

    assert listed == alone
    (participant,) = alone["participants"]
    assert participant["claims"] == stake_alone["claims"]
    assert [
        (c["field"], c["value"], c["currency"], c["qualifier"], c["value_usd"], c["publisher"])
        for c in participant["claims"]
    ] == [("stake_percent", "5.5000", "", "approx", None, "Caixin")]
    assert participant["disputed"] == [] and alone["claims"] == []


@pytest.mark.parametrize(
    "path, make, field",
    [
        ("valuation-marks", ValuationMarkFactory, "value"),
        ("compute-deals", ComputeDealFactory, "amount"),
        ("participations", ParticipationFactory, "amount"),
    ],
)
def test_every_record_with_figures_shows_its_claims(anonymous, path, make, field):
    record = make()
    for value, url in (("5e8", "https://a.example.com/"), ("9e8", "https://b.example.com/")):
        source = SourceFactory(url=url)
        claim_save(claim_on(record, field=field, value=Decimal(value), source=source))

    (listed,) = anonymous.get(f"/api/v1/{path}/").json()["results"]
    alone = anonymous.get(f"/api/v1/{path}/{record.pk}/").json()

    for body in (listed, alone):
        assert [(c["source_url"], c["value"]) for c in body["claims"]] == [
            ("https://a.example.com/", "500000000.0000"),
            ("https://b.example.com/", "900000000.0000"),
        ]
        assert body["disputed"] == [field]


def many_records_with_claims(path: str, count: int) -> None:
    """`count` records of a list, each with two claims on it (and on a round's participant)."""
    sources = [SourceFactory(), SourceFactory()]
    startup = StartupFactory()
    for n in range(count):
        if path in ("rounds", "participations"):
            record = ParticipationFactory(round=FundingRoundFactory(startup=startup))
            claimed = [record, record.round]
        elif path == "valuation-marks":
            record = ValuationMarkFactory(startup=startup, valued_on=dt.date(2000 + n, 1, 1))
            claimed = [record]
        else:
            record = ComputeDealFactory(startup=startup, chip=f"chip {n}")
            claimed = [record]
        for owner in claimed:
            field = "value" if owner.CLAIM_KIND == "valuation" else "amount"
            for source in sources:
                claim_on(owner, field=field, source=source).save()


@pytest.mark.parametrize("path", FIGURE_PATHS)
def test_claims_add_a_fixed_number_of_queries_to_a_list(anonymous, path):
    many_records_with_claims(path, 8)
    counts = []
    for size in (1, 8):
        with CaptureQueriesContext(connection) as queries:
            body = anonymous.get(f"/api/v1/{path}/", {"page_size": size}).json()
        assert len(body["results"]) == size
        assert all(len(record["claims"]) == 2 for record in body["results"])
        counts.append(len(queries))

    assert counts == [LIST_QUERIES[path], LIST_QUERIES[path]]


@pytest.mark.parametrize("path", FIGURE_PATHS)
def test_lists_filter_records_with_a_disputed_figure(anonymous, path):
    many_records_with_claims(path, 2)
    records = RESOURCES[path].model.objects.order_by("pk")
    records.filter(pk=records[0].pk).update(disputed_fields="amount,value")

    disputed = anonymous.get(f"/api/v1/{path}/", {"disputed": "true"}).json()["results"]
    agreed = anonymous.get(f"/api/v1/{path}/", {"disputed": "false"}).json()["results"]

    assert [record["id"] for record in disputed] == [records[0].pk]
    assert [record["id"] for record in agreed] == [records[1].pk]
    assert disputed[0]["disputed"] == ["amount", "value"]


@pytest.mark.parametrize("path", FIGURE_PATHS)
def test_a_disputed_filter_that_is_not_true_or_false_is_a_400(anonymous, path):
    response = anonymous.get(f"/api/v1/{path}/", {"disputed": "yes"})

    assert response.status_code == 400
    assert response.json() == {"disputed": ["must be true or false (got 'yes')"]}


def test_csv_leaves_the_claims_out_and_keeps_the_disputed_figures(anonymous, disputed_round):
    listed = anonymous.get("/api/v1/rounds/", {"format": "csv"})
    alone = anonymous.get(f"/api/v1/rounds/{disputed_round.pk}/", {"format": "csv"})

    for rows in (csv_rows(listed), csv_rows(alone)):
        (row,) = rows
        assert row["disputed"] == "amount"
        assert not [column for column in row if "claims" in column]


def test_sources_read_and_write_their_kind_and_original_publisher(writer):
    created = writer.post(
        "/api/v1/sources/",
        {
            "url": "https://copy.example.com/story",
            "kind": "syndicated",
            "original_publisher": "Bloomberg",
        },
    )
    assert created.status_code == 201, created.json()
    assert (created.json()["kind"], created.json()["original_publisher"]) == (
        "syndicated",
        "Bloomberg",
    )

    changed = writer.patch(f"/api/v1/sources/{created.json()['id']}/", {"kind": "filing"})
    listed = writer.get("/api/v1/sources/").json()["results"]

    assert changed.json()["kind"] == "filing"
    assert [(s["kind"], s["original_publisher"]) for s in listed] == [("filing", "Bloomberg")]


def test_a_source_of_an_unknown_kind_is_a_400(writer):
    response = writer.post(
        "/api/v1/sources/", {"url": "https://copy.example.com/story", "kind": "blog"}
    )

    assert response.status_code == 400
    assert response.json() == {"kind": ['"blog" is not a valid choice.']}


def test_the_schema_documents_claims_disputed_figures_and_the_filter(anonymous):
    openapi = anonymous.get("/api/v1/schema/", {"format": "json"}).json()
    schemas = openapi["components"]["schemas"]

    assert set(schemas["Claim"]["properties"]) == set(EXPECTED_CLAIMS[0])
    assert "notes" in schemas["ClaimRequest"]["properties"]
    for record in ("FundingRound", "Participant", "Participation", "ValuationMark", "ComputeDeal"):
        properties = schemas[record]["properties"]
        assert properties["claims"]["items"] == {"$ref": "#/components/schemas/Claim"}, record
        assert properties["disputed"]["readOnly"], record
    for path in FIGURE_PATHS:
        parameters = openapi["paths"][f"/api/v1/{path}/"]["get"]["parameters"]
        assert "disputed" in {parameter["name"] for parameter in parameters}, path
    assert {"kind", "original_publisher"} <= set(schemas["SourceRequest"]["properties"])
