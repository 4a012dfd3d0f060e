"""Site search on PostgreSQL: pg_trgm and the GIN trigram indexes on the folded names
(migrations startups 0007, deals 0009), and queries whose expressions those indexes serve."""

import pytest
from django.db import connection

from dashboards.search_selectors import investors_named, products_named, startups_named
from startups.search import query_words
from tests.factories import InvestorFactory, ModelProductFactory, StartupFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
TRIGRAM_INDEXES = {
    "startups_startup": "startup_names_trgm",
    "deals_investor": "investor_names_trgm",
    "startups_modelproduct": "product_name_trgm",
}


def test_the_migrations_add_pg_trgm_and_a_gin_trigram_index_per_table():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'", [])
        assert cursor.fetchall() == [(1,)]
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)",
            [list(TRIGRAM_INDEXES.values())],
        )
        found = {table: (name, definition) for table, name, definition in cursor.fetchall()}
    assert {table: name for table, (name, _) in found.items()} == TRIGRAM_INDEXES
    for _name, definition in found.values():
        assert "USING gin" in definition and "gin_trgm_ops" in definition
        assert "lower(NORMALIZE(" in definition


@pytest.mark.parametrize(
    ("queryset", "index"),
    [
        (lambda words: startups_named(words, [1, 2]), "startup_names_trgm"),
        (investors_named, "investor_names_trgm"),
        (products_named, "product_name_trgm"),
    ],
)
@pytest.mark.parametrize("query", ["kimi", "\uff2b\uff29\uff2d\uff29 chat", "月之暗面"])
def test_each_kind_is_matched_through_its_trigram_index(queryset, index, query):
    # Too few rows for the planner to prefer an index on its own: with sequential scans and
    # plain index scans priced out (a full scan of another index, filtered, is otherwise the
    # cheaper way to read a few rows, depending on the statistics earlier tests left), only a
    # bitmap scan is left, and a GIN index is read only that way; a plan without the trigram
    # index would mean the query's expression is not the one the index was built on.
    StartupFactory()
    with connection.cursor() as cursor:
        for scan in ("seqscan", "indexscan", "indexonlyscan"):
            cursor.execute(f"SET LOCAL enable_{scan} = off", [])
    plan = queryset(query_words(query)).explain()

    assert index in plan


def test_postgresql_folds_full_width_and_case_like_the_index():
    moonshot = StartupFactory(slug="moonshot", name_en="Moonshot AI", name_zh="月之暗面")
    full_width_kimi = "\uff2b\uff49\uff4d\uff49 Chat"
    ModelProductFactory(startup=moonshot, name=full_width_kimi)
    InvestorFactory(name_en="\uff21\uff29 Fund")

    assert [p.name for p in products_named(query_words("KIMI"))] == [full_width_kimi]
    assert [i.name_en for i in investors_named(query_words("ai"))] == ["\uff21\uff29 Fund"]
    assert [s.slug for s in startups_named(query_words("moonshot \uff41\uff49"))] == ["moonshot"]
