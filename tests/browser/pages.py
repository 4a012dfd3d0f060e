"""What the browser tests share: the pages they visit, where screenshots go, and how to wait
until every chart of a page is drawn."""

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
PAGES = {
    "overview": "/",
    "startups": "/startups/",
    "startups-little-ai-dragons": "/startups/?tag=little-ai-dragons",
    "startup-moonshot": "/startups/moonshot/",
    "investors": "/investors/",
    "investor-alibaba": "/investors/alibaba/",
    "pair-alibaba-tencent": "/investors/alibaba/with/tencent/",
    "rounds": "/rounds/?investor=tencent&sort=-amount",
    "products": "/products/",
    "compute": "/compute/",
    "about-data": "/about/data/",
}
TIMEOUT_MS = 20_000


def drawn_charts(page) -> dict[str, tuple[int, int]]:
    """Per chart on the page: (traces in its figure JSON, traces drawn in its SVG)."""
    page.wait_for_function(
        "document.querySelectorAll('[data-figure]').length ==="
        " document.querySelectorAll('[data-drawn=true]').length"
    )
    found = {}
    for chart in page.locator("[data-figure]").all():
        figure = json.loads(page.locator(f"#{chart.get_attribute('data-figure')}").text_content())
        drawn = chart.locator(
            ".scatterlayer g.trace, .barlayer g.trace, .heatmaplayer g.hm"
        ).count()
        found[chart.get_attribute("id")] = (len(figure["data"]), drawn)
    return found
