"""The co-investment matrix on the overview reads at a glance at a desktop's and a phone's
width: every investor named on both axes, no two names overlapping, and a click on a cell
opens the page of that pair of investors."""

import pytest

from .pages import drawn_charts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MATRIX = "#chart-co-investments"
# Each axis's tick labels, as the rotated rectangles they are drawn in (an upright box around
# a slanted label would overlap its neighbours' though the letters do not): pairs of them
# that overlap, by the separating axis test.
OVERLAPS = """(matrix) => {
  const chart = document.querySelector(matrix);
  const corners = (text) => {
    const box = text.getBBox();
    const ctm = text.getScreenCTM();
    return [[box.x, box.y], [box.x + box.width, box.y], [box.x + box.width, box.y + box.height],
            [box.x, box.y + box.height]].map(([x, y]) => {
      const point = new DOMPoint(x, y).matrixTransform(ctm);
      return [point.x, point.y];
    });
  };
  const separated = (a, b) => [a, b].some((shape) => shape.some((corner, i) => {
    const next = shape[(i + 1) % 4];
    const normal = [next[1] - corner[1], corner[0] - next[0]];
    const project = (points) => points.map((p) => p[0] * normal[0] + p[1] * normal[1]);
    const [pa, pb] = [project(a), project(b)];
    const length = Math.hypot(normal[0], normal[1]);
    // A pixel of tolerance: projections are scaled by the normal's length.
    return Math.max(...pa) <= Math.min(...pb) + length
      || Math.max(...pb) <= Math.min(...pa) + length;
  }));
  const found = {};
  for (const axis of ["xtick", "ytick"]) {
    const labels = Array.from(chart.querySelectorAll(`.${axis} text`));
    const shapes = labels.map(corners);
    found[axis] = {count: labels.length, overlapping: []};
    shapes.forEach((a, i) => shapes.slice(i + 1).forEach((b, j) => {
      if (!separated(a, b)) {
        found[axis].overlapping.push([labels[i].textContent, labels[i + 1 + j].textContent]);
      }
    }));
  }
  return found;
}"""


def test_the_matrix_names_every_investor_legibly_and_a_cell_opens_the_pair(site, watched):
    for width in (390, 1280):
        watched.set_viewport_size({"width": width, "height": 900})
        watched.goto(site + "/")
        drawn_charts(watched)

        labels = watched.evaluate(OVERLAPS, MATRIX)
        assert labels == {
            "xtick": {"count": 12, "overlapping": []},
            "ytick": {"count": 12, "overlapping": []},
        }, width
        # The first row is the investor with the most deals, Tencent; its second cell
        # Alibaba.
        chart = watched.locator(MATRIX)
        chart.scroll_into_view_if_needed()
        area = chart.locator(".nsewdrag").first.bounding_box()
        cell = (area["x"] + area["width"] * 1.5 / 12, area["y"] + area["height"] * 0.5 / 12)
        watched.mouse.move(*cell)
        assert "Tencent Holdings and Alibaba Group" in chart.locator(".hoverlayer").text_content()
        with watched.expect_navigation():
            watched.mouse.click(*cell)
        assert watched.url == site + "/investors/tencent/with/alibaba/"
    assert watched.errors == []
