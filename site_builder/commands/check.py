"""`site-builder check`: validate everything without writing the site."""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def register(commands) -> None:
    check = commands.add_parser(
        "check",
        help="validate content, links, company names and dates without writing the site",
        description="Exit status: 1 when there are errors, 0 otherwise (warnings do not fail).",
    )
    check.add_argument("--root", default=".", help="site root (holds site.yaml and content/)")
    check.add_argument(
        "--format", choices=("text", "github"), default="text",
        help="github: GitHub Actions annotations (::error file=…,line=…::…)",
    )  # fmt: skip
    check.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from site_builder.cli_output import refuse_site_root
    from site_builder.rules.checks import check_site, report_lines

    root = Path(args.root)
    if refuse_site_root(root):
        return 2
    report = check_site(root)
    # GitHub resolves annotation paths against the workspace (the repository checkout).
    workspace = Path(os.environ.get("GITHUB_WORKSPACE") or Path.cwd())
    for line in report_lines(report, args.format, root, workspace):
        print(line)
    return 1 if report.errors else 0
