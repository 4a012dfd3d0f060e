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
