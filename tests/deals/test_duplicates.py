"""The possible-duplicates report (deals.duplicates): pairs of startups or investors ranked by
how strongly names, identifiers, founders and same-day rounds say they are one record, with
the same scores on PostgreSQL (pg_trgm) and SQLite (the Python trigrams)."""

import datetime as dt

import pytest
from django.db import connection

from deals.duplicate_names import similar_pairs, similarity
from deals.duplicates import duplicate_pair, possible_duplicates
from tests.factories import (
    FundingRoundFactory,
    InvestorFactory,
    ParticipationFactory,
    StartupFactory,
)

pytestmark = pytest.mark.django_db


def startup(slug: str, name_en: str, name_zh: str = "", **fields):
    return StartupFactory(slug=slug, name_en=name_en, name_zh=name_zh, **fields)


def pairs_of(kind: str, **options) -> list[tuple[str, str, float, list[str]]]:
    return [
        (pair.a.slug, pair.b.slug, pair.score, [reason.signal for reason in pair.reasons])
        for pair in possible_duplicates(kind, **options)
    ]


def test_the_python_trigrams_give_pg_trgm_scores():
    assert similarity("月之暗面", "北京月之暗面") == pytest.approx(1 / 3)
    assert similarity("moonshot", "moonshotai") == pytest.approx(2 / 3)
    assert similarity("abc", "abc") == 1.0
    assert similarity("abc", "xyz") == 0.0


def test_similar_names_are_found_with_their_similarity_on_this_database():
    found = similar_pairs({1: {"moonshot"}, 2: {"moonshotai"}, 3: {"zhipu"}, 4: {"baichuan"}})

    assert list(found) == [(1, 2)]
    assert found[(1, 2)].similarity == pytest.approx(2 / 3, abs=1e-4)
    assert (found[(1, 2)].a_key, found[(1, 2)].b_key) == ("moonshot", "moonshotai")


def test_a_legal_name_variant_ranks_above_an_unrelated_pair():
    startup("moonshot", "Moonshot AI", "月之暗面")
    startup("moonshot-legal", "Beijing Moonshot Technology Co., Ltd.")
    startup("zhipu", "Zhipu AI", "智谱")
    startup("minimax", "MiniMax", "稀宇科技")

    pairs = pairs_of("startup", min_score=0)

    assert pairs == [("moonshot", "moonshot-legal", 0.8, ["loose_key"])]


def test_chinese_name_variants_are_the_same_name_once_suffixes_and_places_are_dropped():
    startup("moonshot", "Moonshot AI", "月之暗面")
    startup("moonshot-zh", "Dark Side of the Moon", "北京月之暗面科技有限公司")

    [pair] = possible_duplicates("startup")

    assert (pair.a.slug, pair.b.slug, pair.score) == ("moonshot", "moonshot-zh", 0.8)
    assert [reason.text for reason in pair.reasons] == [
        "same name once suffixes, places and “AI” are dropped: 月之暗面"
    ]


def test_an_alias_counts_as_a_name_and_equal_exact_keys_weigh_more():
    startup("stepfun", "StepFun", "阶跃星辰", aliases="Shanghai Jieyue Xingchen")
    startup("jieyue", "Jieyue Xingchen Co., Ltd.")
    startup("baichuan", "Baichuan AI", "百川智能")
    startup("baichuan-2", "Baichuan", aliases="百川智能科技有限公司")

    pairs = pairs_of("startup")

    assert pairs == [
        ("baichuan", "baichuan-2", 0.9, ["exact_key"]),
        ("stepfun", "jieyue", 0.8, ["loose_key"]),
    ]


def test_generic_words_do_not_make_names_alike():
    startup("baichuan", "Baichuan Intelligence", "百川智能")
    startup("zhipu", "Zhipu Intelligence", "智谱智能")
    startup("baichuan-robotics", "Baichuan Robotics", "")

    [pair] = possible_duplicates("startup", min_score=0)

    assert (pair.a.slug, pair.b.slug, pair.score) == ("baichuan", "baichuan-robotics", 0.6)
    assert [reason.text for reason in pair.reasons] == [
        "same name but for words like “Intelligence” or “Capital”: baichuan"
    ]


def test_similar_but_different_names_score_by_their_similarity():
    startup("minimax", "MiniMax")
    startup("minimax-typo", "Minimaxx")

    [pair] = possible_duplicates("startup")

    assert [reason.signal for reason in pair.reasons] == ["similar_name"]
    assert pair.reasons[0].text == "similar names: minimax ~ minimaxx (70%)"
    assert pair.score == pytest.approx(0.7 * 0.7, abs=0.01)


def test_a_shared_founder_links_two_differently_named_startups():
    startup("zhipu", "Zhipu AI", founders="Tang Jie; Li Juanzi")
    startup("knowledge-atlas", "Knowledge Atlas", founders="li juanzi, Zhang Peng")
    startup("baichuan", "Baichuan", founders="Wang Xiaochuan")

    [pair] = possible_duplicates("startup")

    assert (pair.a.slug, pair.b.slug, pair.score) == ("zhipu", "knowledge-atlas", 0.35)
    assert [reason.text for reason in pair.reasons] == ["same founder: Li Juanzi"]


def test_rounds_on_the_same_day_with_an_investor_in_common_link_two_startups():
    alibaba, tencent = InvestorFactory(name_en="Alibaba"), InvestorFactory(name_en="Tencent")
    day = dt.date(2024, 2, 20)
    first = FundingRoundFactory(startup=startup("moonshot", "Moonshot AI"), announced_on=day)
    second = FundingRoundFactory(startup=startup("kimi", "Kimi Chat"), announced_on=day)
    ParticipationFactory(round=first, investor=alibaba)
    ParticipationFactory(round=second, investor=alibaba)
    # Same day, other investor; and same investor, other day: neither links.
    other = FundingRoundFactory(startup=startup("minimax", "MiniMax"), announced_on=day)
    ParticipationFactory(round=other, investor=tencent)
    later = FundingRoundFactory(startup=startup("zhipu", "Zhipu"), announced_on=dt.date(2024, 3, 1))
    ParticipationFactory(round=later, investor=alibaba)

    # Alone, it is below the default minimum score: busy investors close deals the same day.
    assert possible_duplicates("startup") == []
    [pair] = possible_duplicates("startup", min_score=0.3)

    assert (pair.a.slug, pair.b.slug, pair.score) == ("moonshot", "kimi", 0.3)
    assert [reason.text for reason in pair.reasons] == [
        "rounds on the same day (2024-02-20) with Alibaba"
    ]


def test_one_round_entered_under_two_startups_weighs_more():
    alibaba = InvestorFactory(name_en="Alibaba")
    for slug in ("moonshot", "kimi"):
        created = startup(slug, f"{slug} company")
        funding_round = FundingRoundFactory(
            startup=created, announced_on=dt.date(2024, 2, 20), round_label="Series B"
        )
        ParticipationFactory(round=funding_round, investor=alibaba)

    [pair] = possible_duplicates("startup")

    assert pair.score == 0.5
    assert [reason.text for reason in pair.reasons] == [
        "the same round (Series B, 2024-02-20) with Alibaba"
    ]


def test_an_investor_on_a_busy_day_links_none_of_its_startups():
    alibaba = InvestorFactory(name_en="Alibaba")
    for slug in ("one", "two", "three", "four"):
        ParticipationFactory(
            investor=alibaba,
            round=FundingRoundFactory(
                startup=startup(slug, f"{slug} company"),
                announced_on=dt.date(2024, 2, 20),
                round_label="Series A",
            ),
        )

    assert possible_duplicates("startup", min_score=0) == []


def test_rounds_dated_only_to_the_month_do_not_count_as_the_same_day():
    alibaba = InvestorFactory(name_en="Alibaba")
    for slug in ("one", "two"):
        ParticipationFactory(
            investor=alibaba,
            round=FundingRoundFactory(
                startup=startup(slug, f"{slug} company"),
                announced_on=dt.date(2024, 2, 1),
                date_precision="month",
            ),
        )

    assert possible_duplicates("startup", min_score=0) == []


def test_an_identifier_named_in_the_others_notes_is_conclusive():
    startup("moonshot", "Moonshot AI", crunchbase="moonshot-ai")
    startup("dark-side", "Dark Side", notes="Same as crunchbase:moonshot-ai, entered twice?")
    startup("zhipu", "Zhipu AI", wikidata="Q123456")
    startup("knowledge-atlas", "Knowledge Atlas", aliases="Q123456")

    pairs = pairs_of("startup")

    assert pairs == [
        ("moonshot", "dark-side", 1.0, ["identifier"]),
        ("zhipu", "knowledge-atlas", 1.0, ["identifier"]),
    ]


def test_several_reasons_add_up_and_rank_the_pair_first():
    alibaba = InvestorFactory(name_en="Alibaba")
    day = dt.date(2024, 2, 20)
    for slug, name in (("moonshot", "Moonshot AI"), ("moonshot-2", "Moonshot")):
        created = startup(slug, name, founders="Yang Zhilin")
        ParticipationFactory(
            investor=alibaba, round=FundingRoundFactory(startup=created, announced_on=day)
        )
    startup("baichuan", "Baichuan AI")
    startup("baichuan-2", "Baichuan")

    [first, second] = possible_duplicates("startup")

    assert (first.a.slug, first.b.slug) == ("moonshot", "moonshot-2")
    assert [reason.signal for reason in first.reasons] == ["loose_key", "founder", "round"]
    assert first.score == pytest.approx(1 - 0.2 * 0.65 * 0.7, abs=0.001)
    assert (second.a.slug, second.score) == ("baichuan", 0.8)


def test_investors_are_compared_by_their_names_and_identifiers():
    InvestorFactory(slug="hongshan", name_en="HongShan", name_zh="红杉中国")
    InvestorFactory(slug="sequoia-china", name_en="Sequoia Capital China", name_zh="红杉中国")
    InvestorFactory(slug="alibaba", name_en="Alibaba Group", lei="5493001KJTIIGC8Y1R12")
    InvestorFactory(slug="ali", name_en="Ali", notes="LEI 5493001KJTIIGC8Y1R12")

    pairs = pairs_of("investor")

    assert pairs == [
        ("alibaba", "ali", 1.0, ["identifier"]),
        ("hongshan", "sequoia-china", 0.9, ["exact_key"]),
    ]


def test_limit_and_min_score_cut_the_ranking():
    startup("baichuan", "Baichuan AI")
    startup("baichuan-2", "Baichuan")
    startup("minimax", "MiniMax")
    startup("minimax-typo", "Minimaxx")

    assert len(possible_duplicates("startup")) == 2
    assert len(possible_duplicates("startup", limit=1)) == 1
    assert len(possible_duplicates("startup", min_score=0.6)) == 1


def test_a_merged_record_is_gone_from_the_report():
    startup("baichuan", "Baichuan AI")
    merged = startup("baichuan-2", "Baichuan")
    assert len(possible_duplicates("startup")) == 1

    merged.delete()  # what a merge does to the merged record

    assert possible_duplicates("startup") == []


def test_one_pair_explains_itself_and_an_unrelated_pair_has_no_reason():
    moonshot = startup("moonshot", "Moonshot AI", "月之暗面")
    legal = startup("moonshot-legal", "", "北京月之暗面科技有限公司")
    zhipu = startup("zhipu", "Zhipu AI")

    assert duplicate_pair("startup", legal, moonshot).score == 0.8
    assert duplicate_pair("startup", moonshot, zhipu).reasons == []


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="kind must be one of startup, investor"):
        possible_duplicates("company")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_postgresql_compares_with_pg_trgm():
    with connection.cursor() as cursor:
        cursor.execute("SELECT similarity('月之暗面', '北京月之暗面')")
        assert cursor.fetchone()[0] == pytest.approx(similarity("月之暗面", "北京月之暗面"))


def test_names_alike_but_in_different_cities_are_two_records():
    InvestorFactory(
        slug="beijing-fund", name_en="Beijing AI Industry Fund", name_zh="北京市人工智能产业基金"
    )
    InvestorFactory(slug="shanghai-fund", name_en="Shanghai AI Industry Fund")
    InvestorFactory(
        slug="beijing-fund-2", name_en="AI Industry Fund", aliases="北京人工智能产业基金"
    )

    assert pairs_of("investor", min_score=0) == [
        ("beijing-fund", "beijing-fund-2", 0.8, ["loose_key"]),
    ]
    [pair] = possible_duplicates("investor")
    assert pair.reasons[0].text == (
        "same name once suffixes, places and “AI” are dropped: aiindustryfund, 人工智能产业基金"
    )


def test_an_investor_and_its_affiliates_are_never_a_pair():
    alibaba = InvestorFactory(slug="alibaba", name_en="Alibaba Group", name_zh="阿里巴巴")
    cloud = InvestorFactory(slug="alibaba-cloud", name_en="Alibaba Cloud", parent=alibaba)
    InvestorFactory(slug="alibaba-cloud-fund", name_en="Alibaba Cloud Fund", parent=cloud)
    InvestorFactory(slug="ali-group", name_en="Alibaba Group Holding")

    assert pairs_of("investor", min_score=0) == [
        ("alibaba", "ali-group", 0.9, ["exact_key"]),
        ("alibaba-cloud", "ali-group", 0.6, ["core_key"]),
        ("alibaba-cloud-fund", "ali-group", 0.6, ["core_key"]),
    ]
