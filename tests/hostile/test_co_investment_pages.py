"""/api/v1/stats/co-investments/ without `investor` answered every pair at once: 23 MB and 667 MB
of memory for one anonymous request at 100k rounds. It is a list like the others: keyset pages
of at most API_MAX_PAGE_SIZE pairs, in the statistics' envelope, and as CSV the whole list,
streamed in chunks."""

import csv
import datetime as dt
import io

import pytest

from dashboards.models import CoInvestment
from tests.factories import InvestorFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/stats/co-investments/"


@pytest.fixture
def pairs():
    """Four investors; the pairs (a, b), (a, c), (a, d), (b, c) with 4, 3, 2, 1 startups."""
    a, b, c, d = (InvestorFactory(slug=slug) for slug in ("a", "b", "c", "d"))
    for shared, (first, second) in zip((4, 3, 2, 1), ((a, b), (a, c), (a, d), (b, c)), strict=True):
        CoInvestment.objects.create(
            investor_a=first,
            investor_b=second,
            shared_startups=shared,
            shared_rounds=5 - shared,
            first_together=dt.date(2024, shared, 1),
            computed_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
            data_version=1,
        )


def pair_names(rows) -> list[str]:
    return [f"{row['investor_a']}-{row['investor_b']}" for row in rows]


def test_the_pairs_come_in_pages_most_shared_first(anonymous, pairs):
    first = anonymous.get(URL, {"page_size": 3}).json()
    second = anonymous.get(first["next"]).json()

    assert list(first) == [
        "latest_event_on",
        "latest_event_precision",
        "last_changed_at",
        "computed_at",
        "refresh_pending",
        "next",
        "previous",
        "results",
    ]
    assert (first["computed_at"], first["refresh_pending"], first["previous"]) == (
        None,
        False,
        None,
    )
    assert pair_names(first["results"]) == ["a-b", "a-c", "a-d"]
    assert first["results"][0] == {
        "investor_a": "a",
        "investor_b": "b",
        "shared_startups": 4,
        "shared_rounds": 1,
        "first_together": "2024-04-01",
    }
    assert pair_names(second["results"]) == ["b-c"]
    assert second["next"] is None
    assert pair_names(anonymous.get(second["previous"]).json()["results"]) == ["a-b", "a-c", "a-d"]


def test_a_page_is_at_most_the_largest_page_size(anonymous, pairs, settings):
    settings.API_MAX_PAGE_SIZE = 2

    page = anonymous.get(URL, {"page_size": 1000}).json()

    assert pair_names(page["results"]) == ["a-b", "a-c"]


def test_an_investor_s_pairs_in_another_order(anonymous, pairs):
    page = anonymous.get(URL, {"investor": "c", "ordering": "-shared_rounds"}).json()

    assert pair_names(page["results"]) == ["b-c", "a-c"]


def test_bad_parameters_are_400s_naming_them(anonymous, pairs):
    ordering = anonymous.get(URL, {"ordering": "investor_a"})
    cursor = anonymous.get(URL, {"cursor": "bm90IGEgY3Vyc29y"})

    assert ordering.status_code == cursor.status_code == 400
    assert ordering.json() == {
        "ordering": [
            "must be one of shared_startups, -shared_startups, shared_rounds, -shared_rounds, "
            "id, -id (got 'investor_a')"
        ]
    }
    assert list(cursor.json()) == ["cursor"]
    unknown = anonymous.get(URL, {"investor": "nobody"})
    assert unknown.status_code == 400
    assert list(unknown.json()) == ["investor"]


def test_the_csv_is_the_whole_list_streamed(anonymous, pairs):
    response = anonymous.get(URL, {"format": "csv", "page_size": 1})

    assert response.streaming
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert pair_names(rows) == ["a-b", "a-c", "a-d", "b-c"]
    assert list(rows[0]) == [
        "investor_a",
        "investor_b",
        "shared_startups",
        "shared_rounds",
        "first_together",
    ]


@pytest.mark.parametrize("page_size", [1, 100])
def test_a_page_runs_the_same_queries_whatever_its_size(
    anonymous, pairs, page_size, django_assert_num_queries
):
    # The page with both investors, then the data's status (state, pending refreshes, last
    # edit).
    with django_assert_num_queries(4):
        anonymous.get(URL, {"page_size": page_size})
