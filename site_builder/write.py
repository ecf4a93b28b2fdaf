"""The only stage that writes the site. Files are staged beside `output/` and moved in only when
the whole build succeeded; bytes that did not change are not rewritten; files the build no
longer produces are removed.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class WriteReport:
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: int

    @property
    def written(self) -> int:
        return len(self.added) + len(self.changed)


class UnsafeOutput(Exception):
    """The output folder would overwrite the site's own sources."""


def check_output_location(root: Path, output: Path) -> None:
    root, output = root.resolve(), output.resolve()
    if output == root or output in root.parents:
        raise UnsafeOutput(f"refusing to write the site into {output}: it holds the site root")
    for precious in ("content", "templates"):
        if output == root / precious or (root / precious) in output.parents:
            raise UnsafeOutput(
                f"refusing to write the site into {output}: it is inside {precious}/"
            )


class OutputTransaction:
    """Collect the files of one build, then `commit()` them into `output` at once."""

    def __init__(self, output: Path):
        self.output = output
        self.staging = output.parent / f".{output.name}.staging"
        self.fresh = not output.exists()
        self._produced: set[str] = set()
        self._added: list[str] = []
        self._changed: list[str] = []
        self._unchanged = 0
        if self.staging.exists():
            shutil.rmtree(self.staging)  # left over by a build that was killed
        self.staging.mkdir(parents=True)

    def put(self, path: str, data: bytes) -> None:
        """Produce `path` (relative, POSIX) with `data`; staged only if the bytes changed."""
        if path in self._produced:
            raise ValueError(f"two outputs were planned for {path}")
        self._produced.add(path)
        target = self.output / path
        if not self.fresh:
            try:
                if target.stat().st_size == len(data) and target.read_bytes() == data:
                    self._unchanged += 1
                    return
                self._changed.append(path)
            except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
                self._added.append(path)
        else:
            self._added.append(path)
        staged = self.staging / path
        staged.parent.mkdir(parents=True, exist_ok=True)
        staged.write_bytes(data)

    def keep(self, path: str) -> None:
        """Produce `path` with the bytes `output/` already holds (known unchanged)."""
        self._produced.add(path)
        self._unchanged += 1

    def commit(self) -> WriteReport:
        removed: list[str] = []
        if self.fresh:
            self.staging.rename(self.output)
        else:
            for path in (*self._added, *self._changed):
                target = self.output / path
                if target.is_dir():
                    shutil.rmtree(target)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(self.staging / path, target)
            removed = self._remove_stale()
            shutil.rmtree(self.staging)
        return WriteReport(
            tuple(sorted(self._added)), tuple(sorted(self._changed)), tuple(removed),
            self._unchanged,
        )  # fmt: skip

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def _remove_stale(self) -> list[str]:
        """Delete every file under `output` that this build did not produce (even one put
        there by hand), and the folders left empty."""
        removed: list[str] = []

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
            return empty

        sweep(str(self.output), "")
        return sorted(removed)
