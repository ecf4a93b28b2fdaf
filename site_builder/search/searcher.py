"""Answer a query from the whoosh index in the build cache (the command line's front end).

Scores are whoosh's, with `ExactBM25F`; results are ordered like the browser orders them: by
score rounded to 1e-6 (so float noise in the order of additions cannot swap two results),
then newest first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from site_builder.search.analysis import FIELDS, GROUPS
from site_builder.search.excerpt import Excerpt, make_excerpt
from site_builder.search.index import IndexState, SearchIndex
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


def _fields_of(group: str) -> list[str]:
    return [f.name for f in FIELDS if f.group == group]


def to_whoosh(node):
    """The whoosh query for a parsed tree (see `query.py` for the meaning of each node)."""
    from whoosh import query as q

    def zero(child):
        return q.ConstantScoreQuery(child, 0.0)

    def every():
        return zero(q.Every())

    if isinstance(node, Word):
        return _word_query(node.word.terms)
    if isinstance(node, Phrase):
        alternatives = []
        for group in GROUPS:
            terms = node.groups[group]
            for name in _fields_of(group) if terms else ():
                alternatives.append(
                    q.Term(name, terms[0]) if len(terms) == 1 else q.Phrase(name, list(terms))
                )
        words = [_word_query(w.terms) for w in node.words]
        return q.And([*words, zero(q.Or(alternatives))])
    if isinstance(node, Filter):
        if node.kind == "year":
            first, last = node.keys
            return zero(q.NumericRange("year", first, last))
        name = {"company": "company", "source": "source_slug", "tag": "tag"}[node.kind]
        return zero(q.Or([q.Term(name, slug) for slug in node.keys]))
    if isinstance(node, And):
        positive = [to_whoosh(i) for i in node.items if not isinstance(i, Not)]
        negative = [to_whoosh(i.item) for i in node.items if isinstance(i, Not)]
        base = q.And(positive) if len(positive) > 1 else positive[0] if positive else every()
        return q.AndNot(base, q.Or(negative)) if negative else base
    if isinstance(node, Or):
        return q.Or([to_whoosh(i) for i in node.items])
    if isinstance(node, Not):
        return q.AndNot(every(), to_whoosh(node.item))
    raise TypeError(node)


def _word_query(terms: dict[str, str | None]):
    from whoosh import query as q

    return q.Or([q.Term(f.name, terms[f.group]) for f in FIELDS if terms.get(f.group) is not None])


def facet_names(state: IndexState) -> dict[str, list[FacetName]]:
    return {
        kind: [FacetName(n["name"], n["slug"], tuple(n.get("aliases", ()))) for n in names]
        for kind, names in state.facets.items()
    }


def search(folder: Path, text: str, limit: int = 10, sort: str = RELEVANCE) -> SearchAnswer:
    """Parse and run `text`. Raises `QueryProblem` for a query that cannot be answered, and
    `FileNotFoundError` when there is no index yet."""
    index = SearchIndex(folder)
    if not index.exists():
        raise FileNotFoundError(folder)
    state = index.load_state()
    parsed = parse_query(text, facet_names(state))
    return run(index, state, parsed, text, limit, sort)


def run(
    index: SearchIndex, state: IndexState, parsed: ParsedQuery, text: str, limit: int, sort: str
) -> SearchAnswer:
    with index.open_searcher(state) as searcher:
        results = searcher.search(to_whoosh(parsed.tree), limit=None)
        scored = [(int(searcher.stored_fields(hit.docnum)["key"]), hit.score) for hit in results]
    if sort == DATE:
        scored.sort(key=lambda item: -item[0])
    else:
        scored.sort(key=lambda item: rank_key(item[1], item[0]))
    words = parsed.words()
    hits = []
    for doc_id, score in scored[: max(0, limit)]:
        stored = state.stored[doc_id]
        hits.append(
            Hit(
                id=doc_id,
                score=score,
                title=stored["title"],
                path=stored["path"],
                date=stored["date"],
                lang=stored["lang"],
                excerpt=make_excerpt(stored["text"], stored["lang"], words),
            )
        )
    return SearchAnswer(text, len(scored), tuple(hits), parsed.ignored)
