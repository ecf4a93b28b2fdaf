"""Which search documents a build must make: all of them, or only those of the articles that
changed since the last build.

A document is made from its article's file (the body key covers the whole file), the
canonical names of its companies, and what every document shares: the code, the site's
settings and the archive's companies, sources and tags with their slugs and aliases (its
*context*). The document store keeps, for every article, an `Entry`: what its document was made
from, its id, output path and facet values. When the context is the same, a document is made
again only for an article whose own inputs changed or whose id moved (ids depend on the other
articles of the same day); every other document is known unchanged without being made: an
edit makes one document instead of one per article.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from site_builder.archive.model import Archive
from site_builder.config import SiteConfig
from site_builder.output.cache import code_digest
from site_builder.output.fingerprint import digest
from site_builder.pages.urls import article_path
from site_builder.search.analysis import ANALYSIS_VERSION
from site_builder.search.documents import (
    SLOTS,
    SearchDocument,
    assign_ids,
    day_of,
    document_places,
    make_documents,
)


class Entry(NamedTuple):
    """What the store knows of one article's document (plain strings, which SQLite gives
    back quickly for every article at once)."""

    id: int
    path: str  # output path
    version: str  # the body key and canonical company names: with the context, the inputs
    # The facet values, each as `slugs` reads it:
    company: str
    source: str
    tag: str


_ITEM = "\x1f"


def slugs(value: str) -> tuple[str, ...]:
    """The slugs of one facet of an entry (`Entry.company`, `.source`, `.tag`)."""
    return tuple(value.split(_ITEM)) if value else ()


class Documents:
    """This build's search documents: `entries` for every article (by source path), and the
    documents `made`, sorted by id: every one when `complete`, else those that may differ from
    the store's. `new_entries` are the entries to record and `gone` the articles to forget
    (None: forget every other one). `same_listing` says that every document kept its id and
    facet values.

    `complete()` makes every document, for a consumer that finds the store out of step."""

    def __init__(
        self,
        context: str,
        entries: dict[str, Entry],
        made: list[SearchDocument],
        new_entries: dict[str, Entry],
        gone: list[str] | None,
        same_listing: bool,
        make_all: Callable[[], tuple[dict[str, Entry], list[SearchDocument]]],
    ):
        self.context = context
        self.entries = entries
        self.made = made
        self.new_entries = new_entries
        self.gone = gone
        self.same_listing = same_listing
        self._make_all = make_all

    @property
    def is_complete(self) -> bool:
        return self.gone is None

    def complete(self) -> None:
        if not self.is_complete:
            self.entries, self.made = self._make_all()
            self.new_entries, self.gone, self.same_listing = self.entries, None, False

    def ids(self) -> set[int]:
        return {entry.id for entry in self.entries.values()}


def context_of(config: SiteConfig, facets: dict) -> str:
    """What every document is made from besides its own article."""
    return digest(code_digest(), config, facets, ANALYSIS_VERSION).hex()


def _entry(doc: SearchDocument, version: str) -> Entry:
    company, tag = _ITEM.join(doc.company_slugs), _ITEM.join(doc.tag_slugs)
    return Entry(doc.id, doc.path, version, company, doc.source_slug, tag)


def plan_documents(
    archive: Archive,
    bodies,
    context: str,
    previous: tuple[str | None, dict[str, tuple]] | None = None,
) -> Documents:
    """The documents to make, given the store's context and entries (`previous`)."""

    def version(source: str) -> str:
        return _ITEM.join((bodies.key(source), *archive.company_names[source]))

    def make_all() -> tuple[dict[str, Entry], list[SearchDocument]]:
        docs = make_documents(archive, bodies, archive.articles, document_places(archive))
        entries = {source: _entry(doc, version(source)) for source, doc in docs.items()}
        return entries, sorted(docs.values(), key=lambda d: d.id)

    if previous is None or previous[0] != context or not previous[1]:
        entries, made = make_all()
        return Documents(context, entries, made, entries, None, False, make_all)
    old = {source: Entry._make(entry) for source, entry in previous[1].items()}
    sources = {a.path: a for a in archive.articles}
    stale = [a for a in archive.articles if (e := old.get(a.path)) is None
             or e.version != version(a.path)]  # fmt: skip
    gone = [source for source in old if source not in sources]
    if not stale and not gone:
        return Documents(context, old, [], {}, [], True, make_all)
    # Ids are assigned day by day: the days an article joined or left are assigned again.
    changed = {a.path: (day_of(a), article_path(a)) for a in stale}
    days = {day for day, _ in changed.values()}
    days.update(old[s].id // SLOTS for s in gone)
    days.update(old[a.path].id // SLOTS for a in stale if a.path in old)
    redo = dict(changed)
    for source, entry in old.items():
        if entry.id // SLOTS in days and source not in changed and source in sources:
            redo[source] = (entry.id // SLOTS, entry.path)
    ids = assign_ids(redo.values())
    places = {source: (ids[path], path) for source, (_, path) in redo.items()}
    again = [sources[s] for s in places if s in changed or places[s][0] != old[s].id]
    docs = make_documents(archive, bodies, again, places)
    entries = {s: e for s, e in old.items() if s in sources}
    new_entries = {source: _entry(doc, version(source)) for source, doc in docs.items()}
    entries.update(new_entries)
    same_listing = not gone and all(
        source in old and (old[source].id, *old[source][3:]) == (entry.id, *entry[3:])
        for source, entry in new_entries.items()
    )
    made = sorted(docs.values(), key=lambda d: d.id)
    return Documents(context, entries, made, new_entries, gone, same_listing, make_all)
