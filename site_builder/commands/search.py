"""`site-builder search QUERY`: answers from the whoosh index in the build cache, ranked like the
site's search page."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from site_builder.problems import ContentErrors

BOLD, RESET = "\033[1m", "\033[0m"


def register(commands) -> None:
    search = commands.add_parser(
        "search",
        help="search the archive from the command line (run build first)",
        description='Query syntax: words (all must match), "exact phrases", company:HPE, '
        "source:NAME, tag:NAME, year:2020, year:2018..2020, AND, OR, NOT (or -word), "
        "parentheses.",
    )
    search.add_argument("query", help="what to look for; quote it for the shell")
    search.add_argument("--root", default=".", help="site root (holds site.yaml and content/)")
    search.add_argument("--limit", type=int, default=10, help="results to show (default 10)")
    search.add_argument(
        "--sort", choices=("relevance", "date"), default="relevance", help="result order"
    )
    search.add_argument("--json", action="store_true", help="print JSON")
    search.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from site_builder.cli_output import refuse_site_root
    from site_builder.config import load_config
    from site_builder.pages import urls
    from site_builder.search.excerpt import mark
    from site_builder.search.folders import cache_folder
    from site_builder.search.query import QueryProblem
    from site_builder.search.searcher import search

    root = Path(args.root)
    if refuse_site_root(root):
        return 2
    try:
        config = load_config(root)
    except ContentErrors as errors:
        for problem in errors.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    if args.limit < 0:
        print("error: --limit must be 0 or more", file=sys.stderr)
        return 2
    folder = cache_folder(root, config.cache_dir)
    try:
        answer = search(folder, args.query, limit=args.limit, sort=args.sort)
    except QueryProblem as problem:
        if args.json:
            record = {
                "query": args.query,
                "total": 0,
                "results": [],
                "problem": {"code": problem.code, "kind": problem.kind, "message": str(problem)},
            }
            print(json.dumps(record, ensure_ascii=False, indent=2))
        elif problem.kind == "syntax":
            print(f"error: malformed query: {problem}", file=sys.stderr)
        else:
            print(f"{str(problem)[:1].upper()}{str(problem)[1:]}.")
        return 2 if problem.kind == "syntax" else 0
    except Exception as exc:  # an index missing or damaged: it is a cache
        missing = isinstance(exc, FileNotFoundError) and not folder.exists()
        state = "no search index" if missing else "the search index is missing or damaged"
        print(f"error: {state} in {folder}: run `site-builder build --root {root}` to "
              "rebuild it", file=sys.stderr)  # fmt: skip
        return 1

    links = urls.Links(config)
    if args.json:
        results = [
            {
                "id": hit.id,
                "title": hit.title,
                "date": hit.date,
                "url": links.absolute(hit.path),
                "lang": hit.lang,
                "score": hit.score,
                "excerpt": hit.excerpt.text,
                "matches": [list(span) for span in hit.excerpt.matches],
            }
            for hit in answer.hits
        ]
        record = {
            "query": answer.query,
            "total": answer.total,
            "results": results,
            "ignored": list(answer.ignored),
        }
        print(json.dumps(record, ensure_ascii=False, indent=2))
        return 0

    tty = sys.stdout.isatty()
    before, after = (BOLD, RESET) if tty else ("[", "]")
    shown = len(answer.hits)
    noun = "result" if answer.total == 1 else "results"
    line = f"{answer.total} {noun} for {answer.query!r}"
    if shown < answer.total:
        line += f" (showing {shown})"
    if answer.ignored:
        line += f"; ignored: {', '.join(answer.ignored)}"
    print(line)
    for n, hit in enumerate(answer.hits, 1):
        title = f"{BOLD}{hit.title}{RESET}" if tty else hit.title
        print(f"\n{n}. {title}\n   {hit.date} · {links.absolute(hit.path)}")
        print(f"   {mark(hit.excerpt, before, after)}")
    return 0
