/* Suggestions as one types in the header's search box, from /api/v1/search/ (the ARIA 1.2
   combobox pattern: the input owns a listbox, arrow keys move the active option, Enter or a
   click opens it, Escape closes). Without this script the box is a plain GET form to /search/. */
(function () {
  "use strict";
  var form = document.querySelector("form.site-search[data-suggest]");
  if (!form || !window.fetch) { return; }
  var input = form.querySelector("input[role=combobox]");
  var list = document.getElementById(input.getAttribute("aria-controls"));
  var status = document.getElementById("site-search-status");
  var KINDS = ["startups", "investors", "products", "rounds"];
  var DELAY_MS = 150;  // one request per pause in typing, not one per key
  var timer = null;
  var asked = 0;  // the latest request: an older answer arriving late is dropped
  var active = -1;

  function options() { return list.querySelectorAll("[role=option]"); }

  function close() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function activate(index) {
    var all = options();
    if (!all.length) { return; }
    active = (index + all.length) % all.length;
    all.forEach(function (option, i) { option.setAttribute("aria-selected", String(i === active)); });
    input.setAttribute("aria-activedescendant", all[active].id);
    all[active].scrollIntoView({ block: "nearest" });
  }

  function open(option) { window.location.assign(option.dataset.url); }

  function show(results) {
    list.replaceChildren();
    var count = 0;
    KINDS.forEach(function (kind) {
      (results[kind] || []).forEach(function (hit) {
        var option = document.createElement("li");
        option.id = "site-search-option-" + count;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.url = hit.url;
        var name = document.createElement("span");
        name.className = "suggestion-name";
        name.textContent = hit.name + (hit.other_name ? " · " + hit.other_name : "");
        var detail = document.createElement("span");
        detail.className = "suggestion-context";
        detail.textContent = [form.dataset["kind" + kind.charAt(0).toUpperCase() + kind.slice(1)],
          hit.context].filter(Boolean).join(" · ");
        option.append(name, detail);
        list.append(option);
        count += 1;
      });
    });
    active = -1;
    input.removeAttribute("aria-activedescendant");
    list.hidden = count === 0;
    input.setAttribute("aria-expanded", String(count > 0));
    status.textContent = count ? form.dataset.statusSome.replace("{count}", count)
      : form.dataset.statusNone;
  }

  function suggest() {
    var query = input.value.trim();
    if (!query) { close(); return; }
    var mine = ++asked;
    // The page's language, not the browser's: names and links then match the page.
    fetch(form.dataset.suggest + "?q=" + encodeURIComponent(query), {
      headers: { "Accept": "application/json", "Accept-Language": document.documentElement.lang },
      credentials: "same-origin",
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (answer) {
      if (mine !== asked) { return; }
      if (answer) { show(answer.results); } else { close(); }
    }).catch(function () { if (mine === asked) { close(); } });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(suggest, DELAY_MS);
  });
  input.addEventListener("keydown", function (event) {
    var all = options();
    if (event.key === "ArrowDown" && all.length) {
      event.preventDefault();
      if (list.hidden) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
      activate(active + 1);
    } else if (event.key === "ArrowUp" && all.length) {
      event.preventDefault();
      activate(active - 1);
    } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
      event.preventDefault();  // the chosen suggestion, not the results page
      open(all[active]);
    } else if (event.key === "Escape") {
      close();
    }
  });
  // mousedown, not click: the input's blur (which closes the list) comes before a click.
  list.addEventListener("mousedown", function (event) {
    var option = event.target.closest("[role=option]");
    if (option) { event.preventDefault(); open(option); }
  });
  input.addEventListener("blur", function () { setTimeout(close, 0); });
})();
