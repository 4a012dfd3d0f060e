"""The compute ledger, /compute/: every compute deal with its buyer, provider (and the parent
its affiliate rolls up to), kind, chip, quantity and amount with their bounds, the FX rate,
the below-market flag, the date at its precision and its sources; filters in the URL, bad
values named, sortable, a CSV of what is shown; in English and in Chinese."""

import csv
import io
import re

import pytest

from dashboards.formatting import NONE
from tests.dashboards.compute_ledger import CITY, FT, PAPER, WSJ, links, table_rows, text_of

pytestmark = pytest.mark.django_db


def test_the_ledger_lists_every_deal_with_its_figures_bounds_and_sources(client, ledger):
    page = client.get("/compute/").content.decode()

    assert table_rows(page) == [
        [
            "2025-07-28",
            "Shanghai AI firms",
            "Shanghai commission",
            "compute voucher",
            NONE,
            NONE,
            "CNY 600M | $83.3M at 7.2 CNY/USD",
            "yes",
            "www.shanghai.gov.cn",
            "",
        ],
        [
            "2025-06",
            "MiniMax | MiniMax (M1 training)",
            NONE,
            "cloud rental",
            "H800 | Nvidia Hopper (H100, H800, H20, H200)",
            "512",
            "$535K",
            NONE,
            "arxiv.org",
            "",
        ],
        [
            "2025-01-15",
            "MiniMax | MiniMax (MiniMax-01 training)",
            "Nvidia",
            "training run",
            "H800 | Nvidia Hopper (H100, H800, H20, H200)",
            "≥ 1,500",
            NONE,
            NONE,
            "arxiv.org",
            "",
        ],
        [
            "2024-05",
            "Moonshot AI",
            "Alibaba Cloud | part of Alibaba Group",
            "cloud credits",
            NONE,
            NONE,
            "≥ $300M",
            NONE,
            "www.ft.com",
            "",
        ],
        [
            "2023-12",
            "unnamed Beijing-based LLM unicorn",
            "an affiliate of one of its investors, in Singapore",
            "chip purchase",
            "H100 | Nvidia Hopper (H100, H800, H20, H200)",
            NONE,
            NONE,
            NONE,
            "www.livemint.com",
            "",
        ],
    ]
    assert links(page) == [CITY, PAPER, PAPER, FT, WSJ]
    assert '<a href="/startups/moonshot/">Moonshot AI</a>' in page
    assert '<a href="/investors/alibaba-cloud/">Alibaba Cloud</a>' in page
    assert '<a href="/investors/alibaba/">Alibaba Group</a>' in page
    assert "5 compute deals" in page


def test_the_ledger_reads_in_chinese(client, ledger):
    page = client.get("/zh-hans/compute/").content.decode()

    rows = table_rows(page)
    assert rows[0][6] == "6亿元 | 8333万美元 按 7.2 CNY/USD 折算"
    assert rows[2][5] == "≥ 1500"
    assert rows[3][1:3] == ["月之暗面", "阿里云 | 属于 阿里巴巴"]
    assert rows[3][6] == "≥ 3亿美元"
    assert "<h1>算力账本</h1>" in page


@pytest.mark.parametrize(
    ("query", "buyers"),
    [
        # A parent's filter finds its affiliates' deals.
        ("provider=alibaba", ["Moonshot AI"]),
        ("provider=alibaba-cloud", ["Moonshot AI"]),
        ("kind=compute_voucher", ["Shanghai AI firms"]),
        ("chip=h80", ["MiniMax (M1 training)", "MiniMax (MiniMax-01 training)"]),
        (
            "generation=hopper",
            [
                "MiniMax (M1 training)",
                "MiniMax (MiniMax-01 training)",
                "unnamed Beijing-based LLM unicorn",
            ],
        ),
        ("generation=other", ["Shanghai AI firms", "Moonshot AI"]),
        ("buyer=minimax", ["MiniMax (M1 training)", "MiniMax (MiniMax-01 training)"]),
        ("q=beijing", ["unnamed Beijing-based LLM unicorn"]),
        ("below_market=1", ["Shanghai AI firms"]),
        (
            "since=2025-01-01&until=2025-06-30",
            ["MiniMax (M1 training)", "MiniMax (MiniMax-01 training)"],
        ),
        (
            "sort=-quantity",
            [
                "MiniMax (MiniMax-01 training)",
                "MiniMax (M1 training)",
                "Shanghai AI firms",
                "Moonshot AI",
                "unnamed Beijing-based LLM unicorn",
            ],
        ),
        (
            "sort=amount",
            [
                "MiniMax (M1 training)",
                "Shanghai AI firms",
                "Moonshot AI",
                "unnamed Beijing-based LLM unicorn",
                "MiniMax (MiniMax-01 training)",
            ],
        ),
    ],
)
def test_filters_and_sorting_in_the_url(client, ledger, query, buyers):
    rows = csv_rows(client.get(f"/compute/export.csv?{query}"))

    assert [row["buyer"] for row in rows] == buyers
    page = client.get(f"/compute/?{query}").content.decode()
    assert len(table_rows(page)) == len(buyers)


def test_bad_filter_values_are_named_and_the_others_still_apply(client, ledger):
    page = client.get(
        "/compute/?kind=bogus&provider=nobody&provider=alibaba&since=2025-13-01&generation=x"
    ).content.decode()

    errors = re.search(r'<ul class="errors">(.*?)</ul>', page, re.S)[1]
    assert [text_of(p) for p in re.findall(r"<li>(.*?)</li>", errors, re.S)] == [
        "Kind: Select a valid choice. bogus is not one of the available choices.",
        "Chip generation: Select a valid choice. x is not one of the available choices.",
        "From: Enter a valid date.",
        "Providers: nobody is unknown.",
    ]
    assert [row[1] for row in table_rows(page)] == ["Moonshot AI"]
    # The CSV applies no other rows than those asked for: it refuses.
    response = client.get("/compute/export.csv?kind=bogus")
    assert response.status_code == 400
    assert response.content.decode() == (
        "Kind: Select a valid choice. bogus is not one of the available choices.\n"
    )
    assert client.get("/compute/charts/chips.csv?since=x").status_code == 400
    assert client.get("/compute/charts/no-such-chart.csv").status_code == 404


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_csv_holds_the_rows_shown_bounds_in_their_own_columns_and_no_exponents(client, ledger):
    response = client.get("/compute/export.csv?sort=date&q=a")
    rows = list(csv.reader(io.StringIO(response.content.decode())))

    assert rows[0][:4] == ["id", "date", "date_precision", "buyer"]
    by_buyer = {row[3]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_buyer["Shanghai AI firms"] == {
        "id": str(ledger["voucher"].pk),
        "date": "2025-07-28",
        "date_precision": "day",
        "buyer": "Shanghai AI firms",
        "startup": "",
        "startup_name_en": "",
        "startup_name_zh": "",
        "kind": "compute_voucher",
        "chip": "",
        "chip_generation": "other",
        "quantity": "",
        "quantity_qualifier": "",
        "provider": "Shanghai commission",
        "provider_investor": "",
        "provider_parent": "",
        "amount": "600000000.00",
        "currency": "CNY",
        "amount_qualifier": "exact",
        "amount_usd": "83333333.33",
        "amount_fx_rate": "7.2",
        "below_market": "yes",
        "confidence": "reported",
        "disputed": "",
        "source_urls": CITY,
    }
    assert by_buyer["Moonshot AI"]["provider_investor"] == "alibaba-cloud"
    assert by_buyer["Moonshot AI"]["provider_parent"] == "alibaba"
    assert by_buyer["Moonshot AI"]["amount_qualifier"] == "at_least"
    assert by_buyer["MiniMax (MiniMax-01 training)"]["quantity"] == "1500"
    assert by_buyer["MiniMax (MiniMax-01 training)"]["quantity_qualifier"] == "at_least"
    assert by_buyer["MiniMax (MiniMax-01 training)"]["startup"] == "minimax"
    assert "E+" not in response.content.decode()
    page = client.get("/compute/?sort=date&q=a").content.decode()
    assert 'href="/compute/export.csv?sort=date&amp;q=a"' in page
    assert len(table_rows(page)) == len(rows) - 1
