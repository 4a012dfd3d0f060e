/* Draws each figure embedded as <script type="application/json" id=...> into the element that
   names it in data-figure, in the page's light or dark colours, fitted to the element's width
   (a phone's 330 px as well as a desktop column). A click on a point opens the URL in its
   customdata: a round, an investor, the rounds behind a share, or a source. */
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
  // The widest a point's label may be, as a share of the chart's width.
  var LABEL_SHARE = 0.28;
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

  /* Point labels (the network's names) cut with an ellipsis to LABEL_SHARE of the chart's
     width, so that the labels on both sides of a circle leave room for it. The full name
     stays in the hover text. */
  function shortenLabels(figure, width) {
    var family = (figure.layout.font && figure.layout.font.family) || "sans-serif";
    var room = width * LABEL_SHARE;
    figure.data.forEach(function (trace) {
      if (String(trace.mode).indexOf("text") < 0 || !Array.isArray(trace.text)) { return; }
      var size = (trace.textfont && trace.textfont.size) || 12;
      trace.text = trace.text.map(function (text) {
        var cut = text;
        while (cut.length > 1 && textWidth(cut + (cut === text ? "" : "…"), size, family) > room) {
          cut = cut.slice(0, -1);
        }
        return cut === text ? text : cut.replace(/&[^;\s]*$/, "").trim() + "…";
      });
    });
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

  /* The x or y range in which every point's text label lies inside the plot area, which
     clips it; null when the figure's own range already does. `span` is the axis length in
     px; each label has its point's value and how far it reaches before and after it, in px
     along the axis. The widest scale that fits every pair of labels wins, centred. */
  function rangeFitting(axis, span, labels) {
    var range = axis.range;
    var scale = span / (range[1] - range[0]);
    var fits = labels.every(function (l) {
      var at = (l.value - range[0]) * scale;
      return at - l.before >= 0 && at + l.after <= span;
    });
    if (fits || !labels.length) { return null; }
    labels.forEach(function (a) {
      labels.forEach(function (b) {
        if (a.value > b.value) {
          scale = Math.min(scale, (span - a.after - b.before) / (a.value - b.value));
        }
      });
    });
    if (!(scale > 0)) { return null; }
    var low = -Infinity;
    var high = Infinity;
    labels.forEach(function (l) {
      low = Math.max(low, l.value - (span - l.after) / scale);
      high = Math.min(high, l.value - l.before / scale);
    });
    var start = (low + high) / 2;
    return [start, start + span / scale];
  }

  /* Ranges that keep the labels of "markers+text" traces (the network's names) inside the
     plot area, from where plotly drew them. */
  function labelRanges(element) {
    var full = element._fullLayout;
    var size = full._size;
    var svg = element.querySelector(".main-svg").getBoundingClientRect();
    var left = svg.left + size.l;
    var top = svg.top + size.t;
    var across = [];
    var down = [];
    element._fullData.forEach(function (trace) {
      var drawn = element.querySelector(".scatterlayer .trace" + trace.uid);
      if (!drawn || String(trace.mode).indexOf("text") < 0) { return; }
      var texts = drawn.querySelectorAll(".textpoint text");
      if (texts.length !== trace.x.length) { return; }
      trace.x.forEach(function (x, point) {
        var box = texts[point].getBoundingClientRect();
        var px = full.xaxis.l2p(x);
        var py = full.yaxis.l2p(trace.y[point]);
        across.push({ value: x, before: px - (box.left - left), after: box.right - left - px });
        // Up the y axis is down the page.
        down.push({ value: trace.y[point], before: box.bottom - top - py, after: py - (box.top - top) });
      });
    });
    var update = {};
    var x = rangeFitting(full.xaxis, size.w, across);
    var y = rangeFitting(full.yaxis, size.h, down);
    if (x) { update["xaxis.range"] = x; }
    if (y) { update["yaxis.range"] = y; }
    return update;
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
    shortenLabels(figure, width);
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
      return window.Plotly.relayout(element, labelRanges(element));
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
