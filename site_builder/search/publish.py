"""Search at build time: bring the whoosh index in the build cache up to date, then export the
static index under `output/search/` from the same analysis (see `export.py` for the format)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from site_builder.archive.model import Archive
from site_builder.config import SiteConfig
from site_builder.output.stages import reached
from site_builder.pages import urls
from site_builder.search.analysis import FIELDS
from site_builder.search.blocks import content_name, term_entry
from site_builder.search.catalogue import context_of, plan_documents
from site_builder.search.export import SearchFile, export_index
from site_builder.search.folders import cache_folder
from site_builder.search.index import (
    IndexUpdate,
    SearchIndex,
    WhooshChanges,
    document_terms,
    stored_fields,
    vector_of,
)
from site_builder.search.postings import PostingStore
from site_builder.search.store import DocumentVector, IndexStatistics
from site_builder.search.words import search_words


def archive_facets(archive: Archive) -> dict:
    """Companies (with registry aliases), sources and tags, as the filters name them."""
    return {
        "company": [
            {"name": t.name, "slug": t.slug, "aliases": list(t.facts.aliases if t.facts else ())}
            for t in archive.companies
        ],
        "source": [{"name": t.name, "slug": t.slug} for t in archive.sources],
        "tag": [{"name": t.name, "slug": t.slug} for t in archive.tags],
    }


def update_index(
    root: Path, config: SiteConfig, archive: Archive, bodies, vectors: Iterable | None = None
) -> IndexUpdate:
    """Bring the cached whoosh index (and its document store) up to date, from every
    document (a cold build: the static index is rebuilt meanwhile, see `publish_search`,
    which may send the `vectors` of its own analysis)."""
    index = SearchIndex(cache_folder(root, config.cache_dir))
    facets = archive_facets(archive)
    documents = plan_documents(archive, bodies, context_of(config, facets))
    return index.update(documents, facets, vectors=vectors)


# The generation recorded by a rebuild of the postings that whoosh's update has yet to confirm.
PENDING = -2


def publish_search(
    root: Path,
    config: SiteConfig,
    archive: Archive,
    bodies,
    rebuild: dict | None = None,
    hand_over: Callable[[WhooshChanges], None] | None = None,
    share: Callable[[DocumentVector], None] | None = None,
) -> Iterator[SearchFile]:
    """Yield every file of the static index, from postings kept in the cache.

    Without `rebuild`, the search index is brought up to date first and the postings follow
    its changes; with `hand_over`, whoosh's share of the update is handed to it, for
    `update_whoosh` in another process. With a `rebuild` dict (whoosh being updated meanwhile
    in another process), the postings are rebuilt from this process's own analysis of every
    document and left pending; `rebuild["statistics"]` receives the statistics they imply,
    for `confirm_rebuild`, and `share`, if given, receives each document's vector in turn
    (for `update_index` in the other process)."""
    facets = archive_facets(archive)
    context = context_of(config, facets)
    folder = cache_folder(root, config.cache_dir)
    index = SearchIndex(folder)
    postings = PostingStore(folder, term_entry, content_name)
    try:
        if rebuild is None:
            # Only the documents of changed articles are made (see `catalogue.py`).
            documents = plan_documents(archive, bodies, context, index.entries())
            done = index.update(documents, facets, hand_over=hand_over)
            reached("search")
            statistics, generation = done.statistics, done.generation
            expected = done.generation - 1 if done.changes else done.generation
            if postings.generation != expected or not done.complete:
                # No cache, or it missed an update: start from every document's vector, and
                # export every document (the last build's files may be out of step).
                documents.complete()
                store = index.store()
                try:
                    postings.rebuild(store.vectors())
                finally:
                    store.close()
            else:
                postings.apply((c.id, c.old, c.new) for c in done.changes)
        else:
            documents = plan_documents(archive, bodies, context)
            docs = documents.made
            # summed while the vectors stream by (kept, every vector would stay in memory)
            totals = [0] * len(FIELDS)

            def vectors():
                for doc in docs:
                    vector = vector_of(document_terms(stored_fields(doc)))
                    if share is not None:
                        share(vector)
                    for number, length in vector.lengths.items():
                        totals[number] += length
                    yield doc.id, vector

            postings.rebuild(vectors())
            statistics, generation = IndexStatistics(len(docs), tuple(totals)), PENDING
            rebuild["statistics"] = statistics
        links = urls.Links(config)
        words = search_words(config.language)
        files = export_index(documents, postings, statistics, facets, links.url, words)
        postings.commit(generation)
        yield from files  # files not written read their bytes from the store: still open
    finally:
        postings.close()


def confirm_rebuild(
    root: Path, config: SiteConfig, update: IndexUpdate, statistics: IndexStatistics
) -> None:
    """Record that postings rebuilt by `publish_search(rebuild=…)` match whoosh's update."""
    if update.statistics != statistics:
        raise AssertionError("the static index and whoosh analysed the archive differently")
    postings = PostingStore(cache_folder(root, config.cache_dir), term_entry, content_name)
    try:
        if postings.generation == PENDING:
            postings.commit(update.generation)
    finally:
        postings.close()
