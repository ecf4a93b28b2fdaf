"""The build pipeline end to end: load → model → plan → render → write."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from site_builder import urls
from site_builder.archive import Archive, build_archive
from site_builder.config import SiteConfig, load_config
from site_builder.feeds import render_feed
from site_builder.load import LoadResult, load_site
from site_builder.plan import PagePlan, plan_feeds, plan_pages
from site_builder.problems import ContentErrors, Problem
from site_builder.render import Renderer, collect_assets, templates_dir
from site_builder.sitemap import render_robots, render_sitemaps
from site_builder.write import OutputTransaction, WriteReport, check_output_location


@dataclass(frozen=True)
class BuildSummary:
    articles: int
    pages: int
    files: int
    report: WriteReport
    seconds: float

    def line(self) -> str:
        r = self.report
        return (
            f"{_n(self.articles, 'article')}, {_n(self.pages, 'page')}, "
            f"{_n(self.files, 'file')}: "
            f"{r.written} written, {len(r.removed)} removed, {r.unchanged} unchanged "
            f"in {self.seconds:.2f} s"
        )


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


def collisions(loaded: LoadResult, pages: list[PagePlan]) -> list[Problem]:
    """Two articles (or an article and another page) that would write the same file."""
    by_path: dict[str, PagePlan] = {}
    problems = []
    for page in pages:
        other = by_path.get(page.path)
        if other is None:
            by_path[page.path] = page
            continue
        mine = page.body_of or f"the page {page.title!r}"
        theirs = other.body_of or f"the page {other.title!r}"
        problems.append(
            Problem(
                page.body_of or other.body_of or "content",
                None,
                "slug",
                f"{mine} and {theirs} would both be written to {urls.file_of(page.path)}: "
                "change the title or set a different 'slug'",
            )
        )
    return problems


@dataclass(frozen=True)
class SitePlan:
    """Everything known about the site before anything is rendered."""

    root: Path
    config: SiteConfig
    loaded: LoadResult
    archive: Archive
    pages: list[PagePlan]
    problems: tuple[Problem, ...]


def plan_site(root: Path, base_url: str | None = None, drafts: bool = False) -> SitePlan:
    """Load, validate, model and plan the site; collect every problem instead of stopping."""
    config: SiteConfig = load_config(root, base_url)
    loaded = load_site(root, config, drafts=drafts)
    problems = list(loaded.problems)
    archive, archive_problems = build_archive(loaded.articles, loaded.registry, config)
    problems += archive_problems
    pages = plan_pages(archive, config)
    problems += collisions(loaded, pages)
    return SitePlan(root, config, loaded, archive, pages, tuple(sorted(problems)))


def build_site(
    root: Path,
    output: Path | None = None,
    base_url: str | None = None,
    drafts: bool = False,
    progress: Progress = _no_progress,
) -> BuildSummary:
    """Build the site at `root` into `output` (default `root/output`).

    Raises ContentErrors listing every problem; then `output/` is left exactly as it was.
    """
    started = time.perf_counter()
    output = output if output is not None else root / "output"
    check_output_location(root, output)
    site = plan_site(root, base_url, drafts)
    if site.problems:
        raise ContentErrors(site.problems)
    config, loaded, archive, pages = site.config, site.loaded, site.archive, site.pages

    template_root = templates_dir(root)
    assets = collect_assets(template_root)
    renderer = Renderer(template_root, config, assets)
    feeds = plan_feeds(archive, config)
    transaction = OutputTransaction(output)
    try:
        total = len(pages)
        for n, page in enumerate(pages, 1):
            body = loaded.bodies.get_path(page.body_of) if page.body_of else None
            transaction.put(urls.file_of(page.path), renderer.render(page, body))
            if n % 200 == 0 or n == total:
                progress("pages", n, total)
        for feed in feeds:
            transaction.put(feed.path, render_feed(feed, config))
        for asset in assets:
            transaction.put(asset.path, asset.data)
        for path, data in render_sitemaps([p.path for p in pages], config).items():
            transaction.put(path, data)
        transaction.put("robots.txt", render_robots(config))
        from site_builder.search.publish import publish_search

        for path, data in publish_search(root, config, archive, loaded.bodies):
            transaction.put(path, data)
    except BaseException:
        transaction.abort()
        raise
    report = transaction.commit()
    return BuildSummary(
        articles=len(archive.articles),
        pages=len(pages),
        files=report.written + report.unchanged,
        report=report,
        seconds=time.perf_counter() - started,
    )
