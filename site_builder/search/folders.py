"""Where the search cache lives: a module of its own, so that the build can look without
importing whoosh."""

from __future__ import annotations

from pathlib import Path

STORE_FILE = "documents.sqlite"
WHOOSH_DIR = "whoosh"
# How many changed documents an update hands over with their vectors (see `index.IndexUpdate`).
KEEP_CHANGES = 2000


def cache_folder(root: Path, cache_dir: str) -> Path:
    return root / cache_dir / "search"
