"""Related articles: those that share companies with an article, nearest in time first.

Scores add up, per candidate, the weight of each company it shares with the article: a rare
company weighs more than one in every other story (inverse document frequency). Text
similarity from the search index plugs in as a second source of candidates and scores
(`TextNeighbours`); without it, companies alone decide.

Built for archives of tens of thousands of articles: for each company an article names, only
the `window` articles nearest in time on each side of it in that company's list are
candidates, so the work grows with the number of articles, never with its square. Ties break
on time distance, then on the newer article, then on the path: the order is deterministic.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from site_builder.archive.model import Archive

# path → the (path, similarity in 0..1) pairs of its nearest articles by text.
TextNeighbours = Callable[[str], Sequence[tuple[str, float]]]


@dataclass(frozen=True)
class Related:
    path: str
    score: float
    shared: tuple[str, ...]  # canonical names of the companies in common


def related_articles(
    archive: Archive,
    limit: int = 5,
    window: int = 20,
    text_neighbours: TextNeighbours | None = None,
    text_weight: float = 1.0,
) -> Mapping[str, tuple[Related, ...]]:
    """For every article path, up to `limit` related articles, best first."""
    total = len(archive.articles)
    rank = {a.path: i for i, a in enumerate(archive.articles)}  # 0 = newest
    members = {t.name: tuple(a.path for a in t.articles) for t in archive.companies}
    position = {name: {path: i for i, path in enumerate(paths)} for name, paths in members.items()}
    weight = {name: 1.0 + math.log(total / len(paths)) for name, paths in members.items()}

    out: dict[str, tuple[Related, ...]] = {}
    for article in archive.articles:
        me = article.path
        names = archive.company_names[me]
        scores: dict[str, float] = {}
        for name in names:
            paths = members.get(name)
            if paths is None:
                continue
            i = position[name][me]
            w = weight[name]
            for other in paths[max(0, i - window) : i + window + 1]:
                scores[other] = scores.get(other, 0.0) + w
        scores.pop(me, None)
        if text_neighbours is not None:
            for other, similarity in text_neighbours(me):
                if other != me and other in rank:
                    scores[other] = scores.get(other, 0.0) + text_weight * similarity
        # Only candidates scoring at least the limit-th best score can make the list: the
        # full ordering (of the many candidates a large archive gives each article) is for
        # those alone.
        pool = scores
        if len(scores) > limit:
            cutoff = heapq.nlargest(limit, scores.values())[-1]
            pool = [p for p, score in scores.items() if score >= cutoff]
        here = rank[me]
        best = heapq.nsmallest(
            limit, pool, key=lambda p: (-scores[p], abs(rank[p] - here), rank[p], p)
        )
        out[me] = tuple(
            Related(p, round(scores[p], 6), _shared(p, me, names, position, window)) for p in best
        )
    return out


def _shared(other: str, me: str, names, position, window: int) -> tuple[str, ...]:
    """The companies of `me` whose window of candidates holds `other`."""
    return tuple(
        name
        for name in names
        if name in position
        and other in position[name]
        and abs(position[name][other] - position[name][me]) <= window
    )
