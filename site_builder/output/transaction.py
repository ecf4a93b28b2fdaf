"""The only stage that writes the site. New bytes are staged beside `output/` and put in place
only when the whole build succeeded, each file by a rename, so that no reader ever sees a torn
file; bytes that did not change are not rewritten; files the build no longer produces are
removed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from site_builder.output.stages import reached
from site_builder.output.staging import (
    OutputIncomplete,
    OutputNotWritten,
    Staging,
    _write_all,
)

# A folder whose mtime is this recent when recorded may hide a later change in the same clock
# tick: it is looked into again next time.
SETTLED_NS = 1_000_000_000
# The end of the name a new file has beside its target until the commit renames it.
TEMPORARY_SUFFIX = ".site-builder-tmp"
# In `output/` while the commit writes and renames the new files: if it is there before a
# build, the last one was killed and may have left temporary files (see `commit_interrupted`).
COMMIT_MARKER = ".commit" + TEMPORARY_SUFFIX


@dataclass(frozen=True)
class WriteReport:
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: int

    @property
    def written(self) -> int:
        return len(self.added) + len(self.changed)


class OutputTransaction(Staging):
    """Collect the files of one build, then `commit()` them into `output` at once.

    With `folders` (every folder of `output` → its mtime when the last build recorded it) and
    `previous` (the files the last build produced), removing stale files looks only into the
    folders that changed since (a file put there by hand) or that this build touched, instead
    of walking the whole output. After `commit()`, `folders` holds the new record.
    """

    def __init__(
        self,
        output: Path,
        folders: dict[str, int] | None = None,
        previous: Collection[str] = (),
    ):
        staging = output.parent / f".{output.name}.staging"
        super().__init__(output, staging, fresh=not output.exists())
        self.folders = folders
        self._previous = previous
        self._surveyed: dict[str, int | None] | None = None  # see `survey`
        try:
            if self.staging.exists():
                shutil.rmtree(self.staging)  # left over by a build that was killed
            self.staging.mkdir(parents=True)
        except OSError as exc:
            raise OutputNotWritten(str(self.staging), exc) from None

    def commit(self) -> WriteReport:
        self.close_spool()
        removed: list[str] = []
        try:
            if self.fresh:
                try:
                    self.staging.rename(self.output)
                except OSError as exc:
                    raise OutputNotWritten(str(self.output), exc) from None
                _, self.folders = self._sweep("")  # removes nothing: only what was produced
            else:
                replaced = self._unspool()
                try:
                    removed = sorted({*self._remove_stale(), *replaced})
                except OSError as exc:
                    where = exc.filename or str(self.output)
                    raise OutputIncomplete(where, exc, "remove") from None
        finally:
            shutil.rmtree(self.staging, ignore_errors=True)
        return WriteReport(
            tuple(sorted(self._added)), tuple(sorted(self._changed)), tuple(removed),
            self._unchanged,
        )  # fmt: skip

    def _unspool(self) -> list[str]:
        """Put every staged file in its place in `output/` so that no file is ever torn.
        Returns the files of the last build that a folder of this one replaced, or that were
        in a folder a file of this one replaced.

        First each new file is written whole beside its target, under a temporary name (a
        folder where a file is still in place is made whole under a temporary name too); if
        that fails (a full disk, say), what it wrote is removed and `output/` is as it was:
        nothing in it is removed or replaced before every new file is written. Then each takes
        its target's place by a rename, which a reader (a server during the build) sees as all
        old or all new bytes, and which a build killed halfway leaves as whole old or whole new
        files. A temporary file left by a killed build is removed by the next one, as any file
        it did not produce."""
        out = str(self.output)
        spools: dict[str, int] = {}
        # (temporary, target, whether it is a folder), in commit order: a file renamed over
        # its target, or a folder made whole under a temporary name that takes the place of
        # the file at its target.
        placed: list[tuple[str, str, bool]] = []
        made: list[str] = []  # folders this commit created in place, parents first
        # A folder of output/ → where its new files go now, and whether that is its place.
        where: dict[str, tuple[str, bool]] = {"": (out, True)}
        suffix = f".{os.getpid()}{TEMPORARY_SUFFIX}"

        def folder_of(rel: str) -> tuple[str, bool]:
            if rel in where:
                return where[rel]
            parent_rel, _, name = rel.rpartition("/")
            parent, in_place = folder_of(parent_rel)
            path = f"{parent}/{name}"
            if not in_place:
                os.mkdir(path)  # inside a folder made under a temporary name
            elif not os.path.isdir(path):
                if os.path.lexists(path):  # a file where this build puts a folder: it stays
                    temporary = f"{parent}/.{name}{suffix}"  # until every new file is written
                    _remove(temporary)  # left by a killed build
                    os.mkdir(temporary)
                    placed.append((temporary, path, True))
                    path, in_place = temporary, False
                else:
                    os.mkdir(path)
                    made.append(path)
            where[rel] = (path, in_place)
            return where[rel]

        target = marker = f"{out}/{COMMIT_MARKER}"
        try:
            if self._changed or self._added:
                _create_new(marker, b"")
            for path in (*self._changed, *self._added):
                target = f"{out}/{path}"
                folder_rel, _, name = path.rpartition("/")
                folder, in_place = folder_of(folder_rel)
                if in_place:
                    temporary = f"{folder}/.{name}{suffix}"
                    placed.append((temporary, target, False))
                else:
                    temporary = f"{folder}/{name}"  # its whole folder is temporary
                _create_new(temporary, self._staged(path, spools))
        except BaseException as exc:
            _discard(placed, made)
            _remove_marker(marker)
            if isinstance(exc, OSError):
                raise OutputNotWritten(target, exc) from None
            raise
        finally:
            for fd in spools.values():
                os.close(fd)
        # The point of no return: from here on, what fails leaves some files new, the others
        # old, and the next build completes it.
        replaced: list[str] = []
        done = 0
        try:
            for temporary, target, is_folder in placed:
                replaced += _put_in_place(temporary, target, is_folder, suffix, out)
                done += 1
                if done == 1:
                    reached("writing")
        except BaseException as exc:
            _discard(placed[done:], made)  # the folders made are removed if left empty
            _remove_marker(marker)
            if isinstance(exc, OSError):
                raise OutputIncomplete(target, exc) from None
            raise
        _remove_marker(marker)
        return replaced

    def _staged(self, path: str, spools: dict[str, int]) -> bytes:
        name, offset, size = self._spooled[path]
        if name not in spools:
            spools[name] = os.open(self.staging / name, os.O_RDONLY)
        return os.pread(spools[name], size, offset)

    def abort(self) -> None:
        self.close_spool()
        shutil.rmtree(self.staging, ignore_errors=True)

    def survey(self) -> None:
        """Stat the folders of the last build now rather than at the commit: a build calls it
        while it waits for a worker. (Nothing this build does touches them before the commit.)"""
        if self._surveyed is None:
            self._surveyed = survey_folders(self.output, self.folders)

    def take_survey(self, touched: frozenset[str], folders: dict[str, int | None] | None) -> None:
        """What a helper process found (see `side_process.py`): the last build's files no longer as
        written, and its folders' mtimes as `survey_folders` gave them."""
        self.touched = touched
        self._surveyed = folders

    def _remove_stale(self) -> list[str]:
        """Delete every file under `output` that this build did not produce (even one put
        there by hand), and the folders left empty."""
        if self.folders is None:
            removed, self.folders = self._sweep("")
            return sorted(removed)
        out = str(self.output)
        known = self.folders
        removed: list[str] = []
        for path in self._previous:  # what the last build made and this one did not
            if path not in self._produced:
                try:
                    os.unlink(os.path.join(out, path))
                    removed.append(path)
                except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
                    pass
        # Every file written or removed changed its folder's mtime.
        touched = {"", *(_parent(p) for p in (*self._added, *self._changed, *removed))}
        for folder in list(touched):
            while folder:
                folder = _parent(folder)
                touched.add(folder)
        current: dict[str, int] = {}
        surveyed = self._surveyed or {}
        for folder, mtime in known.items():
            if folder in surveyed:
                mtime_now = surveyed[folder]
            else:
                mtime_now = _folder_mtime(os.path.join(out, folder))
            if mtime_now is None:
                continue
            current[folder] = mtime_now
            if mtime_now != mtime:
                touched.add(folder)
        swept: dict[str, int] = {}
        for folder in sorted(touched, key=lambda f: -f.count("/")):
            prefix = folder + "/" if folder else ""
            try:
                entries = list(os.scandir(os.path.join(out, folder)))
            except (FileNotFoundError, NotADirectoryError):
                continue
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if rel not in known and rel not in touched:
                        gone, found = self._sweep(rel + "/")
                        removed += gone
                        swept.update(found)
                elif rel not in self._produced:
                    os.unlink(entry.path)
                    removed.append(rel)
            if folder:
                with os.scandir(os.path.join(out, folder)) as left:
                    if next(left, None) is None:
                        os.rmdir(os.path.join(out, folder))
        settled = time.time_ns() - SETTLED_NS
        record = {f: m for f, m in current.items() if f not in touched}
        for folder in touched:
            mtime = _folder_mtime(os.path.join(out, folder))
            if mtime is not None:
                record[folder] = _trusted(mtime, settled)
        self.folders = record | swept
        return sorted(removed)

    def _sweep(self, prefix: str) -> tuple[list[str], dict[str, int]]:
        """Walk `output/prefix`: remove what this build did not produce and the folders left
        empty. Returns the removed files and the folders that remain, with their mtimes."""
        removed: list[str] = []
        folders: dict[str, int] = {}
        settled = time.time_ns() - SETTLED_NS

        def sweep(folder: str, prefix: str) -> bool:
            """Returns True when `folder` is left empty."""
            empty = True
            with os.scandir(folder) as entries:
                for entry in entries:
                    rel = prefix + entry.name
                    if entry.is_dir(follow_symlinks=False):
                        if sweep(entry.path, rel + "/"):
                            os.rmdir(entry.path)
                        else:
                            empty = False
                    elif rel in self._produced:
                        empty = False
                    else:
                        os.unlink(entry.path)
                        removed.append(rel)
            if not empty:
                mtime = os.stat(folder).st_mtime_ns
                folders[prefix.rstrip("/")] = _trusted(mtime, settled)
            return empty

        top = os.path.join(str(self.output), prefix)
        if sweep(top, prefix) and prefix:
            os.rmdir(top)
        return removed, folders


def _create_new(path: str, data: bytes) -> None:
    """Write `data` to `path`, replacing a file of that name left by a killed build, never
    following a link."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    try:
        _write_all(fd, data)
    finally:
        os.close(fd)


def _put_in_place(temporary: str, target: str, is_folder: bool, suffix: str, out: str) -> list[str]:
    """Rename `temporary` (a file, or a folder made whole) to `target`. What was at `target`
    (a file where a folder goes, a folder where a file goes) is removed: returns the files
    so removed, relative to `out`."""
    try:
        there = os.lstat(target).st_mode
    except FileNotFoundError:
        there = None
    if there is None or stat.S_ISDIR(there) == is_folder:
        os.replace(temporary, target)  # a file over a file (or a link), as most are
        return []
    # A rename cannot put a folder over a file or the reverse: what is there is renamed
    # aside first (and back if the new one cannot take its place), then removed.
    folder, _, name = target.rpartition("/")
    aside = f"{folder}/.{name}.old{suffix}"
    _remove(aside)  # left by a killed build
    os.rename(target, aside)
    try:
        os.rename(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.rename(aside, target)
        raise
    stem = os.path.relpath(target, out)
    if is_folder:
        os.unlink(aside)
        return [stem]
    removed = [
        os.path.relpath(os.path.join(path, file), aside)
        for path, _, files in os.walk(aside)
        for file in files
    ]
    shutil.rmtree(aside)
    return [f"{stem}/{file}" for file in removed]


def _discard(placed: Iterable[tuple[str, str, bool]], made: Collection[str]) -> None:
    """Remove the temporary files and folders of a commit that failed."""
    for temporary, _, _ in placed:
        with contextlib.suppress(OSError):
            _remove(temporary)
    for folder in reversed(list(made)):
        with contextlib.suppress(OSError):
            os.rmdir(folder)


def commit_interrupted(output: Path) -> bool:
    """True when the last commit into `output` was killed before it ended: it may have left
    temporary files, which a build that finds nothing changed must still remove."""
    return os.path.lexists(output / COMMIT_MARKER)


def _remove_marker(marker: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(marker)


def _remove(path: str) -> None:
    """Remove the file or folder at `path`, if any, never following a link."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(st.st_mode):
        shutil.rmtree(path)
    else:
        os.unlink(path)


def survey_folders(output: Path, folders: dict[str, int] | None) -> dict[str, int | None] | None:
    """Each of the last build's folders → its mtime now (None: gone, or no longer a folder)."""
    if folders is None or not output.exists():
        return None
    out = str(output)
    return {f: _folder_mtime(os.path.join(out, f)) for f in folders}


def _folder_mtime(path: str) -> int | None:
    try:
        st = os.stat(path, follow_symlinks=False)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return st.st_mtime_ns if stat.S_ISDIR(st.st_mode) else None


def _parent(path: str) -> str:
    return path.rpartition("/")[0]


def _trusted(mtime: int, settled: int) -> int:
    """The mtime to record for a folder: -1 (look into it next time) when it is more recent
    than `settled`, so that a later change in the same clock tick cannot hide."""
    return mtime if mtime < settled else -1
