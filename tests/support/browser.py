"""Headless Debian Chromium through Playwright's sync API, and axe-core checks.

Tests get ``browser`` (one per session and xdist worker) and ``page`` (a fresh context per test)
from ``tests/conftest.py``; mark them ``@pytest.mark.browser``.

>>> page.goto(base_url)
>>> violations = run_axe(page)
>>> assert not violations, "\\n".join(format_violations(violations))

Chromium is Debian's ``/usr/bin/chromium`` (``apt-get install --no-install-recommends
chromium``); ``playwright install`` is never used. Without it the test is skipped, or fails
under ``CI=true``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import tool_missing

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"

# Root needs --no-sandbox; the rest keep Chromium from calling out on a closed network and
# from running out of /dev/shm in containers.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)

AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


@contextmanager
def launch_chromium() -> Iterator[Any]:
    """Start headless Chromium; yield a Playwright ``Browser``, closed afterwards."""
    if not CHROMIUM.exists():
        tool_missing(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        tool_missing("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def new_page(browser: Any, **context_options: Any) -> Iterator[Any]:
    """A page in its own browser context (fresh cookies, storage, cache); closed afterwards."""
    context = browser.new_context(**context_options)
    try:
        yield context.new_page()
    finally:
        context.close()


def collect_errors(page: Any) -> list[str]:
    """Start recording uncaught page errors and ``console.error`` messages of ``page``.

    Returns a list that fills up as the page runs; assert it is empty at the end of a test.
    """
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            errors.append(f"console.error: {message.text}") if message.type == "error" else None
        ),
    )
    return errors


def run_axe(page: Any, tags: tuple[str, ...] = AXE_TAGS) -> list[dict]:
    """Run axe-core on the page as loaded now; return its violations (empty list when clean).

    Each violation is axe's dict: ``id``, ``impact``, ``help``, ``nodes`` (with ``target``).
    The script is injected as a ``<script>`` tag: a page whose Content-Security-Policy forbids
    inline scripts needs a context made with ``bypass_csp=True``.
    """
    if not AXE_JS.is_file():
        tool_missing(f"{AXE_JS.relative_to(REPO_ROOT)} is missing (npm ci --ignore-scripts)")
    page.add_script_tag(path=str(AXE_JS))
    if not page.evaluate("typeof window.axe === 'object'"):
        raise RuntimeError("axe-core did not load in the page (blocked by a CSP?)")
    return page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return results.violations;
        }""",
        list(tags),
    )


def format_violations(violations: list[dict]) -> list[str]:
    """One readable line per violated rule: ``id (impact): help — targets``."""
    lines = []
    for violation in violations:
        targets = ", ".join(
            " ".join(map(str, node.get("target", []))) for node in violation.get("nodes", [])
        )
        lines.append(
            f"{violation['id']} ({violation.get('impact')}): {violation.get('help')} — {targets}"
        )
    return lines
