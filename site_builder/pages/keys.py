"""The key of every page, without planning it: `PageEntry.inputs`, a cheap value made of the
versions of everything the page's context (`plan.Planner`) shows. Equal inputs in an equal
environment give an equal plan, so an unchanged page is neither planned nor rendered again.
Each function here keys the context method it names; a field added to a context goes into
its key here too (a verified build, `SITE_BUILDER_VERIFY_KEYS=1`, plans every page and fails
on a key that missed a change).
"""

from __future__ import annotations

from functools import partial

from site_builder.archive.model import COMPANY, SOURCE, TAG, Archive, Period, Term
from site_builder.config import SiteConfig
from site_builder.content.model import Article
from site_builder.pages import urls
from site_builder.pages.plan import Planner, RelatedMap
from site_builder.pages.views import ListSpec, PageEntry, PagePlan


def list_entries(p: Planner, spec: ListSpec, first_inputs: tuple = ()) -> list[PageEntry]:
    """The pages of a list. A numbered page's inputs leave out the list's length, so it
    keeps its key when newer articles arrive."""
    vs = p.versions_of
    per = p.config.per_page
    articles = spec.articles
    numbered = p.numbered(len(articles))
    head = (spec.heading, spec.feed, spec.description, spec.extra)
    entries = [
        PageEntry(
            spec.first,
            spec.title,
            None,
            ("list", head, len(articles), vs(articles[:per]), first_inputs),
            partial(p.list_page, spec, 0),
        )
    ]
    label = p.words["page_n"]
    for n in range(1, numbered + 1):
        chunk = vs(p.chunk(articles, n))
        entries.append(
            PageEntry(
                urls.page_path(spec.first, n),
                f"{spec.title} – {label.format(n=n)}",
                None,
                ("page", head, n, n < numbered, chunk),
                partial(p.list_page, spec, n),
            )
        )
    return entries


def article_entry(p: Planner, article: Article) -> PageEntry:
    a, v = p.archive, p.version
    older, newer = a.older.get(article.path), a.newer.get(article.path)
    inputs = (
        "article",
        v(article),
        article.content_hash,  # the body, too
        p.source_websites.get(a.source_slugs[article.source.name]),
        v(older) if older is not None else None,
        v(newer) if newer is not None else None,
        tuple((p.versions[path], shared) for path, shared in p.related.get(article.path, ())),
        p.body_links(article),
    )
    return PageEntry(
        urls.article_path(article),
        article.title,
        article.path,
        inputs,
        partial(p.article_page, article),
    )


def term_entries(p: Planner, term: Term) -> list[PageEntry]:
    profile = ("profile", term.kind, term.name, term.slug, term.url, term.facts,
               p.versions_of(term.articles), p.source_names)  # fmt: skip
    return list_entries(p, p.term_list(term), profile)


def plan_pages(archive: Archive, config: SiteConfig) -> list[PagePlan]:
    """Every HTML page of the site, in a stable order."""
    return [entry.plan() for entry in page_entries(archive, config)]


def page_entries(
    archive: Archive,
    config: SiteConfig,
    related: RelatedMap | None = None,
    planner: Planner | None = None,
) -> list[PageEntry]:
    """Every HTML page of the site, in the order of `plan_pages`, keyed but not yet planned."""
    p = planner or Planner(archive, config, related)
    w = p.words
    entries: list[PageEntry] = []
    front = ListSpec("", config.title, archive.articles, feed=urls.FEED, heading=w["latest"],
                     first_extra=lambda: {"front": p.front()})  # fmt: skip
    entries += list_entries(p, front, ("front", p.versions_of(archive.articles)))
    entries += [article_entry(p, a) for a in archive.articles]
    for kind, terms in ((COMPANY, archive.companies), (SOURCE, archive.sources),
                        (TAG, archive.tags)):  # fmt: skip
        index = ("terms", kind, tuple((t.name, t.slug, len(t.articles)) for t in terms))
        entries.append(_entry(p.term_index(kind, terms), index))
        for term in terms:
            entries += term_entries(p, term)
    months_by_year: dict[int, list[Period]] = {}
    for month in archive.months:
        months_by_year.setdefault(month.year, []).append(month)
        entries += list_entries(p, p.month_list(month))
    years = tuple(y.year for y in archive.years)
    for y in archive.years:
        inputs = ("year", p.versions_of(y.articles), years)
        make = partial(p.year_page, y, months_by_year.get(y.year, []))
        entries.append(PageEntry(urls.year_path(y.year), str(y.year), None, inputs, make))
    entries.append(_entry(p.plain_page("404.html", "404.html", w["not_found"]), ("plain",)))
    entries.append(_entry(p.plain_page(urls.SEARCH, "search.html", w["search"]), ("plain",)))
    return entries


def _entry(page: PagePlan, inputs: tuple) -> PageEntry:
    """A page cheap enough to plan at once (an index of terms, a plain page)."""
    return PageEntry(page.path, page.title, page.body_of, (page.template, *inputs),
                     lambda: page)  # fmt: skip
