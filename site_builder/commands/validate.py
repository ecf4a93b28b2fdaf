"""`site-builder validate`: the built site as a static host serves it, every link resolving."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

# Past this many problems the rest is counted, not listed: one broken template link repeats
# on every page.
MAX_SHOWN = 200


def register(commands) -> None:
    validate = commands.add_parser(
        "validate",
        help="check the built site: every link, anchor, asset, feed and search file resolves",
        description="Read the built site as a plain static host serves it under the base URL "
        "and report every reference that does not resolve. Exit status: 1 when there are "
        "problems.",
    )
    validate.add_argument("--root", default=".", help="site root (holds site.yaml and content/)")
    validate.add_argument("--output", help="the built site (default: ROOT/output)")
    validate.add_argument(
        "--base-url", help="the URL the site was built for (default: site.yaml's base_url)"
    )
    validate.add_argument(
        "--format", choices=("text", "github"), default="text",
        help="github: GitHub Actions annotations (::error …::…)",
    )  # fmt: skip
    validate.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from site_builder.cli_output import report_problems
    from site_builder.config import load_config
    from site_builder.output.validate import validate
    from site_builder.problems import ContentErrors

    root = Path(args.root)
    if not root.is_dir():
        print(f"error: --root {root}: no such folder", file=sys.stderr)
        return 2
    output = Path(args.output) if args.output else root / "output"
    if not output.is_dir():
        print(f"error: {output}: no such folder (build the site first)", file=sys.stderr)
        return 2
    try:
        config = load_config(root, args.base_url)
    except ContentErrors as errors:
        report_problems(errors)
        return 1
    # Pages already read are remembered beside the build cache, keyed by size and mtime; a
    # folder that is not a site root gets no cache written into it.
    is_site = (root / "content").is_dir()
    cache = root / config.cache_dir / "validate-output.pickle" if is_site else None
    problems, summary = validate(output, config.base_url, os.cpu_count() or 1, cache)
    for problem in problems[:MAX_SHOWN]:
        if args.format == "github":
            # Output files are not in the repository: a plain error annotation, no file=.
            text = problem.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            print(f"::error title=Output validation::{text}")
        else:
            print(f"error: {problem}")
    if len(problems) > MAX_SHOWN:
        print(f"… and {len(problems) - MAX_SHOWN} more problems")
    if problems:
        print(f"output validation failed: {len(problems)} problems in {summary}", file=sys.stderr)
        return 1
    print(f"output valid for {config.base_url}: {summary}")
    return 0
