"""The live preview behind `serve`: build with drafts, serve on loopback, reload the browser.

- `PreviewBuild` builds the site, drafts included, into the build cache (`.cache/preview/`), never
  into `output/`, in a process of its own (`preview_builds`). A build that fails keeps the last
  good pages and records its problems.
- `PreviewServer` serves those pages on 127.0.0.1 (or the address of `serve --host`, to look
  at them from a phone). Into every HTML response (not into the files) it injects a small
  script that listens to `/__preview/events` (Server-Sent Events): a new build version reloads
  the page, problems show as an overlay with file, line and message (errors: the last good
  pages stay; warnings: the pages are up to date), and an empty list of problems removes it.
- Requests are confined to the preview folder: `..` segments (plain or percent-encoded),
  backslashes, NUL bytes, absolute-form targets and symlinks leading outside are refused, and
  only a Host header naming the served address is answered: `127.0.0.1`, `localhost`, the
  `--host` given, or the address the request came in on (no DNS rebinding).
"""

from __future__ import annotations

import html
import ipaddress
import json
import mimetypes
import os
import re
import secrets
import shutil
import socket
import stat
import sys
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from site_builder.cli_output import counted
from site_builder.preview.builds import BuildProcess
from site_builder.problems import Problem

HOST = "127.0.0.1"
CLIENT_PATH = "/__preview/client.js"
EVENTS_PATH = "/__preview/events"
OVERLAY_ID = "site-builder-preview-overlay"
KEEPALIVE_SECONDS = 15.0

# The live-reload client, a static file beside this module, with its two names filled in.
CLIENT_JS = (
    (Path(__file__).parent / "live-reload.js")
    .read_text("utf-8")
    .replace("__OVERLAY_ID__", OVERLAY_ID)
    .replace("__EVENTS_PATH__", EVENTS_PATH)
    .encode()
)


@dataclass(frozen=True)
class PreviewState:
    """What the browser is told: the version of the pages served and the current problems.
    `generation` grows with every new state, so listeners know what they have not seen."""

    generation: int
    version: str
    problems: tuple[Problem, ...]  # errors (the build failed) or the last build's warnings
    built: bool  # whether a build ever succeeded (there are pages to serve)

    def event(self) -> str:
        problems = [
            {
                "file": p.file,
                "line": p.line,
                "field": p.field,
                "message": p.message,
                "severity": p.severity,
            }
            for p in self.problems
        ]
        return json.dumps({"version": self.version, "problems": problems}, ensure_ascii=False)


class PreviewBuild:
    """Builds `root` with drafts into `pages` and publishes the outcome as a `PreviewState`."""

    def __init__(self, root: Path, pages: Path, base_url: str, log=sys.stderr):
        self.root = root
        self.pages = pages
        self.base_url = base_url
        self.log = log
        self._token = secrets.token_hex(4)  # a restarted server reloads every open page
        self._builds = 0
        self._lock = threading.Condition()
        self._state = PreviewState(0, f"{self._token}-0", (), pages.is_dir())
        self._closed = False
        self._builds_process = BuildProcess(root, pages)

    @property
    def state(self) -> PreviewState:
        with self._lock:
            return self._state

    def rebuild(self) -> PreviewState:
        """Build once. Success with changed files → a new version (open pages reload); success
        with nothing changed → same version, problems cleared; failure → same version (the last
        good pages stay), problems set."""
        outcome = self._builds_process.build(self.base_url)
        problems = outcome.problems
        changed = outcome.changed or (outcome.line is not None and not self.state.built)
        if outcome.line is not None:
            print(f"rebuilt: {outcome.line}", file=self.log, flush=True)
            for warning in problems:
                print(f"  warning: {warning}", file=self.log, flush=True)
        if outcome.trace:
            print(outcome.trace, file=self.log, end="", flush=True)
        failed = any(p.severity == "error" for p in problems)
        if failed:
            n = len(problems)
            kept = "still serving the last good pages" if self.state.built else "nothing to serve"
            print(f"{counted(n, 'problem')}; {kept} until fixed:", file=self.log, flush=True)
            for problem in problems:
                print(f"  {problem}", file=self.log, flush=True)
        with self._lock:
            old = self._state
            if changed:
                self._builds += 1
            self._state = PreviewState(
                old.generation + 1,
                f"{self._token}-{self._builds}",
                problems,
                old.built or not failed,
            )
            self._lock.notify_all()
            return self._state

    def wait(self, seen: int, timeout: float) -> PreviewState | None:
        """The state once its generation passes `seen` (None after `timeout` or on close)."""
        with self._lock:
            self._lock.wait_for(lambda: self._state.generation > seen or self._closed, timeout)
            if self._closed or self._state.generation <= seen:
                return None
            return self._state

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Wake every listener so event streams end, and end the build process."""
        with self._lock:
            self._closed = True
            self._lock.notify_all()
        self._builds_process.close()


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach `host` (`localhost`, 127.x.x.x, `::1`)."""
    from site_builder.config import is_loopback_host

    return is_loopback_host(host) and not _is_wildcard(host)


def _is_wildcard(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return False


def host_of(header: str) -> str:
    """The host name of a Host header, without its port and brackets, lowercased."""
    header = header.strip().lower()
    if header.startswith("["):  # [::1]:8000
        return header[1:].partition("]")[0]
    if header.count(":") == 1:
        return header.partition(":")[0]
    return header.rstrip(".")


class PreviewServer(ThreadingHTTPServer):
    """An HTTP server on `host` (127.0.0.1 unless told) serving `build.pages` with the
    live-reload script."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, build: PreviewBuild, host: str = HOST):
        self.build = build
        self.host = host.strip("[]")
        if ":" in self.host:
            self.address_family = socket.AF_INET6
        # Host headers answered besides the address a request arrives on.
        self.host_names = frozenset({HOST, "localhost", self.host.lower()})
        super().__init__((self.host, port), PreviewHandler)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def handle_error(self, request, client_address) -> None:
        """One line on the terminal instead of a traceback; a client that went away, nothing."""
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            return
        print(f"serve: a request from {client_address[0]} failed: {error!r}", file=sys.stderr)

    @property
    def url(self) -> str:
        """The address to open on this machine (a wildcard host is reached on loopback)."""
        if _is_wildcard(self.host):
            return f"http://{HOST}:{self.port}/"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    @property
    def public(self) -> bool:
        """Whether other machines may reach this server."""
        return not is_loopback(self.host)


_UNSAFE_RAW = re.compile(r"\\|%5c", re.IGNORECASE)


class _Refused(Exception):
    """A request target that names no file of the preview: the status and why."""

    def __init__(self, status: HTTPStatus, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _kind_of(path: Path) -> str | None:
    """ "file", "folder", or None for a path that names neither (absent, or a name the file
    system refuses, such as one longer than it allows)."""
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):
        return None
    return "folder" if stat.S_ISDIR(mode) else "file" if stat.S_ISREG(mode) else None


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "site-builder-preview"
    protocol_version = "HTTP/1.0"
    # A malformed request line is answered with a status line too (HTTP/0.9 has none).
    default_request_version = "HTTP/1.0"

    def log_message(self, format, *args):
        pass  # the terminal shows builds, not every request

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _answer(self, head: bool) -> None:
        host = host_of(self.headers.get("Host") or "")
        arrived_on = self.connection.getsockname()[0].lower()
        if host not in self.server.host_names and host != arrived_on.removeprefix("::ffff:"):
            return self._plain(HTTPStatus.BAD_REQUEST, "unexpected Host header", head)
        target = self.path
        if not target.startswith("/") or target.startswith("//"):
            return self._plain(HTTPStatus.BAD_REQUEST, "bad request target", head)
        raw_path, _, query = target.partition("?")
        raw_path = raw_path.partition("#")[0]
        if raw_path == EVENTS_PATH and not head:
            return self._events()
        if raw_path == CLIENT_PATH:
            return self._send(HTTPStatus.OK, CLIENT_JS, "text/javascript", head)
        try:
            file = self._file_for(raw_path)
        except _Refused as refused:
            return self._plain(refused.status, refused.reason, head)
        state = self.server.build.state
        if not state.built:
            page = _waiting_page(state)
            return self._send(HTTPStatus.SERVICE_UNAVAILABLE, page, "text/html", head)
        kind = _kind_of(file)
        if kind == "folder":
            if not raw_path.endswith("/"):
                location = raw_path + "/" + (f"?{query}" if query else "")
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            file = file / "index.html"
            kind = _kind_of(file)
        if kind == "file":
            return self._send_file(HTTPStatus.OK, file, head)
        not_found = self._pages() / "404.html"
        if not_found.is_file():
            return self._send_file(HTTPStatus.NOT_FOUND, not_found, head)
        return self._plain(HTTPStatus.NOT_FOUND, "not found", head)

    def _pages(self) -> Path:
        return self.server.build.pages

    def _file_for(self, raw_path: str) -> Path:
        """The file a URL path names inside the preview folder. Raises `_Refused` when it would
        leave the folder (by `..`, an encoded separator or a symlink), or when it cannot name a
        file (a NUL byte, an escape that is not UTF-8)."""
        if "%00" in raw_path or "\x00" in raw_path:
            raise _Refused(HTTPStatus.BAD_REQUEST, "a NUL byte in the path")
        if _UNSAFE_RAW.search(raw_path):
            raise _Refused(HTTPStatus.FORBIDDEN, "outside the site")
        try:
            decoded = unquote(raw_path, errors="strict") if "%" in raw_path else raw_path
        except UnicodeDecodeError:
            raise _Refused(HTTPStatus.BAD_REQUEST, "the path is not UTF-8") from None
        if "\\" in decoded or "\x00" in decoded:
            raise _Refused(HTTPStatus.FORBIDDEN, "outside the site")
        segments = decoded.split("/")
        if any(segment in {".", ".."} for segment in segments):
            raise _Refused(HTTPStatus.FORBIDDEN, "outside the site")
        base = self._pages().resolve()
        candidate = base.joinpath(*[s for s in segments if s])
        try:
            resolved = candidate.resolve()
        except (OSError, RuntimeError):
            raise _Refused(HTTPStatus.NOT_FOUND, "not found") from None
        if resolved != base and not resolved.is_relative_to(base):
            raise _Refused(HTTPStatus.FORBIDDEN, "outside the site")
        return candidate

    def _send_file(self, status: HTTPStatus, file: Path, head: bool) -> None:
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        try:
            data = file.read_bytes()
        except OSError:  # replaced by a build between the check and the read
            return self._plain(HTTPStatus.SERVICE_UNAVAILABLE, "rebuilding, retry", head)
        if kind == "text/html":
            data = inject_client(data, self.server.build.state.version)
        self._send(status, data, kind, head)

    def _send(self, status: HTTPStatus, data: bytes, kind: str, head: bool) -> None:
        text = kind.startswith("text/") or kind in {"application/xml", "application/json"}
        self.send_response(status)
        self.send_header("Content-Type", f"{kind}; charset=utf-8" if text else kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _plain(self, status: HTTPStatus, message: str, head: bool) -> None:
        self._send(status, f"{status.value} {message}\n".encode(), "text/plain", head)

    def _events(self) -> None:
        """A Server-Sent Events stream: the current state at once, then every new one."""
        build = self.server.build
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            self.wfile.write(b"retry: 500\n\n")
            state: PreviewState | None = build.state
            seen = -1
            while not build.closed:
                if state is None:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    self.wfile.write(f"event: state\ndata: {state.event()}\n\n".encode())
                    seen = state.generation
                self.wfile.flush()
                state = build.wait(seen, KEEPALIVE_SECONDS)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError):
            pass
        self.close_connection = True


def inject_client(page: bytes, version: str) -> bytes:
    """`page` with the live-reload script before its last `</body>` (or at its end)."""
    tag = (f'<script src="{CLIENT_PATH}" data-version="{html.escape(version)}"></script>').encode()
    at = page.lower().rfind(b"</body>")
    if at < 0:
        return page + tag
    return page[:at] + tag + page[at:]


def _waiting_page(state: PreviewState) -> bytes:
    """What is served before any build succeeded: the overlay says why."""
    page = (
        b'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        b"<title>site-builder preview</title></head><body>"
        b"<p>The site could not be built yet; fix the problems shown above.</p></body></html>"
    )
    return inject_client(page, state.version)


def prepare_pages_folder(pages: Path) -> None:
    """Create the preview folder's parent; remove what an interrupted build left staged."""
    pages.parent.mkdir(parents=True, exist_ok=True)
    staging = pages.parent / f".{pages.name}.staging"
    if staging.exists():
        shutil.rmtree(staging, ignore_errors=True)


def port_in_use(exc: OSError) -> bool:
    import errno

    return exc.errno in {errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)} or (
        os.name == "nt" and getattr(exc, "winerror", None) == 10048
    )
