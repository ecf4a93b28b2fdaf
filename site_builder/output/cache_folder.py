"""The build cache's folder itself: the lock that keeps two builds of a site apart, and
clearing the folder when what it holds turns out damaged.
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


def clear_folder(directory: Path, keep: Path | None = None) -> None:
    """Remove everything in `directory` but its lock and `keep` (a build's output folder,
    such as the preview's, or a folder holding it)."""
    keep = keep.resolve() if keep is not None else None
    for entry in list(os.scandir(directory)):
        path = Path(entry.path)
        if entry.name == LOCK_FILE:
            continue
        if keep is not None and (path.resolve() == keep or path.resolve() in keep.parents):
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
