"""What commands print on a terminal: progress bars and located content problems."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from site_builder.problems import ContentErrors


def counted(count: int, noun: str) -> str:
    """`1 file`, `2 files`, `3 search files`: the count and its noun, plural unless one."""
    return f"{count} {noun}{'s' * (count != 1)}"


class TerminalProgress:
    """A one-line progress bar with rate and ETA, on a terminal, once a build passes a second."""

    def __init__(self, stream=None, delay: float = 1.0):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.started = time.perf_counter()
        self.delay = delay
        self.shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        elapsed = time.perf_counter() - self.started
        if elapsed < self.delay:
            return
        rate = done / elapsed if elapsed else 0.0
        eta = (total - done) / rate if rate else 0.0
        width = 30
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r{stage:<8} [{bar}] {done}/{total} {rate:,.0f}/s ETA {eta:4.1f} s ")
        self.stream.flush()
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def report_problems(errors: ContentErrors, stream=None) -> None:
    stream = stream or sys.stderr
    for problem in errors.problems:
        print(f"error: {problem}", file=stream)
    n = len(errors.problems)
    files = len({p.file for p in errors.problems})
    print(f"{counted(n, 'error')} in {counted(files, 'file')}; nothing was written", file=stream)


def site_root_problem(root: Path) -> str | None:
    """Why `root` (the `--root` of a command) is not a site root, or None when it is one."""
    if not root.exists():
        return f"--root {root}: no such folder"
    if not root.is_dir():
        return f"--root {root}: not a folder"
    if not (root / "content").is_dir():
        return (f"{root} has no content/ folder: is it a site root? Articles live in "
                f"{root / 'content'}/")  # fmt: skip
    return None


def refuse_site_root(root: Path, stream=None) -> bool:
    """Print why `root` is not a site root and return True; False when it is one."""
    problem = site_root_problem(root)
    if problem is not None:
        print(f"error: {problem}", file=stream or sys.stderr)
    return problem is not None


def report_warnings(warnings, stream=None) -> None:
    """`warning: file:line: [field] message`, one a line (warnings never fail a command)."""
    stream = stream or sys.stderr
    for problem in warnings:
        print(f"warning: {problem}", file=stream)
