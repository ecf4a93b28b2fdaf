"""The preview's builds, in a process of their own.

The preview server answers requests and watches files on threads; a build forks worker
processes (rendering, search, loading). Forking a process that runs threads can deadlock the
child (a lock held by another thread stays held forever), so the preview never builds in its
own process: `BuildProcess` starts one child with `spawn` (a fresh interpreter, safe to start
from any thread) that has no threads of its own, and asks it for one build at a time over a
pipe. The child forks its workers safely, and keeps nothing from the server.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import signal
import threading
import traceback
from dataclasses import dataclass
from pathlib import Path

from site_builder.problems import ContentErrors, Problem


@dataclass(frozen=True)
class BuildOutcome:
    """What one preview build gave: its summary line when it succeeded, whether it changed a
    file, and its problems (the warnings of a success, the errors of a failure). `trace` holds
    the traceback of an unexpected exception, for the terminal."""

    line: str | None
    changed: bool
    problems: tuple[Problem, ...]
    trace: str | None = None


def build_once(root: Path, pages: Path, base_url: str) -> BuildOutcome:
    """Build `root` with drafts into `pages`; every failure becomes problems."""
    from site_builder.build import build_site

    try:
        summary = build_site(root, output=pages, base_url=base_url, drafts=True)
    except ContentErrors as errors:
        return BuildOutcome(None, False, errors.problems)
    except Exception as exc:  # a template error must not stop the preview
        problem = problem_of(exc, root)
        trace = traceback.format_exc() if problem.file == "build" else None
        return BuildOutcome(None, False, (problem,), trace)
    report = summary.report
    return BuildOutcome(summary.line(), bool(report.written or report.removed), summary.warnings)


def problem_of(exc: Exception, root: Path) -> Problem:
    """A located problem for a template error, or a generic one for anything else."""
    import jinja2

    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = exc.filename or exc.name or "templates"
        with contextlib.suppress(ValueError, OSError):
            where = Path(where).resolve().relative_to(root.resolve()).as_posix()
        return Problem(where, exc.lineno, None, f"template error: {exc.message}")
    if isinstance(exc, jinja2.TemplateError):
        return Problem("templates", None, None, f"template error: {exc}")
    return Problem("build", None, None, f"{type(exc).__name__}: {exc}")


def _serve_builds(connection, root: Path, pages: Path) -> None:
    """The child's loop: a base URL in, a `BuildOutcome` out, until the pipe closes."""
    # Ctrl-C reaches the whole process group; the server stops this process by closing the pipe,
    # so a build under way is not cut in the middle of writing its pages.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            base_url = connection.recv()
        except (EOFError, OSError):
            return
        if base_url is None:
            return
        connection.send(build_once(root, pages, base_url))


class BuildProcess:
    """A child process that builds the preview on request, one build at a time."""

    def __init__(self, root: Path, pages: Path):
        self.root = root
        self.pages = pages
        self._lock = threading.Lock()
        self._process = None
        self._connection = None
        # Python waits for its child processes at exit: end this one first.
        atexit.register(self.close)

    def build(self, base_url: str) -> BuildOutcome:
        """One build, in the child (started on first use, and again if it died)."""
        with self._lock:
            for _attempt in (1, 2):
                if self._process is None or not self._process.is_alive():
                    self._start()
                try:
                    self._connection.send(base_url)
                    return self._connection.recv()
                except (EOFError, OSError):
                    code = self._stop()
            message = f"the build process stopped (exit code {code}); save a file to try again"
            return BuildOutcome(None, False, (Problem("build", None, None, message),))

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        process = context.Process(
            target=_serve_builds,
            args=(theirs, self.root, self.pages),
            name="site-builder-preview-build",
        )
        process.start()
        theirs.close()
        self._process, self._connection = process, ours

    def _stop(self) -> int | None:
        """End the child (killed if it does not end within half a minute); its exit code."""
        code = None
        if self._connection is not None:
            self._connection.close()
        if self._process is not None:
            self._process.join(timeout=30)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
            code = self._process.exitcode
        self._process = self._connection = None
        return code

    def close(self) -> None:
        """Let a build under way finish, then end the child."""
        with self._lock:
            if self._connection is not None:
                with contextlib.suppress(OSError):
                    self._connection.send(None)
            self._stop()
