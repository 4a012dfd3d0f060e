"""The evidence on the pages: a disputed figure carries a marker that opens onto its claims
side by side (value with its bound and currency, outlet, date, source kind, the accepted one
marked), sources are cited by outlet and date, a figure resting on copies alone says so, and
every record's notes are shown, escaped, long ones collapsed. In English and in Chinese, in a
fixed number of queries per page."""
# ruff: noqa: RUF001 (the Chinese strings use full-width punctuation)

import datetime as dt
import html as html_lib
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards.refresh import refresh_full
from deals.claim_services import claim_save
from deals.models import Investor
from deals.services import (
    compute_deal_create,
    funding_round_create,
    investor_ancestry_rebuild,
    participation_create,
    valuation_mark_create,
)
from tests.factories import (
    ClaimFactory,
    FxRateFactory,
    InvestorFactory,
    SourceFactory,
    StartupFactory,
)

pytestmark = pytest.mark.django_db

COPY = "https://goldberglawma.com/moonshot-series-b"
OUTLET = "https://www.caixinglobal.com/moonshot"
FILING = "https://www1.hkexnews.hk/zhipu-prospectus.pdf"
LONG_NOTES = (
    "Bloomberg names Alibaba as the lead; SCMP names Tencent and Alibaba together. "
    "Neither gives the split. <b>Not bold</b> and a second sentence that runs past the "
    "preview so that the notes are collapsed."
)


@pytest.fixture
def sources():
    return {
        "copy": SourceFactory(
            url=COPY,
            publisher="Goldberg Law",
            original_publisher="Bloomberg",
            kind="syndicated",
            published_on=dt.date(2024, 2, 20),
        ),
        "outlet": SourceFactory(
            url=OUTLET, publisher="Caixin", kind="original_report", published_on=None
        ),
        "filing": SourceFactory(
            url=FILING, publisher="HKEX", kind="filing", published_on=dt.date(2025, 12, 30)
        ),
    }


@pytest.fixture
def moonshot(sources):
    """Moonshot's Series B: a copy of Bloomberg says at least $1B, Caixin says $800M."""
    startup = StartupFactory(slug="moonshot", name_en="Moonshot AI", name_zh="月之暗面")
    funding_round = funding_round_create(
        startup=startup,
        announced_on=dt.date(2024, 2, 1),
        round_label="Series B",
        amount=Decimal("1000000000"),
        amount_currency="USD",
        amount_qualifier="at_least",
        notes=LONG_NOTES,
        source_urls=[COPY],
    )
    claim(sources["outlet"], "800000000", round=funding_round, reported_on=dt.date(2024, 3, 1))
    funding_round.refresh_from_db()
    return funding_round


STAKE = {"field": "stake_percent", "currency": ""}
PROSPECTUS_DAY = dt.date(2025, 12, 30)


def claim(source, value: str, *, field: str = "amount", currency: str = "USD", **more) -> None:
    """A source's claim on a figure of the record named in `more` (round=..., valuation=...)."""
    more.setdefault("round", None)
    claim_save(
        ClaimFactory.build(
            source=source, field=field, value=Decimal(value), currency=currency, **more
        )
    )


def panels(page: str) -> list[list[list[str]]]:
    """Each claims panel of a page: its rows, each a list of cell texts."""
    found = []
    for panel in re.findall(r'<details class="dispute">(.*?)</details>', page, re.S):
        body = re.search(r"<tbody>(.*?)</tbody>", panel, re.S)[1]
        found.append(
            [
                [text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
                for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
            ]
        )
    return found


def text_of(fragment: str) -> str:
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", fragment))).strip()


def citations(page: str) -> list[str]:
    return [text_of(a) for a in re.findall(r'<a class="source"[^>]*>(.*?)</a>', page, re.S)]


MOONSHOT_CLAIMS = [
    ["$800M", "Caixin", "2024-03-01", "original reporting", "✓ accepted"],
    ["≥ $1.0B", "Bloomberg via goldberglawma.com", "2024-02-20", "syndicated copy", ""],
]


def test_the_rounds_page_marks_a_disputed_amount_and_shows_its_claims(client, moonshot):
    page = client.get("/rounds/").content.decode()

    assert moonshot.disputed == ["amount"]
    assert panels(page) == [MOONSHOT_CLAIMS]
    assert '<summary title="Caixin: $800M; Bloomberg via goldberglawma.com: ≥ $1.0B">' in page
    assert "Sources disagree on the amount:" in page


def test_the_rounds_page_cites_by_outlet_and_date_and_says_when_only_copies_back_a_figure(
    client, moonshot
):
    page = client.get("/rounds/").content.decode()

    assert citations(page) == ["Bloomberg via goldberglawma.com, 2024-02-20"]
    assert f'href="{COPY}"' in page
    assert '<span class="copies-only"' in page
    assert ">copies only</span>" in page


def test_a_figure_with_an_original_source_is_not_copies_only(client, moonshot, sources):
    moonshot.sources.add(sources["outlet"])

    page = client.get("/rounds/").content.decode()

    assert citations(page) == ["Bloomberg via goldberglawma.com, 2024-02-20", "Caixin"]
    assert "copies only" not in page


def test_an_undisputed_figure_has_no_marker(client, sources):
    funding_round_create(
        startup=StartupFactory(),
        announced_on=dt.date(2024, 5, 1),
        round_label="Series A",
        amount=Decimal("50000000"),
        amount_currency="USD",
        source_urls=[FILING],
    )

    page = client.get("/rounds/").content.decode()

    assert "dispute" not in page
    assert citations(page) == ["HKEX, 2025-12-30"]


def test_the_startup_page_marks_disputed_rounds_stakes_valuations_and_compute(
    client, moonshot, sources
):
    investor = InvestorFactory(slug="alibaba", name_en="Alibaba Group")
    part = participation_create(
        round=moonshot,
        investor=investor,
        is_lead=True,
        stake_percent=Decimal("20"),
        notes="Lead per Bloomberg.",
        source_urls=[COPY],
    )
    claim(
        sources["filing"],
        "36",
        **STAKE,
        participation=part,
        qualifier="approx",
        reported_on=PROSPECTUS_DAY,
    )
    FxRateFactory(month=dt.date(2025, 6, 1), currency="CNY", units_per_usd=Decimal("7.2"))
    mark = valuation_mark_create(
        startup=moonshot.startup,
        valued_on=dt.date(2025, 6, 1),
        value=Decimal("40000000000"),
        currency="CNY",
        kind="press_report",
        notes="A magazine's figure; <the prospectus> says less.",
        source_urls=[COPY],
    )
    claim(
        sources["filing"],
        "24400000000",
        field="value",
        currency="CNY",
        valuation=mark,
        reported_on=PROSPECTUS_DAY,
    )
    deal = compute_deal_create(
        startup=moonshot.startup,
        buyer="Moonshot AI",
        kind="chip_purchase",
        chip="A800",
        quantity=100000,
        quantity_qualifier="approx",
        announced_on=dt.date(2023, 12, 1),
        date_precision="month",
        notes="Approximately 100,000 chips.",
        source_urls=[COPY],
    )
    claim(
        sources["outlet"],
        "400000",
        field="quantity",
        currency="",
        compute_deal=deal,
        qualifier="at_least",
    )
    refresh_full()

    page = client.get("/startups/moonshot/").content.decode()

    mark_claims = [
        ["CNY 24.4B", "HKEX", "2025-12-30", "primary filing", "✓ accepted"],
        ["CNY 40.0B", "Bloomberg via goldberglawma.com", "2024-02-20", "syndicated copy", ""],
    ]
    assert panels(page) == [
        # The header's latest valuation and the valuation table: the mark's value (the round
        # has no post-money).
        mark_claims,
        mark_claims,
        MOONSHOT_CLAIMS,
        [
            ["≈ 36%", "HKEX", "2025-12-30", "primary filing", "✓ accepted"],
            ["20%", "Bloomberg via goldberglawma.com", "2024-02-20", "syndicated copy", ""],
        ],
        [
            ["≥ 400,000", "Caixin", "–", "original reporting", "✓ accepted"],
            ["≈ 100,000", "Bloomberg via goldberglawma.com", "2024-02-20", "syndicated copy", ""],
        ],
    ]
    # Every record's notes, escaped; the long ones collapsed to a preview.
    assert (
        '<p class="notes">A magazine&#x27;s figure; &lt;the prospectus&gt; says less.</p>' in page
    )
    # A stake's notes are folded in its round's table.
    assert (
        '<details class="notes"><summary>Notes</summary><p>Lead per Bloomberg.</p></details>'
        in page
    )
    assert '<p class="notes">Approximately 100,000 chips.</p>' in page
    # A round's notes are folded, whatever their length.
    assert (
        '<details class="notes"><summary>Notes</summary><p>Bloomberg names Alibaba as the lead; '
        "SCMP names Tencent and Alibaba together. Neither gives the"
    ) in page
    assert "&lt;b&gt;Not bold&lt;/b&gt; and a second sentence" in page
    assert "<b>Not bold</b>" not in page
    # A compute deal's quantity keeps its bound.
    assert '<td class="num">≥ 400,000' in page


def test_the_investor_page_marks_a_disputed_round_amount_and_stake(client, moonshot, sources):
    part = participation_create(
        round=moonshot,
        investor=InvestorFactory(slug="alibaba", name_en="Alibaba Group"),
        stake_percent=Decimal("20"),
        source_urls=[COPY],
    )
    claim(sources["filing"], "36", **STAKE, participation=part, reported_on=PROSPECTUS_DAY)
    Investor.objects.filter(slug="alibaba").update(notes="Alibaba Group & its funds.")
    investor_ancestry_rebuild()

    page = client.get("/investors/alibaba/").content.decode()

    assert panels(page) == [
        MOONSHOT_CLAIMS,
        [
            ["36%", "HKEX", "2025-12-30", "primary filing", "✓ accepted"],
            ["20%", "Bloomberg via goldberglawma.com", "2024-02-20", "syndicated copy", ""],
        ],
    ]
    assert citations(page) == ["Bloomberg via goldberglawma.com, 2024-02-20"]
    assert '<p class="notes">Alibaba Group &amp; its funds.</p>' in page


def test_the_overview_lists_the_disputed_figures_with_their_claims(client, moonshot):
    page = client.get("/").content.decode()

    section = re.search(r'<section class="card" id="disputes".*?</section>', page, re.S)[0]
    assert "Where sources disagree" in section
    assert "Moonshot AI · 2024-02-01 · Series B" in text_of(section)
    assert "amount: $800M ⚠ disputed" in text_of(section)
    assert panels(section) == [MOONSHOT_CLAIMS]
    assert citations(section) == ["Caixin", "Bloomberg via goldberglawma.com, 2024-02-20"]


def test_the_evidence_reads_chinese(client, moonshot):
    page = client.get("/zh-hans/rounds/").content.decode()

    assert panels(page) == [
        [
            ["8亿美元", "Caixin", "2024-03-01", "原始报道", "✓ 采用"],
            ["≥ 10亿美元", "Bloomberg（经 goldberglawma.com 转载）", "2024-02-20", "转载", ""],
        ]
    ]
    assert "⚠</span> 有争议" in page
    assert "各来源对金额说法不一：" in page
    assert citations(page) == ["Bloomberg（经 goldberglawma.com 转载）, 2024-02-20"]
    assert ">仅有转载</span>" in page
    overview = client.get("/zh-hans/").content.decode()
    assert "各来源说法不一之处" in overview
    assert "金额: 8亿美元" in text_of(overview)


def query_count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_claims_cost_one_query_whatever_how_many_figures_are_disputed(
    client, moonshot, sources
):
    one = {url: query_count(client, url) for url in ("/", "/rounds/", "/startups/moonshot/")}
    for day in range(1, 4):
        funding_round = funding_round_create(
            startup=moonshot.startup,
            announced_on=dt.date(2023, 1, day),
            round_label=f"Round {day}",
            amount=Decimal("10000000"),
            amount_currency="USD",
            source_urls=[COPY],
        )
        claim(sources["filing"], "9000000", round=funding_round)

    assert {url: query_count(client, url) for url in one} == one
