"""The static search index published under `output/search/` (placeholder until the search
index lands: publishes nothing)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path


def publish_search(root: Path, config, archive, bodies) -> Iterator[tuple[str, bytes]]:
    return iter(())
