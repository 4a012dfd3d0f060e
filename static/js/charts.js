/* Draws each figure embedded as <script type="application/json" id=...> into the element that
   names it in data-figure, in the page's light or dark colours. A click on a point opens the
   URL in its customdata: a round, an investor, the rounds behind a share, or a source. */
(function () {
  "use strict";
  if (!window.Plotly) { return; }
  var dark = window.matchMedia("(prefers-color-scheme: dark)");

  function theme() {
    var css = getComputedStyle(document.documentElement);
    var fg = css.getPropertyValue("--fg").trim() || "#1d1f21";
    var grid = css.getPropertyValue("--grid").trim() || "rgba(0,0,0,0.1)";
    var card = css.getPropertyValue("--card").trim() || "#ffffff";
    var axis = { gridcolor: grid, zerolinecolor: grid, linecolor: grid, color: fg };
    return {
      "font.color": fg,
      "title.font.color": fg,
      "hoverlabel.bgcolor": card,
      "hoverlabel.font.color": fg,
      "hoverlabel.bordercolor": grid,
      "xaxis.gridcolor": axis.gridcolor,
      "xaxis.zerolinecolor": axis.zerolinecolor,
      "xaxis.color": fg,
      "yaxis.gridcolor": axis.gridcolor,
      "yaxis.zerolinecolor": axis.zerolinecolor,
      "yaxis.color": fg
    };
  }

  function opener(url) {
    if (typeof url !== "string" || !url) { return; }
    if (url.charAt(0) === "/" && url.charAt(1) !== "/") {
      window.location.assign(url);
    } else if (/^https?:\/\//.test(url)) {
      window.open(url, "_blank", "noopener");
    }
  }

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-figure"));
    if (!source) { return; }
    var figure = JSON.parse(source.textContent);
    var config = {
      responsive: true,
      displaylogo: false,
      displayModeBar: true,
      modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
      toImageButtonOptions: { format: "png", filename: element.getAttribute("data-name") || "chart",
                              scale: 2 }
    };
    window.Plotly.newPlot(element, figure.data, figure.layout, config).then(function () {
      window.Plotly.relayout(element, theme());
      element.setAttribute("data-drawn", "true");
    });
    element.on("plotly_click", function (event) {
      var point = event && event.points && event.points[0];
      if (point) { opener(point.customdata); }
    });
  }

  var charts = Array.prototype.slice.call(document.querySelectorAll("[data-figure]"));
  charts.forEach(draw);
  var retheme = function () {
    charts.forEach(function (element) { window.Plotly.relayout(element, theme()); });
  };
  if (dark.addEventListener) { dark.addEventListener("change", retheme); }
})();
