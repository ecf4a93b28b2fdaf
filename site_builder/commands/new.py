"""`site-builder new "Titre"`: a new article file with its front matter filled in."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from site_builder.cli_output import refuse_site_root, report_problems
from site_builder.problems import ContentErrors


def register(commands) -> None:
    new = commands.add_parser(
        "new",
        help="create content/YYYY/MM/<slug>.md with its front matter filled in",
        description="Create a new article. It never overwrites an existing file. Without "
        "--source or --company the entry is written as a draft with a placeholder to fill in.",
    )
    new.add_argument("title", help='the headline, e.g. "HPE supprime 500 postes"')
    new.add_argument(
        "--company", action="append", default=[], metavar="NAME",
        help="a company concerned (repeat for several)",
    )  # fmt: skip
    new.add_argument("--source", help="the outlet that reported it")
    new.add_argument(
        "--date", help="YYYY, YYYY-MM or YYYY-MM-DD (default: today in the site's time zone)"
    )
    new.add_argument("--lang", help="language code (default: the site's language)")
    new.add_argument("--draft", action="store_true", help="mark the entry as a draft")
    new.add_argument("--root", default=".", help="site root (holds site.yaml and content/)")
    new.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from site_builder.authoring.entries import EntryError, complete, create_entry, today
    from site_builder.config import load_config

    root = Path(args.root)
    if refuse_site_root(root):
        return 2
    try:
        config = load_config(root)
    except ContentErrors as errors:
        report_problems(errors)
        return 1
    entry, missing = complete(
        title=args.title,
        date=args.date or today(config),
        source=args.source,
        companies=args.company,
        lang=args.lang or config.language,
        draft=args.draft,
    )
    try:
        relpath = create_entry(root, entry, config)
    except EntryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(root / relpath if args.root != "." else relpath)
    for field in missing:
        option = "--source" if field == "source" else "--company"
        print(
            f"note: no {option} given: '{field}' holds a placeholder and the entry is a draft",
            file=sys.stderr,
        )
    return 0
