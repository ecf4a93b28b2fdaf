"""Search benchmark: site-builder's static search against Hugo + Pagefind, same archive.

``python3 bench/search.py --sizes 10000 50000 [--queries ...] [--no-browser] [--out …]``

For each size (archives cached as in ``build.py``):

1. Index cost. site-builder: one cold ``site-builder build --root SITE`` (pages *and* search
   index: the build does not time its stages separately), and the size of ``output/search/``.
   Hugo: a cold ``hugo`` build, then ``pagefind --site SITE/public`` timed on its own, and the
   size of ``public/pagefind/``.
2. Query cost, in headless Chromium (Playwright, ``/usr/bin/chromium``, never downloaded). Each
   site is served from 127.0.0.1 by a threaded ``http.server``. For every query, a *fresh*
   browser context (empty cache, like a first visit) opens ``/search/?q=QUERY`` and we record:

   - ``first result ms``: from navigation start (``performance.now()`` origin) to the moment
     the first ``[data-search-results] li`` is in the DOM (a MutationObserver installed before
     any page script runs);
   - ``KB``: the body bytes our HTTP server sent for every request from navigation until the
     network is idle after the first result (page, scripts, styles, index files, result
     fragments; requests made by web workers included, which the browser's own per-page
     accounting misses), and how many requests;
   - ``results``: how many ``[data-search-results] li`` are shown.

   site-builder: the contract assumed here is a page ``/search/`` that reads ``?q=`` and renders
   hits as ``[data-search-results] li`` (see ``SITE_BUILDER_QUERY_PATH``, ``RESULT_SELECTOR``;
   the default selector also accepts ``#search-results > li``, what the page renders today).
   Pagefind: its default UI has no such contract, so a small harness page written to
   ``public/bench-search/index.html`` implements it with the Pagefind JS API: it imports
   ``/pagefind/pagefind.js``, runs ``pagefind.search(q)``, loads ``data()`` of the first 5
   results and lists them. It also stores ``window.__bench`` (total hits, time spent in
   ``search()`` and in ``data()``), reported as ``pagefind hits``.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import shlex
import shutil
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote

import build
import measure
import peers

DEFAULT_QUERIES = ("licenciement", "acquisition", "stockage serveurs", "layoffs", "GreenLake")
# The contract is ``[data-search-results] li``; ``#search-results > li`` is what the search page
# of site_builder/templates/search.html renders today. Change with --result-selector.
RESULT_SELECTOR = "[data-search-results] li, #search-results > li"
SITE_BUILDER_QUERY_PATH = "/search/?q={q}"
PAGEFIND_QUERY_PATH = "/bench-search/?q={q}"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
FIRST_RESULT_PROBE = """
(() => {
  const selector = %s;
  const seen = () => {
    if (window.__firstResultMs === undefined && document.querySelector(selector)) {
      window.__firstResultMs = performance.now();
    }
  };
  new MutationObserver(seen).observe(document, {childList: true, subtree: true});
})();
"""
PAGEFIND_HARNESS = """<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><title>Pagefind benchmark harness</title></head>
<body>
<ol data-search-results></ol>
<script type="module">
const q = new URLSearchParams(location.search).get("q") || "";
const t0 = performance.now();
const pagefind = await import("/pagefind/pagefind.js");
const search = await pagefind.search(q);
const t1 = performance.now();
const top = await Promise.all(search.results.slice(0, 5).map((r) => r.data()));
const list = document.querySelector("[data-search-results]");
for (const hit of top) {
  const li = document.createElement("li");
  const a = document.createElement("a");
  a.href = hit.url;
  a.textContent = hit.meta.title;
  li.append(a, " ", hit.excerpt.replace(/<[^>]+>/g, ""));
  list.append(li);
}
window.__bench = {hits: search.results.length, search_ms: t1 - t0,
                  data_ms: performance.now() - t1};
</script>
</body>
</html>
"""


@dataclass
class IndexCost:
    """What building the search index cost one tool, and what it produced."""

    tool: str
    what: str
    wall_s: float | None = None
    cpu_s: float | None = None
    peak_mb: float | None = None
    index_files: int | None = None
    index_bytes: int | None = None
    note: str = ""


@dataclass
class QueryCost:
    """One query in a fresh browser context."""

    tool: str
    query: str
    first_result_ms: float | None = None
    bytes_fetched: int = 0
    requests: int = 0
    results: int = 0
    extra: dict = field(default_factory=dict)
    error: str = ""


# --- index cost -------------------------------------------------------------------------


def index_site_builder(site: Path, command: list[str]) -> IndexCost:
    """Cold site-builder build (pages and search index) and the size of ``output/search``."""
    for name in ("output", ".cache"):
        shutil.rmtree(site / name, ignore_errors=True)
    cost = IndexCost("site-builder", "cold build (pages + search index)")
    try:
        result = measure.run([*command, "build", "--root", str(site)], cwd=site, sample_tree=True)
    except measure.CommandFailed as error:
        cost.note = build.first_line(error)
        return cost
    fill(cost, result, site / "output" / "search")
    return cost


def index_hugo_pagefind(site: Path) -> list[IndexCost]:
    """Cold Hugo build, then Pagefind over its output, each measured."""
    hugo = IndexCost("hugo", "cold build (pages)")
    fill(hugo, peers.run_hugo(site).measurement, None)
    pagefind = IndexCost("pagefind", "index Hugo output")
    fill(pagefind, peers.run_pagefind(site).measurement, site / "public" / "pagefind")
    return [hugo, pagefind]


def fill(cost: IndexCost, result: measure.Measurement, index_dir: Path | None) -> None:
    """Copy a measurement (and the index folder's size) into ``cost``."""
    cost.wall_s, cost.cpu_s = result.wall_s, result.cpu_s
    cost.peak_mb = max(result.peak_mb, result.tree_peak_mb or 0)
    if index_dir is not None:
        cost.index_files = measure.count_files(index_dir)
        cost.index_bytes = measure.folder_bytes(index_dir)
        if not cost.index_files:
            cost.note = f"no files in {index_dir.name}/"


# --- serving and browsing ---------------------------------------------------------------


class ServerStats:
    """Body bytes and requests served, thread-safe; ``take`` reads and resets them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.bytes = 0
        self.requests = 0

    def add(self, size: int) -> None:
        """Count one response body of ``size`` bytes."""
        with self._lock:
            self.bytes += size
            self.requests += 1

    def take(self) -> tuple[int, int]:
        """``(bytes, requests)`` since the last call."""
        with self._lock:
            out = (self.bytes, self.requests)
            self.bytes = self.requests = 0
            return out


class QuietHandler(SimpleHTTPRequestHandler):
    """Static files, no request log, right MIME type for WebAssembly, body bytes counted."""

    extensions_map: ClassVar[dict[str, str]] = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
    }

    def log_message(self, format, *args):
        """Stay quiet."""

    def copyfile(self, source, outputfile) -> None:
        """Send the body and count it in the server's ``stats``."""
        data = source.read()
        outputfile.write(data)
        self.server.stats.add(len(data))


@contextlib.contextmanager
def serve(folder: Path):
    """Serve ``folder`` on 127.0.0.1 (free port) in a thread; yield the base URL and the
    server's :class:`ServerStats`."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.stats = ServerStats()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.stats
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium():
    """A headless Chromium from /usr/bin (Playwright never downloads a browser here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def measure_query(browser, url: str, stats: ServerStats, cost: QueryCost, args) -> QueryCost:
    """Open ``url`` in a fresh context; time to the first ``args.result_selector`` match, and
    what the server sent meanwhile. A timeout or page error is recorded in ``cost.error``.
    """
    selector, timeout_s = args.result_selector, args.timeout
    context = browser.new_context()
    stats.take()
    try:
        page = context.new_page()
        page.add_init_script(FIRST_RESULT_PROBE % json.dumps(selector))
        page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        page.wait_for_selector(selector, state="attached", timeout=timeout_s * 1000)
        page.wait_for_load_state("networkidle", timeout=timeout_s * 1000)
        cost.first_result_ms = page.evaluate("window.__firstResultMs ?? null")
        cost.results = page.locator(selector).count()
        cost.extra = page.evaluate("window.__bench ?? {}")
    except Exception as error:  # a missing UI or a timeout is a result, not a crash
        cost.error = f"{type(error).__name__}: {str(error).splitlines()[0][:150]}"
    finally:
        cost.bytes_fetched, cost.requests = stats.take()
        context.close()
    return cost


def run_queries(folder: Path, tool: str, path: str, args: argparse.Namespace) -> list[QueryCost]:
    """Serve ``folder`` and measure every query of ``args.queries`` against it."""
    out = []
    with serve(folder) as (base, stats), chromium() as browser:
        for query in args.queries:
            url = base + path.format(q=quote(query))
            out.append(measure_query(browser, url, stats, QueryCost(tool, query), args))
            build.log(f"  {tool:12} {query!r:22} {describe(out[-1])}")
    return out


def describe(cost: QueryCost) -> str:
    """One-line summary of a query measurement for the log."""
    if cost.error:
        return cost.error
    return f"{cost.first_result_ms or 0:.0f} ms, {cost.bytes_fetched / 1024:.0f} KB"


# --- report -----------------------------------------------------------------------------


def index_table(costs: list[IndexCost]) -> str:
    """Markdown table of index costs."""
    lines = [
        "| tool | what | wall s | CPU s | peak MB | index files | index MB | note |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for c in costs:
        size = None if c.index_bytes is None else c.index_bytes / 1e6
        lines.append(
            f"| {c.tool} | {c.what} | {build.fmt(c.wall_s, 2)} | {build.fmt(c.cpu_s, 2)} | "
            f"{build.fmt(c.peak_mb, 0)} | {build.fmt(c.index_files, 0)} | "
            f"{build.fmt(size, 2)} | {c.note} |"
        )
    return "\n".join(lines)


def query_table(costs: list[QueryCost]) -> str:
    """Markdown table: one line per query and tool."""
    lines = [
        "| query | tool | first result ms | KB fetched | requests | results shown | note |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for c in sorted(costs, key=lambda c: (c.query, c.tool)):
        note = c.error or (f"pagefind hits: {c.extra.get('hits')}" if c.extra else "")
        lines.append(
            f"| {c.query} | {c.tool} | {build.fmt(c.first_result_ms, 0)} | "
            f"{c.bytes_fetched / 1024:,.0f} | {c.requests} | {c.results} | {note} |"
        )
    return "\n".join(lines)


# --- CLI --------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--queries", nargs="+", default=list(DEFAULT_QUERIES))
    parser.add_argument("--browser", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--timeout", type=float, default=30, help="seconds per query")
    parser.add_argument("--result-selector", default=RESULT_SELECTOR, help="CSS of one hit")
    parser.add_argument("--site-builder-cmd", help="command to run instead of 'site-builder'")
    parser.add_argument("--out", type=Path, help="report folder (default bench/runs/search-…)")
    return parser.parse_args(argv)


def run_size(size: int, args: argparse.Namespace, command: list[str]) -> str:
    """Index and query measurements for one size; returns its Markdown section."""
    sb_site = build.ensure_archive(size, args.seed, "site-builder")
    hugo_site = build.ensure_archive(size, args.seed, "hugo")
    indexes = [index_site_builder(sb_site, command), *index_hugo_pagefind(hugo_site)]
    section = [f"### {size:,} articles", "", index_table(indexes)]
    queries: list[QueryCost] = []
    if args.browser:
        (hugo_site / "public" / "bench-search").mkdir(exist_ok=True)
        (hugo_site / "public" / "bench-search" / "index.html").write_text(PAGEFIND_HARNESS)
        queries += run_queries(sb_site / "output", "site-builder", SITE_BUILDER_QUERY_PATH, args)
        queries += run_queries(hugo_site / "public", "pagefind", PAGEFIND_QUERY_PATH, args)
        section += ["", query_table(queries)]
    save_json(args, size, indexes, queries)
    return "\n".join(section)


def save_json(args, size: int, indexes: list[IndexCost], queries: list[QueryCost]) -> None:
    """Raw results of one size as ``OUT/search-<size>.json``."""
    data = {"size": size, "index": [asdict(i) for i in indexes]}
    data["queries"] = [asdict(q) for q in queries]
    (args.out / f"search-{size}.json").write_text(json.dumps(data, indent=1), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run the search benchmark and print (and save) its report."""
    args = parse_args(argv)
    shown = shlex.join(["python3", "bench/search.py", *(sys.argv[1:] if argv is None else argv)])
    command = build.site_builder_command(args.site_builder_cmd)
    peers.ensure_venv()
    args.out = args.out or build.RUNS / time.strftime("search-%Y%m%d-%H%M%S")
    args.out.mkdir(parents=True, exist_ok=True)
    header = "\n".join([f"Command: `{shown}`", "", *build.environment(True), ""])
    print(header, flush=True)
    sections = []
    for size in args.sizes:
        sections.append(run_size(size, args, command))
        print(sections[-1] + "\n", flush=True)
    report = header + "\n" + "\n\n".join(sections) + "\n"
    (args.out / "report.md").write_text(report, encoding="utf-8")
    build.log(f"report: {args.out / 'report.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
