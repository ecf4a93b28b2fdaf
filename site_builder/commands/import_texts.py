"""`site-builder import FILE...`: raw news texts in the intake format become draft entries."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from site_builder.cli_output import counted, refuse_site_root, report_problems
from site_builder.problems import ContentErrors


def register(commands) -> None:
    parser = commands.add_parser(
        "import",
        help="turn intake texts ('date YYYY-MM' then the text) into draft entries",
        description="Each FILE becomes a draft entry with its date, a proposed title, the "
        "registry's companies found in the text, and the text as body. What cannot be decided "
        "is reported and written as a placeholder; existing files are never overwritten.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="intake text files (UTF-8)")
    parser.add_argument("--source", help="the outlet, for every file (intake texts have none)")
    parser.add_argument("--lang", help="language of every file (default: guessed, fr or en)")
    parser.add_argument("--root", default=".", help="site root (holds site.yaml and content/)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from site_builder.authoring.entries import EntryError, complete, create_entry
    from site_builder.authoring.intake import (
        IntakeError,
        find_companies,
        guess_language,
        markdown_body,
        propose_title,
        read_intake,
    )
    from site_builder.config import load_config
    from site_builder.content.load import load_registry

    root = Path(args.root)
    if refuse_site_root(root):
        return 2
    try:
        config = load_config(root)
    except ContentErrors as errors:
        report_problems(errors)
        return 1
    registry, registry_problems = load_registry(root)
    if registry_problems:
        report_problems(ContentErrors(registry_problems))
        return 1
    written, failed = 0, 0
    for name in args.files:
        try:
            intake = read_intake(Path(name).read_bytes())
            text = "\n\n".join(intake.paragraphs)
            entry, missing = complete(
                title=propose_title(intake.paragraphs[0]),
                date=intake.date,
                source=args.source,
                companies=find_companies(text, registry),
                lang=args.lang or guess_language(text, config.language),
                body=markdown_body(intake.paragraphs),
                draft=True,
            )
            relpath = create_entry(root, entry, config, date_origin="[date]")
        except OSError as exc:
            failed += 1
            print(f"error: {name}: cannot read: {exc.strerror or exc}", file=sys.stderr)
            continue
        except (IntakeError, EntryError) as exc:
            failed += 1
            print(f"error: {name}: {exc}", file=sys.stderr)
            continue
        written += 1
        print(f"{relpath} (draft) <- {name}")
        undecided = []
        if "companies" in missing:
            undecided.append("no company of the registry found in the text")
        if "source" in missing:
            undecided.append("no source (pass --source)")
        for what in undecided:
            print(f"  to decide: {what}; '{_placeholder()}' written instead")
    summary = f"{counted(written, 'draft')} written"
    if failed:
        summary += f", {counted(failed, 'file')} not imported"
    print(summary, file=sys.stderr)
    return 1 if failed else 0


def _placeholder() -> str:
    from site_builder.authoring.entries import PLACEHOLDER

    return PLACEHOLDER
