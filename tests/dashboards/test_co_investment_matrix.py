"""The co-investment matrix on the overview: the top investors' pairs, each cell the startups
the two backed together (affiliates rolled up), named on hover and opening the pair page."""

import csv
import io

import pytest

from dashboards.investor_charts import co_investment_matrix as matrix_figure
from dashboards.matrix_selectors import co_investment_matrix
from dashboards.refresh import refresh_full
from deals import services
from tests.dashboards.test_incremental_cases import JAN_2021, JUN_2022, round_of, startups

pytestmark = pytest.mark.django_db
__all__ = ["startups"]  # the fixture
STATUS = {"computed_at": None}


@pytest.fixture
def pairs(startups):
    """Alibaba (one startup through its affiliate) and Tencent in all three startups; a fund
    with the long name in the first; a fourth investor in none of theirs."""
    alibaba = services.investor_create(slug="alibaba", name_en="Alibaba", kind="corporate")
    cloud = services.investor_create(slug="alibaba-cloud", name_en="Alibaba Cloud", parent=alibaba)
    tencent = services.investor_create(slug="tencent", name_en="Tencent", kind="corporate")
    fund = services.investor_create(
        slug="fund", name_en="Beijing Artificial Intelligence Industry Investment Fund"
    )
    loner = services.investor_create(slug="loner", name_en="Loner")
    round_of(startups[0], JAN_2021, [tencent, alibaba, fund])
    round_of(startups[1], JUN_2022, [tencent, cloud])
    round_of(startups[2], JUN_2022, [alibaba])
    round_of(startups[2], JAN_2021, [tencent])
    round_of(startups[0], JUN_2022, [loner])
    refresh_full()


def by_slugs(data: dict) -> dict[tuple[str, str], dict]:
    slugs = {investor["id"]: investor["slug"] for investor in data["investors"]}
    return {(slugs[p["investor_a_id"]], slugs[p["investor_b_id"]]): p for p in data["pairs"]}


def test_each_pair_of_top_investors_names_the_startups_both_backed(pairs):
    data = co_investment_matrix(limit=4, names=2)

    # Alibaba and Tencent have three deals each (one of Alibaba's through Alibaba Cloud,
    # which is no investor of its own here), the others one; ties by slug.
    assert [investor["slug"] for investor in data["investors"]] == [
        "alibaba",
        "tencent",
        "fund",
        "loner",
    ]
    rivals = by_slugs(data)[("alibaba", "tencent")]
    assert (rivals["shared_startups"], rivals["shared_rounds"]) == (3, 2)
    # Named by name, at most two: the CSV and the pair page have them all.
    assert [s["slug"] for s in rivals["startups"]] == ["startup-0", "startup-1"]
    every = by_slugs(co_investment_matrix(limit=4, names=None))
    assert [s["slug"] for s in every[("alibaba", "tencent")]["startups"]] == [
        "startup-0",
        "startup-1",
        "startup-2",
    ]
    assert [s["slug"] for s in every[("fund", "loner")]["startups"]] == ["startup-0"]


def test_the_matrix_writes_each_count_in_both_cells_and_opens_the_pair(pairs):
    data = co_investment_matrix(limit=4)

    figure = matrix_figure(data, STATUS)

    (cells,) = figure.data
    assert cells.type == "heatmap"
    # Rows and columns: Alibaba, Tencent, the fund, Loner; empty where two never met (on
    # the diagonal).
    assert [list(row) for row in cells.z] == [
        [None, 3, 1, 1],
        [3, None, 1, 1],
        [1, 1, None, 1],
        [1, 1, 1, None],
    ]
    assert cells.customdata[0][1] == "/investors/alibaba/with/tencent/"
    assert cells.customdata[1][0] == "/investors/tencent/with/alibaba/"
    assert cells.customdata[0][0] == ""
    assert cells.hovertext[0][1] == (
        "<b>Alibaba and Tencent</b><br>3 startups backed together, 2 rounds together<br>"
        "Startup 0, Startup 1, Startup 2"
    )
    # Every name written, long ones cut to fit a phone; the full name in the hover.
    assert list(figure.layout.yaxis.ticktext) == ["Alibaba", "Tencent", "Beijing Artif…", "Loner"]
    assert list(figure.layout.xaxis.ticktext) == list(figure.layout.yaxis.ticktext)
    assert (
        "<b>Beijing Artificial Intelligence Industry Investment Fund and Loner</b>"
        in (cells.hovertext[2][3])
    )


def test_a_cell_with_more_startups_than_the_hover_names_says_how_many_more(pairs):
    figure = matrix_figure(co_investment_matrix(limit=2, names=1), STATUS)

    assert figure.data[0].hovertext[0][1].endswith("<br>Startup 0, and 2 more")


def test_the_csv_lists_every_pair_with_all_its_startups(client, pairs):
    response = client.get("/charts/co-investments.csv")

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    pair = next(r for r in rows if {r["investor_a"], r["investor_b"]} == {"alibaba", "tencent"})
    assert pair["shared_startups"] == "3"
    assert pair["shared_rounds"] == "2"
    assert pair["first_together"] == "2021-01-15"
    assert pair["first_together_precision"] == "day"
    assert pair["startups"] == "startup-0;startup-1;startup-2"
    assert len(rows) == 6
