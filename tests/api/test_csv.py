"""CSV (`?format=csv` or `Accept: text/csv`). A list is every record its filters leave, in its
order, streamed in keyset chunks: the queries grow with the chunks, not with the records, and
one chunk at a time is read. Nested fields are flattened, lists joined with `; `, cells that a
spreadsheet would run made text. A record and a statistic are CSV too."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deals import services
from deals.api import views
from deals.api.renderers import columns_of, flatten
from tests.api.resources import RESOURCES
from tests.api.test_lists import LIST_QUERIES, make_many
from tests.factories import (
    FundingRoundFactory,
    InvestorFactory,
    ParticipationFactory,
    SourceFactory,
    StartupFactory,
)

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[dict]:
    """The records of a CSV answer (a streamed one can be read once)."""
    body = response.getvalue().decode()
    assert response.status_code == 200, body
    return list(csv.DictReader(io.StringIO(body)))


def ids(rows: list[dict]) -> list[int]:
    return [int(row["id"]) for row in rows]


@pytest.fixture
def five_rounds() -> list[int]:
    """Rounds on five days of 2024, as the default order lists them: the latest first."""
    rounds = [FundingRoundFactory(announced_on=dt.date(2024, 1, 1 + n)) for n in range(5)]
    return [r.pk for r in reversed(rounds)]


def test_a_csv_list_holds_every_record_not_the_first_page(anonymous, settings, five_rounds):
    settings.API_PAGE_SIZE = 2
    page = anonymous.get("/api/v1/rounds/").json()
    assert len(page["results"]) == 2 and page["next"]  # given: a page holds two of the five

    response = anonymous.get("/api/v1/rounds/", {"format": "csv"})

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert ids(csv_rows(response)) == five_rounds


def test_a_page_size_does_not_cut_a_csv(anonymous, five_rounds):
    response = anonymous.get("/api/v1/rounds/", {"format": "csv", "page_size": "2"})

    assert ids(csv_rows(response)) == five_rounds


def test_a_csv_list_is_filtered_and_ordered_as_its_pages_are(anonymous):
    wanted, other = StartupFactory(slug="wanted"), StartupFactory(slug="other")
    rounds = [
        FundingRoundFactory(startup=wanted, amount=Decimal(amount) if amount else None)
        for amount in (5, None, 7, 1)
    ]
    FundingRoundFactory(startup=other, amount=Decimal(9))
    services.usd_recompute()
    query = {"startup": "wanted", "ordering": "-amount_usd"}

    by_format = csv_rows(anonymous.get("/api/v1/rounds/", {**query, "format": "csv"}))
    by_accept = csv_rows(anonymous.get("/api/v1/rounds/", query, HTTP_ACCEPT="text/csv"))

    # The largest amount first, the undisclosed one last.
    expected = [rounds[2].pk, rounds[0].pk, rounds[3].pk, rounds[1].pk]
    assert ids(by_format) == ids(by_accept) == expected
    assert [row["amount_usd"] for row in by_format] == ["7.00", "5.00", "1.00", ""]


def test_a_csv_goes_on_from_a_next_cursor_and_refuses_a_previous_one(anonymous, five_rounds):
    first = anonymous.get("/api/v1/rounds/", {"page_size": 2}).json()
    second = anonymous.get(first["next"]).json()

    rest = anonymous.get(first["next"] + "&format=csv")
    backward = anonymous.get(second["previous"] + "&format=csv")

    assert ids(csv_rows(rest)) == five_rounds[2:]
    assert backward.status_code == 400
    assert "must come from a next link here" in backward.getvalue().decode()


@pytest.mark.parametrize(
    ("params", "field"),
    [({"ordering": "amount"}, "ordering"), ({"startup": "nobody"}, "startup")],
)
def test_bad_input_is_refused_before_any_row(anonymous, five_rounds, params, field):
    response = anonymous.get("/api/v1/rounds/", {**params, "format": "csv"})

    assert response.status_code == 400
    assert not response.streaming
    assert response.content.decode().splitlines()[0] == field


@pytest.mark.parametrize("path", LIST_QUERIES)
def test_a_csv_runs_a_pages_queries_per_chunk_whatever_the_records(anonymous, path, monkeypatch):
    make_many(path, 24)
    count = RESOURCES[path].model.objects.count()
    monkeypatch.setattr(views, "CSV_CHUNK_SIZE", 10)
    # Each chunk reads as a page does; a last full chunk is followed by one empty read.
    full_chunks, rest = divmod(count, 10)
    expected = full_chunks * LIST_QUERIES[path] + (LIST_QUERIES[path] if rest else 1)

    with CaptureQueriesContext(connection) as queries:
        rows = csv_rows(anonymous.get(f"/api/v1/{path}/", {"format": "csv"}))

    assert len(rows) == count
    assert len(queries) == expected


def test_a_csv_reads_one_chunk_at_a_time_as_it_is_sent(anonymous, five_rounds, monkeypatch):
    monkeypatch.setattr(views, "CSV_CHUNK_SIZE", 2)
    rounds_page_queries = LIST_QUERIES["rounds"]

    with CaptureQueriesContext(connection) as queries:
        response = anonymous.get("/api/v1/rounds/", {"format": "csv"})
        pieces = iter(response.streaming_content)
        header = next(pieces)
        assert len(queries) == 0  # nothing read before the header is sent
        first_chunk = next(pieces)
        assert len(queries) == rounds_page_queries
        rest = list(pieces)

    assert header.startswith(b"id,startup,")
    assert len(first_chunk.splitlines()) == 2
    assert len(rest) == 2 and len(queries) == 3 * rounds_page_queries


@pytest.mark.parametrize("path", RESOURCES)
def test_each_cell_of_a_csv_list_is_its_json_flattened(anonymous, path):
    RESOURCES[path].make()
    view = views_by_path()[path]
    (record,) = anonymous.get(f"/api/v1/{path}/").json()["results"]
    cells: dict[str, str] = {}
    flatten(record, "", cells)

    rows = csv_rows(anonymous.get(f"/api/v1/{path}/", {"format": "csv"}))

    header = list(rows[0])
    assert header == columns_of(view.serializer_class())
    assert rows == [{column: cells.get(column, "") for column in header}]


def views_by_path() -> dict:
    from config.urls_api import router

    return {prefix: viewset for prefix, viewset, _ in router.registry}


def test_csv_flattens_nested_fields_into_one_row_per_record(anonymous):
    funding_round = FundingRoundFactory(notes="Led by the state fund")
    ParticipationFactory(round=funding_round, investor=InvestorFactory(slug="a"), is_lead=True)
    ParticipationFactory(
        round=funding_round,
        investor=InvestorFactory(slug="b"),
        amount=Decimal("5"),
        amount_currency="USD",
    )
    funding_round.sources.add(
        SourceFactory(url="https://x.example/1"), SourceFactory(url="https://x.example/2")
    )

    (row,) = csv_rows(anonymous.get("/api/v1/rounds/", {"format": "csv"}))

    assert row["participants.investor"] == "a; b"
    assert row["participants.is_lead"] == "true; false"
    assert row["participants.amount"] == "; 5.00"
    assert row["source_urls"] == "https://x.example/1; https://x.example/2"
    assert row["notes"] == "Led by the state fund"


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)"])
def test_csv_cells_that_a_spreadsheet_would_run_are_made_text(anonymous, text):
    StartupFactory(slug="s", name_en=text, notes=text)

    (row,) = csv_rows(anonymous.get("/api/v1/startups/", {"format": "csv"}))

    assert row["name_en"] == f"'{text}"
    assert row["notes"] == f"'{text}"


def test_csv_of_an_empty_list_still_has_its_header(anonymous):
    response = anonymous.get("/api/v1/investors/", {"format": "csv"})

    header = response.getvalue().decode().splitlines()[0].split(",")
    assert header[:3] == ["id", "slug", "name_en"]


def test_json_by_default(anonymous):
    StartupFactory()

    assert anonymous.get("/api/v1/startups/")["Content-Type"] == "application/json"


def test_a_record_as_csv_is_one_row(anonymous):
    funding_round = FundingRoundFactory(round_label="Series B")

    response = anonymous.get(f"/api/v1/rounds/{funding_round.pk}/", {"format": "csv"})

    assert not response.streaming
    (row,) = csv_rows(response)
    assert (row["id"], row["round_label"]) == (str(funding_round.pk), "Series B")
