"""`/api/v1/changes/`: every create, update and delete, in the order they became visible, in
keyset pages whose `next` link is always given, so a client keeps it and polls it.

The tests commit (transaction=True): on PostgreSQL a row shows only once every older
transaction has ended, the test's own included (startups.change_feed)."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from deals.models import FundingRound
from startups.change_feed import changes_purge
from startups.change_models import Change
from startups.models import Source, Startup
from tests.factories import FundingRoundFactory, SourceFactory, StartupFactory, TagFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("empty_feed")]


FEED = "/api/v1/changes/"


def summary(page: dict) -> list[tuple]:
    return [(row["kind"], row["key"], row["action"]) for row in page["results"]]


def test_each_change_has_its_kind_id_key_action_time_and_link(anonymous):
    startup = StartupFactory(slug="moonshot")
    round_ = FundingRoundFactory(startup=startup, amount=Decimal("1"))
    FundingRound.objects.filter(pk=round_.pk).update(amount=Decimal("2"))
    source = SourceFactory()
    Source.objects.filter(pk=source.pk).delete()
    created = Change.objects.get(kind="startup").occurred_at

    page = anonymous.get(FEED).json()

    assert page["previous"] is None
    assert page["results"][0] == {
        "kind": "startup",
        "id": startup.pk,
        "key": "moonshot",
        "action": "created",
        "time": created.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "figures_changed": True,
        "url": "http://testserver/api/v1/startups/moonshot/",
    }
    assert [
        (r["kind"], r["id"], r["action"], r["figures_changed"], r["url"])
        for r in page["results"][1:]
    ] == [
        ("round", round_.pk, "created", True, f"http://testserver/api/v1/rounds/{round_.pk}/"),
        ("round", round_.pk, "updated", True, f"http://testserver/api/v1/rounds/{round_.pk}/"),
        ("source", source.pk, "created", True, None),  # gone since: no link
        ("source", source.pk, "deleted", False, None),  # the tombstone
    ]


def test_next_is_always_given_and_polling_it_returns_only_what_is_new(anonymous):
    for slug in ("a", "b", "c"):
        StartupFactory(slug=slug)

    first = anonymous.get(FEED, {"page_size": 2}).json()
    last = anonymous.get(first["next"]).json()
    empty = anonymous.get(last["next"]).json()
    StartupFactory(slug="d")
    Startup.objects.filter(slug="a").delete()
    polled = anonymous.get(empty["next"]).json()

    assert [summary(p) for p in (first, last, empty)] == [
        [("startup", "a", "created"), ("startup", "b", "created")],
        [("startup", "c", "created")],
        [],
    ]
    assert empty["next"] == last["next"]  # an empty page keeps the position
    assert summary(polled) == [("startup", "d", "created"), ("startup", "a", "deleted")]


def test_an_empty_feed_gives_a_next_link_to_its_start(anonymous):
    page = anonymous.get(FEED, {"kind": "round"}).json()

    assert page == {
        "next": "http://testserver/api/v1/changes/?kind=round",
        "previous": None,
        "results": [],
    }


def test_kind_and_action_filters_take_several_values_comma_separated_or_repeated(anonymous):
    startup = StartupFactory(slug="zhipu")
    TagFactory(slug="robotics")
    FundingRoundFactory(startup=startup)
    Startup.objects.filter(pk=startup.pk).update(city="Shanghai")

    by_comma = anonymous.get(f"{FEED}?kind=tag,round&action=created").json()
    repeated = anonymous.get(f"{FEED}?kind=startup&kind=tag&action=updated").json()

    assert summary(by_comma) == [("tag", "robotics", "created"), ("round", None, "created")]
    assert summary(repeated) == [("startup", "zhipu", "updated")]


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        (
            "kind=round,startups",
            {
                "kind": [
                    "must be one or more of source, tag, startup, product, investor, fx_rate, "
                    "round, participation, valuation, compute_deal, metric, claim "
                    "(got 'startups')"
                ]
            },
        ),
        (
            "action=removed",
            {"action": ["must be one or more of created, updated, deleted (got 'removed')"]},
        ),
        (
            "cursor=abc",
            {"cursor": ["is not a cursor given by this API; copy it from next or previous."]},
        ),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter_and_what_it_takes(anonymous, query, errors):
    response = anonymous.get(f"{FEED}?{query}")

    assert response.status_code == 400
    assert response.json() == errors


def test_the_feed_as_csv_streams_every_row(anonymous, settings):
    settings.API_PAGE_SIZE = 1
    StartupFactory(slug="minimax")
    TagFactory(slug="robotics")

    response = anonymous.get(FEED, {"format": "csv"})

    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert [(r["kind"], r["key"], r["action"], r["figures_changed"], r["url"]) for r in rows] == [
        ("startup", "minimax", "created", "true", "http://testserver/api/v1/startups/minimax/"),
        ("tag", "robotics", "created", "true", ""),
    ]


def test_reads_need_a_login_when_the_setting_asks(anonymous, reader, settings):
    settings.API_REQUIRE_LOGIN_FOR_READS = True
    StartupFactory(slug="stepfun")

    assert anonymous.get(FEED).status_code == 401
    assert summary(reader.get(FEED).json()) == [("startup", "stepfun", "created")]


def test_a_cursor_before_what_retention_deleted_is_410_gone(anonymous, settings):
    settings.CHANGES_KEEP_DAYS = 30
    for slug in ("a", "b", "c"):
        StartupFactory(slug=slug)
    stale = anonymous.get(FEED, {"page_size": 2}).json()["next"]  # after b
    current = anonymous.get(FEED).json()["next"]  # after c
    Change.objects.update(occurred_at=timezone.now() - dt.timedelta(days=31))
    changes_purge(keep_days=30)
    StartupFactory(slug="d")

    gone = anonymous.get(stale)
    fine = anonymous.get(current)

    assert gone.status_code == 410
    assert gone.json() == {
        "detail": "This cursor points before the oldest change kept (the feed keeps 30 days): "
        "changes after it were deleted. Resynchronise from the lists with ?updated_since=, "
        "then read this feed again from its start."
    }
    assert summary(fine.json()) == [("startup", "d", "created")]


def test_a_page_runs_the_same_queries_for_few_rows_or_many(anonymous, django_assert_num_queries):
    # The page, then the startups and the rounds it names; on PostgreSQL first the
    # transactions open in other databases, read before the page's snapshot.
    queries = 4 if connection.vendor == "postgresql" else 3
    StartupFactory(slug="one")
    FundingRoundFactory()
    with django_assert_num_queries(queries):
        small = anonymous.get(FEED).json()
    for _ in range(20):
        FundingRoundFactory()
    with django_assert_num_queries(queries):
        large = anonymous.get(FEED).json()

    assert (len(small["results"]), len(large["results"])) == (3, 43)
