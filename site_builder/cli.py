"""The command line: a thin layer over the pipeline. Each command lives in `commands/`."""

from __future__ import annotations

import argparse
import os
import sys

from site_builder import __version__
from site_builder.commands import COMMANDS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="site-builder", description="Build a static site from a news archive."
    )
    parser.add_argument("--version", action="version", version=f"site-builder {__version__}")
    # Not `required`: without a command the whole help is more use than argparse's one line.
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def run() -> None:
    """The `site-builder` program: `main`, then exit at once.

    A build leaves a great many objects (the archive, the plan); an interpreter that frees
    them one by one and collects them once more on the way out adds a noticeable share to an
    edit's build. Everything the commands write is closed or committed before they return, so
    only the standard streams need flushing."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        if not _reader_left():
            raise  # another pipe than standard output's: a fault, not a reader that left
        code = 1  # `site-builder search … | head`: the reader left; no traceback
    sys.stderr.flush()
    os._exit(code)


def _reader_left() -> bool:
    """Whether standard output is a pipe whose reader has closed it."""
    import select

    try:
        poll = select.poll()
        poll.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _fd, events in poll.poll(0))
    except (OSError, ValueError, AttributeError):  # closed, or not a real file
        return True
