"""Known-item search relevance: does a query made from one headline find that article first?

``python3 bench/relevance.py [--size 2000] [--seed 0] [--per-kind 25] [--no-pagefind]``

A generated archive (``generate.py``, cached as in ``build.py``) is built with site-builder.
Queries are drawn with the seed from its headlines: each starts from a pair of headline words
(or the article's company and a headline word) that no other headline holds, so exactly one
article is the right answer. Six kinds, as readers type them:

- ``two headline words``: the pair as written;
- ``company + headline word``: the company's name and a word only its headline holds among
  that company's articles;
- ``other inflection``: one word of the pair in its other number (plural ``s`` or ``x``
  added or removed);
- ``other part of speech``: one word replaced by a word of its family (``stockage`` →
  ``stocker``, ``acquisition`` → ``acquérir``), from the table below;
- ``without accents``: a word of the pair typed without its accents;
- ``one typo``: one letter of the longer word swapped with its neighbour.

Each query runs through site-builder's command-line search (the function ``site-builder search
--json`` calls, on the index the build made) and, unless ``--no-pagefind``, through Pagefind
1.5 in headless Chromium on Hugo's build of the same archive (peers pinned in ``peers.py``).
The report gives, per kind and tool, MRR@10 (mean of 1/rank of the right article, 0 past 10),
recall@10 and the queries with no result at all. Results are matched to the article by title.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import build
import generate
import wordlists as W

KINDS = (
    "two headline words",
    "company + headline word",
    "other inflection",
    "other part of speech",
    "without accents",
    "one typo",
)
# Headline words and a word of their family that readers type for them.
FAMILIES = {
    "licenciement": "licencier",
    "licenciements": "licencier",
    "suppressions": "supprimer",
    "supprime": "suppression",
    "acquisition": "acquérir",
    "rachat": "racheter",
    "rachète": "rachat",
    "stockage": "stocker",
    "partenariat": "partenaire",
    "sépare": "séparation",
    "lance": "lancement",
    "annonce": "annoncer",
    "dévoile": "dévoilement",
    "finalise": "finalisation",
    "renouvelle": "renouvellement",
    "présente": "présentation",
    "publie": "publication",
    "corrige": "correction",
    "confirme": "confirmation",
    "signent": "signature",
    "menacés": "menace",
    "hausse": "hausser",
    "prévisions": "prévoir",
    "acquire": "acquisition",
    "acquisition_en": "acquire",
    "completes": "completion",
    "refreshes": "refresh",
    "launches": "launch",
    "expands": "expansion",
    "reports": "report",
    "growth": "grow",
    "patches": "patch",
    "partners": "partnership",
    "agreement": "agree",
    "unveils": "unveiling",
    "layoffs": "laid",
    "cuts": "cutting",
    "storage": "store",
    "opens": "opening",
}
STOP = set(W.FUNCTION_FR) | set(W.FUNCTION_EN) | {"ses", "sur", "son", "une", "des"}
WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]{2,}")


@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    title: str  # the headline of the one right article


def fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def other_number(word: str) -> str:
    """The word in its other number, as a reader would write it: `serveurs` → `serveur`,
    `nouveaux` → `nouveau`, `baie` → `baies`."""
    if word.endswith(("s", "x")) and len(word) > 4:
        return word[:-1]
    return word + ("x" if word.endswith(("eau", "eu")) else "s")


def words_of(title: str) -> list[str]:
    found = []
    for w in WORD.findall(title.lower()):
        w = w.split("'")[-1].split("’")[-1]
        if len(w) >= 4 and w not in STOP and w not in found:
            found.append(w)
    return found


def draw_queries(articles: list, per_kind: int, seed: int) -> list[Query]:
    """`per_kind` queries of each kind (fewer when the archive has no more), each with exactly
    one right headline, each article used once."""
    rng = random.Random(f"relevance:{seed}")
    titles = [a.title for a in articles]
    holders: dict[str, set[int]] = defaultdict(set)
    by_company: dict[str, set[int]] = defaultdict(set)
    for i, a in enumerate(articles):
        for w in words_of(a.title):
            holders[w].add(i)
        for c in a.canonical:
            by_company[c].add(i)
    seen: dict[str, int] = defaultdict(int)
    for t in titles:
        seen[t] += 1
    order = [i for i in range(len(articles)) if seen[titles[i]] == 1]
    rng.shuffle(order)
    used: set[int] = set()
    queries = []
    for kind in KINDS:
        made = 0
        for i in order:
            if made == per_kind:
                break
            if i in used:
                continue
            text = _query_of(kind, i, articles[i], holders, by_company, rng)
            if text is not None:
                queries.append(Query(kind, text, titles[i]))
                used.add(i)
                made += 1
    return queries


def _query_of(kind, i, article, holders, by_company, rng) -> str | None:
    ws = words_of(article.title)
    if kind == "company + headline word":
        for company in article.canonical:
            own = set(words_of(company))
            alone = [w for w in ws if w not in own and holders[w] & by_company[company] == {i}]
            if alone:
                return f"{company} {rng.choice(alone)}"
        return None
    pairs = [(a, b) for a in ws for b in ws if a != b and holders[a] & holders[b] == {i}]
    rng.shuffle(pairs)
    for a, b in pairs:
        if kind == "two headline words":
            return f"{a} {b}"
        if kind == "other inflection":
            return f"{a} {other_number(b)}"
        if kind == "other part of speech" and b in FAMILIES:
            return f"{a} {FAMILIES[b]}"
        if kind == "without accents" and fold(b) != b:
            return f"{a} {fold(b)}"
        if kind == "one typo" and len(b) >= 6:
            at = rng.randrange(1, len(b) - 2)
            typo = b[:at] + b[at + 1] + b[at] + b[at + 2 :]
            if typo != b:
                return f"{a} {typo}"
    return None


def rank_of(titles: list[str], right: str) -> int | None:
    """1-based rank of the right headline among the first ten results, or None."""
    for rank, title in enumerate(titles[:10], 1):
        if title == right:
            return rank
    return None


def site_builder_titles(site: Path, queries: list[Query]) -> list[list[str]]:
    """Titles of the first ten results of each query, from the index the build made."""
    from site_builder.config import load_config
    from site_builder.search.folders import cache_folder
    from site_builder.search.query import QueryProblem
    from site_builder.search.searcher import search

    folder = cache_folder(site, load_config(site).cache_dir)
    out = []
    for q in queries:
        try:
            out.append([hit.title for hit in search(folder, q.text, limit=10).hits])
        except QueryProblem:
            out.append([])
    return out


PAGEFIND_PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>relevance</title></head><body><script type="module">
window.pagefind = await import("/pagefind/pagefind.js");
window.ready = true;
</script></body></html>"""
PAGEFIND_QUERY = """async (q) => {
  const found = await window.pagefind.search(q);
  const top = await Promise.all(found.results.slice(0, 10).map((r) => r.data()));
  return top.map((d) => d.meta.title);
}"""


def pagefind_titles(size: int, seed: int, queries: list[Query]) -> list[list[str]]:
    """Titles of Pagefind's first ten results, in Chromium, on Hugo's build of the archive."""
    import peers
    import search as search_bench

    site = build.ensure_archive(size, seed, "hugo")
    peers.run_hugo(site)
    peers.run_pagefind(site)
    public = site / "public"
    (public / "bench-relevance").mkdir(exist_ok=True)
    (public / "bench-relevance" / "index.html").write_text(PAGEFIND_PAGE)
    with search_bench.serve(public) as (base, _), search_bench.chromium() as browser:
        page = browser.new_page()
        page.goto(f"{base}/bench-relevance/")
        page.wait_for_function("window.ready === true")
        return [page.evaluate(PAGEFIND_QUERY, q.text) for q in queries]


def table(queries: list[Query], results: dict[str, list[list[str]]]) -> str:
    tools = list(results)
    head = "| kind of query | n | " + " | ".join(
        f"{t} MRR@10 | {t} recall@10 | {t} no result" for t in tools
    )
    lines = [head + " |", "|---|---:|" + "---:|" * (3 * len(tools))]
    for kind in (*KINDS, "all"):
        rows = [j for j, q in enumerate(queries) if kind in ("all", q.kind)]
        if not rows:
            continue
        cells = [kind, str(len(rows))]
        for t in tools:
            ranks = [rank_of(results[t][j], queries[j].title) for j in rows]
            mrr = sum(1 / r for r in ranks if r) / len(rows)
            recall = sum(1 for r in ranks if r) / len(rows)
            empty = sum(1 for j in rows if not results[t][j])
            cells += [f"{mrr:.2f}", f"{recall:.2f}", str(empty)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-kind", type=int, default=25)
    parser.add_argument("--pagefind", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--out", type=Path, help="write the queries and results as JSON here")
    parser.add_argument("--show", action="store_true", help="print each query and its rank")
    args = parser.parse_args(argv)

    site = build.ensure_archive(args.size, args.seed, "site-builder")
    command = build.site_builder_command(None)
    subprocess.run([*command, "build", "--root", str(site)], check=True, capture_output=True)
    world = generate.build_world(args.seed)
    articles = [generate.make_article(world, i) for i in range(args.size)]
    queries = draw_queries(articles, args.per_kind, args.seed)
    results = {"site-builder": site_builder_titles(site, queries)}
    if args.pagefind:
        results["pagefind"] = pagefind_titles(args.size, args.seed, queries)
    if args.show:
        for j, q in enumerate(queries):
            ranks = {t: rank_of(results[t][j], q.title) for t in results}
            print(f"{q.kind:24} {q.text!r:40} {ranks}  <- {q.title}")
    print(f"{args.size} articles, seed {args.seed}, {len(queries)} known-item queries\n")
    print(table(queries, results))
    if args.out:
        records = [
            {
                "kind": q.kind,
                "query": q.text,
                "title": q.title,
                **{t: r[j] for t, r in results.items()},
            }
            for j, q in enumerate(queries)
        ]
        args.out.write_text(json.dumps(records, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
