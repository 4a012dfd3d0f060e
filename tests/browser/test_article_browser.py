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


@pytest.mark.django_db(transaction=True)
def test_article_question_e_compute_ledger(site, watched):
    """(e) On /compute/: the H100s an unnamed Beijing unicorn bought through an affiliate of
    one of its investors in Singapore, and the A100s a Shanghai startup rented below market
    from a state-run data centre in Chongqing, each with the WSJ's report one click away.
    The report (data/sample/compute.csv) gives neither a quantity nor an amount: "several
    hundred" H100s is in the deal's notes, not a figure."""
    wsj = (
        "https://www.livemint.com/ai/artificial-intelligence/"
        "alibaba-tencent-cast-wide-net-for-ai-upstarts-11724226095605.html"
    )
    unknown = "\u2013"  # an en dash: the figure is not known
    rows = {
        "en": {
            "in Singapore": [
                "2023-12",
                "unnamed Beijing-based LLM unicorn",
                "an affiliate of one of its investors, in Singapore",
                "chip purchase",
                "H100\nNvidia Hopper (H100, H800, H20, H200)",
                unknown,
                unknown,
                unknown,
            ],
            "in Chongqing": [
                "2023-09",
                "unnamed Shanghai-based healthcare-LLM startup",
                "state-run AI data centre in Chongqing",
                "cloud rental",
                "A100\nNvidia Ampere (A100, A800)",
                unknown,
                unknown,
                "yes",
            ],
        },
        "zh-hans": {
            "in Singapore": [
                "2023-12",
                "unnamed Beijing-based LLM unicorn",
                "an affiliate of one of its investors, in Singapore",
                "芯片采购",
                "H100\n英伟达 Hopper（H100、H800、H20、H200）",  # noqa: RUF001
                unknown,
                unknown,
                unknown,
            ],
            "in Chongqing": [
                "2023-09",
                "unnamed Shanghai-based healthcare-LLM startup",
                "state-run AI data centre in Chongqing",
                "云算力租用",
                "A100\n英伟达 Ampere（A100、A800）",  # noqa: RUF001
                unknown,
                unknown,
                "是",
            ],
        },
    }
    for language, prefix in LANGUAGES.items():
        watched.goto(site + prefix + "/compute/")
        for provider, cells in rows[language].items():
            row = watched.locator("#compute-table tbody tr", has_text=provider)
            assert row.count() == 1, (language, provider)
            assert row.locator("td").all_inner_texts()[:8] == cells, (language, provider)
            source_link(watched, f"#{row.get_attribute('id')}", wsj)
    assert watched.errors == []
