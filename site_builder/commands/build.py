"""`site-builder build`: content in, a complete static site out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from site_builder.cli_output import TerminalProgress, report_problems
from site_builder.problems import ContentErrors


def register(commands) -> None:
    build = commands.add_parser("build", help="build the site into output/")
    build.add_argument("--root", default=".", help="site root (holds site.yaml and content/)")
    build.add_argument("--output", help="output folder (default: ROOT/output)")
    build.add_argument(
        "--base-url", help="public URL of the site, e.g. https://example.org/archive/"
    )
    build.add_argument("--drafts", action="store_true", help="include articles with draft: true")
    build.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from site_builder.build import build_site
    from site_builder.write import UnsafeOutput

    root = Path(args.root)
    progress = TerminalProgress()
    try:
        summary = build_site(
            root,
            output=Path(args.output) if args.output else None,
            base_url=args.base_url,
            drafts=args.drafts,
            progress=progress,
        )
    except ContentErrors as errors:
        progress.finish()
        report_problems(errors)
        return 1
    except UnsafeOutput as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    progress.finish()
    print(summary.line())
    return 0
