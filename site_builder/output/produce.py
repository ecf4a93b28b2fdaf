"""Produce every output file of the site: fingerprint it, skip it when the cache shows it is
unchanged, else render it (in worker processes when there are many) and hand it to the writer.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from hashlib import blake2b
from pathlib import Path

from site_builder.content.load import BodyStore
from site_builder.output.cache import OutputRecord, unchanged
from site_builder.output.fingerprint import Memo, digest
from site_builder.output.staging import Staging
from site_builder.output.transaction import OutputTransaction
from site_builder.pages import urls
from site_builder.pages.reads import Resolver
from site_builder.pages.views import ArticleItem, PageEntry, PagePlan
from site_builder.render.renderer import Renderer

# Rendering in worker processes pays off past this many pages.
PARALLEL_FROM = 400
# Pages whose key did not change that every build renders anyway and compares with the bytes
# `output/` holds: the guard against a key that misses something its page shows.
GUARD_PAGES = 3


@dataclass(frozen=True)
class Produced:
    """What `produce_pages` did: the key of every page, what its planning read (the makings
    of its key in the next build, see `pages.reads`), and how many pages were rendered.

    `full` holds, in verification mode only, each page's fingerprint of its whole context;
    `stale`, the page the guard found out of date although its key had not changed (every
    page was then rendered again)."""

    fingerprints: dict[str, bytes]
    reads: dict[str, tuple]
    rendered: int
    full: dict[str, bytes]
    stale: str | None = None


class KeyMissesInput(AssertionError):
    """A page kept its key but its planned context changed: the key leaves out an input."""


def verifying() -> bool:
    """Verification mode (`SITE_BUILDER_VERIFY_KEYS=1`, used by the tests): every page is
    also planned and fingerprinted in full, and a page whose key did not change must have
    the full fingerprint it had last time."""
    return os.environ.get("SITE_BUILDER_VERIFY_KEYS", "") not in ("", "0")


def page_fingerprint(page: PagePlan, environment: bytes, bodies: BodyStore, memo: Memo) -> bytes:
    """A digest of a planned page's whole context (slow: the keys of `PageEntry` replace it,
    and verification mode checks them against it)."""
    context = page.context
    if any(isinstance(v, tuple) and v and isinstance(v[0], ArticleItem) for v in context.values()):
        # An article shows in many lists: its item is digested once per build.
        context = {
            k: tuple(memo.of(x) for x in v)
            if isinstance(v, tuple) and v and isinstance(v[0], ArticleItem)
            else v
            for k, v in context.items()
        }
    body = bodies.key(page.body_of) if page.body_of is not None else None
    return digest(environment, page.path, page.template, page.title, body, context)


def page_key(
    entry: PageEntry, reads: tuple, environment: bytes, bodies: BodyStore, resolver: Resolver
) -> bytes:
    """The fingerprint of a page, without planning it: the current versions of what its
    planning read (`reads`, recorded when it was last planned)."""
    body = bodies.key(entry.body_of) if entry.body_of is not None else None
    return digest(environment, entry.path, entry.title, body, resolver.versions(reads))


def produce_pages(
    entries: list[PageEntry],
    renderer: Renderer,
    bodies: BodyStore,
    environment: bytes,
    previous: dict[str, OutputRecord],
    previous_reads: dict[str, tuple],
    resolver: Resolver,
    transaction: OutputTransaction,
    progress: Callable[[str, int, int], None],
    previous_full: dict[str, bytes] | None = None,
    workers: int | None = None,
    nice: int = 0,
    render_all: bool = False,
) -> Produced:
    """Plan and render only the pages whose key changed (or whose file was touched, or that
    the last build did not plan), unless `render_all`. A few of the others are rendered too
    and compared with what `output/` holds (see `stale_page`): when one differs, every page
    is rendered again."""
    verify = verifying()
    memo = Memo()
    fingerprints: dict[str, bytes] = {}
    reads: dict[str, tuple] = {}
    full: dict[str, bytes] = {}
    by_path = {urls.file_of(entry.path): entry for entry in entries}
    # Pages to render, planned only where they render (a plan holds the whole context: all of
    # them at once would hold the contexts of every page of a large archive in memory).
    todo: list[PageEntry | PagePlan] = []
    kept: list[tuple[str, PageEntry | PagePlan]] = []
    for entry in entries:  # a path planned twice reaches the writer, which refuses it
        path = urls.file_of(entry.path)
        was_read = previous_reads.get(path)
        key = None if was_read is None else page_key(entry, was_read, environment, bodies, resolver)
        page = None
        if verify:
            page = entry.plan()
            full[path] = page_fingerprint(page, environment, bodies, memo)
            old = previous.get(path)
            was = (previous_full or {}).get(path)
            if old is not None and old.fingerprint == key and was is not None and was != full[path]:
                raise KeyMissesInput(f"{path}: its key did not change but its context did")
        if (
            key is not None
            and not render_all
            and unchanged(path, key, previous, transaction.output, transaction.touched)
        ):
            fingerprints[path], reads[path] = key, was_read
            kept.append((path, page if page is not None else entry))
        else:
            todo.append(page if page is not None else entry)
    stale = None
    if kept and not verify:  # verification checks every page already
        seed = environment + "\n".join(urls.file_of(p.path) for p in todo).encode()
        sample = guard_sample([page for _path, page in kept], seed)
        stale = stale_page(sample, renderer, bodies, transaction.output)
        if stale is not None:
            todo += [page for _path, page in kept]
            kept = []
    for path, _page in kept:
        transaction.keep(path)
    total = len(todo)
    workers = workers or os.cpu_count() or 1
    interned: dict[tuple, tuple] = {}
    for done, rendered in _render_all(todo, renderer, bodies, transaction, workers, nice):
        for path, page_reads in rendered.items():
            page_reads = tuple([interned.setdefault(t, t) for t in page_reads])
            reads[path] = page_reads
            fingerprints[path] = page_key(by_path[path], page_reads, environment, bodies, resolver)
        if done % 200 == 0 or done == total:
            progress("pages", done, total)
    return Produced(fingerprints, reads, total, full, stale)


def guard_sample(items: list, seed: bytes) -> list:
    """Up to `GUARD_PAGES` of `items` (pages or articles), at places drawn from `seed`:
    others whenever the seed (what changed) does, so that over many builds every page is
    checked. Costs what it picks, not what `items` holds."""
    if not items:
        return []
    picked: dict[int, None] = {}
    for n in range(GUARD_PAGES):
        draw = blake2b(seed + n.to_bytes(4, "big"), digest_size=8).digest()
        picked[int.from_bytes(draw, "big") % len(items)] = None
    return [items[i] for i in picked]


def stale_page(
    pages: list[PageEntry | PagePlan], renderer: Renderer, bodies: BodyStore, output: Path
) -> str | None:
    """The first of `pages`, pages a build keeps because their key did not change, that
    renders now to other bytes than its file in `output/`: its key misses something the page
    shows. None when every one is as it was."""
    for page in pages:
        path = urls.file_of(page.path)
        plan = page.plan() if isinstance(page, PageEntry) else page
        body = bodies.get_path(plan.body_of) if plan.body_of else None
        try:
            was = (output / path).read_bytes()
        except OSError:
            continue
        if renderer.render(plan, body) != was:
            return path
    return None


def keep_pages(
    page_paths: tuple[str, ...],
    again: set[str],
    previous: dict[str, OutputRecord],
    transaction: OutputTransaction,
) -> dict[str, bytes] | None:
    """Keep the pages of the last build (`page_paths`) but the files `again`, when the site's
    frame is the last build's (see `pages.plan.Planner.frame`): their fingerprints. None, keeping
    nothing, if one of them is no longer in `output/` as written."""
    kept: dict[str, bytes] = {}
    for path in map(urls.file_of, page_paths):
        if path in again:
            continue
        record = previous.get(path)
        if record is None or not unchanged(
            path, record.fingerprint, previous, transaction.output, transaction.touched
        ):
            return None
        kept[path] = record.fingerprint
    for path in kept:
        transaction.keep(path)
    return kept


def verify_frame(
    entries: list[PageEntry],
    changed: set[str],
    environment: bytes,
    bodies: BodyStore,
    previous: dict[str, OutputRecord],
    previous_reads: dict[str, tuple],
    resolver: Resolver,
) -> None:
    """In verification mode, when the site's frame is the last build's: every page whose key
    changed must be the page of an article whose text changed (what `keep_pages` relies
    on)."""
    if not verifying():
        return
    for entry in entries:
        if entry.body_of in changed:
            continue
        path = urls.file_of(entry.path)
        old, reads = previous.get(path), previous_reads.get(path)
        if (
            old is None
            or reads is None
            or old.fingerprint != page_key(entry, reads, environment, bodies, resolver)
        ):
            raise KeyMissesInput(f"{entry.path}: the frame did not change but this page's key did")


def _render_all(
    pages: list[PageEntry | PagePlan],
    renderer: Renderer,
    bodies: BodyStore,
    staging: Staging,
    workers: int,
    nice: int = 0,
) -> Iterator[tuple[int, dict[str, tuple]]]:
    """Render `pages` and stage them; yields how many are done so far, and what the pages
    just rendered read (by file path)."""
    if len(pages) < PARALLEL_FROM or workers < 2:
        for done, page in enumerate(pages, 1):
            yield done, dict([_render_into(staging, renderer, bodies, page)])
        return
    import multiprocessing

    # Forked workers inherit the renderer and the plans; each opens its own database handle,
    # and stages what it renders itself: only the record of the files comes back.
    global _WORKER
    _WORKER = (renderer, bodies, pages, staging)
    context = multiprocessing.get_context("fork")
    chunks = _chunks(len(pages), workers * 32)  # small: no core waits long at the end
    done = 0
    with context.Pool(workers, initializer=os.nice, initargs=(nice,)) as pool:
        for (start, end), (part, reads) in zip(
            chunks, pool.imap(_worker_render, chunks), strict=True
        ):
            staging.absorb(part)
            done += end - start
            yield done, reads
    _WORKER = None


_WORKER: tuple[Renderer, BodyStore, list[PageEntry | PagePlan], Staging] | None = None


def _chunks(total: int, count: int) -> list[tuple[int, int]]:
    size = max(1, -(-total // count))
    return [(i, min(i + size, total)) for i in range(0, total, size)]


def _worker_render(bounds: tuple[int, int]) -> tuple[Staging, dict[str, tuple]]:
    renderer, bodies, pages, staging = _WORKER
    part = staging.part()
    reads = dict(
        _render_into(part, renderer, bodies, page) for page in pages[bounds[0] : bounds[1]]
    )
    part.close_spool()
    return part, reads


def _render_into(
    staging: Staging, renderer: Renderer, bodies: BodyStore, page: PageEntry | PagePlan
) -> tuple[str, tuple]:
    """Plan (if need be), render and stage `page`: its file path and what its plan read."""
    if isinstance(page, PageEntry):
        page = page.plan()
    body = bodies.get_path(page.body_of) if page.body_of else None
    path = urls.file_of(page.path)
    staging.put(path, renderer.render(page, body))
    return path, page.reads


def produce_files(
    files: Iterable[tuple[str, bytes]],
    transaction: OutputTransaction,
    previous: dict[str, OutputRecord] | None = None,
) -> dict[str, bytes]:
    """Files made without templates (sitemap, assets, search index). Returns their
    fingerprints (a digest of their bytes). A file whose digest and stat match the last
    build's record is kept without reading it back; the writer compares the others' bytes."""
    fingerprints = {}
    for path, data in files:
        fingerprints[path] = digest(data)
        keep_or_put(path, fingerprints[path], lambda data=data: data, transaction, previous)
    return fingerprints


def keep_or_put(
    path: str,
    fingerprint: bytes,
    make: Callable[[], bytes],
    transaction: OutputTransaction,
    previous: dict[str, OutputRecord] | None,
) -> None:
    """Keep `path` when the last build wrote it from the same fingerprint and nothing touched it
    since; otherwise make its bytes and hand them to the writer."""
    if previous is not None and unchanged(
        path, fingerprint, previous, transaction.output, transaction.touched
    ):
        transaction.keep(path)
    else:
        transaction.put(path, make())
