"""How both front ends score: whoosh's BM25F with field boosts, fed by exact statistics
(`IndexStatistics`, from the document store) rather than whoosh's own counts, which include
deleted documents until segments merge. The browser computes the same expressions in the same
order (`search-index.js`), so the command line and the search page rank alike.
"""

from __future__ import annotations

from math import log

from whoosh.scoring import BaseScorer, WeightingModel

from site_builder.search.analysis import BM25_B, BM25_K1, FIELD_NUMBER, FIELDS
from site_builder.search.store import IndexStatistics

FIELD_BOOST = {f.name: f.boost for f in FIELDS}


def bm25(idf: float, tf: float, fl: float, avgfl: float, b: float, k1: float) -> float:
    """whoosh's BM25 term score; the browser computes the same expression in the same order."""
    return idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))


def idf(documents: int, df: int) -> float:
    """whoosh's inverse document frequency."""
    return log(documents / (df + 1)) + 1


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
