"""Where a build's new bytes wait until the commit (`Staging`), and what can go wrong with
the output folder: a location that would destroy the site's sources, a file that cannot be
written.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path


class OutputError(Exception):
    """The site cannot be written where it was asked to go: `build` says why and exits with
    `exit_status`."""

    exit_status = 1


class UnsafeOutput(OutputError):
    """The output folder would overwrite the site's own sources."""

    exit_status = 2


def check_output_location(root: Path, output: Path) -> None:
    root, output = root.resolve(), output.resolve()
    if output == root or output in root.parents:
        raise UnsafeOutput(f"refusing to write the site into {output}: it holds the site root")
    for precious in ("content", "templates"):
        if output == root / precious or (root / precious) in output.parents:
            raise UnsafeOutput(
                f"refusing to write the site into {output}: it is inside {precious}/"
            )
    writable_folder(output)


def writable_folder(output: Path) -> None:
    """Raises OutputError, naming the folder, when the site cannot be written to `output`:
    a file stands there, or the folder (or, for a first build, the one that would hold it)
    is read-only for the user who builds."""
    if output.exists() and not output.is_dir():
        raise OutputError(
            f"cannot write the site into {output}: it is a file, not a folder; remove it or "
            "choose another folder with --output"
        )
    folder = output if output.exists() else output.parent
    if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(
            f"cannot write the site into {output}: the folder {folder} is read-only for this "
            "user; make it writable or choose another folder with --output; nothing was written"
        )


class OutputNotWritten(OutputError):
    """The new files could not all be written (a full disk, a read-only folder): the commit
    removed what it had written, and `output/` is as it was."""

    outcome = "the output folder was left as it was"

    def __init__(self, path: str, error: OSError, action: str = "write"):
        reason = error.strerror or str(error)
        super().__init__(f"cannot {action} {path}: {reason}; {self.outcome}")
        self.path = path
        self.error = error
        self.action = action

    def __reduce__(self):  # raised in a render worker, it crosses to the parent process
        return type(self), (self.path, self.error, self.action)


class OutputIncomplete(OutputNotWritten):
    """The commit failed once every new file was written, while they took their places or
    stale files were removed: each file of `output/` is wholly old or wholly new, and the next
    build completes the rest (the build cache still describes the last build)."""

    outcome = "some files in the output folder are new, the others as they were: build again"


class Staging:
    """The files one build (or one worker process of it) produced, and where their new bytes
    wait until the commit. Only counted when their bytes did not change. Plain data, so a
    worker can send it back.

    A fresh build stages a tree of files that becomes `output/` by one rename. Otherwise the
    new bytes are appended to a spool file per process (one write per file, where a staged
    tree costs a folder, a file and a removal per file), and the commit writes each beside its
    target and renames it into place.
    """

    def __init__(self, output: Path, staging: Path, fresh: bool):
        self.output = output
        self.staging = staging
        self.fresh = fresh
        self._produced: set[str] = set()
        self._added: list[str] = []
        self._changed: list[str] = []
        self._unchanged = 0
        self._spooled: dict[str, tuple[str, int, int]] = {}  # path → spool, offset, size
        self._spool: tuple[int, int, str] | None = None  # this process's: pid, fd, name
        self._spool_end = 0
        # The last build's files no longer in `output/` as written, when a helper process
        # statted them all (see `side_process.py`); None: each is statted when asked about.
        self.touched: frozenset[str] | None = None

    def put(self, path: str, data: bytes) -> None:
        """Produce `path` (relative, POSIX) with `data`; staged only if the bytes changed."""
        if path in self._produced:
            raise ValueError(f"two outputs were planned for {path}")
        self._produced.add(path)
        if self.fresh:
            self._added.append(path)
            staged = self.staging / path
            try:
                staged.parent.mkdir(parents=True, exist_ok=True)
                staged.write_bytes(data)
            except OSError as exc:
                raise OutputNotWritten(str(staged), exc) from None
            return
        target = f"{self.output}/{path}"
        try:
            st = os.stat(target)
        except (FileNotFoundError, NotADirectoryError):
            st = None
        if st is None or not stat.S_ISREG(st.st_mode):
            self._added.append(path)  # a folder there is removed at commit
        elif st.st_size == len(data) and _holds(target, data):
            self._unchanged += 1
            return
        else:
            self._changed.append(path)
        self._spooled[path] = self._append(data)

    def _append(self, data: bytes) -> tuple[str, int, int]:
        # A raw descriptor, not a buffered file: a forked worker inherits no pending buffer.
        if self._spool is None or self._spool[0] != os.getpid():
            name = f"spool.{os.getpid()}.{time.monotonic_ns()}"
            fd = os.open(self.staging / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            self._spool, self._spool_end = (os.getpid(), fd, name), 0
        _, fd, name = self._spool
        offset = self._spool_end
        try:
            _write_all(fd, data)
        except OSError as exc:
            raise OutputNotWritten(str(self.staging / name), exc) from None
        self._spool_end += len(data)
        return name, offset, len(data)

    def keep(self, path: str) -> None:
        """Produce `path` with the bytes `output/` already holds (known unchanged)."""
        if path in self._produced:
            raise ValueError(f"two outputs were planned for {path}")
        self._produced.add(path)
        self._unchanged += 1

    def part(self) -> Staging:
        """An empty record staging into the same folder, for a worker process."""
        part = Staging(self.output, self.staging, self.fresh)
        part.touched = self.touched
        return part

    def absorb(self, part: Staging) -> None:
        """Take over the files a worker produced with `part()`."""
        clash = self._produced & part._produced
        if clash:
            raise ValueError(f"two outputs were planned for {min(clash)}")
        self._produced |= part._produced
        self._added += part._added
        self._changed += part._changed
        self._unchanged += part._unchanged
        self._spooled.update(part._spooled)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_spool"] = None  # the descriptor stays with the process that wrote it
        return state

    def close_spool(self) -> None:
        if self._spool is not None and self._spool[0] == os.getpid():
            os.close(self._spool[1])
        self._spool = None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _holds(target: str, data: bytes) -> bool:
    with open(target, "rb") as file:
        return file.read() == data
