"""Shared fixtures. Helpers live in tests/support/ (see its __init__ for the list)."""

import pytest

# Plain `assert`s inside the helpers get pytest's detailed failure messages too.
pytest.register_assert_rewrite("support")

from support.browser import launch_chromium, new_page  # noqa: E402


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium (Playwright ``Browser``), one per test session / xdist worker."""
    with launch_chromium() as chromium:
        yield chromium


@pytest.fixture
def page(browser):
    """A fresh Playwright ``Page`` in its own browser context, closed after the test."""
    with new_page(browser) as fresh_page:
        yield fresh_page
