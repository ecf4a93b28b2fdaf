"""A build's warnings, kept in the build cache so that a build that finds nothing changed
shows them again; and the warning of a build whose guard found a stale page.
"""

from __future__ import annotations

import os
from pathlib import Path

from site_builder.output.cache import BuildCache
from site_builder.problems import Problem

_WARNINGS_FILE = "warnings.pickle"


def remember_warnings(cache: BuildCache, target: str, warnings: tuple[Problem, ...]) -> None:
    """Keep a build's warnings, so a build that finds nothing changed shows them again."""
    import pickle

    file = cache.directory / _WARNINGS_FILE
    kept = _read_warnings(file)
    if kept.get(target, ()) == warnings:
        return
    kept[target] = warnings
    tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    tmp.write_bytes(pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(tmp, file)


def stale_key_warning(path: str) -> Problem:
    """What a build says when its guard found a page out of date although its key had not
    changed (it then rendered every page, so the site is right)."""
    message = (
        f"{path} was out of date although nothing it is made of had changed, as far as the "
        "build could tell: every page was rendered again. This is a bug in site-builder (a "
        "page's cache key misses something the page shows); please report it with the edit "
        "that came before"
    )
    return Problem("build", None, None, message, severity="warning")


def last_warnings(cache: BuildCache | None, target: str) -> tuple[Problem, ...]:
    if cache is None:
        return ()
    return _read_warnings(cache.directory / _WARNINGS_FILE).get(target, ())


def _read_warnings(file: Path) -> dict[str, tuple[Problem, ...]]:
    import pickle

    try:
        kept = pickle.loads(file.read_bytes())
    except Exception:  # missing, damaged, or written by a version whose classes moved
        return {}
    return kept if isinstance(kept, dict) else {}
