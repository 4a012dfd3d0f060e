"""The stylesheet plotly.js injects as a <style> element, kept as a static file instead.

plotly.js adds two stylesheets when it loads: its own rules (id `plotly.js-style-global`) and
MapLibre's, for maps (its id is the hash of that CSS). A Content-Security-Policy without
`style-src 'unsafe-inline'` refuses both. plotly.js leaves each out when the page already has an
element with its id (the global one with the class `no-inline-styles` too), so
templates/dashboards/_plotly.html links our copy of the global rules under their id, and holds
an empty element under MapLibre's: we draw no maps.

After upgrading static/vendor/plotly.min.js, regenerate the copy and check MapLibre's id in the
template (tests/security/test_csp_browser.py fails until both are done):

    .venv/bin/python -m tests.security.plotly_styles
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parents[2]
PLOTLY = ROOT / "static" / "vendor" / "plotly.min.js"
GLOBAL_STYLES = ROOT / "static" / "vendor" / "plotly.css"
GLOBAL_ID = "plotly.js-style-global"
INCLUDE = ROOT / "templates" / "dashboards" / "_plotly.html"
INJECTED = """() => Object.fromEntries(Array.from(document.querySelectorAll("style")).map(
  (style) => [style.id, Array.from(style.sheet.cssRules).map((rule) => rule.cssText)]
))"""
PARSED = """(css) => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  return Array.from(sheet.cssRules).map((rule) => rule.cssText);
}"""


def injected_styles(browser: Browser) -> dict[str, list[str]]:
    """The rules of each <style> element plotly.js injects into a blank page with no policy,
    by the element's id."""
    with tempfile.TemporaryDirectory() as folder:
        blank = Path(folder) / "plotly.html"
        blank.write_text(f'<!doctype html><script src="{PLOTLY.as_uri()}"></script>')
        page = browser.new_page()
        page.goto(blank.as_uri())
        styles = page.evaluate(INJECTED)
        page.close()
    return styles


def vendored_rules(browser: Browser) -> list[str]:
    """The rules of our copy, as the browser reads them, to compare like with like."""
    page = browser.new_page()
    rules = page.evaluate(PARSED, GLOBAL_STYLES.read_text())
    page.close()
    return rules


def main() -> None:
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        styles = injected_styles(browser)
        browser.close()
    rules = styles.pop(GLOBAL_ID)
    header = f"/* What plotly.js injects as <style id={GLOBAL_ID}>: see {__spec__.name}. */\n"
    GLOBAL_STYLES.write_text(header + "\n".join(rules) + "\n")
    print(f"{GLOBAL_STYLES.relative_to(ROOT)}: {len(rules)} rules")
    for element_id in styles:
        if element_id not in INCLUDE.read_text():
            print(f"{INCLUDE.relative_to(ROOT)} needs an element with id {element_id}")


if __name__ == "__main__":
    main()
