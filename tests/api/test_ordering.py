"""`?ordering=`: one allowed field, else a 400 naming them; rounds by amount and valuation in
USD, startups by latest valuation; nulls last in both directions, and keyset pages that cross
from the figures to the nulls without skipping or repeating a record."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deals import services
from tests.api.resources import RESOURCES
from tests.api.test_lists import LIST_QUERIES
from tests.factories import FundingRoundFactory, StartupFactory, ValuationMarkFactory

pytestmark = pytest.mark.django_db


def walk(caller, url, key="next") -> list[list[int]]:
    """The ids of every page from `url` on, following `next` (or `previous`) links."""
    pages = []
    while url:
        response = caller.get(url)
        assert response.status_code == 200, response.json()
        body = response.json()
        pages.append([row["id"] for row in body["results"]])
        url = body[key]
    return pages


def walk_both_ways(caller, url: str) -> tuple[list[int], list[int]]:
    """The ids in the order of the `next` links, and in the order the `previous` links give
    back from the last page (turned around, so that both read front to back)."""
    forward = walk(caller, url)
    last = caller.get(url).json()
    while last["next"]:
        last = caller.get(last["next"]).json()
    backward = [[row["id"] for row in last["results"]]]
    if last["previous"]:
        backward += walk(caller, last["previous"], key="previous")
    return [pk for page in forward for pk in page], [
        pk for page in reversed(backward) for pk in page
    ]


# Each list's own fields, before the ones every list has.
OWN_ORDERINGS = {
    "startups": "name_en, -name_en, slug, -slug, latest_valuation_usd, -latest_valuation_usd, ",
    "investors": "name_en, -name_en, slug, -slug, ",
    "rounds": "announced_on, -announced_on, amount_usd, -amount_usd, post_money_valuation_usd, "
    "-post_money_valuation_usd, ",
    "participations": "",
    "valuation-marks": "valued_on, -valued_on, ",
    "products": "name, -name, ",
    "compute-deals": "announced_on, -announced_on, ",
    "sources": "url, -url, ",
    "fx-rates": "month, -month, ",
    "reported-metrics": "metric, -metric, ",
}
EVERY_LIST_ORDERINGS = "id, -id, updated_at, -updated_at, created_at, -created_at"


@pytest.mark.parametrize("path", RESOURCES)
def test_an_unknown_ordering_is_refused_naming_the_allowed_ones(anonymous, path):
    response = anonymous.get(f"/api/v1/{path}/", {"ordering": "founded_on"})

    assert response.status_code == 400
    allowed = OWN_ORDERINGS[path] + EVERY_LIST_ORDERINGS
    assert response.json() == {"ordering": [f"must be one of {allowed} (got 'founded_on')"]}


@pytest.mark.parametrize("value", ["amount", "announced_on,id", " -id", "--id", "startup__name_en"])
def test_one_allowed_field_and_nothing_else(anonymous, value):
    response = anonymous.get("/api/v1/rounds/", {"ordering": value})

    assert response.status_code == 400
    allowed = OWN_ORDERINGS["rounds"] + EVERY_LIST_ORDERINGS
    assert response.json() == {"ordering": [f"must be one of {allowed} (got {value!r})"]}


def test_an_empty_ordering_is_the_default_one(anonymous):
    older = FundingRoundFactory(announced_on=dt.date(2023, 1, 1))
    newer = FundingRoundFactory(announced_on=dt.date(2024, 1, 1))

    body = anonymous.get("/api/v1/rounds/", {"ordering": ""}).json()

    assert [row["id"] for row in body["results"]] == [newer.pk, older.pk]


@pytest.fixture
def rounds_with_gaps():
    """Seven rounds in USD: amounts 5, 3, none, 5, none, 1, none (by id); valuations on
    two of them."""
    amounts = [5, 3, None, 5, None, 1, None]
    rounds = [
        FundingRoundFactory(
            amount=None if amount is None else Decimal(amount),
            post_money_valuation=Decimal(10 * n) if n in (1, 4) else None,
            valuation_currency="USD",
        )
        for n, amount in enumerate(amounts)
    ]
    services.usd_recompute()
    return [r.pk for r in rounds]


@pytest.mark.parametrize("page_size", [1, 2, 3, 100])
def test_rounds_by_amount_put_the_undisclosed_last_both_ways(
    anonymous, rounds_with_gaps, page_size
):
    r = rounds_with_gaps
    url = f"/api/v1/rounds/?ordering={{}}&page_size={page_size}"

    ascending = walk_both_ways(anonymous, url.format("amount_usd"))
    descending = walk_both_ways(anonymous, url.format("-amount_usd"))

    # Ties, among the amounts and among the nulls, go by id in the same direction.
    assert ascending == ([r[5], r[1], r[0], r[3], r[2], r[4], r[6]],) * 2
    assert descending == ([r[3], r[0], r[1], r[5], r[6], r[4], r[2]],) * 2


@pytest.mark.parametrize("page_size", [1, 2])
def test_rounds_by_valuation_in_usd(anonymous, rounds_with_gaps, page_size):
    r = rounds_with_gaps
    url = f"/api/v1/rounds/?ordering=-post_money_valuation_usd&page_size={page_size}"

    assert walk_both_ways(anonymous, url) == ([r[4], r[1], r[6], r[5], r[3], r[2], r[0]],) * 2


@pytest.fixture
def valued_startups():
    """Five startups: valued by a round (1bn), by a later mark (3bn, over its round's 2bn),
    by a mark alone (1bn), and two never valued."""
    by_round, by_mark, mark_only, never, never_either = (
        StartupFactory(slug=slug)
        for slug in ("by-round", "by-mark", "mark-only", "never", "never-either")
    )
    FundingRoundFactory(
        startup=by_round, post_money_valuation=Decimal("1e9"), valuation_currency="USD"
    )
    FundingRoundFactory(
        startup=by_mark,
        announced_on=dt.date(2024, 1, 1),
        post_money_valuation=Decimal("2e9"),
        valuation_currency="USD",
    )
    ValuationMarkFactory(startup=by_mark, valued_on=dt.date(2024, 6, 1), value=Decimal("3e9"))
    ValuationMarkFactory(startup=mark_only, value=Decimal("1e9"))
    FundingRoundFactory(startup=never, post_money_valuation=None)
    services.usd_recompute()
    return [s.slug for s in (by_round, by_mark, mark_only, never, never_either)]


@pytest.mark.parametrize("page_size", [1, 2])
def test_startups_by_latest_valuation_round_or_mark(anonymous, valued_startups, page_size):
    by_round, by_mark, mark_only, never, never_either = valued_startups
    slugs = {row["id"]: row["slug"] for row in anonymous.get("/api/v1/startups/").json()["results"]}
    url = f"/api/v1/startups/?ordering={{}}&page_size={page_size}"

    ascending, back = walk_both_ways(anonymous, url.format("latest_valuation_usd"))
    descending, _ = walk_both_ways(anonymous, url.format("-latest_valuation_usd"))

    assert ascending == back
    assert [slugs[pk] for pk in ascending] == [by_round, mark_only, by_mark, never, never_either]
    assert [slugs[pk] for pk in descending] == [by_mark, mark_only, by_round, never_either, never]


def test_ordering_and_filters_by_latest_valuation_together(anonymous, valued_startups):
    body = anonymous.get(
        "/api/v1/startups/", {"ordering": "-latest_valuation_usd", "min_valuation_usd": 1e9}
    ).json()

    assert [row["slug"] for row in body["results"]] == ["by-mark", "mark-only", "by-round"]


def test_a_cursor_among_the_nulls_is_a_cursor_of_this_api(anonymous, rounds_with_gaps):
    first = anonymous.get("/api/v1/rounds/", {"ordering": "amount_usd", "page_size": 5}).json()
    # The fifth round is the first without an amount: the cursor holds a null.
    assert first["results"][-1]["amount_usd"] is None

    second = anonymous.get(first["next"]).json()

    assert [row["amount_usd"] for row in second["results"]] == [None, None]
    assert second["next"] is None


@pytest.mark.parametrize(
    ("world", "path", "ordering", "page_size"),
    [
        # Amounts 1, 3, 5 | 5, none, none: the second page crosses.
        ("rounds_with_gaps", "rounds", "amount_usd", 3),
        # $1bn, $1bn | $3bn, none: the second page crosses.
        ("valued_startups", "startups", "latest_valuation_usd", 2),
    ],
)
def test_a_page_across_the_nulls_reads_them_with_one_more_query(
    anonymous, request, world, path, ordering, page_size
):
    request.getfixturevalue(world)
    first = anonymous.get(f"/api/v1/{path}/", {"ordering": ordering, "page_size": page_size})

    with CaptureQueriesContext(connection) as queries:
        second = anonymous.get(first.json()["next"]).json()["results"]

    figure = ordering.lstrip("-")
    assert second[0][figure] is not None and second[-1][figure] is None
    # The rows by two keyset queries, the values' then the nulls'; their related records
    # (participants or tags, and sources) by one query each for the whole page.
    assert len(queries) == LIST_QUERIES[path] + 1


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("ordering", "page_size"),
    [("amount_usd", 3), ("-amount_usd", 3), ("-post_money_valuation_usd", 1)],
)
def test_pages_by_amount_or_valuation_are_read_from_an_index(
    anonymous, rounds_with_gaps, ordering, page_size
):
    """No sort: each keyset query (values, then nulls) walks an index in its own order, so a
    page deep in a million rounds costs what the first does."""
    response = anonymous.get("/api/v1/rounds/", {"ordering": ordering, "page_size": page_size})
    with CaptureQueriesContext(connection) as queries:
        anonymous.get(response.json()["next"])  # a page that crosses from the values to the nulls
    pages = [q["sql"] for q in queries if q["sql"].startswith('SELECT "deals_fundinground"')]

    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off", [])
        cursor.execute("SET LOCAL enable_seqscan = off", [])
        for sql in pages:
            cursor.execute(f"EXPLAIN {sql.replace('%', '%%')}", [])
            plans.append("\n".join(line for (line,) in cursor.fetchall()))

    assert len(plans) == 2
    assert not [plan for plan in plans if "Sort" in plan], plans
