"""`check`: everything a publishing build would refuse, and what a curator should look at.

Errors (a publishing build refuses them, from the same rules: `rules/`): every content-contract
problem and duplicate output path (from `plan_site`), links between articles and to anchors
that do not resolve, dates in the future, placeholders left in a published article.

Warnings (worth a look, never a failure): company names missing from the registry, company or
source names that differ only by case, accents or punctuation, empty bodies, a missing or
loopback `base_url`, and in drafts what would be an error once published (links, future dates,
placeholders).

Nothing is written: the site is planned in memory as a publishing build plans it, and the
drafts it leaves out are judged too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from site_builder.cli_output import counted
from site_builder.content.registry import REGISTRY_FILE
from site_builder.problems import ContentErrors, Problem, problem_order
from site_builder.rules import ERROR, WARNING


@dataclass(frozen=True)
class CheckReport:
    """The outcome of `check_site`: problems sorted by file and line, and files looked at."""

    problems: tuple[Problem, ...]
    files: int

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == WARNING)


def sort_problems(problems: list[Problem]) -> tuple[Problem, ...]:
    """File, then line (unknown lines first), then field and message; duplicates dropped."""
    unique = dict.fromkeys(problems)
    return tuple(sorted(unique, key=problem_order))


def check_site(root: Path, now: dt.datetime | None = None) -> CheckReport:
    """Check the site at `root` without writing anything. `now` defaults to the current time."""
    from site_builder.build import plan_site
    from site_builder.config import base_url_warning
    from site_builder.content.body_facts import facts_of
    from site_builder.content.load import content_files
    from site_builder.rules import Subject, apply_rules

    try:
        site = plan_site(root)
        address = base_url_warning(root)
    except ContentErrors as errors:  # site.yaml itself is broken
        return CheckReport(sort_problems(list(errors.problems)), 0)
    files = content_files(root)
    articles = site.archive.articles + site.drafts
    config = site.config
    facts = facts_of(list(articles), site.loaded.bodies, _netloc(config.base_url),
                     config.allow_raw_html)  # fmt: skip
    pages = site.pages if site.pages is not None else []
    subject = Subject(site, articles, facts, set(files), lambda: (p.path for p in pages),
                      now or dt.datetime.now(dt.UTC))  # fmt: skip
    problems = list(site.problems) + apply_rules(subject, build=False)
    problems += check_templates(site)
    if address is not None:
        problems.append(address)
    count = len(files) + (1 if (root / REGISTRY_FILE).exists() else 0)
    return CheckReport(sort_problems(problems), count)


def check_templates(site) -> list[Problem]:
    """Errors in the templates, as a build would meet them: every template compiled, and a
    page of each kind rendered (not the whole site)."""
    from site_builder.content.inputs import template_folders
    from site_builder.render.renderer import (
        Renderer,
        collect_assets,
        sample_pages,
        template_problems,
    )

    folders = template_folders(site.root)
    try:
        assets = collect_assets(folders)
    except ContentErrors as errors:  # a module importing a missing file, or in a cycle
        return list(errors.problems)
    renderer = Renderer(folders, site.config, assets, site.root)
    pages = site.pages or []
    plans = [pages[i].plan() for i in sample_pages(page.path for page in pages)]
    return template_problems(renderer, plans, site.loaded.bodies.get_path)


def _netloc(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).netloc


def escape_data(text: str) -> str:
    """GitHub workflow-command data escaping: `%`, CR and LF."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """GitHub workflow-command property escaping: data escaping plus `:` and `,`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(problem: Problem, file: str) -> str:
    """`::error file=…,line=…,title=…::message` for one problem; `file` as the repository
    sees it."""
    props = [f"file={escape_property(file)}"]
    if problem.line is not None:
        props.append(f"line={problem.line}")
    props.append(f"title={escape_property(problem.field or 'content')}")
    return f"::{problem.severity} {','.join(props)}::{escape_data(problem.message)}"


def report_lines(report: CheckReport, fmt: str, root: Path, workspace: Path) -> list[str]:
    """The lines `check` prints: one per problem, then the summary. `fmt` is `text` (paths
    relative to the site root, like `build`) or `github` (annotations with paths relative to
    `workspace`, where GitHub looks for the files)."""
    lines = []
    for problem in report.problems:
        if fmt == "github":
            path = (root / problem.file).resolve()
            workspace = workspace.resolve()
            shown = path.relative_to(workspace) if path.is_relative_to(workspace) else path
            lines.append(github_annotation(problem, shown.as_posix()))
        else:
            lines.append(f"{problem.severity}: {problem}")
    lines.append(summary_line(report))
    return lines


def summary_line(report: CheckReport) -> str:
    """`2 errors, 1 warning in 24 files` or `no problems in 24 files`."""
    e, w = len(report.errors), len(report.warnings)
    where = f"in {counted(report.files, 'file')}"
    if not e and not w:
        return f"no problems {where}"
    return f"{counted(e, 'error')}, {counted(w, 'warning')} {where}"
