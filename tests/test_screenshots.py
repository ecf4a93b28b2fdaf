"""Screenshots of every page type at 360 px and 1280 px, light and dark, for review.

Written to test-artifacts/screenshots/ (ignored by git): `<page>-<width>-<scheme>.png`. The
test also checks what a reviewer would see first: nothing wider than the screen, and no
layout shift while the page loads.
"""

from pathlib import Path

import pytest

from sample_pages import PAGE_TYPES, REPO
from support.browser import new_page
from support.server import serve_directory
from support.sites import build

SHOTS = REPO / "test-artifacts" / "screenshots"
WIDTHS = (360, 1280)
SCHEMES = ("light", "dark")

# Layout shifts reported by the browser while the page loads (CLS entries).
CLS_SCRIPT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  requestAnimationFrame(() => requestAnimationFrame(() => resolve(total)));
})"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("shots") / "output"
    assert build(REPO, "--output", str(out), "--base-url", "http://127.0.0.1/") == 0
    with serve_directory(out) as base_url:
        yield base_url


@pytest.mark.browser
@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_screenshots_of_every_page_type(browser, site, width, scheme):
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    with new_page(browser, viewport={"width": width, "height": 900}, color_scheme=scheme) as page:
        for name, path in PAGE_TYPES.items():
            page.goto(site + path)
            shot = SHOTS / f"{name}-{width}-{scheme}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 1000
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                problems.append(f"{name} at {width}px: {overflow}px wider than the screen")
            shift = page.evaluate(CLS_SCRIPT)
            if shift > 0.01:
                problems.append(f"{name} at {width}px: layout shift {shift:.3f}")
    assert not problems, "\n".join(problems)


def test_screenshots_are_not_committed():
    ignored = (REPO / ".gitignore").read_text("utf-8")
    assert "/test-artifacts/" in ignored
    assert Path(SHOTS).relative_to(REPO).parts[0] == "test-artifacts"
