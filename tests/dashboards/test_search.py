"""Site search (dashboards.search_selectors): names in both languages, aliases and product
names, folded for case and width, grouped by kind; the /search/ page without JavaScript."""

import datetime as dt

import pytest
from django.db.models import Value

from dashboards.search_selectors import RESULTS_PER_KIND, search_query_error, site_search
from startups.models import Startup
from startups.search import Folded, fold
from tests.factories import (
    FundingRoundFactory,
    InvestorFactory,
    ModelProductFactory,
    StartupFactory,
)

pytestmark = pytest.mark.django_db
FULL_WIDTH_KIMI = "\uff2b\uff29\uff2d\uff29"  # full-width KIMI


@pytest.fixture
def moonshot():
    startup = StartupFactory(
        slug="moonshot",
        name_en="Moonshot AI",
        name_zh="月之暗面",
        aliases="Dark Side of the Moon",
        city="Beijing",
        sector="foundation_models",
    )
    ModelProductFactory(startup=startup, name="Kimi Chat", kind="app", modality="text")
    return startup


def names(found, kind):
    return [hit.name for hit in found[kind]]


def test_fold_makes_full_width_and_upper_case_letters_one_query():
    assert fold(FULL_WIDTH_KIMI) == fold("KIMI") == fold("kimi") == "kimi"
    assert fold("\uff21\uff29 \u3000Lab") == "ai  lab"  # the ideographic space is a space


@pytest.mark.parametrize("query", ["kimi", "KIMI", FULL_WIDTH_KIMI, "Kimi chat"])
def test_a_product_brand_finds_the_product_and_its_startup(moonshot, query):
    found = site_search(query)

    assert names(found, "products") == ["Kimi Chat"]
    assert found["products"][0].url == "/startups/moonshot/#products"
    assert found["products"][0].context == "Moonshot AI · app · text"
    assert names(found, "startups") == ["Moonshot AI"]
    assert found["startups"][0].context == "Beijing · foundation models · products: Kimi Chat"
    assert found["startups"][0].url == "/startups/moonshot/"


def test_a_startup_found_through_many_products_names_the_first_three(moonshot):
    for name in ("Kimi K2", "Kimi K2.5", "Kimi k1.5"):
        ModelProductFactory(startup=moonshot, name=name)

    found = site_search("kimi")

    assert names(found, "products") == ["Kimi Chat", "Kimi K2", "Kimi K2.5", "Kimi k1.5"]
    assert found["startups"][0].context.endswith("products: Kimi Chat, Kimi K2, Kimi K2.5, …")


@pytest.mark.parametrize("query", ["月之", "moon ai", "AI MOONSHOT", "side of the"])
def test_a_startup_is_found_by_any_of_its_names_with_words_in_any_order(moonshot, query):
    found = site_search(query)

    assert names(found, "startups") == ["Moonshot AI"]
    assert found["startups"][0].other_name == "月之暗面"
    assert found["products"] == []


def test_no_query_matches_across_the_end_of_one_name_and_the_start_of_the_next(moonshot):
    # name_en ends "AI", name_zh starts "月": folded names are separated by a newline.
    assert site_search("ai月")["startups"] == []


def test_investors_by_chinese_name_and_alias_with_their_parent_as_context():
    alibaba = InvestorFactory(slug="alibaba", name_en="Alibaba Group", name_zh="阿里巴巴")
    InvestorFactory(
        slug="alibaba-cloud",
        name_en="Alibaba Cloud",
        name_zh="阿里云",
        aliases="Aliyun",
        kind="corporate",
        parent=alibaba,
    )

    assert names(site_search("阿里"), "investors") == ["Alibaba Cloud", "Alibaba Group"]
    found = site_search("ALIYUN")
    assert names(found, "investors") == ["Alibaba Cloud"]
    assert found["investors"][0].context == "corporate · part of Alibaba Group"
    assert found["investors"][0].url == "/investors/alibaba-cloud/"


def test_rounds_are_those_of_the_startups_found_newest_first(moonshot):
    older = FundingRoundFactory(
        startup=moonshot, round_label="Angel", announced_on=dt.date(2023, 6, 1)
    )
    newer = FundingRoundFactory(
        startup=moonshot,
        round_label="Series B",
        announced_on=dt.date(2024, 2, 1),
        date_precision="month",
    )
    FundingRoundFactory(round_label="Kimi round")  # another startup's: no text match on rounds

    found = site_search("kimi")

    assert names(found, "rounds") == ["Moonshot AI · Series B", "Moonshot AI · Angel"]
    assert [hit.context for hit in found["rounds"]] == ["2024-02", "2023-06-01"]
    assert [hit.url for hit in found["rounds"]] == [
        f"/startups/moonshot/#round-{newer.pk}",
        f"/startups/moonshot/#round-{older.pk}",
    ]


def test_each_kind_is_limited_and_ordered_by_name():
    for n in range(RESULTS_PER_KIND + 2):
        StartupFactory(slug=f"lab-{n:02d}", name_en=f"Lab {n:02d}")

    found = site_search("lab")

    assert names(found, "startups") == [f"Lab {n:02d}" for n in range(RESULTS_PER_KIND)]


def test_like_wildcards_in_a_query_are_plain_characters(moonshot):
    StartupFactory(slug="percent", name_en="100% Labs")

    assert names(site_search("%"), "startups") == ["100% Labs"]
    assert site_search("_")["startups"] == []


def test_a_search_runs_four_queries(moonshot, django_assert_num_queries):
    FundingRoundFactory(startup=moonshot)
    InvestorFactory(name_en="Kimi Ventures")

    with django_assert_num_queries(4):
        site_search("kimi")


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        (None, "Enter a name to search for."),
        ("  ", "Enter a name to search for."),
        ("x" * 101, "At most 100 characters are searched for (got 101)."),
        (
            " ".join(["a"] * 21),
            "at most 20 terms of at most 100 characters each are searched for (got 21 terms)",
        ),
    ],
)
def test_blank_too_long_and_too_many_words_are_refused(query, problem):
    assert search_query_error(query) == problem


def test_the_database_folds_as_python_does(moonshot):
    # SQLite with the function registered on each connection, PostgreSQL with its own.
    folded = Startup.objects.annotate(query=Folded(Value(FULL_WIDTH_KIMI + " \uff21\u00c9")))

    assert folded.values_list("query", flat=True).get() == fold(FULL_WIDTH_KIMI + " \uff21\u00c9")
    assert fold(FULL_WIDTH_KIMI + " \uff21\u00c9") == "kimi a\u00e9"
