"""No page shows a raw internal code: every vocabulary (kinds, statuses, qualifiers,
confidence, precisions, published metrics and their units, modalities, tags) has a label in
English and in Chinese, and every page of the sample, in both languages, shows labels only,
in its text and in its charts' text."""

import importlib
import inspect
import json
import re
from html.parser import HTMLParser

import pytest
from django.db import models
from django.db.models import Count, Q
from django.utils import translation

from dashboards.formatting import metric_value
from deals.models import Investor, ReportedMetric
from deals.vocab import METRIC_LABELS, UNIT_LABELS, metric_label, unit_label
from startups.models import ModelProduct, Startup
from startups.vocab import CURRENCIES, MODALITY_LABELS, TAG_LABELS

pytestmark = pytest.mark.django_db
VOCABULARY_MODULES = ["startups.vocab", "startups.models", "deals.models", "dashboards.models"]
LANGUAGES = ["en", "zh-hans"]
# Where plotly shows text: trace names and hover boxes, titles, axis ticks, annotations.
FIGURE_TEXT_KEYS = {"name", "hovertext", "text", "ticktext"}


def choice_classes() -> list[type[models.Choices]]:
    found = []
    for name in VOCABULARY_MODULES:
        module = importlib.import_module(name)
        found += [
            value
            for value in vars(module).values()
            if inspect.isclass(value)
            and issubclass(value, models.Choices)
            and value.__module__ == name
        ]
    return found


def in_chinese(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


def test_every_choice_of_every_vocabulary_has_a_chinese_label():
    classes = choice_classes()
    assert len(classes) >= 9  # precision, qualifier, confidence, statuses, kinds, periods

    untranslated = [
        (cls.__name__, value)
        for cls in classes
        for value, label in cls.choices
        if in_chinese(label) == str(label)
    ]

    assert untranslated == []


@pytest.mark.parametrize(
    "labels", [METRIC_LABELS, UNIT_LABELS, MODALITY_LABELS, TAG_LABELS], ids=lambda x: ""
)
def test_every_open_list_label_has_an_english_and_a_chinese_text(labels):
    untranslated = [
        code
        for code, label in labels.items()
        if not str(label) or (in_chinese(label) == str(label) and str(label) != "%")
    ]

    assert untranslated == []
    assert all("_" not in str(label) for label in labels.values())


def test_the_sample_uses_no_metric_unit_or_modality_without_a_label(sample):
    metrics = set(ReportedMetric.objects.values_list("metric", flat=True))
    units = set(ReportedMetric.objects.values_list("unit", flat=True)) - CURRENCIES
    modalities = set(ModelProduct.objects.exclude(modality="").values_list("modality", flat=True))

    assert metrics - set(METRIC_LABELS) == set()
    assert units - set(UNIT_LABELS) == set()
    assert modalities - set(MODALITY_LABELS) == set()


def test_a_code_without_a_label_is_shown_as_words():
    assert metric_label("ai_robot_orders") == "ai robot orders"
    assert unit_label("robot_arms") == "robot arms"


def test_a_published_figure_is_written_in_its_unit_and_the_readers_language():
    assert metric_value(40, "percent", language="en") == "40%"
    assert metric_value(190, "products", "at_least", language="en") == "≥ 190 products"
    assert metric_value(249_000_000, "people", language="en") == "249,000,000 people"
    with translation.override("zh-hans"):
        assert metric_value(40, "percent") == "40%"
        assert metric_value(102, "deals") == "102笔交易"
        assert metric_value(249_000_000, "people", "approx") == "≈ 2.49亿人"
        assert metric_value(63_100_000_000, "CNY") == "631亿元"


class VisibleText(HTMLParser):
    """The text a reader sees: text outside scripts and styles, and the attributes a browser
    shows (title, alt, placeholder, aria-label); each chart's text from its figure JSON."""

    SHOWN_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0
        self.figures: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.parts += [value or "" for name, value in attrs if name in self.SHOWN_ATTRIBUTES]
        if tag in ("script", "style"):
            self.hidden += 1
            self.in_figure = dict(attrs).get("type") == "application/json"

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)
        elif getattr(self, "in_figure", False):
            self.figures.append(data)


def figure_text(node) -> list[str]:
    """The texts plotly draws from a figure: trace names, hover boxes, titles, ticks."""
    if isinstance(node, dict):
        found = []
        for key, value in node.items():
            if key in FIGURE_TEXT_KEYS or (key == "title" and isinstance(value, str)):
                found += value if isinstance(value, list) else [value]
            else:
                found += figure_text(value)
        return [text for text in found if isinstance(text, str)]
    if isinstance(node, list):
        return [text for item in node for text in figure_text(item)]
    return []


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    texts = parser.parts + [
        text for figure in parser.figures for text in figure_text(json.loads(figure))
    ]
    return re.sub(r"\s+", " ", " ".join(texts))


def raw_codes() -> set[str]:
    """Every known code a reader must not see: the vocabulary values with an underscore."""
    codes = {value for cls in choice_classes() for value in cls.values if "_" in value}
    codes |= set(ReportedMetric.objects.values_list("metric", flat=True))
    return {code for code in codes if "_" in code}


def without_notes(response) -> str:
    """The page without the records' notes: the researchers' own words, shown as written
    ("Kind as researched: corporate_vc"), not labels of the page."""
    return re.sub(r'<(p|details) class="notes">.*?</\1>', "", response.content.decode(), flags=re.S)


def investors_covering_every_code() -> set[str]:
    """Investor pages differ by what the investor is and has: one of each kind, every one with
    published figures, affiliates or compute deals it provided, and the 20 with the most
    rounds (their portfolios hold the startups of every sector and status; each startup's
    own page is read too). The other investors' pages show nothing these do not."""
    investors = Investor.objects.annotate(joined=Count("participations"))
    one_of_each_kind = {
        investors.filter(kind=kind).order_by("slug").values_list("slug", flat=True)[0]
        for kind in investors.values_list("kind", flat=True).distinct()
    }
    special = investors.filter(
        Q(metrics__isnull=False)
        | Q(parent__isnull=False)
        | Q(affiliates__isnull=False)
        | Q(compute_deals__isnull=False)
    )
    busiest = investors.order_by("-joined", "slug")[:20]
    return (
        one_of_each_kind
        | set(special.values_list("slug", flat=True))
        | set(busiest.values_list("slug", flat=True))
    )


def every_page() -> list[str]:
    return [
        "/",
        "/startups/",
        "/investors/",
        "/rounds/",
        "/products/",
        "/compute/",
        "/about/data/",
        *(f"/startups/{slug}/" for slug in Startup.objects.values_list("slug", flat=True)),
        *(f"/investors/{slug}/" for slug in sorted(investors_covering_every_code())),
    ]


def test_no_page_shows_a_raw_code_in_either_language(client, sample):
    codes = raw_codes()
    assert {"press_report", "at_least", "share_of_china_deals_in_ai_startups"} <= codes
    code_pattern = re.compile(
        r"(?<![\w/.=-])(" + "|".join(map(re.escape, sorted(codes))) + r")(?![\w/.-])"
    )
    pages = every_page()
    # 7 lists, the 83 startups of data/sample/startups.csv, the investors covering every code.
    assert len(pages) > 7 + 83 + 20

    shown = {}
    for language in LANGUAGES:
        client.cookies["django_language"] = language
        for url in pages:
            response = client.get(url, follow=True)
            assert response.status_code == 200, url
            found = set(code_pattern.findall(visible_text(without_notes(response))))
            if found:
                shown[language, url] = found

    assert shown == {}


def test_chinese_pages_name_published_figures_and_units_in_chinese(client, sample):
    text = visible_text(client.get("/zh-hans/investors/alibaba/").content.decode())

    metrics = re.search(r"关于该投资方的公开数据(.*?)投资组合", text, re.S)[1]
    assert "对外投资交易数: 39笔交易" in metrics
    assert "在华投资交易中投向 AI 初创公司的占比: 40%" in metrics
    assert not re.search(r"\b(deals|percent)\b", metrics)
    startup = visible_text(client.get("/zh-hans/startups/minimax/").content.decode())
    assert "估值报道 (媒体报道)" in startup
