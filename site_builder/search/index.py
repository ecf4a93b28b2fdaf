"""The whoosh index in the build cache (`<root>/<cache_dir>/search/`, never published), kept in
step with the archive document by document, and the exact statistics both front ends score
with (`scoring.py`).

Articles are analysed once (`analysis.py`) and given to whoosh as their vectors
(`whoosh_write.py`), so whoosh does no analysis of its own at indexing time. The document store
(`store.py`) keeps, per document, its content key, what the command line shows, its field
lengths and term frequencies: an update touches only documents whose content key changed, the
browser export follows the same changes, and the statistics (document count, average field
lengths) come from the store rather than from whoosh, which counts deleted documents until it
merges segments.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path

from site_builder.search.analysis import (
    FIELD_NUMBER,
    FIELDS,
    PLAIN,
    analyze_with_aliases,
    group_of,
    language_fields,
)
from site_builder.search.catalogue import Documents, slugs
from site_builder.search.documents import SLOTS, SearchDocument
from site_builder.search.folders import KEEP_CHANGES, STORE_FILE, WHOOSH_DIR
from site_builder.search.scoring import ExactBM25F
from site_builder.search.store import DocumentStore, DocumentVector, IndexStatistics
from site_builder.search.whoosh_write import write


def document_terms(stored: dict) -> dict[str, tuple[list[str], list[str]]]:
    """Field name → the terms of a document (its `stored_fields`) in that field, in order,
    and the aliases of its accented words (empty fields left out)."""
    terms = {
        name: analyze_with_aliases(text, group)
        for name, (text, group) in field_texts(stored).items()
    }
    return {name: pair for name, pair in terms.items() if pair[0]}


def vector_of(terms: dict[str, tuple[list[str], list[str]]]) -> DocumentVector:
    """A field's length counts its terms; its frequencies count terms and aliases."""
    return DocumentVector(
        {FIELD_NUMBER[name]: len(items) for name, (items, _) in terms.items()},
        {
            FIELD_NUMBER[name]: dict(Counter(items) + Counter(aliases))
            for name, (items, aliases) in terms.items()
        },
    )


@dataclass(frozen=True)
class IndexChange:
    """A document added (`old` None), changed, or deleted (`new` None)."""

    id: int
    old: DocumentVector | None
    new: DocumentVector | None


@dataclass(frozen=True)
class IndexUpdate:
    """What an update did; `generation` counts updates, so a cache derived from the store
    (the browser export) can tell whether it followed every one."""

    generation: int
    changes: tuple[IndexChange, ...]
    statistics: IndexStatistics
    # Past KEEP_CHANGES documents the changes are not kept (each vector holds every term of
    # its document): whatever derives from the store starts over from it.
    complete: bool = True


@dataclass(frozen=True)
class WhooshChanges:
    """whoosh's share of a store update, handed to `SearchIndex.update_whoosh` in another
    process: the store's whoosh token before and after the update, the documents deleted, and
    those to index (their whoosh fields and vector), or None past KEEP_CHANGES documents:
    whoosh then starts over from every document."""

    before: str | None
    after: str | None
    deleted: tuple[int, ...]
    indexed: tuple[tuple[dict, DocumentVector], ...] | None


def _whoosh_fields(doc_id: int, company_slugs, source_slug: str, tag_slugs) -> dict:
    """A document's whoosh fields besides its terms: its key and the filters' values (its year
    is its id's: ids are days, see `documents.py`)."""
    return {
        "key": str(doc_id),
        "company": list(company_slugs),
        "source_slug": source_slug,
        "tag": list(tag_slugs),
        "year": dt.date.fromordinal(doc_id // SLOTS).year,
    }


def _whoosh_documents(store: DocumentStore) -> Iterator[tuple[dict, DocumentVector]]:
    """Every document of the store, as `write` indexes it."""
    facets = {entry[0]: entry[3:] for entry in store.entries()[1].values()}
    for doc_id, vector in store.vectors():
        company, source_slug, tag = facets[doc_id]
        yield _whoosh_fields(doc_id, slugs(company), source_slug, slugs(tag)), vector


def schema():
    from whoosh import fields
    from whoosh.analysis import SpaceSeparatedTokenizer

    # No positions: they make indexing much slower. Phrases are checked on the stored text.
    spec = {f.name: fields.TEXT(analyzer=SpaceSeparatedTokenizer(), phrase=False) for f in FIELDS}
    spec.update(
        key=fields.ID(unique=True, stored=True),
        company=fields.KEYWORD(scorable=False),
        source_slug=fields.ID(),
        tag=fields.KEYWORD(scorable=False),
        year=fields.NUMERIC(int, bits=32, signed=False),
    )
    return fields.Schema(**spec)


def stored_fields(doc: SearchDocument) -> dict:
    """What the command line shows, and the texts phrases are checked against."""
    return {
        "title": doc.title,
        "path": doc.path,
        "date": doc.date_label,
        "lang": doc.lang,
        "summary": doc.summary,
        "body": doc.body,
        "tags": doc.tags,
        "company_words": doc.company_words,
        "source": doc.source,
    }


def field_texts(stored: dict) -> dict[str, tuple[str, str]]:
    """Field name → (text, analysis group) of a stored document, as `document_terms` indexes
    it."""
    group = group_of(stored["lang"])
    parts = language_fields(group)
    return {
        parts["title"]: (stored["title"], group),
        parts["summary"]: (stored["summary"], group),
        parts["body"]: (stored["body"], group),
        parts["tags"]: ("\n".join(stored["tags"]), group),
        "companies": ("\n".join(stored["company_words"]), PLAIN),
        "source": (stored["source"], PLAIN),
    }


class SearchIndex:
    """The search cache folder: the whoosh index and the document store, kept in step."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.whoosh_dir = folder / WHOOSH_DIR

    def exists(self) -> bool:
        return (self.folder / STORE_FILE).is_file() and self.whoosh_dir.is_dir()

    def store(self) -> DocumentStore:
        return DocumentStore(self.folder / STORE_FILE)

    def _open_whoosh(self, fresh: bool):
        from whoosh import index

        if fresh and self.whoosh_dir.exists():
            shutil.rmtree(self.whoosh_dir)
        if fresh or not index.exists_in(str(self.whoosh_dir)):
            self.whoosh_dir.mkdir(parents=True, exist_ok=True)
            return index.create_in(str(self.whoosh_dir), schema()), True
        return index.open_dir(str(self.whoosh_dir)), False

    def entries(self) -> tuple[str | None, dict[str, tuple]]:
        """The context and entries of the documents in the store (see `catalogue.py`)."""
        store = self.store()
        try:
            return store.entries()
        finally:
            store.close()

    # whoosh and the store are updated one after the other, or at once in two processes. The
    # store records a token with each update and whoosh's token file the one it last followed:
    # unequal tokens (an interrupted build) send whoosh back to a fresh start.
    @property
    def _token_file(self) -> Path:
        return self.folder / "whoosh.token"

    def whoosh_token(self) -> str | None:
        try:
            return self._token_file.read_text("ascii")
        except (OSError, UnicodeDecodeError):
            return None

    def _set_whoosh_token(self, token: str | None) -> None:
        if token is None:
            self._token_file.unlink(missing_ok=True)
            return
        tmp = self._token_file.with_suffix(".tmp")
        tmp.write_text(token, "ascii")
        os.replace(tmp, self._token_file)

    def update(
        self,
        documents: Documents,
        facets: dict,
        progress: Callable[[int, int], None] | None = None,
        hand_over: Callable[[WhooshChanges], None] | None = None,
        vectors: Iterable[DocumentVector] | None = None,
    ) -> IndexUpdate:
        """Bring whoosh and the store in step with `documents`: only new, changed and deleted
        documents are analysed and touch whoosh.

        With `vectors` (the vector of every document made, in order: another process analysed
        them; an iterator that raises if it ends early), the documents are not analysed here.

        With `hand_over`, only the store is updated here, and whoosh's share is handed over
        for `update_whoosh` in another process (an edit: whoosh updates while the static index
        is exported)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        store = self.store()
        try:
            token = store.info("whoosh")  # None: the store was never updated
            if hand_over is None:
                ix, fresh = self._open_whoosh(fresh=False)
                if (
                    fresh
                    or token is None
                    or token != self.whoosh_token()
                    or (ix.doc_count() != store.count())
                ):  # whoosh missed an update (interrupted build, hand edits): start over
                    ix.close()
                    ix = self._rebuild_whoosh(store)
            known = store.keys()
            wanted = documents.ids()

            def is_changed(doc: SearchDocument) -> bool:
                return known.get(doc.id) != doc.content_key

            changed = [d for d in documents.made if is_changed(d)]
            removed = [i for i in known if i not in wanted]
            changes: list[IndexChange] = []
            keep = bool(known) and len(changed) + len(removed) <= KEEP_CHANGES
            for doc_id in removed:
                old = store.delete(doc_id)
                changes.append(IndexChange(doc_id, old if keep else None, None))

            def analysed() -> Iterator[tuple[dict, DocumentVector]]:
                """Each changed document, analysed and put in the store: its whoosh fields
                and its vector."""
                # Not strict: asking `vectors` for one more would wait for the end of the
                # sender's work; it raises if it ends before the documents do.
                made = zip(documents.made, repeat(None) if vectors is None else vectors,
                           strict=False)  # fmt: skip
                pairs = ((doc, vector) for doc, vector in made if is_changed(doc))
                for n, (doc, vector) in enumerate(pairs, 1):
                    stored = stored_fields(doc)  # reads the body once
                    if vector is None:
                        vector = vector_of(document_terms(stored))
                    old = store.put(doc.id, doc.content_key, stored, vector)
                    changes.append(IndexChange(doc.id, old if keep else None,
                                               vector if keep else None))  # fmt: skip
                    if progress and (n % 500 == 0 or n == len(changed)):
                        progress(n, len(changed))
                    fields = _whoosh_fields(doc.id, doc.company_slugs, doc.source_slug,
                                            doc.tag_slugs)  # fmt: skip
                    yield fields, vector

            deleted = (*removed, *(d.id for d in changed if d.id in known))
            indexed: list[tuple[dict, DocumentVector]] = []
            if hand_over is None:
                if changed or removed:
                    write(ix, deleted, analysed(), len(changed))
                ix.close()
            else:
                for fields, vector in analysed():
                    if keep:
                        indexed.append((fields, vector))
            after = token
            if changes or token is None:
                after = os.urandom(8).hex()
                store.set_info("whoosh", after)
            generation = store.info("generation", 0) + (1 if changes or token is None else 0)
            store.set_info("generation", generation)
            store.set_info("facets", facets)
            store.set_entries(documents.context, documents.new_entries, documents.gone)
            store.commit()
            if hand_over is None:
                self._set_whoosh_token(after)
            else:
                hand_over(WhooshChanges(token, after, deleted, tuple(indexed) if keep else None))
            return IndexUpdate(generation, tuple(changes), store.statistics(), keep)
        finally:
            store.close()

    def update_whoosh(self, changes: WhooshChanges) -> None:
        """Follow in whoosh a store update made with `hand_over`. When whoosh missed an earlier
        update, or this one was too large to hand over, whoosh starts over from the store."""
        ix, fresh = self._open_whoosh(fresh=False)
        store = self.store()
        try:
            if fresh or changes.indexed is None or self.whoosh_token() != changes.before:
                ix.close()
                ix = self._rebuild_whoosh(store)  # the store holds the update already
            else:
                write(ix, changes.deleted, changes.indexed, len(changes.indexed))
        finally:
            ix.close()
            store.close()
        self._set_whoosh_token(changes.after)

    def _rebuild_whoosh(self, store: DocumentStore):
        """A new whoosh index holding every document of the store, opened."""
        ix, _ = self._open_whoosh(fresh=True)
        write(ix, (), _whoosh_documents(store), store.count())
        return ix

    def open_searcher(self, statistics: IndexStatistics):
        """A whoosh searcher scoring with exact statistics."""
        from whoosh import index

        ix = index.open_dir(str(self.whoosh_dir))
        return ix.searcher(weighting=ExactBM25F(statistics))
