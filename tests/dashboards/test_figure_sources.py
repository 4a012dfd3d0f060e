"""A valuation on the pages links to the pages that state it: a figure another page gave (a
claim that fills in for the round's own pages, or that wins over them) is cited by that page,
not by the round's own sources, which never stated it."""

import datetime as dt
from decimal import Decimal

import pytest

from dashboards.refresh import refresh_full
from dashboards.selectors import figure_sources
from deals.claim_models import Claim
from deals.claim_services import claim_save
from deals.models import FundingRound
from deals.services import funding_round_create, funding_round_update
from startups.models import Source
from tests.factories import FxRateFactory, SourceFactory, StartupFactory

pytestmark = pytest.mark.django_db
ROUND_REPORT = "https://example.com/series-b-report"
PROSPECTUS = "https://example.com/prospectus"


@pytest.fixture
def series_b():
    FxRateFactory(month=dt.date(2024, 1, 1), currency="USD", units_per_usd=Decimal("1"))
    SourceFactory(url=ROUND_REPORT, kind="original_report")
    SourceFactory(url=PROSPECTUS, kind="filing", published_on=dt.date(2025, 12, 30))
    return funding_round_create(
        startup=StartupFactory(slug="zhipu", name_en="Zhipu AI", is_ai=True),
        announced_on=dt.date(2024, 2, 1),
        round_label="Series B",
        amount=Decimal("400000000"),
        amount_currency="USD",
        source_urls=[ROUND_REPORT],
    )


def prospectus_says(funding_round: FundingRound, value: str) -> None:
    claim_save(
        Claim(
            round=funding_round,
            field="post_money_valuation",
            value=Decimal(value),
            currency="USD",
            source=Source.objects.get(url=PROSPECTUS),
            reported_on=dt.date(2025, 12, 30),
        )
    )


def urls_behind(funding_round: FundingRound) -> list[str]:
    found = figure_sources(FundingRound, [funding_round.pk], "post_money_valuation")
    return [source.url for source in found[funding_round.pk]]


def valuation_links(client) -> str:
    html = client.get("/startups/").content.decode()
    row = html[html.index('id="startup-zhipu"') :]
    cell = row[row.index('class="num valuation"') :]
    return cell[: cell.index("</td>")]


def test_a_valuation_only_another_page_gives_links_to_that_page(client, series_b):
    prospectus_says(series_b, "3000000000")
    refresh_full()

    assert FundingRound.objects.get().post_money_valuation == Decimal("3000000000")
    assert urls_behind(series_b) == [PROSPECTUS]
    cell = valuation_links(client)
    assert PROSPECTUS in cell
    assert ROUND_REPORT not in cell


def test_a_valuation_the_rounds_own_page_states_links_to_it(client, series_b):
    funding_round_update(
        series_b, post_money_valuation=Decimal("2500000000"), valuation_currency="USD"
    )
    refresh_full()

    assert urls_behind(series_b) == [ROUND_REPORT]
    assert ROUND_REPORT in valuation_links(client)


def rounds_row(client) -> str:
    html = client.get("/rounds/").content.decode()
    return html[html.index("<tbody>") : html.index("</tbody>")]


def test_a_rounds_table_names_the_page_behind_a_figure_the_rounds_own_pages_do_not_give(
    client, series_b
):
    prospectus_says(series_b, "3000000000")

    row = rounds_row(client)

    assert 'class="figure-source">post-money valuation from' in row
    assert f'href="{PROSPECTUS}"' in row
    assert row.count('class="figure-source"') == 1  # the amount is the round report's own


def test_a_figure_the_rounds_own_pages_give_names_no_other_page(client, series_b):
    funding_round_update(
        series_b, post_money_valuation=Decimal("2500000000"), valuation_currency="USD"
    )

    assert 'class="figure-source"' not in rounds_row(client)
