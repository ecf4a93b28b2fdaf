"""Every page of the site, listed without planning it: its path, its title and how to plan it.

A page's key is not written here: it is made of what the page's planning read (see
`pages.reads`), recorded when it was last planned, so that nothing a page shows can be
missing from its key. Listing reads the archive directly; the pages' plans read it only
through the planner's tracked archive.
"""

from __future__ import annotations

from functools import partial

from site_builder.archive.model import COMPANY, SOURCE, TAG, Archive, Term
from site_builder.config import SiteConfig
from site_builder.content.dates import format_month
from site_builder.content.model import Article
from site_builder.pages import urls
from site_builder.pages.plan import Planner, RelatedMap
from site_builder.pages.views import ListSpec, PageEntry, PagePlan


def list_entries(p: Planner, first: str, title: str, total: int, spec) -> list[PageEntry]:
    """The pages of a list of `total` articles whose first page is `first`; `spec()` gives
    the list (`ListSpec`) when a page of it is planned."""

    def page(n: int) -> PagePlan:
        return p.list_page(spec(), n)

    entries = [PageEntry(first, title, None, partial(p.planned, partial(page, 0)))]
    label = p.words["page_n"]
    for n in range(1, p.numbered(total) + 1):
        entries.append(
            PageEntry(
                urls.page_path(first, n),
                f"{title} – {label.format(n=n)}",
                None,
                partial(p.planned, partial(page, n)),
            )
        )
    return entries


def article_entry(p: Planner, article: Article) -> PageEntry:
    make = partial(p.planned, partial(p.article_page, p.track(article)))
    return PageEntry(urls.article_path(article), article.title, article.path, make)


def term_entries(p: Planner, term: Term) -> list[PageEntry]:
    first = urls.term_path(term.kind, term.slug)
    tracked = p.track(term)
    return list_entries(p, first, term.name, len(term.articles), lambda: p.term_list(tracked))


def plan_pages(archive: Archive, config: SiteConfig) -> list[PagePlan]:
    """Every HTML page of the site, in a stable order."""
    return [entry.plan() for entry in page_entries(archive, config)]


def page_entries(
    archive: Archive,
    config: SiteConfig,
    related: RelatedMap | None = None,
    planner: Planner | None = None,
) -> list[PageEntry]:
    """Every HTML page of the site, in the order of `plan_pages`, listed but not planned."""
    p = planner or Planner(archive, config, related)
    w = p.words

    def front() -> ListSpec:
        return ListSpec("", config.title, p.archive.articles, feed=urls.FEED,
                        heading=w["latest"], first_extra=lambda: {"front": p.front()})  # fmt: skip

    entries: list[PageEntry] = []
    entries += list_entries(p, "", config.title, len(archive.articles), front)
    entries += [article_entry(p, a) for a in archive.articles]
    for kind, terms, name in ((COMPANY, archive.companies, "companies"),
                              (SOURCE, archive.sources, "sources"),
                              (TAG, archive.tags, "tags")):  # fmt: skip
        index = partial(_tracked_terms_index, p, kind, name)
        entries.append(_entry(p, urls.term_index_path(kind), w[name], index))
        for term in terms:
            entries += term_entries(p, term)
    for month in archive.months:
        tracked = p.track(month)
        label = format_month(month.year, month.month, p.lang)
        entries += list_entries(p, urls.month_path(month.year, month.month), label,
                                len(month.articles), partial(p.month_list, tracked))  # fmt: skip
    for y in archive.years:
        entries.append(_entry(p, urls.year_path(y.year), str(y.year), partial(_year, p, y.year)))
    for path, template, title in (("404.html", "404.html", w["not_found"]),
                                  (urls.SEARCH, "search.html", w["search"])):  # fmt: skip
        entries.append(_entry(p, path, title, partial(p.plain_page, path, template, title)))
    return entries


def _tracked_terms_index(p: Planner, kind: str, name: str) -> PagePlan:
    return p.term_index(kind, tuple(getattr(p.archive, name)))


def _year(p: Planner, year: int) -> PagePlan:
    """A year's page, with its months (read, like everything else, through the planner)."""
    periods = {y.year: y for y in p.archive.years}
    months = [m for m in p.archive.months if m.year == year]
    return p.year_page(periods[year], months)


def _entry(p: Planner, path: str, title: str, make) -> PageEntry:
    return PageEntry(path, title, None, partial(p.planned, make))
