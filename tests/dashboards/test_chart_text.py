"""Names in charts: long ones wrap onto two lines or are cut with an ellipsis, counting a
Chinese character as two columns, so that labels leave room for the chart on a phone."""

from decimal import Decimal

import pytest

from dashboards.chart_text import shorten, text_width, wrap_label
from dashboards.investor_charts import BAR_LABEL_COLUMNS, capital


def test_a_chinese_character_takes_two_columns():
    assert text_width("Meituan") == 7
    assert text_width("美团龙珠") == 8


@pytest.mark.parametrize(
    ("name", "wrapped"),
    [
        ("Alibaba Group", "Alibaba Group"),
        (
            "HongShan (formerly Sequoia Capital China)",
            "HongShan (formerly Sequoia<br>Capital China)",
        ),
        (
            "Long-Z Investments (Meituan Dragon Ball / 龙珠)",
            "Long-Z Investments (Meituan<br>Dragon Ball / 龙珠)",
        ),
        # A third line's words join the second, which is then cut.
        ("aaaa bbbb cccc dddd eeee ffff gggg hhhh", "aaaa bbbb cccc<br>dddd eeee fff…"),
        ("北京智源人工智能研究院有限公司", "北京智源人工…"),
    ],
)
def test_a_long_name_wraps_onto_two_lines_of_its_columns(name, wrapped):
    columns = 14 if name.startswith(("aaaa", "北京")) else BAR_LABEL_COLUMNS

    assert wrap_label(name, columns) == wrapped


def test_a_cut_never_splits_an_escaped_character():
    assert shorten("Ant &amp; Partners", 7) == "Ant…"
    assert shorten("Ant &amp; Partners", 11) == "Ant &amp;…"
    assert shorten("Ant &amp; Partners", 30) == "Ant &amp; Partners"


def test_the_capital_chart_labels_its_bars_with_wrapped_names_and_hovers_the_full_one():
    row = {
        "name_en": "HongShan (formerly Sequoia Capital China)",
        "name_zh": "红杉中国",
        "slug": "hongshan",
        "capital_usd": Decimal("1000000000"),
        "capital_qualifier": "exact",
        "credits_usd": None,
        "credits_qualifier": "exact",
        "own_usd": None,
        "deals": 3,
        "deals_disclosed": 2,
    }

    figure = capital([row], {"computed_at": None})

    yaxis = figure.layout.yaxis
    assert list(yaxis.tickvals) == ["HongShan (formerly Sequoia Capital China)"]
    assert list(yaxis.ticktext) == ["HongShan (formerly Sequoia<br>Capital China)"]
    assert "<b>HongShan (formerly Sequoia Capital China)</b>" in figure.data[0].hovertext[0]
