"""What commands print on a terminal: progress bars and located content problems."""

from __future__ import annotations

import sys
import time

from site_builder.problems import ContentErrors


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
    print(f"{n} error{'s' * (n != 1)} in {files} file{'s' * (files != 1)}; "
          "nothing was written", file=stream)  # fmt: skip
