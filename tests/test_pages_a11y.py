"""Every page type of the sample, in Debian's Chromium: axe-core finds no WCAG 2.1 AA
violation in the light and the dark scheme, the keyboard alone reaches everything with a
visible focus, and the skip link moves the focus to the main content."""

import pytest

from sample_pages import PAGE_TYPES, REPO
from support.browser import collect_errors, format_violations, new_page, run_axe
from support.server import serve_directory
from support.sites import build

pytestmark = pytest.mark.browser

# What the focused element looks like: an outline or a box-shadow a reader can see.
FOCUS_STYLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), id: el.id, text: (el.textContent || "").trim().slice(0, 40),
    outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2,
    shadow: s.boxShadow !== "none",
    visible: r.width > 0 && r.height > 0,
  };
}"""

TABBABLE = """() => [...document.querySelectorAll(
  'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])'
)].filter(el => !el.disabled && el.checkVisibility({visibilityProperty: true})).length"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("a11y") / "output"
    assert build(REPO, "--output", str(out), "--base-url", "http://127.0.0.1/") == 0
    with serve_directory(out) as base_url:
        yield base_url


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_axe_finds_no_wcag_aa_violation(browser, site, name, scheme):
    with new_page(browser, color_scheme=scheme, viewport={"width": 1280, "height": 900}) as page:
        errors = collect_errors(page)
        page.goto(site + PAGE_TYPES[name])
        # Open the charts' tables so their cells are checked too.
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        violations = run_axe(page)
        assert not violations, "\n".join(format_violations(violations))
        assert not errors, errors


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_the_skip_link_shows_and_moves_the_focus_to_main(browser, site, name, width):
    with new_page(browser, viewport={"width": width, "height": 800}) as page:
        page.goto(site + PAGE_TYPES[name])
        page.keyboard.press("Tab")
        first = page.evaluate(FOCUS_STYLE)
        assert first["text"] in ("Aller au contenu", "Skip to content"), first
        assert first["visible"] and first["outline"], f"skip link not visible: {first}"
        box = page.locator("a.skip").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        page.keyboard.press("Tab")
        after_skip = page.evaluate(
            "document.querySelector('main').contains(document.activeElement)"
        )
        assert after_skip, "Tab after the skip link should land inside main"


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_the_keyboard_reaches_everything_with_a_visible_focus(browser, site, name):
    with new_page(browser, viewport={"width": 1280, "height": 800}) as page:
        page.goto(site + PAGE_TYPES[name])
        expected = page.evaluate(TABBABLE)
        seen = []
        for _ in range(expected + 2):
            page.keyboard.press("Tab")
            focus = page.evaluate(FOCUS_STYLE)
            if focus is None or (seen and focus == seen[0]):
                break
            assert focus["visible"], f"focused element is invisible: {focus}"
            assert focus["outline"] or focus["shadow"], f"no visible focus on {focus}"
            seen.append(focus)
        assert len(seen) >= expected, f"{len(seen)} of {expected} focusable elements reached"


def test_chart_tables_open_with_the_keyboard(browser, site):
    with new_page(browser) as page:
        page.goto(site + PAGE_TYPES["company"])
        summary = page.locator("details.chart-data summary").first
        summary.focus()
        page.keyboard.press("Enter")
        assert page.locator("details.chart-data").first.evaluate("d => d.open")
        assert page.locator("details.chart-data table").first.is_visible()


def test_charts_have_a_text_alternative_and_the_numbers(browser, site):
    with new_page(browser) as page:
        page.goto(site + PAGE_TYPES["front"])
        svg = page.locator("svg[role=img]").first
        labelled = svg.get_attribute("aria-labelledby")
        caption = page.locator(f"#{labelled}").inner_text()
        assert "22 articles" in caption
        for attribute in ("width", "height", "viewBox"):
            assert svg.get_attribute(attribute)
        cells = page.locator("details.chart-data tbody td").all_text_contents()
        assert sum(int(c) for c in cells[12::13]) == 22  # each year's total
