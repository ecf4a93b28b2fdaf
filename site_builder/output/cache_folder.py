"""The build cache's folder itself: the lock that keeps two builds of a site apart, and
setting what it holds aside when a build with it fails (see `build.build_site`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import IO

LOCK_FILE = "lock"


def take_lock(directory: Path, on_wait: Callable[[int | None], None] | None = None) -> IO:
    """Open and lock `directory/lock` for the build, waiting while another build of the site
    holds it (`on_wait` is told first, with that build's process id if it is known). A lock
    file that is not a plain file is replaced."""
    path = directory / LOCK_FILE
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.is_symlink():
        path.unlink()
    lock = open(path, "a+")  # noqa: SIM115 - held for the build
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait(_holder(lock))
            fcntl.flock(lock, fcntl.LOCK_EX)
        lock.seek(0)
        lock.truncate()
        lock.write(f"{os.getpid()}\n")
        lock.flush()
    except BaseException:
        lock.close()
        raise
    return lock


def _holder(lock: IO) -> int | None:
    """The process id the build holding `lock` wrote into it."""
    with contextlib.suppress(OSError, ValueError, UnicodeDecodeError):
        lock.seek(0)
        return int(lock.read(32).strip())
    return None


def release_lock(lock: IO) -> None:
    with contextlib.suppress(OSError, ValueError):
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()


ASIDE = ".set-aside"


def set_aside(directory: Path, keep: Path | None = None) -> Path:
    """Move everything in `directory` but its lock and `keep` (a build's output folder, such
    as the preview's, or a folder holding it) into a folder of its own, which it returns: the
    build starts from an empty cache, and `put_back` or `drop` end the matter."""
    aside = directory / ASIDE
    drop(aside)
    aside.mkdir()
    keep = keep.resolve() if keep is not None else None
    for entry in list(os.scandir(directory)):
        path = Path(entry.path)
        if entry.name in (LOCK_FILE, ASIDE):
            continue
        if keep is not None and (path.resolve() == keep or path.resolve() in keep.parents):
            continue
        os.replace(path, aside / entry.name)
    return aside


def put_back(directory: Path, aside: Path) -> None:
    """Undo `set_aside`: what the build made since goes, what was set aside comes back."""
    for entry in list(os.scandir(aside)):
        _remove(directory / entry.name)
        os.replace(entry.path, directory / entry.name)
    drop(aside)


def drop(aside: Path) -> None:
    shutil.rmtree(aside, ignore_errors=True)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
