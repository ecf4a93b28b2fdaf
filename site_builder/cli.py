"""The command line: a thin layer over the pipeline. Each command lives in `commands/`."""

from __future__ import annotations

import argparse
import gc
import sys

from site_builder import __version__
from site_builder.commands import COMMANDS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="site-builder", description="Build a static site from a news archive."
    )
    parser.add_argument("--version", action="version", version=f"site-builder {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(commands)
    return parser


# A build makes millions of small objects that form no cycles (records, keys, pages). With
# Python's default threshold (700) the cycle collector runs so often that it takes about a
# tenth of an incremental build at 10,000 articles; cycles are still collected, less often.
GC_THRESHOLD = 50_000


def main(argv: list[str] | None = None) -> int:
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
