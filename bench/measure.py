"""Run one command and measure it: wall time, CPU time, peak memory; count files.

The numbers come from the kernel, not from sampling:

- wall seconds: ``time.perf_counter`` around the child's whole life;
- CPU seconds: user + system time from the ``os.wait4`` rusage of the child;
- peak MB: ``ru_maxrss`` from the same rusage.

Caveat on the rusage of a process tree: ``wait4`` reports the child itself plus those of its
descendants that were *waited for* (reaped) before it exited. Their CPU times are added; their
``ru_maxrss`` is not: it is the largest resident set of any *single* process among them. So
a program that runs two workers at once reports the biggest worker, not the sum, and a
descendant that is orphaned (daemonised, never waited) is not counted at all. Hugo is one
process (it uses threads), Pelican runs in one process, and the ``pagefind`` entry point of the
PyPI package waits for the binary it starts, so the binary is covered. For a tree whose
processes run at the same time, ``run(..., sample_tree=True)`` also reports ``tree_peak_mb``:
the largest *sum* of RSS over the process tree, sampled from ``/proc`` (every 200 ms by
default: a sampled value, so it can miss a short spike).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

PAGE_KB = os.sysconf("SC_PAGE_SIZE") / 1024


@dataclass(frozen=True)
class Measurement:
    """What one run of a command cost, and how it ended."""

    command: tuple[str, ...]
    wall_s: float
    cpu_s: float
    peak_mb: float
    returncode: int
    output_tail: str = ""
    tree_peak_mb: float | None = None

    @property
    def ok(self) -> bool:
        """True when the command exited with status 0."""
        return self.returncode == 0

    def as_dict(self) -> dict:
        """Plain JSON-ready form."""
        return {
            "command": shlex.join(self.command),
            "wall_s": round(self.wall_s, 3),
            "cpu_s": round(self.cpu_s, 3),
            "peak_mb": round(self.peak_mb, 1),
            "tree_peak_mb": None if self.tree_peak_mb is None else round(self.tree_peak_mb, 1),
            "returncode": self.returncode,
        }


class CommandFailed(RuntimeError):
    """A measured command exited with a non-zero status."""

    def __init__(self, measurement: Measurement):
        self.measurement = measurement
        super().__init__(
            f"command failed with status {measurement.returncode}: "
            f"{shlex.join(measurement.command)}\n{measurement.output_tail}"
        )


def run(
    command: Sequence[str],
    cwd: str | os.PathLike | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = True,
    sample_tree: bool = False,
    sample_interval: float = 0.2,
) -> Measurement:
    """Run ``command`` to its end and return its :class:`Measurement`.

    Standard output and error go to a temporary file (never a pipe, so a chatty program cannot
    block); the last 3,000 characters are kept in ``output_tail``. With ``check`` a non-zero
    exit raises :class:`CommandFailed`. With ``sample_tree`` a thread also samples the summed
    RSS of the process tree every ``sample_interval`` seconds (this costs the measuring
    process a little CPU, which competes with the child on a small machine).
    """
    command = tuple(str(part) for part in command)
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        sampler = _TreeSampler(proc.pid, sample_interval) if sample_tree else None
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        tree_peak = sampler.stop() if sampler else None
        log.seek(0)
        tail = log.read().decode("utf-8", "replace")[-3000:]
    result = Measurement(
        command=command,
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        peak_mb=usage.ru_maxrss / 1024,
        returncode=proc.returncode,
        output_tail=tail,
        tree_peak_mb=tree_peak,
    )
    if check and not result.ok:
        raise CommandFailed(result)
    return result


class _TreeSampler:
    """Samples the summed RSS of a process and its descendants from /proc in a thread."""

    def __init__(self, root_pid: int, interval: float):
        self.root_pid = root_pid
        self.interval = interval
        self.peak_kb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, _tree_rss_kb(self.root_pid))
            self._stop.wait(self.interval)

    def stop(self) -> float:
        """Stop sampling; return the peak summed RSS in MB."""
        self._stop.set()
        self._thread.join()
        return self.peak_kb / 1024


def _tree_rss_kb(root_pid: int) -> float:
    """Summed RSS (KB) of ``root_pid`` and all its live descendants; 0 when it is gone."""
    children: dict[int, list[int]] = {}
    rss: dict[int, float] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * PAGE_KB
    total, stack = 0.0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0.0)
        stack.extend(children.get(pid, ()))
    return total


def count_files(folder: str | os.PathLike) -> int:
    """Number of regular files under ``folder`` (recursively); 0 if it does not exist."""
    return len(snapshot(folder))


def folder_bytes(folder: str | os.PathLike) -> int:
    """Total size in bytes of the regular files under ``folder``; 0 if it does not exist."""
    total = 0
    for path in _walk_files(Path(folder)):
        total += path.stat().st_size
    return total


def snapshot(folder: str | os.PathLike) -> dict[str, int]:
    """Map each regular file under ``folder`` (relative path) to its ``st_mtime_ns``."""
    root = Path(folder)
    return {str(path.relative_to(root)): path.stat().st_mtime_ns for path in _walk_files(root)}


def files_written(before: Mapping[str, int], after: Mapping[str, int]) -> int:
    """Files that are new in ``after`` or whose mtime changed since ``before``."""
    return sum(1 for path, mtime in after.items() if before.get(path) != mtime)


def files_removed(before: Mapping[str, int], after: Mapping[str, int]) -> int:
    """Files present in ``before`` and gone from ``after``."""
    return sum(1 for path in before if path not in after)


def _walk_files(root: Path):
    """Yield every regular file under ``root`` (no symlink following)."""
    if not root.is_dir():
        return
    stack = [root]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=False):
                    yield Path(entry.path)
