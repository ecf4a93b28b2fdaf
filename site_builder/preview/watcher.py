"""Watch a site's sources and report each burst of saves once.

Uses watchdog's native observer (inotify on Linux) and falls back to polling when it cannot
start (too many watches, some network drives and containers) or when asked to (`poll=True`).
Editors save in bursts (a temporary file, a rename, a metadata change): events are collected
until the folder has been quiet for `debounce` seconds, then `on_change` is called once with
every path touched. Changes during a call are kept for the next one, never lost.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

NATIVE, POLLING = "native", "polling"
_TEMPORARY_SUFFIXES = (".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload", "~")
WATCHED = ("content/", "templates/", "site.yaml")


def is_source(root: Path, path: str) -> bool:
    """Whether a change at `path` can change the site: Markdown files and the registry under
    `content/`, any file under `templates/`, and `site.yaml`. Editors' temporary and hidden
    files are not sources."""
    try:
        rel = Path(path).resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return False
    parts = rel.parts
    if not parts:
        return False
    name = parts[-1]
    if any(p.startswith((".", "#")) for p in parts) or name.endswith(_TEMPORARY_SUFFIXES):
        return False
    if name == "4913":  # vim probes whether it may write in the folder
        return False
    if parts == ("site.yaml",):
        return True
    if parts[0] == "templates":
        return True
    if parts[0] == "content":
        # A folder renamed or deleted takes its articles with it: its name has no suffix.
        return (
            len(parts) == 1 or name.endswith(".md") or name == "companies.yaml" or "." not in name
        )
    return False


class _Collector(FileSystemEventHandler):
    def __init__(self, root: Path, notify: Callable[[str], None]):
        self.root = root
        self.notify = notify

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "modified":
            return  # a folder's listing changed: the file event that caused it is enough
        for path in (event.src_path, getattr(event, "dest_path", "")):
            if path and is_source(self.root, str(path)):
                self.notify(str(path))


class SourceWatcher:
    """Calls `on_change(paths)` once per burst of changes to the site's sources."""

    def __init__(
        self,
        root: Path,
        on_change: Callable[[set[str]], None],
        poll: bool = False,
        debounce: float = 0.15,
        poll_interval: float = 0.5,
    ):
        self.root = root
        self.on_change = on_change
        self.poll = poll
        self.debounce = debounce
        self.poll_interval = poll_interval
        self.kind: str | None = None
        self._pending: set[str] = set()
        self._last_event = 0.0
        self._changed = threading.Condition()
        self._stopping = False
        self._observer = None
        self._worker = threading.Thread(target=self._run, name="site-builder-rebuild", daemon=True)

    def start(self) -> str:
        """Start watching; returns `native` or `polling`, the observer actually in use."""
        if not self.poll:
            try:
                self._observer = self._schedule(Observer())
                self._observer.start()
                self.kind = NATIVE
            except (OSError, RuntimeError):
                self._stop_observer()
                self._observer = None
        if self._observer is None:
            self._observer = self._schedule(PollingObserver(timeout=self.poll_interval))
            self._observer.start()
            self.kind = POLLING
        self._worker.start()
        return self.kind

    def _schedule(self, observer):
        handler = _Collector(self.root, self._notify)
        observer.schedule(handler, str(self.root), recursive=False)  # site.yaml
        for folder in ("content", "templates"):
            if (self.root / folder).is_dir():
                observer.schedule(handler, str(self.root / folder), recursive=True)
        return observer

    def _notify(self, path: str) -> None:
        with self._changed:
            self._pending.add(path)
            self._last_event = time.monotonic()
            self._changed.notify_all()

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._pending and not self._stopping:
                    self._changed.wait()
                if self._stopping:
                    return
                # Wait for the burst to end: `debounce` seconds without a new event.
                while not self._stopping:
                    quiet = time.monotonic() - self._last_event
                    if quiet >= self.debounce:
                        break
                    self._changed.wait(self.debounce - quiet)
                if self._stopping:
                    return
                paths, self._pending = self._pending, set()
            self.on_change(paths)

    def stop(self) -> None:
        """Stop watching and wait for a call in progress to end."""
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        self._stop_observer()
        if self._worker.is_alive():
            self._worker.join(timeout=10)

    def _stop_observer(self) -> None:
        observer = self._observer
        if observer is None:
            return
        try:
            observer.stop()
            if observer.is_alive():
                observer.join(timeout=5)
        except RuntimeError:
            pass
