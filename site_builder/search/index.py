"""The whoosh index in the build cache (`<root>/<cache_dir>/search/`, never published), kept in
step with the archive document by document, and the exact statistics both front ends score
with.

Articles are analysed once (`analysis.py`) and given to whoosh as term lists, so whoosh does no
analysis of its own at indexing time. The cache also keeps, per document, its content key,
field lengths and term frequencies: the browser export is built from them, and the statistics
(document count, average field lengths) come from them rather than from whoosh, which keeps
counting deleted documents until it merges segments.
"""

from __future__ import annotations

import os
import pickle
import shutil
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from math import log
from pathlib import Path

from whoosh.scoring import BaseScorer, WeightingModel

from site_builder.search.analysis import (
    BM25_B,
    BM25_K1,
    FIELD_NUMBER,
    FIELDS,
    PLAIN,
    analyze,
    group_of,
    language_fields,
)
from site_builder.search.documents import SearchDocument

STATE_VERSION = 2
STATE_FILE = "state.pickle"
WHOOSH_DIR = "whoosh"
FIELD_BOOST = {f.name: f.boost for f in FIELDS}


def cache_folder(root: Path, cache_dir: str) -> Path:
    return root / cache_dir / "search"


def document_terms(doc: SearchDocument) -> dict[str, list[str]]:
    """Field name → the document's terms in that field, in order (empty fields left out)."""
    terms = {
        name: analyze(text, group)
        for name, (text, group) in field_texts(stored_fields(doc)).items()
    }
    return {name: items for name, items in terms.items() if items}


@dataclass(frozen=True)
class DocumentVector:
    """What the export and the statistics need of one analysed document."""

    content_key: str
    lengths: dict[int, int]  # field number → number of terms
    frequencies: dict[int, dict[str, int]]  # field number → term → frequency


def vector_of(doc: SearchDocument, terms: dict[str, list[str]]) -> DocumentVector:
    return DocumentVector(
        doc.content_key,
        {FIELD_NUMBER[name]: len(items) for name, items in terms.items()},
        {FIELD_NUMBER[name]: dict(Counter(items)) for name, items in terms.items()},
    )


@dataclass
class IndexState:
    """The cache's record of what the whoosh index holds."""

    version: int = STATE_VERSION
    vectors: dict[int, DocumentVector] = field(default_factory=dict)
    stored: dict[int, dict] = field(default_factory=dict)  # id → display data (for the CLI)
    facets: dict = field(default_factory=dict)

    def statistics(self) -> IndexStatistics:
        totals = [0] * len(FIELDS)
        for vector in self.vectors.values():
            for number, length in vector.lengths.items():
                totals[number] += length
        return IndexStatistics(len(self.vectors), tuple(totals))


@dataclass(frozen=True)
class IndexStatistics:
    """Exact collection statistics: live documents and total terms per field number."""

    documents: int
    field_totals: tuple[int, ...]

    def average_length(self, number: int) -> float:
        """Average field length over all documents, as whoosh computes it (1 when empty)."""
        if not self.documents:
            return 1.0
        return self.field_totals[number] / self.documents or 1.0


def bm25(idf: float, tf: float, fl: float, avgfl: float, b: float, k1: float) -> float:
    """whoosh's BM25 term score; the browser computes the same expression in the same order."""
    return idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))


def idf(documents: int, df: int) -> float:
    """whoosh's inverse document frequency."""
    return log(documents / (df + 1)) + 1


def schema():
    from whoosh import fields
    from whoosh.analysis import SpaceSeparatedTokenizer

    # No positions: they triple indexing time. Phrases are checked on the stored text.
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
    """The search cache folder: whoosh index plus `IndexState`."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.whoosh_dir = folder / WHOOSH_DIR

    def exists(self) -> bool:
        return (self.folder / STATE_FILE).is_file() and self.whoosh_dir.is_dir()

    def load_state(self) -> IndexState:
        try:
            with open(self.folder / STATE_FILE, "rb") as fh:
                state = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return IndexState()
        if not isinstance(state, IndexState) or state.version != STATE_VERSION:
            return IndexState()
        return state

    def _save_state(self, state: IndexState) -> None:
        tmp = self.folder / (STATE_FILE + ".tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.folder / STATE_FILE)

    def _open_whoosh(self, fresh: bool):
        from whoosh import index

        if fresh and self.whoosh_dir.exists():
            shutil.rmtree(self.whoosh_dir)
        if fresh or not index.exists_in(str(self.whoosh_dir)):
            self.whoosh_dir.mkdir(parents=True, exist_ok=True)
            return index.create_in(str(self.whoosh_dir), schema()), True
        return index.open_dir(str(self.whoosh_dir)), False

    def update(
        self,
        docs: Iterable[SearchDocument],
        facets: dict,
        progress: Callable[[int, int], None] | None = None,
    ) -> IndexState:
        """Bring the index in step with `docs`: only new, changed and deleted documents touch
        whoosh. Returns the state (vectors of every document)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        docs = list(docs)
        state = self.load_state()
        ix, fresh = self._open_whoosh(fresh=False)
        if not fresh and ix.doc_count() != len(state.vectors):
            # The cache and whoosh disagree (interrupted build, hand edits): start over.
            ix.close()
            state = IndexState()
            ix, fresh = self._open_whoosh(fresh=True)
        elif fresh:
            state = IndexState()

        wanted = {d.id: d for d in docs}
        changed = [d for d in docs if (v := state.vectors.get(d.id)) is None
                   or v.content_key != d.content_key]  # fmt: skip
        removed = [i for i in state.vectors if i not in wanted]
        if changed or removed:
            writer = ix.writer(limitmb=256)
            try:
                for doc_id in removed:
                    writer.delete_by_term("key", str(doc_id))
                    del state.vectors[doc_id]
                    state.stored.pop(doc_id, None)
                for n, doc in enumerate(changed, 1):
                    terms = document_terms(doc)
                    if doc.id in state.vectors:
                        writer.delete_by_term("key", str(doc.id))
                    writer.add_document(
                        key=str(doc.id),
                        company=list(doc.company_slugs),
                        source_slug=doc.source_slug,
                        tag=list(doc.tag_slugs),
                        year=doc.year,
                        **terms,
                    )
                    state.vectors[doc.id] = vector_of(doc, terms)
                    state.stored[doc.id] = stored_fields(doc)
                    if progress and (n % 500 == 0 or n == len(changed)):
                        progress(n, len(changed))
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
        ix.close()
        state.facets = facets
        self._save_state(state)
        return state

    def open_searcher(self, state: IndexState):
        """A whoosh searcher scoring with the exact statistics of `state`."""
        from whoosh import index

        ix = index.open_dir(str(self.whoosh_dir))
        return ix.searcher(weighting=ExactBM25F(state.statistics()))


class _FieldScorer(BaseScorer):
    def __init__(self, searcher, fieldname, term_idf, avgfl, boost):
        self.searcher = searcher
        self.fieldname = fieldname
        self.idf = term_idf
        self.avgfl = avgfl
        self.boost = boost

    def supports_block_quality(self):
        return False

    def max_quality(self):
        return float("inf")

    def score(self, matcher):
        # The field length as whoosh stores it (one byte, byte_to_length): the browser index
        # carries the same byte with every posting.
        fl = self.searcher.doc_field_length(matcher.id(), self.fieldname, 1)
        return self.boost * bm25(self.idf, matcher.weight(), fl, self.avgfl, BM25_B, BM25_K1)


class _ZeroScorer(BaseScorer):
    """Filters (`company:`, `year:` …) select documents without adding to their score."""

    def supports_block_quality(self):
        return False

    def max_quality(self):
        return 0.0

    def score(self, matcher):
        return 0.0


class ExactBM25F(WeightingModel):
    """whoosh's BM25F with field boosts, fed by exact statistics: document frequencies count
    live postings only, N and average field lengths come from `IndexStatistics`."""

    def __init__(self, statistics: IndexStatistics):
        self.statistics = statistics
        self._df: dict[tuple[str, bytes], int] = {}

    def document_frequency(self, searcher, fieldname, text) -> int:
        key = (fieldname, text)
        if key not in self._df:
            reader = searcher.get_parent().reader()
            if (fieldname, text) in reader:
                # postings() skips deleted documents; doc_frequency() would count them.
                self._df[key] = sum(1 for _ in reader.postings(fieldname, text).all_ids())
            else:
                self._df[key] = 0
        return self._df[key]

    def idf(self, searcher, fieldname, text):
        return idf(self.statistics.documents, self.document_frequency(searcher, fieldname, text))

    def scorer(self, searcher, fieldname, text, qf=1):
        number = FIELD_NUMBER.get(fieldname)
        if number is None:
            return _ZeroScorer()
        return _FieldScorer(
            searcher,
            fieldname,
            self.idf(searcher, fieldname, text),
            self.statistics.average_length(number),
            FIELD_BOOST[fieldname],
        )
