"""Answer a query from the whoosh index in the build cache (the command line's front end).

Scores are whoosh's, with `ExactBM25F`; results are ordered like the browser orders them: by
score rounded to 1e-6 (so float noise in the order of additions cannot swap two results),
then newest first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from whoosh.matching import ListMatcher, NullMatcher, NullMatcherClass, WrappingMatcher
from whoosh.query import Query, WrappingQuery

from site_builder.search.analysis import FIELDS, positions
from site_builder.search.excerpt import Excerpt, make_excerpt
from site_builder.search.index import SearchIndex, field_texts
from site_builder.search.query import (
    And,
    FacetName,
    Filter,
    Not,
    Or,
    ParsedQuery,
    Phrase,
    Word,
    parse_query,
)
from site_builder.search.store import DocumentStore

RELEVANCE, DATE = "relevance", "date"


@dataclass(frozen=True)
class Hit:
    id: int
    score: float
    title: str
    path: str
    date: str
    lang: str
    excerpt: Excerpt


@dataclass(frozen=True)
class SearchAnswer:
    query: str
    total: int
    hits: tuple[Hit, ...]
    ignored: tuple[str, ...]


def rank_key(score: float, doc_id: int) -> tuple[int, int]:
    """Sort key for relevance: rounded score, then newer first."""
    return (-math.floor(score * 1e6 + 0.5), -doc_id)


class _NoScore(WrappingMatcher):
    def __init__(self, child, boost=0.0):
        super().__init__(child, 0.0)

    def supports_block_quality(self):
        return False


class ZeroScore(WrappingQuery):
    """Selects what its child matches and adds nothing to the score (whoosh's
    ConstantScoreQuery(child, 0.0) scores 1.0: a weight of 0.0 reads as "not set")."""

    def matcher(self, searcher, context=None):
        m = self.child.matcher(searcher, context)
        return m if isinstance(m, NullMatcherClass) else _NoScore(m)


class DocumentSet(Query):
    """Matches a given set of (top-level) document numbers."""

    def __init__(self, docnums: frozenset[int]):
        self.docnums = docnums
        self.boost = 1.0

    def __eq__(self, other):
        return isinstance(other, DocumentSet) and other.docnums == self.docnums

    def __hash__(self):
        return hash(self.docnums)

    def __repr__(self):
        return f"DocumentSet({len(self.docnums)})"

    def is_leaf(self):
        return True

    def estimate_size(self, ixreader):
        return len(self.docnums)

    def matcher(self, searcher, context=None):
        parent = searcher.get_parent()
        offset = 0 if parent is searcher else parent._offset_for_subsearcher(searcher)
        size = searcher.doc_count_all()
        ids = sorted(d - offset for d in self.docnums if offset <= d < offset + size)
        return ListMatcher(ids, all_weights=0.0) if ids else NullMatcher()


def to_whoosh(node, phrase_docs=None):
    """The whoosh query for a parsed tree (see `query.py` for the meaning of each node).
    `phrase_docs(node)` gives the document numbers where a phrase's words are adjacent."""
    from whoosh import query as q

    def inner(child):
        return to_whoosh(child, phrase_docs)

    def zero(child):
        return ZeroScore(child)

    def every():
        return zero(q.Every())

    if isinstance(node, Word):
        return _word_query(node.word.terms)
    if isinstance(node, Phrase):
        words = q.And([_word_query(w.terms) for w in node.words])
        if phrase_docs is None:
            return words
        return q.And([words, zero(DocumentSet(phrase_docs(node)))])
    if isinstance(node, Filter):
        if node.kind == "year":
            first, last = node.keys
            return zero(q.NumericRange("year", first, last))
        name = {"company": "company", "source": "source_slug", "tag": "tag"}[node.kind]
        return zero(q.Or([q.Term(name, slug) for slug in node.keys]))
    if isinstance(node, And):
        positive = [inner(i) for i in node.items if not isinstance(i, Not)]
        negative = [inner(i.item) for i in node.items if isinstance(i, Not)]
        base = q.And(positive) if len(positive) > 1 else positive[0] if positive else every()
        return q.AndNot(base, q.Or(negative)) if negative else base
    if isinstance(node, Or):
        return q.Or([inner(i) for i in node.items])
    if isinstance(node, Not):
        return q.AndNot(every(), inner(node.item))
    raise TypeError(node)


def _phrase_fields(node: Phrase) -> list[tuple[str, tuple[str, ...]]]:
    """(field, terms) pairs where the phrase may occur."""
    return [(f.name, node.groups[f.group]) for f in FIELDS if node.groups[f.group]]


def _holds(terms: list[tuple[str, str | None]], phrase: tuple[str, ...]) -> bool:
    """Whether the phrase's terms follow each other in `terms` ((term, alias) per position:
    `"donnees securite"`, typed without accents, is held by `données sécurité`)."""
    first, rest = phrase[0], tuple(enumerate(phrase))[1:]
    return any(
        first in terms[i] and all(word in terms[i + j] for j, word in rest)
        for i in range(len(terms) - len(phrase) + 1)
    )


class _PhraseChecker:
    """Finds the documents where a phrase's terms are adjacent in one field, by analysing the
    stored text of the documents holding all its words (the index keeps no positions)."""

    def __init__(self, searcher, store: DocumentStore):
        self.searcher = searcher
        self.store = store

    def __call__(self, node: Phrase) -> frozenset[int]:
        from whoosh import query as q

        candidates = q.And([_word_query(w.terms) for w in node.words])
        wanted = dict(_phrase_fields(node))
        found = set()
        for docnum in self.searcher.docs_for_query(candidates):
            doc_id = int(self.searcher.stored_fields(docnum)["key"])
            texts = field_texts(self.store.stored(doc_id))
            for name, (text, group) in texts.items():
                phrase = wanted.get(name)
                if phrase and _holds(positions(text, group), phrase):
                    found.add(docnum)
                    break
        return frozenset(found)


def _word_query(terms: dict[str, str | None]):
    from whoosh import query as q

    return q.Or([q.Term(f.name, terms[f.group]) for f in FIELDS if terms.get(f.group) is not None])


def facet_names(facets: dict) -> dict[str, list[FacetName]]:
    return {
        kind: [FacetName(n["name"], n["slug"], tuple(n.get("aliases", ()))) for n in names]
        for kind, names in facets.items()
    }


def search(folder: Path, text: str, limit: int = 10, sort: str = RELEVANCE) -> SearchAnswer:
    """Parse and run `text`. Raises `QueryProblem` for a query that cannot be answered, and
    `FileNotFoundError` when there is no index yet, or whoosh missed the last update (an
    interrupted build)."""
    index = SearchIndex(folder)
    if not index.exists():
        raise FileNotFoundError(folder)
    store = index.store()
    try:
        token = store.info("whoosh")
        if token is None or token != index.whoosh_token():
            raise FileNotFoundError(folder)
        parsed = parse_query(text, facet_names(store.info("facets", {})))
        return run(index, store, parsed, text, limit, sort)
    finally:
        store.close()


def run(
    index: SearchIndex, store: DocumentStore, parsed: ParsedQuery, text: str, limit: int, sort: str
) -> SearchAnswer:
    with index.open_searcher(store.statistics()) as searcher:
        whoosh_query = to_whoosh(parsed.tree, _PhraseChecker(searcher, store))
        results = searcher.search(whoosh_query, limit=None)
        scored = [(int(searcher.stored_fields(hit.docnum)["key"]), hit.score) for hit in results]
    if sort == DATE:
        scored.sort(key=lambda item: -item[0])
    else:
        scored.sort(key=lambda item: rank_key(item[1], item[0]))
    words = parsed.words()
    hits = []
    for doc_id, score in scored[: max(0, limit)]:
        stored = store.stored(doc_id)
        hits.append(
            Hit(
                id=doc_id,
                score=score,
                title=stored["title"],
                path=stored["path"],
                date=stored["date"],
                lang=stored["lang"],
                excerpt=make_excerpt(
                    f"{stored['summary']}\n\n{stored['body']}", stored["lang"], words
                ),
            )
        )
    return SearchAnswer(text, len(scored), tuple(hits), parsed.ignored)
