"""Read `content/`: every Markdown file becomes an `Article` or a list of located problems.

The loader is the only stage that reads the content folder. Parsing one file (`parse.py`) is a
pure function of its bytes and the settings, so results are cached by content hash and
computed in parallel.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from site_builder.config import SiteConfig
from site_builder.content.frontmatter import FrontMatterError, read_yaml
from site_builder.content.inputs import Stats, changed_since, content_stats
from site_builder.content.markup import RenderedBody
from site_builder.content.model import Article
from site_builder.content.parse import ParsedFile, parse_file
from site_builder.content.registry import REGISTRY_FILE, CompanyRegistry, parse_registry
from site_builder.content.textfile import NotUTF8, decode_text, read_source, unreadable
from site_builder.output.cache import (
    BuildCache,
    SourceRecord,
    no_gc,
    open_bodies,
    pack_body,
    unpack_body,
)
from site_builder.problems import Problem, problem_order

# Bump when parsing would give a different result for the same bytes and settings.
PARSER_VERSION = 4


@dataclass(frozen=True)
class LoadResult:
    articles: tuple[Article, ...]
    registry: CompanyRegistry
    problems: tuple[Problem, ...]
    bodies: BodyStore = field(compare=False, repr=False)
    changed: tuple[str, ...] = ()  # content files parsed anew by this load


class BodyStore:
    """Rendered article bodies by article path: in memory, or in the build cache's database.

    Each process opens its own database handle, so forked render workers can read bodies.
    """

    def __init__(
        self, keys: dict[str, str], memory: dict[str, RenderedBody], db_path: Path | None = None
    ):
        self._keys = keys  # article path → body key
        self._memory = memory  # body key → body, when there is no database
        self._db_path = db_path
        self._db = None
        self._pid = 0

    def get(self, article: Article) -> RenderedBody:
        return self.get_path(article.path)

    def get_path(self, path: str) -> RenderedBody:
        key = self._keys[path]
        body = self._memory.get(key)
        if body is not None:
            return body
        if self._db is None or self._pid != os.getpid():
            self._db, self._pid = open_bodies(self._db_path), os.getpid()
        row = self._db.execute("SELECT data FROM bodies WHERE hash = ?", (key,)).fetchone()
        return unpack_body(row[0])

    def key(self, path: str) -> str:
        return self._keys[path]

    def __contains__(self, path: str) -> bool:
        return path in self._keys


def content_files(root: Path) -> list[str]:
    """Every Markdown file under `root/content`, as sorted POSIX paths relative to `root`.

    Hidden files and folders (starting with `.`) are skipped.
    """
    return sorted(content_stats(root))


def load_registry(root: Path) -> tuple[CompanyRegistry, list[Problem]]:
    path = root / REGISTRY_FILE
    if not os.path.lexists(path):
        return CompanyRegistry(), []
    try:
        raw = read_source(path)
    except OSError as exc:
        return CompanyRegistry(), [Problem(REGISTRY_FILE, None, None, unreadable(exc))]
    try:
        document = read_yaml(decode_text(raw), where=REGISTRY_FILE)
    except NotUTF8 as exc:
        return CompanyRegistry(), [Problem(REGISTRY_FILE, exc.line, None, str(exc))]
    except FrontMatterError as exc:
        return CompanyRegistry(), [Problem(REGISTRY_FILE, exc.line, exc.field, str(exc))]
    return parse_registry(document.data, document.lines)


def parse_settings_key(config: SiteConfig) -> str:
    """What parsing depends on besides a file's bytes."""
    return f"{PARSER_VERSION}|{config.language}|{config.timezone}|{config.allow_raw_html}"


def _parse_job(job: tuple[Path, str, SiteConfig]) -> tuple[str, Stats, str, ParsedFile]:
    root, relpath, config = job
    path = root / relpath
    try:
        st = path.stat()
        raw = read_source(path)
    except OSError as exc:  # the file went away, or cannot be read
        unread = ParsedFile(None, None, (Problem(relpath, None, None, unreadable(exc)),))
        return relpath, (0, 0, 0, 0), "", unread
    stats = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    return relpath, stats, _hash(raw), parse_file(relpath, raw, config)


def _hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


# Parsing in worker processes pays off past this many files.
PARALLEL_FROM = 64


def load_site(
    root: Path,
    config: SiteConfig,
    drafts: bool = False,
    files: Iterable[str] | None = None,
    cache: BuildCache | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    stats: dict[str, Stats] | None = None,
) -> LoadResult:
    """Load and validate every content file and the registry; collect every problem.

    With a `cache`, a file whose stats (or, failing that, content hash) did not change is not
    parsed again, and bodies are kept in the cache's database instead of memory.
    """
    registry, problems = load_registry(root)
    started = time.time_ns()
    stats = content_stats(root) if stats is None else stats  # the caller may have them
    if files is not None:
        stats = {f: stats.get(f, (0, 0, 0, 0)) for f in files}
    settings = parse_settings_key(config)
    # A body depends on the file's bytes and the parse settings (raw HTML allowed or not).
    body_suffix = _hash(settings.encode())[:16]
    known = cache.sources(settings) if cache is not None else {}

    def record_stats(file_stats: Stats) -> Stats | None:
        return None if changed_since(file_stats, started) else file_stats

    records: dict[str, SourceRecord] = {}
    todo: list[str] = []
    for relpath, file_stats in sorted(stats.items()):
        old = known.get(relpath)
        if old is not None and old.stats == file_stats:
            records[relpath] = old
        else:
            todo.append(relpath)

    memory: dict[str, RenderedBody] = {}
    db = cache.bodies() if cache is not None else None
    changed: list[str] = []
    jobs = [(root, relpath, config) for relpath in todo]
    if db is not None:
        db.execute("BEGIN")
    for n, (relpath, file_stats, digest, parsed) in enumerate(_run_parse(jobs), 1):
        if progress is not None and (n % 200 == 0 or n == len(jobs)):
            progress("reading", n, len(jobs))
        old = known.get(relpath)
        if old is not None and old.content_hash == digest:
            records[relpath] = SourceRecord(record_stats(file_stats), digest, old.parsed)
            continue
        changed.append(relpath)
        if parsed.body is not None:
            key = f"{digest}:{body_suffix}"
            if db is not None:
                db.execute(
                    "INSERT OR REPLACE INTO bodies (hash, data) VALUES (?, ?)",
                    (key, pack_body(parsed.body)),
                )
            else:
                memory[key] = parsed.body
        records[relpath] = SourceRecord(record_stats(file_stats), digest,
                                        replace(parsed, body=None))  # fmt: skip

    if db is not None:
        db.execute("COMMIT")
    articles: list[Article] = []
    keys: dict[str, str] = {}
    with no_gc(keep=cache is not None):
        for relpath, record in sorted(records.items()):
            parsed = record.parsed
            problems.extend(parsed.problems)
            if parsed.article is not None and (drafts or not parsed.article.draft):
                articles.append(parsed.article)
                keys[relpath] = f"{record.content_hash}:{body_suffix}"
    if cache is not None:
        cache.set_sources(settings, records)
    return LoadResult(
        tuple(articles),
        registry,
        tuple(sorted(problems, key=problem_order)),
        BodyStore(keys, memory, cache.bodies_path if cache is not None else None),
        tuple(changed),
    )


def _run_parse(jobs):
    if len(jobs) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        yield from map(_parse_job, jobs)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=os.cpu_count()) as pool:
        yield from pool.map(_parse_job, jobs, chunksize=32)
