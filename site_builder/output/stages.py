"""A test hook: `SITE_BUILDER_TEST_STOP_AT=<stage>` kills the build (SIGKILL, nothing cleaned
up) when it reaches that stage, so the tests can check what the next build makes of what a
killed one left. The stages: `parsing` (the content files read, the cache not yet saved),
`rendering` (pages rendered, nothing written), `writing` (the commit half done: one new file
in place) and `search` (the search cache updated, its postings not yet)."""

from __future__ import annotations

import os
import signal

STAGES = ("parsing", "rendering", "writing", "search")


def reached(stage: str) -> None:
    """Kill this process if the test hook asks to stop at `stage`."""
    if os.environ.get("SITE_BUILDER_TEST_STOP_AT") == stage:
        os.kill(os.getpid(), signal.SIGKILL)
