"""`site-builder build`: content in, a complete static site out."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from site_builder.cli_output import (
    TerminalProgress,
    refuse_site_root,
    report_problems,
    report_warnings,
)
from site_builder.problems import ContentErrors


def register(commands) -> None:
    build = commands.add_parser("build", help="build the site into output/")
    build.add_argument("--root", default=".", help="site root (holds site.yaml and content/)")
    build.add_argument("--output", help="output folder (default: ROOT/output)")
    build.add_argument(
        "--base-url", help="public URL of the site, e.g. https://example.org/archive/"
    )
    build.add_argument("--drafts", action="store_true", help="include articles with draft: true")
    build.add_argument(
        "--report",
        metavar="FILE",
        help="write the files added, changed and removed by this build as JSON to FILE",
    )
    build.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from site_builder.build import build_site
    from site_builder.output.staging import OutputError

    root = Path(args.root)
    if refuse_site_root(root):
        return 2
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
    except OutputError as exc:  # an output folder refused, or not fully written
        progress.finish()
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_status
    progress.finish()
    report_warnings(summary.warnings)
    if args.report:
        write_report(Path(args.report), summary.report)
    print(summary.line(), flush=True)
    from site_builder.config import base_url_warning

    address = base_url_warning(root, args.base_url)  # last: the one thing to do before publishing
    if address is not None:
        report_warnings([address])
    return 0


def write_report(path: Path, report) -> None:
    """The change report a deploy step reads to upload only what changed."""
    data = {"added": list(report.added), "changed": list(report.changed),
            "removed": list(report.removed)}  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", "utf-8")
    os.replace(tmp, path)
