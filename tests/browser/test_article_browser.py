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


# (a) On the tag page: each Dragon's latest valuation as the sample holds it, in each
# language, with the first source of that valuation. StepFun's rounds disclose no valuation in
# the sample: its row is there with an empty valuation cell, and it has no line on the chart.
DRAGON_VALUATIONS = {
    "zhipu": ("Zhipu AI", "智谱", "≥ $6.6B", "≥ 65.5亿美元", "http://asiaict.com/ai/13115.html"),
    "moonshot": (
        "Moonshot AI",
        "月之暗面",
        "≥ $20.0B",
        "≥ 200亿美元",
        "https://techjacksolutions.com/?p=51626",
    ),
    "minimax": (
        "MiniMax",
        "稀宇科技",
        "≥ $4.0B",
        "≥ 40亿美元",
        "https://www.aibase.com/fr/news/www.aibase.com/news/19753",
    ),
    "baichuan": (
        "Baichuan Intelligence",
        "百川智能",
        "≈ $2.8B",
        "≈ 27.5亿美元",
        "http://123.123.enodoworks.com/?p=1289695",
    ),
    "01ai": (
        "01.AI",
        "零一万物",
        "≥ $1.0B",
        "≥ 10亿美元",
        "https://thecoli.com/threads/large-language-models-news-discussions.952923/page-31",
    ),
}


@pytest.mark.django_db(transaction=True)
def test_article_question_a_little_dragons_valuations(site, watched):
    for language, prefix in LANGUAGES.items():
        chinese = language != "en"
        watched.goto(f"{site}{prefix}/startups/?tag=little-ai-dragons")
        watched.wait_for_selector("#chart-tag-valuations[data-drawn=true]")
        legend = watched.locator("#chart-tag-valuations .legendtext").all_text_contents()
        rows = watched.locator("#startups-table tbody tr")

        assert rows.count() == 6, language
        for slug, (name_en, name_zh, usd, yuan, url) in DRAGON_VALUATIONS.items():
            name = name_zh if chinese else name_en
            cell = f"#startup-{slug} td.valuation"
            assert name in legend, (language, slug)
            assert watched.locator(f"#startup-{slug} td").first.inner_text().startswith(name)
            assert watched.locator(f"{cell} .figure-value").inner_text() == (
                yuan if chinese else usd
            )
            source_link(watched, cell, url)
        assert watched.locator("#startup-stepfun td.valuation").inner_text() == ""
        assert ("阶跃星辰" if chinese else "StepFun") not in legend
    assert watched.errors == []


# (c) Moonshot's February 2024 Series B, Alibaba's row: the sample's participation (about
# $800M for about 36%, at least $300M of it in cloud credits) and its three sources.
ALIBABA_IN_MOONSHOT_SOURCES = [
    "https://www.livemint.com/ai/artificial-intelligence/alibaba-tencent-cast-wide-net-for-ai-upstarts-11724226095605.html",
    "https://sg.finance.yahoo.com/news/alibaba-emerges-major-backer-high-093000728.html",
    "http://123.123.enodoworks.com/?p=1267396",
]


@pytest.mark.django_db(transaction=True)
def test_article_question_c_moonshot_deal(site, watched):
    expected = {
        "en": ("≈ $800M", "≈ 36%", "≥ $300M"),
        "zh-hans": ("≈ 8亿美元", "≈ 36%", "≥ 3亿美元"),
    }
    for language, prefix in LANGUAGES.items():
        watched.goto(f"{site}{prefix}/startups/moonshot/")
        series_b = watched.locator(
            "article.round", has=watched.locator("h3", has_text="2024-02 · Series B")
        )
        row = series_b.locator("tr", has=watched.locator(f'a[href="{prefix}/investors/alibaba/"]'))
        row_id = row.get_attribute("id")

        amount, stake, credits = expected[language]
        assert row.locator("td.amount").inner_text() == amount, language
        assert row.locator("td.stake").inner_text() == stake, language
        assert row.locator("td.credits").inner_text() == credits, language
        for url in ALIBABA_IN_MOONSHOT_SOURCES:
            source_link(watched, f"#{row_id}", url)
    assert watched.errors == []
