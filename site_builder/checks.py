"""`check`: everything a publishing build would refuse, and what a curator should look at.

Errors (the build would fail or publish something broken): every content-contract problem and
duplicate output path (from `plan_site`), links between articles and to anchors that do not
resolve, dates in the future, placeholders left in a published article.

Warnings (worth a look, never a failure): company names missing from the registry, company or
source names that differ only by case, accents or punctuation, and in drafts what would be an
error once published (future dates, placeholders).

Nothing is written: the site is planned in memory, drafts included.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from text_unidecode import unidecode

from site_builder import urls
from site_builder.authoring import PLACEHOLDER
from site_builder.build import SitePlan, plan_site
from site_builder.frontmatter import FrontMatterError, split_front_matter
from site_builder.inputs import template_folders
from site_builder.model import Article
from site_builder.plan import plan_feeds
from site_builder.problems import ContentErrors, Problem
from site_builder.registry import REGISTRY_FILE
from site_builder.render import Renderer, collect_assets, sample_pages, template_problems
from site_builder.slugs import slugify
from site_builder.textfile import NotUTF8, decode_text, normal_line_ends

ERROR, WARNING = "error", "warning"
# ids every page has (base.html), and fragments a browser always accepts.
_PAGE_IDS = frozenset({"main", "top", "site-search"})
_OTHER_SCHEMES = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


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
    return tuple(
        sorted(unique, key=lambda p: (p.file, p.line or 0, p.field or "", p.message, p.severity))
    )


def check_site(root: Path, now: dt.datetime | None = None) -> CheckReport:
    """Check the site at `root` without writing anything. `now` defaults to the current time."""
    try:
        site = plan_site(root, drafts=True)
    except ContentErrors as errors:  # site.yaml itself is broken
        return CheckReport(sort_problems(list(errors.problems)), 0)
    sources = _Sources(root)
    problems = list(site.problems)
    problems += check_links(site, sources)
    problems += check_company_names(site, sources)
    problems += check_source_names(site, sources)
    problems += check_dates(site, sources, now or dt.datetime.now(dt.UTC))
    problems += check_placeholders(site, sources)
    problems += check_templates(site)
    files = len(sources.files) + (1 if (root / REGISTRY_FILE).exists() else 0)
    return CheckReport(sort_problems(problems), files)


class _Sources:
    """The raw text and field lines of content files, read once, for locating problems."""

    def __init__(self, root: Path):
        from site_builder.load import content_files

        self.root = root
        self.files = content_files(root)
        self._texts: dict[str, str] = {}
        self._lines: dict[str, dict[str, int]] = {}

    def text(self, path: str) -> str:
        if path not in self._texts:
            # As the loader reads it: a BOM and CRLF or CR line ends do not shift the lines.
            raw = (self.root / path).read_bytes()
            self._texts[path] = normal_line_ends(raw.decode("utf-8-sig", errors="replace"))
        return self._texts[path]

    def line_of(self, path: str, field: str) -> int | None:
        if path not in self._lines:
            try:
                self._lines[path] = split_front_matter(self.text(path)).lines
            except FrontMatterError:
                self._lines[path] = {}
        return self._lines[path].get(field)

    def line_containing(self, path: str, needle: str) -> int | None:
        """The line of the first occurrence of `needle` after the front matter."""
        text = self.text(path)
        closing = text.find("\n---", 3)
        start = closing + 4 if closing >= 0 else 0
        # The Markdown forms of a link target first, so `/a/b` is not found inside `/a/b/`.
        for form in (f"({needle})", f"({needle} ", f"<{needle}>", f"]: {needle}", needle):
            at = text.find(form, start)
            if at >= 0:
                return text.count("\n", 0, at) + 1
        return None


class _LinksAndIds(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        if tag == "a" and values.get("name"):
            self.ids.add(values["name"])
        if tag == "a" and values.get("href") is not None:
            self.links.append(values["href"].strip())
        if tag == "img" and values.get("src"):
            self.links.append(values["src"].strip())


def _parse_html(fragment: str) -> _LinksAndIds:
    parser = _LinksAndIds()
    parser.feed(fragment)
    parser.close()
    return parser


def check_links(site: SitePlan, sources: _Sources) -> list[Problem]:
    """Links in article bodies to other articles (`../x.md`, `/2020/10/x/`), to other pages of
    the site, and to `#anchors` in an article's headings must resolve."""
    config = site.config
    articles = {a.path: a for a in site.archive.articles}
    parsed = {path: _parse_html(site.loaded.bodies.get_path(path).html) for path in articles}
    by_page = {urls.article_path(a): a for a in articles.values()}
    outputs = {urls.file_of(p.path) for p in site.pages}
    outputs |= {feed.path for feed in plan_feeds(site.archive, config)}
    outputs |= {asset.path for asset in collect_assets(template_folders(site.root))}
    outputs |= {"sitemap.xml", "robots.txt"}
    base = urlsplit(config.base_url)
    problems: list[Problem] = []

    def judge(article: Article, href: str) -> tuple[str, str] | None:
        """(message, severity) for a link of `article` that does not resolve, else None."""
        target = _resolve(href, article.path, urls.article_path(article), base.netloc,
                          config.base_path)  # fmt: skip
        if target is None:
            return None
        kind, resolved, fragment = target
        linked: Article | None = None
        if kind == "outside":
            return f"links to {href}, which is outside the site's address {config.base_path}", ERROR
        if kind == "self":
            linked = article
        elif kind == "file":
            if resolved not in sources.files:
                return f"links to {href}, but {resolved} does not exist", ERROR
            linked = articles.get(resolved)  # None: the target's own problems are reported
        else:
            linked = by_page.get(resolved.removesuffix("index.html"))
            if urls.file_of(resolved) not in outputs and linked is None:
                if urls.file_of(resolved + "/") in outputs:
                    return (f"links to {href}: write {href.split('#')[0]}/ with the final slash "
                            "(without it the server has to redirect)", WARNING)  # fmt: skip
                if resolved.startswith(urls.SEARCH):
                    return None  # the search index is written by its own stage
                return (
                    f"links to {href}, but the site has no page {config.base_path}{resolved}",
                    ERROR,
                )
        if linked is not None and linked.draft and not article.draft:
            return f"links to {href}, a draft that a publishing build leaves out", ERROR
        if fragment and linked is not None and fragment not in parsed[linked.path].ids | _PAGE_IDS:
            known = ", ".join(f"#{i}" for i in sorted(parsed[linked.path].ids)) or "none"
            return (f"links to {href}, but {linked.path} has no heading with the id #{fragment} "
                    f"(its ids: {known})", ERROR)  # fmt: skip
        return None

    for path, article in articles.items():
        for href in parsed[path].links:
            found = judge(article, href)
            if found is not None:
                line = sources.line_containing(path, href)
                problems.append(Problem(path, line, "link", found[0], found[1]))
    return problems


def _resolve(
    href: str, file: str, page_path: str, netloc: str, base_path: str
) -> tuple[str, str, str] | None:
    """Classify a link of the article `file` (published at `page_path`):
    ("file", content path, fragment) for `.md` links, ("page", output path, fragment) for site
    URLs, ("self", "", fragment) for `#anchor`, ("outside", …) for a local path outside the
    base path, None for links that leave the site."""
    parts = urlsplit(href)
    fragment = unquote(parts.fragment)
    if parts.scheme or parts.netloc:
        if parts.scheme not in {"http", "https", ""} or parts.netloc != netloc:
            return None
        if not parts.path.startswith(base_path):
            return None  # same host, other application
        return "page", unquote(parts.path)[len(base_path) :], fragment
    if _OTHER_SCHEMES.match(href):
        return None
    path = unquote(parts.path)
    if not path:
        return ("self", "", fragment) if fragment else None
    if path.endswith(".md"):
        folder = posixpath.dirname(file)
        joined = path.lstrip("/") if path.startswith("/") else posixpath.join(folder, path)
        return "file", posixpath.normpath(joined), fragment
    absolute = path if path.startswith("/") else posixpath.join(base_path + page_path, path)
    normal = posixpath.normpath(absolute) + ("/" if absolute.endswith("/") else "")
    normal = normal.replace("//", "/")
    if not (normal + "/").startswith(base_path):
        return "outside", normal, fragment
    return "page", normal[len(base_path) :], fragment


def _name_key(name: str) -> str:
    """What stays of a name without case, accents and punctuation: `Hewlett-Packard` and
    `hewlett packard` give one key, and `&` reads as `and`."""
    return re.sub(r"[\W_]+", "", unidecode(name.replace("&", " and ")).casefold())


def check_company_names(site: SitePlan, sources: _Sources) -> list[Problem]:
    """Warn about company names that differ from another only by case, accents or punctuation
    (likely one company spelled twice), and other names the registry does not know."""
    registry = site.loaded.registry
    problems: list[Problem] = []
    first_use: dict[str, tuple[str, int | None]] = {}
    uses: dict[str, int] = defaultdict(int)
    for article in sorted(site.archive.articles, key=lambda a: a.path):
        for name in article.companies:
            uses[name] += 1
            first_use.setdefault(name, (article.path, sources.line_of(article.path, "companies")))

    # Every spelling in use or in the registry, grouped by what stays without case, accents and
    # punctuation; a group naming two different companies is likely one company spelled twice.
    groups: dict[str, dict[str, str]] = defaultdict(dict)  # key → spelling → canonical
    for spelling, canonical in sorted(registry.names().items()):
        groups[_name_key(spelling)][spelling] = canonical
    for name in sorted(first_use):
        if name != PLACEHOLDER:
            groups[_name_key(name)].setdefault(name, registry.canonical(name))
    used = {slugify(c) for names in site.archive.company_names.values() for c in names}
    flagged: set[str] = set()
    for spellings in groups.values():
        canonicals = sorted(set(spellings.values()))
        if len(canonicals) < 2:
            continue
        reference = next((c for c in canonicals if registry.facts(c)), canonicals[0])
        for spelling, canonical in sorted(spellings.items()):
            if canonical == reference:
                continue
            flagged.add(spelling)
            if slugify(canonical) == slugify(reference) and slugify(reference) in used:
                continue  # already an error: both would be written to one company page
            if spelling in first_use:
                path, line = first_use[spelling]
            else:
                path, line = REGISTRY_FILE, _registry_line(sources, canonical)
            problems.append(
                Problem(path, line, "companies", f"company {spelling!r} differs from "
                        f"{reference!r} only by case, accents or punctuation: probably the "
                        f"same company; use one spelling, or make one an alias of the other "
                        f"in {REGISTRY_FILE}", WARNING)
            )  # fmt: skip

    for name, (path, line) in sorted(first_use.items()):
        if registry.knows(name) or name == PLACEHOLDER or name in flagged:
            continue
        others = uses[name] - 1
        also = f" (and {others} other article{'s' * (others != 1)})" if others else ""
        problems.append(
            Problem(path, line, "companies", f"company {name!r}{also} is not in "
                    f"{REGISTRY_FILE}: add it, or use a name the registry knows", WARNING)
        )  # fmt: skip
    return problems


def _registry_line(sources: _Sources, name: str) -> int | None:
    path = sources.root / REGISTRY_FILE
    try:
        lines = decode_text(path.read_bytes()).split("\n")
    except (OSError, NotUTF8):
        return None
    for number, line in enumerate(lines, 1):
        if line.startswith((f"{name}:", f'"{name}":', f"'{name}':")):
            return number
    return None


def check_source_names(site: SitePlan, sources: _Sources) -> list[Problem]:
    """Warn about source names that differ only by case, accents or punctuation: they share a
    page when their slugs agree and split the source in two when they do not."""
    first_use: dict[str, tuple[str, int | None]] = {}
    for article in sorted(site.archive.articles, key=lambda a: a.path):
        name = article.source.name
        if name != PLACEHOLDER:
            first_use.setdefault(name, (article.path, sources.line_of(article.path, "source")))
    groups: dict[str, list[str]] = defaultdict(list)
    for name in sorted(first_use):
        groups[_name_key(name)].append(name)
    problems = []
    for names in groups.values():
        for name in names[1:]:
            path, line = first_use[name]
            problems.append(
                Problem(path, line, "source", f"source {name!r} differs from {names[0]!r} "
                        "only by case, accents or punctuation: use one spelling", WARNING)
            )  # fmt: skip
    return problems


def check_dates(site: SitePlan, sources: _Sources, now: dt.datetime) -> list[Problem]:
    """A date whose period starts after `now` (in the site's time zone) is an error in a
    published article and a warning in a draft: news happened in the past."""
    tz = site.config.tz
    today = now.astimezone(tz)
    problems = []
    for article in site.archive.articles:
        if article.date.start(tz) > today:
            problems.append(
                Problem(article.path, sources.line_of(article.path, "date"), "date",
                        f"{article.date.iso()} is in the future (today is "
                        f"{today.date().isoformat()} in {site.config.timezone})",
                        WARNING if article.draft else ERROR)
            )  # fmt: skip
    return problems


def check_placeholders(site: SitePlan, sources: _Sources) -> list[Problem]:
    """`new` and `import` write `PLACEHOLDER` for what they could not decide: a warning while
    the article is a draft, an error once it would be published."""
    problems = []
    for article in site.archive.articles:
        fields = []
        if article.source.name == PLACEHOLDER:
            fields.append("source")
        if PLACEHOLDER in article.companies:
            fields.append("companies")
        for field in fields:
            state = "still a draft" if article.draft else "published"
            problems.append(
                Problem(article.path, sources.line_of(article.path, field), field,
                        f"{PLACEHOLDER!r} is a placeholder to replace ({state})",
                        WARNING if article.draft else ERROR)
            )  # fmt: skip
    return problems


def check_templates(site: SitePlan) -> list[Problem]:
    """Errors in the templates, as a build would meet them: every template compiled, and a
    page of each kind rendered (not the whole site)."""
    folders = template_folders(site.root)
    renderer = Renderer(folders, site.config, collect_assets(folders), site.root)
    pages = site.pages or []
    plans = [pages[i].plan() for i in sample_pages(page.path for page in pages)]
    return template_problems(renderer, plans, site.loaded.bodies.get_path)


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
    where = f"in {report.files} file{'s' * (report.files != 1)}"
    if not e and not w:
        return f"no problems {where}"
    return f"{e} error{'s' * (e != 1)}, {w} warning{'s' * (w != 1)} {where}"
