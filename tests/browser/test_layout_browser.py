"""Every page at a phone's width (390 px) and a desktop's (1280 px), in Chromium: the page
does not scroll sideways, every chart's plot area is at least 240 px tall, no chart's text is
cut (each tick label, legend entry, title line and annotation inside the chart's SVG, each
point's label inside the plot area that clips it), and plotly's toolbar covers no title.
Phone screenshots go to artifacts/screenshots/<page>-phone.png."""

import pytest

from .pages import LOCAL_HOSTS, PAGES, SCREENSHOTS, drawn_charts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
MIN_PLOT_HEIGHT = 240
LAYOUT_PAGES = {**PAGES, "rounds-unfiltered": "/rounds/", "search-kimi": "/search/?q=kimi"}

# What a reader would see go wrong, measured in the page. A box is [left, top, right, bottom].
MEASURE_LAYOUT = """() => {
  const root = document.documentElement;
  const box = (element) => {
    const r = element.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom];
  };
  const inside = (inner, outer) => inner[0] >= outer[0] - 0.5 && inner[1] >= outer[1] - 0.5
    && inner[2] <= outer[2] + 0.5 && inner[3] <= outer[3] + 0.5;
  const overlap = (a, b) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
  const describe = (element) => (element.getAttribute("class") || element.tagName) + " "
    + JSON.stringify(element.textContent.slice(0, 30));
  const wide = Array.from(document.body.querySelectorAll("*"))
    .filter((element) => element.getBoundingClientRect().right > root.clientWidth + 0.5)
    .slice(0, 5).map((element) => element.tagName + "#" + element.id + "." + element.className);
  const charts = Array.from(document.querySelectorAll("[data-figure]")).map((chart) => {
    const svg = box(chart.querySelector(".main-svg"));
    const size = chart._fullLayout._size;
    const left = svg[0] + size.l;
    const top = svg[1] + size.t;
    const plot = [left, top, left + size.w, top + size.h];
    const texts = Array.from(chart.querySelectorAll("svg text"))
      .filter((text) => text.textContent.trim() && text.getBoundingClientRect().width > 0);
    const cut = texts.filter((text) => !inside(box(text), svg)).map(describe);
    const clipped = Array.from(chart.querySelectorAll(".textpoint text"))
      .filter((text) => !inside(box(text), plot)).map(describe);
    const toolbar = chart.querySelector(".modebar");
    const covered = toolbar ? Array.from(chart.querySelectorAll(".gtitle, .gtitle-subtitle"))
      .filter((title) => overlap(box(title), box(toolbar))).map(describe) : [];
    return {id: chart.id, height: chart.getBoundingClientRect().height, plotHeight: size.h,
            cut: cut, clipped: clipped, covered: covered, toolbar: Boolean(toolbar)};
  });
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide: wide, charts: charts};
}"""


def layout_problems(page) -> list[str]:
    """What is wrong with the page's layout, in words; empty when nothing is."""
    drawn_charts(page)
    layout = page.evaluate(MEASURE_LAYOUT)
    problems = []
    if layout["scrollWidth"] > layout["clientWidth"]:
        problems.append(f"scrolls sideways to {layout['scrollWidth']} px: {layout['wide']}")
    for chart in layout["charts"]:
        if not chart["toolbar"]:
            problems.append(f"{chart['id']} has no toolbar")
        if chart["plotHeight"] < MIN_PLOT_HEIGHT:
            problems.append(f"{chart['id']} plot area {chart['plotHeight']:.0f} px tall")
        for kind in ("cut", "clipped", "covered"):
            problems += [f"{chart['id']} {kind}: {text}" for text in chart[kind]]
    return problems


@pytest.mark.parametrize(("viewport", "suffix"), [(PHONE, "-phone"), (DESKTOP, "")])
def test_every_page_fits_the_screen_with_whole_readable_charts(site, watched, viewport, suffix):
    watched.set_viewport_size(viewport)
    for name, path in LAYOUT_PAGES.items():
        watched.goto(site + path)

        assert layout_problems(watched) == [], (name, viewport["width"])
        if suffix:
            watched.screenshot(path=SCREENSHOTS / f"{name}{suffix}.png", full_page=True)
    assert watched.errors == []
    assert watched.hosts <= LOCAL_HOSTS


def test_the_chinese_overview_fits_a_phone(site, watched):
    watched.set_viewport_size(PHONE)
    watched.goto(site + "/")
    with watched.expect_navigation():
        watched.select_option("#language-select", "zh-hans")

    assert watched.locator("html").get_attribute("lang") == "zh-hans"
    assert layout_problems(watched) == []
    watched.screenshot(path=SCREENSHOTS / "overview-zh-phone.png", full_page=True)
    assert watched.errors == []


def test_a_chart_is_fitted_again_when_the_window_turns_to_phone_width(site, watched):
    watched.set_viewport_size(DESKTOP)
    watched.goto(site + "/")
    drawn_charts(watched)

    watched.set_viewport_size(PHONE)
    watched.wait_for_function(
        "Array.from(document.querySelectorAll('[data-figure]'))"
        ".every((chart) => chart.getAttribute('data-width') === String(chart.clientWidth))"
    )

    assert layout_problems(watched) == []
    assert watched.errors == []
