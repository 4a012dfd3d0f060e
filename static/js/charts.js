/* Draws each figure embedded as <script type="application/json" id=...> into the element that
   names it in data-figure, in the page's light or dark colours, fitted to the element's width
   (a phone's 330 px as well as a desktop column). A click on a point opens the URL in its
   customdata: a round, an investor, the rounds behind a share, a source, or the page of a pair
   of investors (a matrix cell, whose customdata plotly gives as the cell's own). */
(function () {
  "use strict";
  if (!window.Plotly) { return; }
  var dark = window.matchMedia("(prefers-color-scheme: dark)");
  // The plot area (between the axes) is never shorter than this: a legend that wraps onto
  // many rows on a phone would otherwise squeeze a line chart to a smear.
  var MIN_PLOT_HEIGHT = 240;
  // Room kept free on the title's right, so that a wrapped line never touches the edge.
  var TITLE_MARGIN = 8;
  // Space between the toolbar and the title, and half the space below the title, in px.
  var TITLE_GAP = 4;
  var RESIZE_DELAY_MS = 150;
  var HEIGHT_TRIES = 5;
  var CONFIG = {
    responsive: false,  // charts.js redraws on resize itself: titles rewrap, ranges refit
    displaylogo: false,
    displayModeBar: true,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"]
  };
  var ruler = document.createElement("canvas").getContext("2d");

  function theme() {
    var css = getComputedStyle(document.documentElement);
    var fg = css.getPropertyValue("--fg").trim() || "#1d1f21";
    var grid = css.getPropertyValue("--grid").trim() || "rgba(0,0,0,0.1)";
    var card = css.getPropertyValue("--card").trim() || "#ffffff";
    return {
      "font.color": fg,
      "title.font.color": fg,
      "hoverlabel.bgcolor": card,
      "hoverlabel.font.color": fg,
      "hoverlabel.bordercolor": grid,
      "xaxis.gridcolor": grid,
      "xaxis.zerolinecolor": grid,
      "xaxis.color": fg,
      "yaxis.gridcolor": grid,
      "yaxis.zerolinecolor": grid,
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

  function textWidth(text, size, family) {
    ruler.font = size + "px " + family;
    var plain = text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
    return ruler.measureText(plain).width;
  }

  /* Lines of at most `width` px, broken between words, or between any two Chinese
     characters (which have no spaces between words). */
  function wrap(text, size, family, width) {
    var pieces = text.match(/[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+|\s+/g) || [];
    var lines = [];
    var line = "";
    pieces.forEach(function (piece) {
      var longer = line + piece;
      if (line.trim() && !/^\s+$/.test(piece) && textWidth(longer.trim(), size, family) > width) {
        lines.push(line.trim());
        line = piece;
      } else {
        line = longer;
      }
    });
    if (line.trim()) { lines.push(line.trim()); }
    return lines.join("<br>");
  }

  /* The title and its subtitle (units, date) wrapped to the chart's width; plotly neither
     wraps them nor keeps them inside the figure. */
  function wrapTitle(layout, width) {
    var title = layout.title;
    if (!title || !title.text) { return; }
    var family = (layout.font && layout.font.family) || "sans-serif";
    var room = width - TITLE_MARGIN;
    title.text = wrap(title.text, (title.font && title.font.size) || 17, family, room);
    var subtitle = title.subtitle;
    if (subtitle && subtitle.text) {
      subtitle.text = wrap(subtitle.text, (subtitle.font && subtitle.font.size) || 12, family, room);
    }
  }

  /* The title below the toolbar (plotly draws it over the title's right end otherwise), and
     the top margin fitted to the lines the title and subtitle take. Measured, since plotly
     places a title of several lines higher than asked. */
  function titlePlacement(element) {
    var full = element._fullLayout;
    var svgTop = element.querySelector(".main-svg").getBoundingClientRect().top;
    var toolbar = element.querySelector(".modebar");
    var clear = toolbar ? toolbar.getBoundingClientRect().bottom - svgTop + TITLE_GAP : 0;
    var top = Infinity;
    var bottom = -Infinity;
    element.querySelectorAll(".gtitle, .gtitle-subtitle").forEach(function (line) {
      var box = line.getBoundingClientRect();
      top = Math.min(top, box.top - svgTop);
      bottom = Math.max(bottom, box.bottom - svgTop);
    });
    if (top === Infinity) { return {}; }
    var shift = Math.max(0, Math.ceil(clear - top));
    return { "title.pad.t": full.title.pad.t + shift, "margin.t": Math.ceil(bottom + shift + TITLE_GAP * 2) };
  }

  /* The figure made taller until its plot area is MIN_PLOT_HEIGHT: plotly moves the
     margins its title and legend push after each change, so it may take more than one. */
  function heightened(element, tries) {
    var full = element._fullLayout;
    var missing = MIN_PLOT_HEIGHT - full._size.h;
    if (missing <= 0 || tries === 0) { return Promise.resolve(); }
    return window.Plotly.relayout(element, { height: Math.ceil(full.height) + Math.ceil(missing) })
      .then(function () { return heightened(element, tries - 1); });
  }

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-figure"));
    if (!source) { return; }
    var figure = JSON.parse(source.textContent);
    var width = element.clientWidth;
    element.setAttribute("data-drawn", "false");
    element.setAttribute("data-width", String(width));
    wrapTitle(figure.layout, width);
    var config = Object.assign({}, CONFIG, {
      toImageButtonOptions: { format: "png", filename: element.getAttribute("data-name") || "chart",
                              scale: 2 }
    });
    window.Plotly.purge(element);
    window.Plotly.newPlot(element, figure.data, figure.layout, config).then(function () {
      return window.Plotly.relayout(element, theme());
    }).then(function () {
      return window.Plotly.relayout(element, titlePlacement(element));
    }).then(function () {
      return heightened(element, HEIGHT_TRIES);
    }).then(function () {
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
  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      charts.forEach(function (element) {
        if (String(element.clientWidth) !== element.getAttribute("data-width")) { draw(element); }
      });
    }, RESIZE_DELAY_MS);
  });
})();
