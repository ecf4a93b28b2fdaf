"""The build cache (`<root>/.cache/` by default): safe to delete, never published.

It remembers, between builds:
- for every content file, its size, mtime and content hash, and what parsing it gave;
- rendered article bodies, by content hash (SQLite, so memory does not hold the archive's text);
- for every output file, the fingerprint of everything it was made from, and its size and
  mtime when written, so an unchanged page is neither rendered nor rewritten.

Anything unreadable or from another version is ignored: the build then starts cold.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import sqlite3
import time
import zlib
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import starmap
from pathlib import Path
from typing import NamedTuple

from site_builder import __version__
from site_builder.content.markup import RenderedBody
from site_builder.output.cache_folder import drop, put_back, release_lock, set_aside, take_lock

FORMAT = 7
SOURCE_GROUPS = 64  # see `BuildCache.sources`


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of site-builder's own code: any change to it (an upgrade, a local edit) makes
    the next build start cold, since parsing and rendering may give other bytes."""
    package = Path(__file__).resolve().parents[1]
    h = hashlib.blake2b(__version__.encode(), digest_size=16)
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


class SourceRecord(NamedTuple):
    """What one content file gave last time.

    Saved with its parse result in one of a few groups of records (see `BuildCache.sources`),
    not pickled on its own: unpickling every result one by one was a large share of an edit."""

    # The file's stats when it was read (see `inputs.content_stats`); None when they were too
    # recent to tell a later edit: the next build reads the file again.
    stats: tuple[int, int, int, int] | None
    content_hash: str
    parsed: object  # parse.ParsedFile without its body


class OutputRecord(NamedTuple):
    """What an output file was made from, and its stat when written."""

    fingerprint: bytes
    size: int
    mtime_ns: int


def unchanged(
    path: str,
    fingerprint: bytes,
    previous: dict[str, OutputRecord],
    output: Path,
    touched: Collection[str] | None = None,
) -> bool:
    """True when `output/path` holds what `fingerprint` describes, untouched since written.
    `touched`: the last build's files found no longer as written, if they were all statted
    already (see `touched_outputs`)."""
    old = previous.get(path)
    if old is None or old.fingerprint != fingerprint:
        return False
    return path not in touched if touched is not None else _as_written(path, old, output)


def touched_outputs(outputs: dict[str, OutputRecord], output: Path) -> frozenset[str]:
    """The files of `outputs` that `output/` no longer holds as they were written."""
    return frozenset(p for p, record in outputs.items() if not _as_written(p, record, output))


def _as_written(path: str, record: OutputRecord, output: Path) -> bool:
    """True when `output/path` has the size and mtime it had when written."""
    try:
        # not `output / path`: building Path objects for every output is a measurable share
        # of a no-op build
        st = os.stat(f"{output}/{path}")
    except OSError:
        return False
    return (st.st_size, st.st_mtime_ns) == (record.size, record.mtime_ns)


# A build with nothing changed stats every output. From a warm inode cache each stat is quick,
# and threads only add contention; from a cold one (a CI runner that restored `output/`) each
# one waits on the disk, and eight threads reading at once take much less time. The first files
# stated tell which case it is.
_PROBE = 256
_COLD_SECONDS_PER_FILE = 20e-6
_STAT_THREADS = 8


def all_unchanged(outputs: dict[str, OutputRecord], output: Path) -> bool:
    """True when every output of `outputs` is in `output/` as it was written."""
    items = list(outputs.items())

    def check(part: list[tuple[str, OutputRecord]]) -> bool:
        return all(_as_written(path, record, output) for path, record in part)

    started = time.perf_counter()
    if not check(items[:_PROBE]):
        return False
    rest = items[_PROBE:]
    if time.perf_counter() - started < _PROBE * _COLD_SECONDS_PER_FILE:
        return check(rest)
    from concurrent.futures import ThreadPoolExecutor

    size = 512
    with ThreadPoolExecutor(_STAT_THREADS) as pool:
        return all(pool.map(check, [rest[i : i + size] for i in range(0, len(rest), size)]))


@dataclass
class TargetState:
    """What the last successful build into one output folder wrote."""

    signature: bytes = b""
    outputs: dict[str, OutputRecord] = field(default_factory=dict)
    # Page path → fingerprint of its whole planned context (verification mode only).
    full: dict[str, bytes] = field(default_factory=dict)
    # Every folder of the output → its mtime after the build (see write.OutputTransaction).
    folders: dict[str, int] | None = None
    # The stat digest of what the search index is made from (not the templates), and the
    # search files it gave: path → fingerprint.
    search_signature: bytes = b""
    search_files: dict[str, bytes] = field(default_factory=dict)
    # The search cache's files as this build left them (see `search.folders.search_cache_stats`).
    search_cache: tuple = ()
    # The site's frame (see `pages.plan.Planner.frame`), its pages' paths in the sitemap's order,
    # and each article's content hash: with the same frame, only the pages of articles whose text
    # changed since this folder's last build get a new key. (They also count the pages and articles
    # of a build that finds nothing changed.)
    frame: bytes = b""
    page_paths: tuple[str, ...] = ()
    texts: dict[str, str] = field(default_factory=dict)
    # Page file → what its planning read (see `pages.reads`): the makings of its next key.
    reads: dict[str, tuple] = field(default_factory=dict)


@dataclass
class CacheState:
    # Output folder (absolute) → its state: `build` and the preview server keep theirs apart.
    targets: dict[str, TargetState] = field(default_factory=dict)


# The records are saved as plain tuples: pickle calls Python code for each named tuple, which
# made saving the state several times slower.
def _tuples(state: CacheState) -> CacheState:
    targets = {
        target: replace(t, outputs={path: tuple(r) for path, r in t.outputs.items()})
        for target, t in state.targets.items()
    }
    return replace(state, targets=targets)


def _records(state: CacheState) -> CacheState:
    for t in state.targets.values():
        t.outputs = dict(zip(t.outputs, starmap(OutputRecord, t.outputs.values()), strict=True))
    return state


@contextlib.contextmanager
def no_gc(keep: bool = False):
    """Pickling builds or walks many objects and none of them cyclic garbage: a collection in
    the middle would only scan them all again (a large share of the time to load the state).

    With `keep`, what was made lives as long as the build: it is frozen out of the collector's
    reach, or the first collection after would scan it all (and, while loading them, more than
    once). `build_site` unfreezes when it ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if keep:
            gc.freeze()
        if enabled:
            gc.enable()


class BuildCache:
    """Opened for one build; `save()` records the state of a successful build."""

    def __init__(self, directory: Path, on_wait: Callable[[int | None], None] | None = None):
        """Lock the cache for this build (see `cache_folder.take_lock` for `on_wait`) and read
        the last build's state."""
        self.directory = directory
        # The files found damaged (and left out, the build being a cold one for what they held).
        self.damaged: list[str] = []
        directory.mkdir(parents=True, exist_ok=True)
        self._lock = take_lock(directory, on_wait)
        self._aside: Path | None = None
        self._start()

    def _start(self) -> None:
        self.state = self._load_state()
        self._sources: tuple[str, dict[str, SourceRecord]] | None = None
        self._sources_read: tuple | None = None  # as on disk, with each group's bytes
        self._related: tuple[bytes, dict] | None = None  # to save
        self._bodies: sqlite3.Connection | None = None

    def set_aside(self, keep: Path | None = None) -> None:
        """Go on with an empty cache (still locked), what it held set aside (but `keep`, see
        `cache_folder.set_aside`) until `put_back` or `close`, which drops it."""
        self._close_bodies()
        self._aside = set_aside(self.directory, keep)
        self._start()

    def put_back(self) -> None:
        """Put back what `set_aside` set aside, in place of what was made since."""
        self._close_bodies()
        if self._aside is not None:
            put_back(self.directory, self._aside)
            self._aside = None
        self._start()

    @property
    def _state_file(self) -> Path:
        return self.directory / "state.pickle"

    # -- content files ---------------------------------------------------------------------------
    # They have a file of their own (most of the state): a build that finds nothing changed
    # stops before reading it. The records are pickled in groups, a file's group given by a
    # hash of its path: one pickle per group loads the records with their parse results much
    # faster than a pickle per file, and an edit pickles again only its own group rather than
    # all of them.
    @property
    def _sources_file(self) -> Path:
        return self.directory / "sources.pickle"

    def sources(self, settings: str) -> dict[str, SourceRecord]:
        """What each content file gave last time, if it was parsed with these settings."""
        if self._sources is None:
            saved = _load(self._sources_file, self.damaged)
            # None or not a (key, groups) pair: every file is read again.
            key, groups = saved if saved is not None and len(saved) == 2 else ("", {})
            records: dict[str, SourceRecord] = {}
            read = {}  # each group's bytes and paths, as saved
            with no_gc(keep=True):
                for number, data in groups.items():
                    group = pickle.loads(data)
                    records.update(zip(group, starmap(SourceRecord, group.values()), strict=True))
                    read[number] = (data, list(group))
            self._sources = (key, records)
            self._sources_read = (key, records, read)
        key, records = self._sources
        return records if key == settings else {}

    def set_sources(self, settings: str, records: dict[str, SourceRecord]) -> None:
        """Record what each content file gave (saved by `save`)."""
        self._sources = (settings, records)

    def _save_sources(self) -> None:
        # Written only when they changed (a template edit leaves them as they were, and they
        # are large). They are checked file by file when read back.
        old_key, old_records, old_groups = self._sources_read or ("", {}, {})
        if self._sources is None or self._sources == (old_key, old_records):
            return
        key, records = self._sources
        members: dict[int, list[str]] = {}
        for path in records:
            members.setdefault(_group_of(path), []).append(path)
        groups = {}
        for number, paths in sorted(members.items()):
            old = old_groups.get(number) if key == old_key else None
            if (
                old is not None
                and old[1] == paths
                and all(records[p] == old_records[p] for p in paths)
            ):
                groups[number] = old
            else:
                group = {p: tuple(records[p]) for p in paths}
                groups[number] = (pickle.dumps(group, protocol=pickle.HIGHEST_PROTOCOL), paths)
        _dump(self._sources_file, key, {number: data for number, (data, _) in groups.items()})
        self._sources_read = (key, records, groups)

    # -- related articles ------------------------------------------------------------------------
    # Their own file too (a large part of the state), written only when they change: an edit
    # of a body, a summary or a title leaves them as they were.
    @property
    def _related_file(self) -> Path:
        return self.directory / "related.pickle"

    def related(self, signature: bytes) -> dict | None:
        """The related articles saved with `set_related` for inputs digested as `signature`."""
        saved = _load(self._related_file, self.damaged)
        if saved is not None and len(saved) == 2 and saved[0] == signature:
            return saved[1]
        return None

    def set_related(self, signature: bytes, related: dict) -> None:
        """Record the related articles (saved by `save`)."""
        self._related = (signature, related)

    def _load_state(self) -> CacheState:
        saved = _load(self._state_file, self.damaged)  # none: a cold build
        if not saved or not isinstance(saved[0], CacheState):
            return CacheState()
        with no_gc(keep=True):
            return _records(saved[0])

    def save_inputs(self) -> None:
        """Save what was learnt of the inputs (the content files, the related articles): it
        holds whether or not the build succeeds, so a build may save it before it ends."""
        self._save_sources()
        if self._related is not None:
            _dump(self._related_file, *self._related)
            self._related = None

    def save(self, state: CacheState) -> None:
        self.save_inputs()
        _dump(self._state_file, _tuples(state))
        self.state = state

    # -- rendered bodies -----------------------------------------------------------------------
    @property
    def bodies_path(self) -> Path:
        return self.directory / "bodies.sqlite"

    def bodies(self) -> sqlite3.Connection:
        if self._bodies is None:
            self._bodies = open_bodies(self.bodies_path, self.damaged)
        return self._bodies

    def close(self) -> None:
        if self._bodies is not None:
            self._bodies.commit()
            self._bodies.close()
            self._bodies = None
        if self._aside is not None:
            drop(self._aside)
        release_lock(self._lock)

    def _close_bodies(self) -> None:
        if self._bodies is not None:
            with contextlib.suppress(sqlite3.Error):
                self._bodies.close()
            self._bodies = None


def _group_of(path: str) -> int:
    """The group a content file's record is saved in (see `BuildCache.sources`)."""
    return zlib.crc32(path.encode()) % SOURCE_GROUPS


def _dump(path: Path, *values: object) -> None:
    """Save `values` to `path` after this code's version, replacing the file at once."""
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as f, no_gc():
        pickle.dump((FORMAT, code_digest()), f, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(values, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def _load(path: Path, damaged: list[str] | None = None) -> tuple | None:
    """The values `_dump` saved to `path`; None if it is missing, from another version or
    unreadable (then its name is added to `damaged`). The version comes first, on its own:
    another version's values, whose classes may have moved, are not unpickled."""
    try:
        with open(path, "rb") as f, no_gc(keep=True):
            if pickle.load(f) != (FORMAT, code_digest()):
                return None
            values = pickle.load(f)
        if not isinstance(values, tuple):
            raise TypeError("not a tuple")
    except FileNotFoundError:
        return None
    except Exception:
        if damaged is not None:
            damaged.append(path.name)
        return None
    return values


def open_database(path: Path, **options) -> sqlite3.Connection:
    """A SQLite database of the cache, in WAL mode. A new one gets pages of 32 KB: the cache
    stores blobs (bodies, documents, postings) larger than SQLite's default 4 KB pages,
    which cut them into chains of overflow pages; with larger pages a cold build reads and
    writes far fewer pages."""
    with names_file(path):
        db = sqlite3.connect(path, **options)
        try:
            db.execute("PRAGMA page_size=32768")  # only before the database has any table
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()  # a database at all?
        except BaseException:
            db.close()
            raise
    return db


@contextlib.contextmanager
def names_file(path: Path):
    """A database error raised within names the database (`filename`, as an OSError does):
    the build's warning then says which file of the cache was damaged."""
    try:
        yield
    except sqlite3.Error as exc:
        if getattr(exc, "filename", None) is None:
            exc.filename = str(path)
        raise


def open_bodies(path: Path, damaged: list[str] | None = None) -> sqlite3.Connection:
    """The database of rendered bodies; one that is not a database (its name is then added
    to `damaged`) is made again, empty."""
    db = None
    try:
        db = open_database(path, isolation_level=None, check_same_thread=False)
        db.execute("CREATE TABLE IF NOT EXISTS bodies (hash TEXT PRIMARY KEY, data BLOB)")
    except sqlite3.DatabaseError:  # not a database: the cache is safe to delete
        if db is not None:
            db.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        if damaged is not None:
            damaged.append(path.name)
        return open_bodies(path)
    return db


def pack_body(body: RenderedBody) -> bytes:
    return zlib.compress(pickle.dumps((body.html, body.text), protocol=5), 1)


def unpack_body(data: bytes) -> RenderedBody:
    html, text = pickle.loads(zlib.decompress(data))
    return RenderedBody(html, text)
