"""The evidence in Debian's Chromium: the overview, a startup page and /rounds/ show a disputed
figure's marker and cite their sources by outlet and date, in English and in Chinese; opening
the marker (from the keyboard) shows both claims side by side. The data is built here: one
round whose amount two sources of different kinds give differently."""
# ruff: noqa: RUF001 (the Chinese strings use full-width punctuation)

import datetime as dt
from decimal import Decimal

import pytest

from dashboards.refresh import refresh_full
from deals.claim_services import claim_save
from deals.services import funding_round_create
from tests.factories import SourceFactory, StartupFactory

from .pages import LOCAL_HOSTS, SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COPY = "https://goldberglawma.com/moonshot-series-b"
OUTLET = "https://www.caixinglobal.com/moonshot"


@pytest.fixture
def disputed_site(live_server):
    copy = SourceFactory(
        url=COPY,
        publisher="Goldberg Law",
        original_publisher="Bloomberg",
        kind="syndicated",
        published_on=dt.date(2024, 2, 20),
    )
    outlet = SourceFactory(
        url=OUTLET, publisher="Caixin", kind="original_report", published_on=dt.date(2024, 3, 1)
    )
    funding_round = funding_round_create(
        startup=StartupFactory(slug="moonshot", name_en="Moonshot AI", name_zh="月之暗面"),
        announced_on=dt.date(2024, 2, 1),
        round_label="Series B",
        amount=Decimal("1000000000"),
        amount_currency="USD",
        amount_qualifier="at_least",
        source_urls=[copy.url, outlet.url],
    )
    # The row gave both sources' claims "at least $1B"; Caixin's says $800M.
    caixin = funding_round.claims.get(source=outlet)
    caixin.value, caixin.qualifier, caixin.reported_on = (
        Decimal("800000000"),
        "exact",
        dt.date(2024, 3, 1),
    )
    claim_save(caixin)
    refresh_full()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return live_server.url


# Per language: the marker, the page's citations, and the two claims' rows once opened.
EXPECTED = {
    "": {
        # The marker, then what a screen reader hears of it (visually hidden).
        "marker": "⚠ disputed\n: sources disagree on the amount",
        "citations": ["Caixin, 2024-03-01", "Bloomberg via goldberglawma.com, 2024-02-20"],
        "claims": [
            "$800M\tCaixin\t2024-03-01\toriginal reporting\t✓ accepted",
            "≥ $1.0B\tBloomberg via goldberglawma.com\t2024-02-20\tsyndicated copy\t",
        ],
    },
    "/zh-hans": {
        "marker": "⚠ 有争议\n: 各来源对金额说法不一",
        "citations": ["Caixin, 2024-03-01", "Bloomberg（经 goldberglawma.com 转载）, 2024-02-20"],
        "claims": [
            "8亿美元\tCaixin\t2024-03-01\t原始报道\t✓ 采用",
            "≥ 10亿美元\tBloomberg（经 goldberglawma.com 转载）\t2024-02-20\t转载\t",
        ],
    },
}


def test_disputed_figures_and_outlet_citations_in_both_languages(disputed_site, watched):
    for prefix, expected in EXPECTED.items():
        for name, path in (
            ("overview", "/"),
            ("startup", "/startups/moonshot/"),
            ("rounds", "/rounds/"),
        ):
            watched.goto(disputed_site + prefix + path)
            marker = watched.locator("details.dispute summary").first
            assert marker.inner_text() == expected["marker"], (prefix, path)
            panel = watched.locator("details.dispute .claims-panel").first
            assert not panel.is_visible()
            # Opened from the keyboard: the summary takes focus and Enter opens it.
            marker.focus()
            watched.keyboard.press("Enter")
            assert panel.is_visible()
            rows = panel.locator("tbody tr").all()
            assert [row.inner_text() for row in rows] == expected["claims"], (prefix, path)
            cited = watched.locator("a.source").all_text_contents()
            if name == "overview":
                # The overview cites the claims' sources, the one shown first.
                assert cited == expected["citations"], (prefix, path)
            else:
                # Every citation is one of the round's (a startup's header cites its last
                # round again).
                assert set(cited) == set(expected["citations"]), (prefix, path)
            watched.screenshot(
                path=SCREENSHOTS / f"evidence-{name}{'-zh' if prefix else ''}.png", full_page=True
            )
    assert watched.errors == []
    assert watched.hosts <= LOCAL_HOSTS
