"""The build pipeline end to end: load → model → plan → render → write.

With the build cache, a build reads only the content files that changed, renders only the
pages whose fingerprint changed, and writes only the files whose bytes changed; the result is
byte for byte what a clean build gives.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from site_builder.cli_output import counted
from site_builder.config import SiteConfig, cache_dir_problems, load_config
from site_builder.content.inputs import Stats, changed_since, content_stats, template_folders
from site_builder.output.cache import (
    BuildCache,
    CacheState,
    OutputRecord,
    TargetState,
    all_unchanged,
    code_digest,
)
from site_builder.output.fingerprint import digest
from site_builder.output.kept_warnings import last_warnings, remember_warnings, stale_key_warning
from site_builder.output.stages import reached
from site_builder.output.staging import check_output_location
from site_builder.output.transaction import OutputTransaction, WriteReport, commit_interrupted
from site_builder.problems import ContentErrors, Problem, problem_order
from site_builder.rules.judge import judge_site
from site_builder.search.folders import cache_folder, search_cache_stats

# The rest of the pipeline is imported where it is used: a build that finds nothing changed
# returns before it needs any of it (importing it took a sixth of such a build).
if TYPE_CHECKING:
    from site_builder.archive.model import Archive
    from site_builder.content.load import LoadResult
    from site_builder.content.model import Article
    from site_builder.pages.plan import Planner, RelatedMap
    from site_builder.pages.views import Feed, PageEntry
    from site_builder.render.renderer import Renderer

Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


@dataclass(frozen=True)
class BuildSummary:
    articles: int
    pages: int
    files: int
    report: WriteReport
    seconds: float
    warnings: tuple[Problem, ...] = ()  # what the content rules found worth a look

    def line(self) -> str:
        r = self.report
        return (
            f"{counted(self.articles, 'article')}, {counted(self.pages, 'page')}, "
            f"{counted(self.files, 'file')}: "
            f"{r.written} written, {len(r.removed)} removed, {r.unchanged} unchanged "
            f"in {self.seconds:.2f} s"
        )


@dataclass(frozen=True)
class SitePlan:
    """Everything known about the site before anything is rendered."""

    root: Path
    config: SiteConfig
    loaded: LoadResult  # its articles are the archive's; its bodies include the drafts'
    archive: Archive
    # Keyed, planned on demand (`entry.plan()`); None when the frame is the one to `reuse`.
    pages: list[PageEntry] | None
    problems: tuple[Problem, ...]
    planner: Planner
    frame: bytes  # see `Planner.frame`, with the settings, templates and registry
    drafts: tuple[Article, ...] = ()  # the drafts this plan leaves out (a publishing build)


def collisions(pages: list[PageEntry]) -> list[Problem]:
    """Two articles (or an article and another page) that would write the same file."""
    from site_builder.pages import urls

    by_path: dict[str, PageEntry] = {}
    problems = []
    for page in pages:
        other = by_path.get(page.path)
        if other is None:
            by_path[page.path] = page
            continue
        mine = page.body_of or f"the page {page.title!r}"
        theirs = other.body_of or f"the page {other.title!r}"
        first, second = sorted([theirs, mine])
        problems.append(
            Problem(
                page.body_of or other.body_of or "content",
                None,
                "slug",
                f"{first} and {second} would both be written to {urls.file_of(page.path)}: "
                "change the title or set a different 'slug'",
            )
        )
    return problems


def plan_site(
    root: Path,
    base_url: str | None = None,
    drafts: bool = False,
    cache: BuildCache | None = None,
    progress: Progress = _no_progress,
    stats: dict[str, Stats] | None = None,
    on_archive: Callable[[Archive, LoadResult], None] | None = None,
    settings: bytes = b"",
    reuse: bytes | None = None,
) -> SitePlan:
    """Load, validate, model and plan the site; collect every problem instead of stopping.

    `stats` are the content files' stats if the caller already has them. `on_archive` is
    called with the archive as soon as it is built without a problem, before the pages are
    planned (the build starts the search index there). `settings` digests the settings,
    templates and registry; when the site's frame equals `reuse` (the last build's), the
    pages are not listed again (`SitePlan.pages` is None)."""
    from site_builder.archive.model import build_archive
    from site_builder.content.load import load_site
    from site_builder.output.produce import verifying
    from site_builder.pages.keys import page_entries
    from site_builder.pages.plan import Planner

    config: SiteConfig = load_config(root, base_url)
    # Drafts are read even when they are left out: the rules recognise a link to one.
    loaded = load_site(root, config, drafts=True, cache=cache, progress=progress, stats=stats)
    reached("parsing")
    left_out: tuple[Article, ...] = ()
    if not drafts:
        left_out = tuple(a for a in loaded.articles if a.draft)
        if left_out:
            published = tuple(a for a in loaded.articles if not a.draft)
            loaded = replace(loaded, articles=published)
    problems = list(loaded.problems)
    # The articles and the archive live as long as the build: the cycle collector need not
    # scan them again at every collection, which took a large share of building the archive
    # and of an edit's search documents.
    gc.freeze()
    archive, archive_problems = build_archive(loaded.articles, loaded.registry, config)
    problems += archive_problems
    gc.freeze()
    if on_archive is not None and not problems:
        on_archive(archive, loaded)
    planner = Planner(archive, config, _related(archive, cache))
    frame = digest(settings, planner.frame)
    pages = None
    if frame != reuse or problems or verifying():
        pages = page_entries(archive, config, planner=planner)
        problems += collisions(pages)
    ordered = tuple(sorted(problems, key=problem_order))
    return SitePlan(root, config, loaded, archive, pages, ordered, planner, frame, left_out)


def _related(archive: Archive, cache: BuildCache | None) -> RelatedMap:
    """Related articles depend only on the order of the articles and their companies' names:
    when neither changed (an edited body, summary or title), last build's answer holds."""
    from site_builder.pages.plan import related_map

    if cache is None:
        return related_map(archive)
    names = archive.company_names
    signature = digest(tuple((a.path, names[a.path]) for a in archive.articles))
    related = cache.related(signature)
    if related is None:
        related = related_map(archive)
        cache.set_related(signature, related)
    return related


def _reuse_compiled_templates(renderer: Renderer, cache: BuildCache) -> None:
    """Keep Jinja's compiled templates in the build cache: an edit that renders a few pages
    does not compile every template again. Jinja checks each template's source checksum."""
    import jinja2

    folder = cache.directory / "templates"
    folder.mkdir(exist_ok=True)
    renderer.env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))


def _feed_key(environment: bytes, feed: Feed) -> bytes:
    """A feed shows its articles' fields, all read from their files: their versions suffice."""
    articles = tuple((a.path, a.content_hash) for a in feed.articles)
    fallback = None if feed.articles else os.environ.get("SOURCE_DATE_EPOCH")
    return digest(environment, feed.path, feed.title, feed.page_path, articles, fallback)


@dataclass(frozen=True)
class _Signatures:
    """Cheap digests of the inputs' stats: equal signatures mean nothing changed."""

    everything: bytes
    search: bytes  # what the search index is made from: everything but the templates
    content: dict[str, Stats]  # the content files' stats
    settings: bytes  # everything but the content files (settings, registry, templates)


def _input_signature(
    root: Path, config: SiteConfig, drafts: bool, folders: tuple[Path, ...]
) -> _Signatures:
    # By absolute paths: `--root .` and `--root /path/to/site` name the same inputs (else the
    # frame would change between the two, and every page be keyed again).
    root, folders = root.resolve(), tuple(f.resolve() for f in folders)
    started = time.time_ns()
    content = content_stats(root)
    stats: list[object] = [code_digest(), config, drafts, tuple(map(str, folders))]
    for path in [root / "site.yaml", root / "content" / "companies.yaml"]:
        stats.append(_stat_of(path))
    stats.append(os.environ.get("SOURCE_DATE_EPOCH"))
    # The site's templates and the defaults: an override may extend the default it replaces.
    files = [p for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()]
    templates = tuple(map(_stat_of, files))
    settings = digest(*stats, templates)
    # A file changed just now may change again and keep its stats. The search index is kept
    # only if the content files' bytes did not change either (see `_build`), and the
    # settings and the registry count by their bytes; no later build may find the whole
    # signature equal to this one and stop before reading anything. (The settings' digest
    # only keys the frame, made of what was read.)
    for path, stat in zip((root / "site.yaml", root / "content" / "companies.yaml"), stats[4:6],
                          strict=True):  # fmt: skip
        if stat[1] is not None and changed_since(stat[1:], started):
            stats.append(_bytes_of(path))
    search = digest(*stats, sorted(content.items()))
    everything = digest(search, *templates)
    others = [s[1:] for s in templates if s[1] is not None]
    if any(changed_since(s, started) for s in (*content.values(), *others)):
        everything = os.urandom(16)
    return _Signatures(everything, search, content, settings)


def _bytes_of(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _stat_of(path: Path) -> tuple:
    try:
        st = path.stat()
        return (str(path), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    except OSError:
        return (str(path), None)


def build_site(
    root: Path,
    output: Path | None = None,
    base_url: str | None = None,
    drafts: bool = False,
    progress: Progress = _no_progress,
    use_cache: bool = True,
) -> BuildSummary:
    """Build the site at `root` into `output` (default `root/output`).

    Raises ContentErrors listing every problem; then `output/` is left exactly as it was.
    """
    started = time.perf_counter()
    output = output if output is not None else root / "output"
    check_output_location(root, output)
    config = load_config(root, base_url)
    problems = cache_dir_problems(root, config.cache_dir, output)
    if problems:
        raise ContentErrors(problems)
    cache = BuildCache(root / config.cache_dir, _say_waiting) if use_cache else None
    gc.freeze()  # the last build's state lives as long as this one: no collection scans it
    try:
        try:
            summary = _build(root, output, base_url, drafts, progress, cache, config, started)
        except Exception as exc:
            if cache is None or not _cache_may_be_at_fault(exc):
                raise
            # The build again from an empty cache: if it succeeds, what the cache held was
            # damaged, and goes; if not, the cache was not at fault, and is kept.
            cache.set_aside(keep=output)
            try:
                summary = _build(root, output, base_url, drafts, progress, cache, config,
                                 started)  # fmt: skip
            except BaseException:
                cache.put_back()
                raise
            cache.damaged.append(_damaged_file(cache, exc) or f"{type(exc).__name__}: {exc}")
        if cache is not None and cache.damaged:
            summary = replace(summary, warnings=(_damage_warning(config, cache), *summary.warnings))
        return summary
    finally:
        gc.unfreeze()  # a preview server builds again and again in one process
        if cache is not None:
            cache.close()


def _say_waiting(pid: int | None) -> None:
    holder = f" (pid {pid})" if pid is not None else ""
    print(f"waiting for another build of this site to finish{holder}…", file=sys.stderr,
          flush=True)  # fmt: skip


def _cache_may_be_at_fault(exc: Exception) -> bool:
    """An error that is not about the site's content or its output folder: a build with a
    damaged cache fails that way, and one from an empty cache may not."""
    from site_builder.output.produce import KeyMissesInput
    from site_builder.output.staging import OutputError

    return not isinstance(exc, ContentErrors | OutputError | KeyMissesInput)


def _damaged_file(cache: BuildCache, exc: Exception) -> str | None:
    """The cache's file an error names, if it names one (relative to the cache's folder)."""
    from site_builder.search.folders import WHOOSH_DIR

    tb = exc.__traceback__
    while tb is not None:  # an error of whoosh's, reading its index
        if f"{os.sep}whoosh{os.sep}" in tb.tb_frame.f_code.co_filename:
            return f"search/{WHOOSH_DIR}"
        tb = tb.tb_next
    name = getattr(exc, "filename", None)
    if not isinstance(name, str):
        return None
    path = Path(name).absolute()
    folder = cache.directory.absolute()
    return path.relative_to(folder).as_posix() if folder in path.parents else None


def _damage_warning(config: SiteConfig, cache: BuildCache) -> Problem:
    """One line, whatever was found damaged: `.cache/state.pickle: damaged, rebuilt from
    scratch`, or what went wrong when the error names no file of the cache."""
    found = list(dict.fromkeys(cache.damaged))  # files of the cache, or errors
    place = config.cache_dir.rstrip("/")
    if len(found) == 1 and " " not in found[0]:
        return Problem(f"{place}/{found[0]}", None, None, "damaged, rebuilt from scratch",
                       "warning")  # fmt: skip
    what = "; ".join(found)
    what = what if len(what) <= 200 else what[:200] + "…"
    return Problem(place, None, None, f"damaged ({what}), rebuilt from scratch", "warning")


def _build(root, output, base_url, drafts, progress, cache, config, started) -> BuildSummary:
    folders = template_folders(root)
    signatures = _input_signature(root, config, drafts, folders)
    signature, content = signatures.everything, signatures.content
    target = str(output.resolve())
    state = cache.state if cache is not None else CacheState()
    previous = state.targets.get(target, TargetState())
    search_folder = cache_folder(root, config.cache_dir)
    if (
        previous.signature == signature
        and all_unchanged(previous.outputs, output)
        and not commit_interrupted(output)
        and previous.search_cache == search_cache_stats(search_folder)
    ):
        n = len(previous.outputs)
        report = WriteReport((), (), (), n)
        return BuildSummary(len(previous.texts), len(previous.page_paths), n, report,
                            time.perf_counter() - started,
                            last_warnings(cache, target))  # fmt: skip

    from site_builder.output.produce import keep_or_put, produce_files
    from site_builder.pages.plan import plan_feeds
    from site_builder.render.feeds import render_feed
    from site_builder.render.hosting import render_headers
    from site_builder.render.renderer import Renderer, collect_assets
    from site_builder.render.sitemap import render_robots, render_sitemaps
    from site_builder.search.build_job import (
        KeptSearch,
        SearchJob,
        search_unchanged,
        start_search,
        wants_helper,
    )

    known = previous.outputs
    helper = None
    if cache is not None and wants_helper(len(content), previous):
        from site_builder.output.side_process import Helper

        helper = Helper(output, previous.outputs, previous.folders, search_folder)
    transaction = (
        OutputTransaction(output, previous.folders, previous.outputs.keys())
        if cache is not None
        else OutputTransaction(output)
    )
    jobs: list[SearchJob | KeptSearch] = []  # the search starts once the archive is known

    def on_archive(archive: Archive, loaded: LoadResult) -> None:
        if helper is not None:  # before the search worker forks: it inherits the survey
            survey = helper.survey()
            transaction.take_survey(survey.touched, survey.folders)
        if not loaded.changed and search_unchanged(root, config, output, previous,
                                                   signatures.search,
                                                   transaction.touched):  # fmt: skip
            jobs.append(KeptSearch(transaction, previous.search_files))
        else:
            jobs.append(start_search(transaction, known, previous.search_files, root, config,
                                     archive, loaded, helper))  # fmt: skip

    try:
        site = plan_site(root, base_url, drafts, cache, progress, content, on_archive,
                         signatures.settings, previous.frame)  # fmt: skip
        judged = judge_site(site, content, cache, previous.page_paths)
        errors = [p for p in judged if p.severity == "error"]
        if site.problems or errors:
            raise ContentErrors([*site.problems, *errors])
        # In check's order: a file's warnings together, by line.
        warnings = tuple(sorted((p for p in judged if p.severity != "error"), key=problem_order))
    except BaseException:
        transaction.abort()
        for job in jobs:
            job.close()
        if helper is not None:
            helper.close()
        raise
    archive = site.archive
    search = jobs[0]
    try:
        assets = collect_assets(folders)
        renderer = Renderer(folders, config, assets, root)
        if cache is not None:
            _reuse_compiled_templates(renderer, cache)
        environment = digest(code_digest(), config, renderer.template_sources(), assets)
        # Rendering runs at a lower priority while the search index is made in workers: the
        # index takes longest, and the render workers still take whatever core it leaves idle.
        nice = 10 if search.in_worker else 0
        produced, page_paths = _produce_pages(site, previous, renderer, environment,
                                              transaction, progress, nice)  # fmt: skip
        fingerprints = dict(produced.fingerprints)
        for feed in plan_feeds(archive, config):
            fingerprints[feed.path] = _feed_key(environment, feed)
            make = partial(render_feed, feed, config)
            keep_or_put(feed.path, fingerprints[feed.path], make, transaction, known)
        others = [
            ((a.path, a.data) for a in assets),
            render_sitemaps(page_paths, config).items(),
            [("robots.txt", render_robots(config)), ("_headers", render_headers(config))],
        ]
        for files in others:
            fingerprints.update(produce_files(files, transaction, known))
        reached("rendering")
        if cache is not None:  # while the search worker finishes:
            cache.save_inputs()
            transaction.survey()
        search_files = search()
        fingerprints.update(search_files)
        if helper is not None:
            helper.finish()
    except BaseException:
        transaction.abort()
        raise
    finally:
        search.close()
        if helper is not None:
            helper.close()
    report = transaction.commit()
    if cache is not None:
        _remember(cache, output, target, signatures, fingerprints, known, report, archive,
                  page_paths, produced, transaction.folders, search_files, search_folder,
                  site.frame)  # fmt: skip
        remember_warnings(cache, target, warnings)
    if produced.stale is not None:  # about this build alone: not remembered
        warnings += (stale_key_warning(produced.stale),)
    return BuildSummary(
        articles=len(archive.articles),
        pages=len(page_paths),
        files=report.written + report.unchanged,
        report=report,
        seconds=time.perf_counter() - started,
        warnings=warnings,
    )


def _produce_pages(site, previous, renderer, environment, transaction, progress, nice):
    """Produce the pages; their paths. When the site's frame is the last build's, only the
    pages of the articles whose text changed are keyed again (unless a page of the last build
    is no longer in `output/` as written: then every page is)."""
    from site_builder.output.produce import (
        Produced,
        guard_sample,
        keep_pages,
        produce_pages,
        stale_page,
        verify_frame,
    )
    from site_builder.pages import keys, urls
    from site_builder.pages.keys import page_entries

    workers = os.cpu_count() or 1
    bodies, known = site.loaded.bodies, previous.outputs
    resolver = site.planner.resolver
    texts = previous.texts  # the articles whose text changed since the last build here:
    changed = [a for a in site.archive.articles if texts.get(a.path) != a.content_hash]
    stale = None
    if site.pages is None:
        entries = [keys.article_entry(site.planner, a) for a in changed]
        again = {urls.file_of(entry.path) for entry in entries}
        # The guard of `produce_pages`, on a few article pages this build would keep.
        seed = environment + "\n".join(sorted(again)).encode()
        edited = {a.path for a in changed}
        others = [a for a in guard_sample(site.archive.articles, seed) if a.path not in edited]
        sample = [keys.article_entry(site.planner, a) for a in others]
        stale = stale_page(sample, renderer, bodies, transaction.output)
        kept = None
        if stale is None and all(urls.file_of(p) in previous.reads for p in previous.page_paths):
            kept = keep_pages(previous.page_paths, again, known, transaction)
        if kept is not None:
            produced = produce_pages(entries, renderer, bodies, environment, known,
                                     previous.reads, resolver, transaction, progress, None,
                                     workers, nice)  # fmt: skip
            reads = {path: previous.reads[path] for path in kept} | produced.reads
            produced = Produced(kept | produced.fingerprints, reads, produced.rendered, {})
            return produced, previous.page_paths
    pages = site.pages or page_entries(site.archive, site.config, planner=site.planner)
    if site.frame == previous.frame:
        verify_frame(pages, {a.path for a in changed}, environment, bodies, known,
                     previous.reads, resolver)  # fmt: skip
    produced = produce_pages(pages, renderer, bodies, environment, known, previous.reads,
                             resolver, transaction, progress, previous.full, workers, nice,
                             stale is not None)  # fmt: skip
    if stale is not None:
        produced = replace(produced, stale=stale)
    return produced, tuple(p.path for p in pages)


def _remember(
    cache,
    output,
    target,
    signatures,
    fingerprints,
    known,
    report,
    archive,
    page_paths,
    produced,
    folders,
    search_files,
    search_folder,
    frame,
):
    """Record what every output was made from and its stat, for the next build."""
    touched = set(report.added) | set(report.changed)
    outputs: dict[str, OutputRecord] = {}
    for path, fp in fingerprints.items():
        old = known.get(path)
        if old is not None and old.fingerprint == fp and path not in touched:
            outputs[path] = old
            continue
        try:
            st = os.stat(f"{output}/{path}")
        except OSError:
            continue
        outputs[path] = OutputRecord(fp, st.st_size, st.st_mtime_ns)
    state = cache.state
    state.targets[target] = TargetState(
        signatures.everything, outputs, produced.full, folders, signatures.search, search_files,
        search_cache_stats(search_folder), frame, page_paths,
        {a.path: a.content_hash for a in archive.articles}, produced.reads,
    )  # fmt: skip
    cache.save(state)
