"""Search at build time: bring the whoosh index in the build cache up to date, then export the
static index under `output/search/` from the same analysis (see `export.py` for the format)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from site_builder import urls
from site_builder.archive import Archive
from site_builder.config import SiteConfig
from site_builder.search.documents import search_documents
from site_builder.search.export import SearchFile, content_name, export_index, term_entry
from site_builder.search.index import SearchIndex, cache_folder
from site_builder.search.postings import PostingStore
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


def publish_search(
    root: Path,
    config: SiteConfig,
    archive: Archive,
    bodies,
    progress: Callable[[str, int, int], None] | None = None,
) -> Iterator[SearchFile]:
    """Update the cached whoosh index; yield every file of the static index."""
    docs = search_documents(archive, bodies)
    facets = archive_facets(archive)
    folder = cache_folder(root, config.cache_dir)
    index = SearchIndex(folder)
    update = index.update(
        docs, facets, (lambda done, total: progress("search", done, total)) if progress else None
    )
    postings = PostingStore(folder, term_entry, content_name)
    try:
        expected = update.generation - 1 if update.changes else update.generation
        if postings.generation != expected or not update.complete:
            # No cache, or it missed an update: start from every document's vector.
            store = index.store()
            try:
                postings.rebuild(store.vectors())
            finally:
                store.close()
        else:
            postings.apply((c.id, c.old, c.new) for c in update.changes)
        links = urls.Links(config)
        words = search_words(config.language)
        files = export_index(docs, postings, update.statistics, facets, links.url, words)
        postings.commit(update.generation)
        yield from files  # files not written read their bytes from the store: still open
    finally:
        postings.close()
