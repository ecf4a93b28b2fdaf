"""Serve a folder over HTTP on 127.0.0.1 for the duration of a test.

>>> with serve_directory(tmp_path / "output", prefix="/archive/") as base_url:
...     urlopen(base_url)  # http://127.0.0.1:PORT/archive/

Behaves like a plain static host, stricter than ``python3 -m http.server`` in two ways that
matter for checking a generated site:

- a folder without ``index.html`` is a 404, never an auto-generated directory listing;
- with a ``prefix`` (a site deployed under ``/archive/``), every path outside the prefix is a
  404, so links that forget the prefix show up as broken.

A folder requested without its trailing slash is redirected (301), like most static hosts.
"""

from __future__ import annotations

import functools
import posixpath
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from os import PathLike
from urllib.parse import urlsplit


class _Handler(SimpleHTTPRequestHandler):
    prefix = "/"
    _stripped = False

    def log_message(self, format, *args):
        pass  # quiet: tests print their own findings

    def list_directory(self, path):
        self.send_error(404, "No index.html in this folder")
        return None

    def _strip_prefix(self) -> bool:
        """Rewrite ``self.path`` relative to the prefix; answer 404/301 and return False if the
        request falls outside it."""
        if self.prefix == "/":
            return True
        url_path = urlsplit(self.path).path
        if url_path == self.prefix.rstrip("/"):
            self.send_response(301)
            self.send_header("Location", self.prefix)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return False
        if not url_path.startswith(self.prefix):
            self.send_error(404, f"Outside the site prefix {self.prefix}")
            return False
        self.path = "/" + self.path[len(self.prefix) :]
        self._stripped = True
        return True

    def do_GET(self):
        if self._strip_prefix():
            super().do_GET()

    def do_HEAD(self):
        if self._strip_prefix():
            super().do_HEAD()

    def send_header(self, keyword, value):
        # The base class redirects "/folder" to "/folder/" from self.path, which no longer
        # holds the prefix: put it back.
        if keyword == "Location" and self._stripped and value.startswith("/"):
            value = self.prefix.rstrip("/") + value
        super().send_header(keyword, value)


def _normalise_prefix(prefix: str) -> str:
    """``"archive"``, ``"/archive"`` and ``"/archive/"`` all become ``"/archive/"``."""
    inner = posixpath.normpath("/" + prefix.strip("/")).strip("/")
    return f"/{inner}/" if inner else "/"


@contextmanager
def serve_directory(path: str | PathLike[str], prefix: str = "/") -> Iterator[str]:
    """Serve ``path`` on a free port of 127.0.0.1 in a background thread.

    Yields the base URL, ending with ``/``: ``http://127.0.0.1:PORT`` + ``prefix``. The server is
    shut down when the ``with`` block ends.
    """
    handler = type(
        "PrefixHandler",
        (_Handler,),
        {"prefix": _normalise_prefix(prefix)},
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(path)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="serve_directory", daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}{handler.prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
