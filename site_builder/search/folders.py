"""Where the search cache lives: a module of its own, so that the build can look without
importing whoosh."""

from __future__ import annotations

import os
from pathlib import Path

STORE_FILE = "documents.sqlite"
WHOOSH_DIR = "whoosh"
# How many changed documents an update hands over with their vectors (see `index.IndexUpdate`).
KEEP_CHANGES = 2000


def cache_folder(root: Path, cache_dir: str) -> Path:
    return root / cache_dir / "search"


def search_cache_stats(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Each file of the search cache (but SQLite's journals, which reading makes and removes)
    with its size and mtime: a build whose last one left other stats looks at the index again,
    and so finds it damaged or gone."""
    found = []
    stack = [folder]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
            elif not entry.name.endswith(("-wal", "-shm", "-journal")):
                st = entry.stat(follow_symlinks=False)
                found.append((entry.path, st.st_size, st.st_mtime_ns))
    return tuple(sorted(found))
