"""Lists: keyset pages that neither skip nor repeat, a capped page size, JSON by orjson, and a
number of queries that does not grow with the page size. CSV: tests/api/test_csv.py."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deals import services
from deals.models import FundingRound, Investor
from startups.models import Source
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
    TagFactory,
    ValuationMarkFactory,
)

pytestmark = pytest.mark.django_db


def walk(caller, url, key="next"):
    """Every page from `url` on, following `next` (or `previous`) links."""
    pages = []
    while url:
        body = caller.get(url).json()
        pages.append([row["id"] for row in body["results"]])
        url = body[key]
    return pages


def test_pages_cover_every_record_once_even_with_many_on_one_day(anonymous):
    startup = StartupFactory()
    rounds = [
        FundingRoundFactory(startup=startup, announced_on=dt.date(2024, 1 + n % 3, 1))
        for n in range(31)
    ]

    pages = walk(anonymous, "/api/v1/rounds/?page_size=7")

    seen = [pk for page in pages for pk in page]
    assert len(pages) == 5 and [len(p) for p in pages] == [7, 7, 7, 7, 3]
    assert sorted(seen) == sorted(r.pk for r in rounds)
    dates = {r.pk: r.announced_on for r in rounds}
    assert [dates[pk] for pk in seen] == sorted(dates.values(), reverse=True)


def test_previous_links_walk_back_over_the_same_pages(anonymous):
    for n in range(12):
        StartupFactory(name_en=f"Same name {n % 2}")
    forward = walk(anonymous, "/api/v1/startups/?page_size=5")
    last = anonymous.get("/api/v1/startups/?page_size=5").json()
    while last["next"]:
        last = anonymous.get(last["next"]).json()

    backward = [[row["id"] for row in last["results"]]]
    backward += walk(anonymous, last["previous"], key="previous") if last["previous"] else []

    assert backward == list(reversed(forward))


def test_a_record_added_while_paging_does_not_shift_the_pages(anonymous):
    for n in range(6):
        SourceFactory(url=f"https://example.com/{n}")
    first = anonymous.get("/api/v1/sources/?page_size=3").json()
    SourceFactory(url="https://example.com/0-new")  # sorts into the first page

    second = anonymous.get(first["next"]).json()

    assert [row["url"] for row in second["results"]] == [
        "https://example.com/3",
        "https://example.com/4",
        "https://example.com/5",
    ]


def test_page_size_is_capped_at_500(anonymous):
    Source.objects.bulk_create(Source(url=f"https://example.com/{n}") for n in range(501))

    capped = anonymous.get("/api/v1/sources/?page_size=100000").json()
    default = anonymous.get("/api/v1/sources/").json()

    assert len(capped["results"]) == 500 and capped["next"]
    assert len(default["results"]) == 100


def make_many(path: str, count: int) -> None:
    """`count` records of a resource, each with the related records its list shows."""
    sources = [SourceFactory(), SourceFactory()]
    tag = TagFactory()
    parent = InvestorFactory()
    startup = StartupFactory()
    for n in range(count):
        if path == "startups":
            record = StartupFactory()
            record.tags.add(tag)
        elif path == "investors":
            record = InvestorFactory(parent=parent)
        elif path in ("rounds", "participations"):
            record = FundingRoundFactory(startup=startup)
            ParticipationFactory(round=record)
            ParticipationFactory(round=record, is_lead=True)
        elif path == "valuation-marks":
            record = ValuationMarkFactory(startup=startup, valued_on=dt.date(2000 + n, 1, 1))
        elif path == "products":
            record = ModelProductFactory(startup=startup)
        elif path == "compute-deals":
            record = ComputeDealFactory(startup=startup, chip=f"chip {n}", provider_investor=parent)
        elif path == "sources":
            SourceFactory()
            continue
        elif path == "fx-rates":
            FxRateFactory(month=dt.date(1990 + n // 12, 1 + n % 12, 1), source=sources[0])
            continue
        else:
            record = ReportedMetricFactory(subject=f"subject {n}", investor=parent, startup=startup)
        if hasattr(record, "sources"):
            record.sources.add(*sources)


# Queries per list page: the page itself plus one per prefetched relation.
LIST_QUERIES = {
    "startups": 3,  # startups (latest valuation by subqueries), tags, sources
    "investors": 2,  # investors with parent, sources
    # rounds with startup, participants with investor, the participants' claims, sources,
    # the rounds' claims (each claim with its source)
    "rounds": 5,
    "participations": 3,  # participations with round, startup and investor; sources; claims
    "valuation-marks": 3,  # marks with startup, sources, claims
    "products": 2,
    "compute-deals": 3,
    "sources": 1,
    "fx-rates": 1,
    "reported-metrics": 2,
}


@pytest.mark.parametrize("path", LIST_QUERIES)
def test_a_list_runs_the_same_queries_for_1_or_100_records(
    anonymous, path, django_assert_max_num_queries
):
    make_many(path, 101)
    counts = []
    for size in (1, 100):
        with (
            django_assert_max_num_queries(LIST_QUERIES[path]),
            CaptureQueriesContext(connection) as queries,
        ):
            response = anonymous.get(f"/api/v1/{path}/", {"page_size": size})
        assert response.status_code == 200
        assert len(response.json()["results"]) == size
        counts.append(len(queries))

    assert counts[0] == counts[1] == LIST_QUERIES[path]


@pytest.mark.parametrize("size", [1, 30])
def test_rounds_of_every_investor_named_run_a_fixed_number_of_queries(
    anonymous, size, django_assert_num_queries
):
    make_many("rounds", 30)
    named = [services.investor_create(slug=slug, name_en=slug) for slug in ("a", "b")]
    for funding_round in FundingRound.objects.all():
        for investor in named:
            ParticipationFactory(round=funding_round, investor=investor)

    # The list's queries, and one that finds the investors named.
    with django_assert_num_queries(LIST_QUERIES["rounds"] + 1):
        response = anonymous.get(
            "/api/v1/rounds/", {"investor": ["a", "b"], "match": "all", "page_size": size}
        )
    assert response.status_code == 200
    assert len(response.json()["results"]) == size


def test_a_token_adds_a_fixed_number_of_queries(writer, django_assert_max_num_queries):
    make_many("rounds", 30)

    # The token and its user, then the user's other tokens (knox removes expired ones).
    with django_assert_max_num_queries(LIST_QUERIES["rounds"] + 2):
        assert writer.get("/api/v1/rounds/", {"page_size": 30}).status_code == 200


def test_decimals_are_strings_and_times_utc(anonymous):
    InvestorFactory(slug="x")

    body = anonymous.get("/api/v1/investors/x/").json()

    assert body["created_at"].endswith("Z")
    assert Investor.objects.get(slug="x").created_at.isoformat().startswith(body["created_at"][:19])
