"""What search knows of an article: a `SearchDocument`, with a stable numeric id.

The id is `day × 4096 + slot`, where `day` is the article's calendar day (proleptic ordinal, a
partial date counts as the start of its period) and `slot` is first chosen among 64 by a hash of
its output path. It depends on no other article unless two of one day hash alike: adding one
seldom renumbers another, a clean and an incremental build agree, and sorting by id is sorting
by date (a year is an id range). Two articles of one day with the same hash are resolved by path
order: the next one takes the next free slot. Few first choices keep the ids of one day close,
which the static index encodes in a few bits (`blocks.py`): 64 rather than 4,096 makes the
tails of common words markedly smaller.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from functools import cached_property, partial
from operator import attrgetter

from site_builder.archive.model import Archive
from site_builder.content.dates import format_date
from site_builder.content.model import Article
from site_builder.output.fingerprint import digest
from site_builder.pages import urls
from site_builder.search.analysis import ANALYSIS_VERSION

SLOTS = 4096
FIRST_SLOTS = 64  # the slots a path's hash chooses among (see above)


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
        """The body as plain text, read from the body store each time (kept, every body would
        stay in memory until the index is written)."""
        return self.read_body()

    @cached_property
    def content_key(self) -> str:
        """Changes whenever anything indexed or shown for this document changes (the body
        through its key in the body store, so that unchanged bodies are never read)."""
        return digest(ANALYSIS_VERSION, _compared(self)).hex()


_compared = attrgetter(*(f.name for f in fields(SearchDocument) if f.compare))


def day_of(article: Article) -> int:
    """The article's calendar day as a proleptic ordinal (partial dates: first day)."""
    d = article.date
    day = d.calendar_day() or dt.date(d.year, d.month or 1, 1)
    return day.toordinal()


def path_slot(path: str) -> int:
    return int.from_bytes(hashlib.sha256(path.encode("utf-8")).digest()[:2], "big") % FIRST_SLOTS


def assign_ids(items: Iterable[tuple[int, str]]) -> dict[str, int]:
    """(day, output path) pairs → id per path; see the module docstring."""
    taken: set[int] = set()
    ids: dict[str, int] = {}
    per_day: dict[int, int] = {}
    for day, path in sorted(items):
        per_day[day] = per_day.get(day, 0) + 1
        if per_day[day] > SLOTS:
            raise ValueError(
                f"more than {SLOTS:,} articles dated {dt.date.fromordinal(day).isoformat()} "
                "(a partial date counts as the first day of its month or year): search "
                "numbers at most that many per day"
            )
        slot = path_slot(path)
        while day * SLOTS + slot in taken:
            slot = (slot + 1) % SLOTS
        ids[path] = day * SLOTS + slot
        taken.add(ids[path])
    return ids


def _body_text(bodies, path: str) -> str:
    return bodies.get_path(path).text


def _company_values(archive: Archive, aliases, canonical: tuple, written: tuple) -> tuple:
    """An article's companies as search shows them: canonical names, the words indexed for
    them (names as written, canonical names and aliases), slugs."""
    companies = tuple(n for n in canonical if n in archive.company_slugs)
    words: list[str] = []
    for name in (*companies, *written):
        for w in (name, *aliases.get(name, ())):
            if w not in words:
                words.append(w)
    return companies, tuple(words), tuple(archive.company_slugs[n] for n in companies)


def document_places(archive: Archive) -> dict[str, tuple[int, str]]:
    """Every article's document id and output path, by the article's (source) path."""
    paths = {a.path: urls.article_path(a) for a in archive.articles}
    ids = assign_ids((day_of(a), paths[a.path]) for a in archive.articles)
    return {source: (ids[path], path) for source, path in paths.items()}


def make_documents(
    archive: Archive, bodies, articles: Iterable[Article], places: dict[str, tuple[int, str]]
) -> dict[str, SearchDocument]:
    """The search documents of `articles` (of `archive`), by source path; `places` holds
    their ids and output paths (`document_places`)."""
    aliases = {t.name: t.facts.aliases for t in archive.companies if t.facts}
    source_names = {t.slug: t.name for t in archive.sources}
    # Articles share their companies, tags and dates with many others: each combination's
    # values are made once (a cold build makes every document).
    company_values: dict[tuple, tuple] = {}
    tag_values: dict[tuple, tuple] = {}
    date_values: dict[tuple, tuple] = {}
    docs = {}
    for article in articles:
        names = (archive.company_names[article.path], article.companies)
        company = company_values.get(names)
        if company is None:
            company = company_values[names] = _company_values(archive, aliases, *names)
        tags = tag_values.get(article.tags)
        if tags is None:
            kept = tuple(t for t in article.tags if t in archive.tag_slugs)
            slugs = tuple(dict.fromkeys(archive.tag_slugs[t] for t in kept))
            tags = tag_values[article.tags] = (kept, slugs)
        when = (article.date, article.lang)
        date = date_values.get(when)
        if date is None:
            date = date_values[when] = (format_date(*when), article.date.iso())
        source_slug = archive.source_slugs[article.source.name]
        doc_id, path = places[article.path]
        docs[article.path] = SearchDocument(
            id=doc_id,
            path=path,
            title=article.title,
            lang=article.lang,
            date_label=date[0],
            date_iso=date[1],
            year=article.date.year,
            summary=article.summary,
            body_key=bodies.key(article.path),
            companies=company[0],
            company_words=company[1],
            source=source_names[source_slug],
            tags=tags[0],
            company_slugs=company[2],
            source_slug=source_slug,
            tag_slugs=tags[1],
            read_body=partial(_body_text, bodies, article.path),
        )
    return docs
