"""startups.resolver: which record a reference names, step by step, in English and Chinese."""

import pytest

from deals.models import Investor
from startups.models import Startup
from startups.resolver import (
    AmbiguousReference,
    NoMatch,
    ReferenceIndex,
    UnresolvedReference,
    identifier_in,
    resolve_reference,
)
from tests.factories import InvestorFactory, StartupFactory

pytestmark = pytest.mark.django_db
USCC = "91110108MA01ABCD5T"  # check characters per GB 11714 (5) and GB 32100 (T)


@pytest.fixture
def moonshot():
    return StartupFactory(
        slug="moonshot",
        name_en="Moonshot AI",
        name_zh="月之暗面",
        aliases="Kimi",
        uscc=USCC,
        wikidata="Q123",
        crunchbase="moonshot-ai",
        stock="HKEX:02513",
    )


@pytest.fixture
def minimax():
    return StartupFactory(slug="minimax", name_en="MiniMax", name_zh="稀宇科技")


def index() -> ReferenceIndex:
    return ReferenceIndex(Startup.objects.all(), "startup")


@pytest.mark.parametrize(
    "reference",
    [
        "Moonshot AI",
        "moonshot ai",  # case
        "\uff2d\uff2f\uff2f\uff2e\uff33\uff28\uff2f\uff34\u3000\uff21\uff29",  # full-width
        "Moonshot-AI!",  # punctuation
        "Moonshot AI, Inc.",  # English corporate suffixes
        "Moonshot AI Technology Co., Ltd.",
        "月之暗面",
        "月之暗面科技有限公司",  # Chinese corporate suffixes
        "月之暗面股份有限公司",
        "北京月之暗面科技有限公司",  # a city prefix (loose key)
        "上海月之暗面科技有限公司",
        "Beijing Moonshot Technology Co., Ltd.",  # the legal name in English
        "KIMI",  # an alias
    ],
)
def test_names_in_either_language_are_normalised_before_they_are_compared(moonshot, reference):
    assert index().resolve(reference) == moonshot.pk


def test_a_chinese_name_that_is_mostly_suffix_still_matches(minimax):
    assert index().resolve("上海稀宇科技有限公司") == minimax.pk
    assert index().resolve("稀宇") == minimax.pk


def test_the_slug_comes_first(moonshot):
    # Another record is called "moonshot": the slug still names its own record.
    StartupFactory(slug="other", name_en="Moonshot", aliases="moonshot")

    assert index().resolve("moonshot") == moonshot.pk


@pytest.mark.parametrize(
    "reference",
    [
        f"uscc:{USCC}",
        f"USCC: {USCC.lower()}",
        USCC,  # a bare valid USCC: only that kind takes it
        "wikidata:Q123",
        "Q123",
        "https://www.wikidata.org/wiki/Q123",
        "crunchbase:moonshot-ai",
        "https://www.crunchbase.com/organization/moonshot-ai",
        "stock:HKEX:2513",
        "HKEX:2513",
    ],
)
def test_an_identifier_names_its_record(moonshot, reference):
    assert index().resolve(reference) == moonshot.pk


def test_an_identifier_comes_before_the_names(moonshot):
    StartupFactory(slug="q-company", name_en="Q123")

    assert index().resolve("Q123") == moonshot.pk


def test_a_bad_identifier_says_what_is_wrong_with_it(moonshot):
    with pytest.raises(UnresolvedReference) as error:
        index().resolve("uscc:91110108MA01ABCD5U")

    assert "the 18th character should be 'T' per GB 32100" in str(error.value)


def test_an_identifier_no_record_carries_is_not_looked_up_as_a_name(moonshot):
    StartupFactory(slug="cb", name_en="crunchbase:unknown-co")

    with pytest.raises(NoMatch):
        index().resolve("crunchbase:unknown-co")


def test_a_bare_permalink_is_no_identifier_its_shape_is_any_word():
    assert identifier_in("moonshot-ai") is None
    assert identifier_in(USCC) == ("uscc", USCC)
    assert identifier_in("Moonshot AI") is None


def test_an_exact_key_beats_a_loose_one():
    # "Moonshot" and "Moonshot AI" share the loose key "moonshot"; the exact key decides.
    moonshot_ai = StartupFactory(slug="moonshot-ai", name_en="Moonshot AI")
    moonshot = StartupFactory(slug="moonshot-labs", name_en="Moonshot")

    assert index().resolve("MOONSHOT AI") == moonshot_ai.pk
    assert index().resolve("Moonshot Co., Ltd.") == moonshot.pk


def test_a_slug_counts_as_a_name_too(moonshot):
    # The slug is compared as a name, so "Moonshot Co., Ltd." could be either.
    StartupFactory(slug="moonshot-labs", name_en="Moonshot")

    with pytest.raises(AmbiguousReference, match=r"moonshot \(Moonshot AI / 月之暗面\)"):
        index().resolve("Moonshot Co., Ltd.")


def test_several_matches_are_an_error_naming_the_candidates_never_a_guess():
    StartupFactory(slug="foo-beijing", name_en="Beijing Foo", name_zh="北京福")
    StartupFactory(slug="foo-shanghai", name_en="Shanghai Foo", name_zh="")

    with pytest.raises(AmbiguousReference) as error:
        index().resolve("Foo Technology Co., Ltd.")

    assert str(error.value) == (
        "could be any of foo-beijing (Beijing Foo / 北京福), foo-shanghai (Shanghai Foo): "
        "name one by its slug (got 'Foo Technology Co., Ltd.')"
    )
    assert [c.slug for c in error.value.candidates] == ["foo-beijing", "foo-shanghai"]


def test_the_same_alias_on_two_records_is_ambiguous(moonshot):
    StartupFactory(slug="kimi-labs", name_en="Kimi Labs", aliases="Kimi")

    with pytest.raises(AmbiguousReference, match=r"kimi-labs .* moonshot"):
        index().resolve("kimi")


def test_nothing_matching_is_a_not_found_error(moonshot):
    with pytest.raises(NoMatch) as error:
        index().resolve("Zhipu AI")

    assert str(error.value) == "names no known startup (got 'Zhipu AI')"
    assert index().find("Zhipu AI") is None


def test_the_index_is_one_query_then_lookups_in_memory(
    moonshot, minimax, django_assert_num_queries
):
    with django_assert_num_queries(1):
        built = index()
        for _ in range(50):
            assert built.resolve("Beijing Moonshot Technology Co., Ltd.") == moonshot.pk
            assert built.resolve("minimax") == minimax.pk


def test_the_index_follows_records_an_import_writes(moonshot):
    built = index()
    new = StartupFactory(slug="zhipu", name_en="Zhipu AI", name_zh="智谱")
    moonshot.name_en, moonshot.aliases = "Dark Side of the Moon", ""
    moonshot.save()

    built.add(new)
    built.add(moonshot)

    assert built.resolve("北京智谱华章科技有限公司".replace("华章", "")) == new.pk
    assert built.resolve("Dark Side of the Moon") == moonshot.pk
    assert built.find("Kimi") is None


def test_investors_resolve_through_the_same_index_given_their_model():
    alibaba = InvestorFactory(slug="alibaba", name_en="Alibaba Group", name_zh="阿里巴巴")

    investors = ReferenceIndex(Investor.objects.all(), "investor")

    assert investors.resolve("Alibaba Group Holding Limited") == alibaba.pk
    assert investors.resolve("阿里巴巴集团控股有限公司") == alibaba.pk


def test_a_single_reference_by_slug_costs_one_query(moonshot, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert resolve_reference(Startup.objects.all(), "moonshot") == moonshot
    with django_assert_num_queries(3):  # the slug, the index, the record
        assert resolve_reference(Startup.objects.all(), "Kimi") == moonshot
    with django_assert_num_queries(2):  # no slug has this shape: the index, the record
        assert resolve_reference(Startup.objects.all(), "月之暗面科技有限公司") == moonshot
