"""The article, as a test: each of its six questions answered from one page of the bundled
sample data, in English and in Chinese. Every figure is asserted exactly, and its source is one
click away: a link on the same page to the outlet's own address.

(a) the six Little AI Dragons' valuations over time; (b) Alibaba's and Tencent's AI share
beside ITJuzi's 40% and 30%, with coverage over the same window; (c) Alibaba's ≈ $800M for
≈ 36% of Moonshot, ≥ $300M of it in credits; (d) the 190+ products and the national count over
time; (e) the Singapore H100 and the Chongqing A100 in the compute ledger; (f) Alibaba and
Tencent both in Zhipu, Moonshot and Baichuan, named on their pair page."""

import pytest

pytestmark = pytest.mark.browser

# The page prefix of each language: English unprefixed, Chinese under /zh-hans/.
LANGUAGES = {"en": "", "zh-hans": "/zh-hans"}


def source_link(page, selector: str, url: str):
    """The link to `url` inside `selector`: there, visible, and pointing at the source itself
    (one click from the figure)."""
    link = page.locator(f'{selector} a[href="{url}"]').first
    assert link.is_visible(), (selector, url)
    return link


# The rounds Alibaba and Tencent (each with its affiliates) both joined in the sample, newest
# first: date, startup (English, Chinese), round, amount as shown in each language, and one of
# the round's sources.
PAIR_ROUNDS = [
    (
        "2026-02",
        "moonshot",
        "undisclosed (expansion, first tranche)",
        {"en": "≥ $700M", "zh-hans": "≥ 7亿美元"},
        "https://www.chinadailybrief.com/article/6994731c71ff715b7d1db304",
    ),
    (
        "2025-12-31",
        "moonshot",
        "Series C",
        {"en": "$500M", "zh-hans": "5亿美元"},
        "https://entrepreneurloop.com/moonshot-ai-500m-series-c-funding-ai-infrastructure",
    ),
    (
        "2025-06-19",
        "unitree",
        "Series C",
        {"en": "undisclosed", "zh-hans": "未披露"},
        "https://frominsideasia.com/chinese-humanoid-robot-maker-unitree-sees-significant-delivery-growth-in-2025",
    ),
    (
        "2025-03-03",
        "zhipu",
        "undisclosed",
        {"en": "≥ CNY 1.0B ≥ $138M", "zh-hans": "≥ 10亿元 ≥ 1.38亿美元"},
        "https://gulfnews.com/business/markets/alibaba-backed-zhipu-raises-140-million-as-deepseek-heats-up-ai-1.500050806",
    ),
    (
        "2024-08",
        "moonshot",
        "undisclosed (some outlets: Series B)",
        {"en": "≥ $300M", "zh-hans": "≥ 3亿美元"},
        "https://www.verdict.co.uk/tencent-joins-moonshot-financing-round/",
    ),
    (
        "2024-07-25",
        "baichuan",
        "Series A",
        {"en": "CNY 5.0B $689M", "zh-hans": "50亿元 6.89亿美元"},
        "https://frominsideasia.com/chinese-ai-start-up-baichuan-raises-us700-million-from-alibaba-tencent-xiaomi",
    ),
    (
        "2023-10-17",
        "baichuan",
        "Series A1",
        {"en": "$300M", "zh-hans": "3亿美元"},
        "https://techstartups.com/staging/2023/10/17/chinese-ai-startup-baichuan-raises-300-million-in-funding-from-alibaba-tencent-and-others",
    ),
    (
        "2023-10",
        "zhipu",
        "2023 financing (several rounds, cumulative)",
        {"en": "≥ CNY 2.5B ≥ $342M", "zh-hans": "≥ 25亿元 ≥ 3.42亿美元"},
        "https://techymantraa.com/chinas-tech-titans-race-to-invest-340m-in-openai-challenger/",
    ),
]
PAIR_STARTUPS = {
    "moonshot": {"en": "Moonshot AI", "zh-hans": "月之暗面"},
    "baichuan": {"en": "Baichuan Intelligence", "zh-hans": "百川智能"},
    "zhipu": {"en": "Zhipu AI", "zh-hans": "智谱"},
    "unitree": {"en": "Unitree Robotics", "zh-hans": "宇树科技"},
    "minimax": {"en": "MiniMax", "zh-hans": "稀宇科技"},
}


def cell_texts(row) -> list[str]:
    return [" ".join(text.split()) for text in row.locator("td").all_inner_texts()]


@pytest.mark.django_db(transaction=True)
def test_article_question_f_co_investment_pair(site, watched):
    """(f) Alibaba and Tencent both in Zhipu, Moonshot and Baichuan, named on their pair page
    (the sample has them together in Unitree's Series C too, and each in MiniMax in a round
    of its own), every round together with its amount as bounded and its source."""
    for language, prefix in LANGUAGES.items():
        watched.goto(f"{site}{prefix}/investors/alibaba/with/tencent/")

        startups = [cell_texts(row)[:4] for row in watched.locator("#pair-startups tbody tr").all()]
        assert startups == [
            [PAIR_STARTUPS["moonshot"][language], "4", "3", "3"],
            [PAIR_STARTUPS["baichuan"][language], "2", "2", "2"],
            [PAIR_STARTUPS["zhipu"][language], "2", "2", "2"],
            [PAIR_STARTUPS["unitree"][language], "1", "1", "1"],
            [PAIR_STARTUPS["minimax"][language], "2", "1", "0"],
        ], language
        rounds = watched.locator("#pair-rounds tbody tr")
        assert [cell_texts(row)[:4] for row in rounds.all()] == [
            [date, PAIR_STARTUPS[startup][language], label, amounts[language]]
            for date, startup, label, amounts, _ in PAIR_ROUNDS
        ], language
        for index, (*_, url) in enumerate(PAIR_ROUNDS):
            row_id = rounds.nth(index).get_attribute("id")
            source_link(watched, f"#{row_id}", url)
    assert watched.errors == []
