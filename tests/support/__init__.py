"""Reusable test helpers for site-builder's test suite.

- ``server.serve_directory``: serve a built site over HTTP on 127.0.0.1, optionally under a prefix.
- ``crawl.crawl``: follow every internal link of a served site; report broken links and anchors.
- ``vnu.validate_html``: the Nu HTML checker (vnu.jar from node_modules) over many files at once.
- ``browser``: headless Debian Chromium through Playwright, and ``run_axe`` for accessibility.

External tools (java + vnu.jar, chromium, axe-core) come from ``bash scripts/install.sh
--with-test-tools``. When one is missing, tests using it are skipped locally but fail under
``CI=true``, so CI can never pass by skipping.
"""

import os
from typing import NoReturn

import pytest


class MissingToolError(RuntimeError):
    """An external test tool is not installed, and we run in CI where that is an error."""


def tool_missing(reason: str) -> NoReturn:
    """Raise ``MissingToolError`` under ``CI=true``, else skip the test with ``reason``.

    A missing tool must never let CI pass by skipping; on a developer's machine a skip that
    names the fix is friendlier.
    """
    if os.environ.get("CI") == "true":
        raise MissingToolError(f"{reason} (CI=true: a missing test tool is an error)")
    pytest.skip(f"{reason}; run: bash scripts/install.sh --with-test-tools")
