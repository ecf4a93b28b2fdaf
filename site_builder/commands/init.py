"""`site-builder init DIR`: a new site, ready to build, preview and publish."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# What each file is for, as `init` lists them once written.
WHAT = {
    "site.yaml": "the settings, each explained",
    "content/companies.yaml": "the company registry",
    "requirements.txt": "the site-builder the workflows install",
    ".gitignore": "leaves output/ and the build cache out of git",
    ".github/workflows/check.yml": "checks every pull request",
    ".github/workflows/publish.yml": "publishes main to GitHub Pages",
    "README.md": "how to write, preview and publish",
}


def register(commands) -> None:
    init = commands.add_parser(
        "init",
        help="create a new site: settings, an example article, publishing workflows",
        description="Create a new site in DIR, which must not exist or be empty: nothing is "
        "ever overwritten.",
    )
    init.add_argument("dir", metavar="DIR", help="the folder of the new site")
    init.add_argument(
        "--lang", choices=("fr", "en"), default="fr",
        help="the site's language and the example's (default: fr)",
    )  # fmt: skip
    init.add_argument("--title", help="the site's name (default: Mon archive / My archive)")
    init.add_argument(
        "--base-url", metavar="URL",
        help="the public address it will be published at (can be set later in site.yaml)",
    )  # fmt: skip
    init.add_argument(
        "--requirement", metavar="SPEC",
        help="how the workflows install site-builder, as a pip requirement (default: "
        "site-builder==THIS_VERSION; e.g. 'site-builder @ git+https://…@TAG' or a wheel)",
    )  # fmt: skip
    init.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from site_builder.authoring.new_site import SiteExists, create_site, site_files
    from site_builder.config import _check

    problems = []
    if args.title is not None and not args.title.strip():
        problems.append("--title: expected a non-empty text")
    base_url = None
    if args.base_url is not None:
        checked = _check("base_url", args.base_url)
        if isinstance(checked, tuple):
            base_url = checked[0]
        else:
            problems.append(f"--base-url: {checked.message}")
    requirement = args.requirement.strip() if args.requirement is not None else None
    if requirement is not None and (not requirement or "\n" in requirement):
        problems.append("--requirement: expected one pip requirement on one line")
    if problems:
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    target = Path(args.dir)
    title = args.title.strip() if args.title is not None else None
    files = site_files(args.lang, title, base_url, requirement)
    try:
        create_site(target, files)
    except SiteExists as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: cannot write the new site in {target}: {exc.strerror or exc}",
              file=sys.stderr)  # fmt: skip
        return 1
    print(f"Created a new site in {target}/:")
    width = max(len(file.path) for file in files)
    for file in files:
        what = WHAT.get(file.path) or ("an example article" if file.path.endswith(".md") else "")
        print(f"  {file.path:<{width}}  {what}".rstrip())
    print("Next:")
    print(f"  cd {target}")
    print("  site-builder serve      preview at http://127.0.0.1:8000/, rebuilt as you save")
    print("  site-builder check      every problem, with its file and line")
    print("  site-builder build      the site in output/ (add --base-url URL for publishing)")
    print("Publishing on GitHub Pages: see README.md.")
    return 0
