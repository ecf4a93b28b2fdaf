"""What search knows of an article: a `SearchDocument`, with a stable numeric id.

The id is `day × 4096 + h`, where `day` is the article's calendar day (proleptic ordinal, a
partial date counts as the start of its period) and `h` 12 bits of a hash of its output path.
It depends on no other article, so adding one does not renumber the others, a clean and an
incremental build agree, and sorting by id is sorting by date (a year is an id range). Two
articles of one day with the same `h` are resolved by path order: the next one takes the next
free slot.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from functools import cached_property, partial

from site_builder import urls
from site_builder.archive import Archive
from site_builder.dates import format_date
from site_builder.model import Article
from site_builder.search.analysis import ANALYSIS_VERSION

SLOTS = 4096


@dataclass(frozen=True)
class SearchDocument:
    """One article as both search front ends see it."""

    id: int
    path: str  # output path, e.g. 2020/10/hpe-licenciements/
    title: str
    lang: str
    date_label: str
    date_iso: str
    year: int
    summary: str
    body_key: str  # the rendered body's version in the body store
    companies: tuple[str, ...]  # canonical names
    company_words: tuple[str, ...]  # canonical names and registry aliases, indexed as text
    source: str
    tags: tuple[str, ...]
    company_slugs: tuple[str, ...]
    source_slug: str
    tag_slugs: tuple[str, ...]
    # Reads the plain text of the body: only documents being indexed or exported need it.
    read_body: Callable[[], str] = field(compare=False, repr=False, default=lambda: "")

    @property
    def body(self) -> str:
        """The body as plain text, read from the body store each time (kept, 50,000 bodies would
        stay in memory until the index is written)."""
        return self.read_body()

    @cached_property
    def content_key(self) -> str:
        """Changes whenever anything indexed or shown for this document changes (the body
        through its key in the body store, so that unchanged bodies are never read)."""
        values = (ANALYSIS_VERSION, *(getattr(self, f.name) for f in fields(self) if f.compare))
        return hashlib.sha256(repr(values).encode("utf-8")).hexdigest()[:32]


def day_of(article: Article) -> int:
    """The article's calendar day as a proleptic ordinal (partial dates: first day)."""
    d = article.date
    day = d.calendar_day() or dt.date(d.year, d.month or 1, 1)
    return day.toordinal()


def path_slot(path: str) -> int:
    return int.from_bytes(hashlib.sha256(path.encode("utf-8")).digest()[:2], "big") % SLOTS


def assign_ids(items: Iterable[tuple[int, str]]) -> dict[str, int]:
    """(day, output path) pairs → id per path; see the module docstring."""
    taken: set[int] = set()
    ids: dict[str, int] = {}
    for day, path in sorted(items):
        slot = path_slot(path)
        while day * SLOTS + slot in taken:
            slot = (slot + 1) % SLOTS
        ids[path] = day * SLOTS + slot
        taken.add(ids[path])
    return ids


def _body_text(bodies, path: str) -> str:
    return bodies.get_path(path).text


def search_documents(archive: Archive, bodies) -> list[SearchDocument]:
    """Every article of the archive as a search document, sorted by id."""
    aliases = {t.name: t.facts.aliases for t in archive.companies if t.facts}
    source_names = {t.slug: t.name for t in archive.sources}
    paths = {a.path: urls.article_path(a) for a in archive.articles}
    ids = assign_ids((day_of(a), paths[a.path]) for a in archive.articles)
    docs = []
    for article in archive.articles:
        companies = tuple(
            n for n in archive.company_names[article.path] if n in archive.company_slugs
        )
        words: list[str] = []
        for name in (*companies, *article.companies):
            for w in (name, *aliases.get(name, ())):
                if w not in words:
                    words.append(w)
        source_slug = archive.source_slugs[article.source.name]
        tags = tuple(t for t in article.tags if t in archive.tag_slugs)
        docs.append(
            SearchDocument(
                id=ids[paths[article.path]],
                path=paths[article.path],
                title=article.title,
                lang=article.lang,
                date_label=format_date(article.date, article.lang),
                date_iso=article.date.iso(),
                year=article.date.year,
                summary=article.summary,
                body_key=bodies.key(article.path),
                companies=companies,
                company_words=tuple(words),
                source=source_names[source_slug],
                tags=tags,
                company_slugs=tuple(archive.company_slugs[n] for n in companies),
                source_slug=source_slug,
                tag_slugs=tuple(dict.fromkeys(archive.tag_slugs[t] for t in tags)),
                read_body=partial(_body_text, bodies, article.path),
            )
        )
    docs.sort(key=lambda d: d.id)
    return docs
