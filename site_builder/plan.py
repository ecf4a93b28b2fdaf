"""Plan the pages: for each output file, the template and the ready-made values it shows.

Templates get formatted dates and finished URLs; no data wrangling happens in Jinja. A plan is
plain data, so its fingerprint says everything the rendered bytes depend on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from site_builder import urls
from site_builder.archive import COMPANY, SOURCE, TAG, Archive, Period, Term
from site_builder.config import SiteConfig
from site_builder.dates import base_language, format_date, format_month
from site_builder.i18n import count, words
from site_builder.model import Article


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    lang: str | None = None  # set when it differs from the page's language
    count: int | None = None


@dataclass(frozen=True)
class ArticleItem:
    """An article as a list shows it."""

    title: str
    url: str
    date_label: str
    date_iso: str
    summary: str
    source: Link
    companies: tuple[Link, ...]
    lang: str | None


@dataclass(frozen=True)
class ArticleView:
    """An article as its own page shows it. The body comes from `body_of` at render time."""

    title: str
    date_label: str
    date_iso: str
    lang: str
    source: Link
    source_website: str | None
    original_url: str | None
    companies: tuple[Link, ...]
    tags: tuple[Link, ...]
    summary: str


@dataclass(frozen=True)
class Pagination:
    newer: Link | None
    older: Link | None
    label: str | None  # "page 3" on numbered pages


@dataclass(frozen=True)
class PagePlan:
    """One HTML page to render with `template` and `context`."""

    path: str
    template: str
    title: str
    context: dict = field(hash=False)
    body_of: str | None = None  # the article path whose body this page shows


@dataclass(frozen=True)
class Feed:
    """An Atom feed: its own address, the page it describes and its newest entries."""

    path: str
    title: str
    page_path: str
    articles: tuple[Article, ...]


class Planner:
    def __init__(self, archive: Archive, config: SiteConfig):
        self.archive = archive
        self.config = config
        self.links = urls.Links(config)
        self.lang = config.language
        self.words = words(config.language)

    # -- small values --------------------------------------------------------------------------
    def other_lang(self, lang: str) -> str | None:
        return None if base_language(lang) == base_language(self.lang) else lang

    def term_link(self, kind: str, name: str, slug: str, n: int | None = None) -> Link:
        return Link(name, self.links.url(urls.term_path(kind, slug)), count=n)

    def company_links(self, article: Article) -> tuple[Link, ...]:
        return tuple(
            self.term_link(COMPANY, name, self.archive.company_slugs[name])
            for name in self.archive.company_names[article.path]
            if name in self.archive.company_slugs
        )

    def source_link(self, article: Article) -> Link:
        slug = self.archive.source_slugs[article.source.name]
        return self.term_link(SOURCE, article.source.name, slug)

    def item(self, article: Article) -> ArticleItem:
        return ArticleItem(
            title=article.title,
            url=self.links.url(urls.article_path(article)),
            date_label=format_date(article.date, article.lang),
            date_iso=article.date.iso(),
            summary=article.summary,
            source=self.source_link(article),
            companies=self.company_links(article),
            lang=self.other_lang(article.lang),
        )

    def neighbour(self, article: Article | None) -> Link | None:
        if article is None:
            return None
        return Link(
            article.title,
            self.links.url(urls.article_path(article)),
            lang=self.other_lang(article.lang),
        )

    # -- pages ---------------------------------------------------------------------------------
    def article_page(self, article: Article) -> PagePlan:
        a = self.archive
        path = urls.article_path(article)
        source = self.source_link(article)
        view = ArticleView(
            title=article.title,
            date_label=format_date(article.date, article.lang),
            date_iso=article.date.iso(),
            lang=article.lang,
            source=source,
            source_website=next(
                (s.url for s in a.sources if s.slug == a.source_slugs[article.source.name]), None
            ),
            original_url=article.url,
            companies=self.company_links(article),
            tags=tuple(
                self.term_link(TAG, t, a.tag_slugs[t]) for t in article.tags if t in a.tag_slugs
            ),
            summary=article.summary,
        )
        crumbs = [Link(str(article.date.year), self.links.url(urls.year_path(article.date.year)))]
        if article.date.month is not None:
            crumbs.append(
                Link(
                    format_month(article.date.year, article.date.month, self.lang),
                    self.links.url(urls.month_path(article.date.year, article.date.month)),
                )
            )
        return PagePlan(
            path=path,
            template="article.html",
            title=article.title,
            body_of=article.path,
            context={
                "article": view,
                "lang": self.other_lang(article.lang),
                "breadcrumbs": tuple(crumbs),
                "older": self.neighbour(a.older.get(article.path)),
                "newer": self.neighbour(a.newer.get(article.path)),
                "description": article.summary,
                "canonical": self.links.absolute(path),
            },
        )

    def list_pages(
        self,
        first: str,
        title: str,
        articles: tuple[Article, ...],
        extra: dict | None = None,
        feed: str | None = None,
        heading: str | None = None,
    ) -> list[PagePlan]:
        """A list cut into stable pages counted from the oldest article (see ARCHITECTURE.md)."""
        per = self.config.per_page
        total = len(articles)
        numbered = (total + per - 1) // per if total > per else 0
        oldest_first = articles[::-1]

        def number_of(newest_index: int) -> int:
            return (total - 1 - newest_index) // per + 1

        def numbered_url(n: int) -> str:
            return self.links.url(urls.page_path(first, n))

        w = self.words
        feeds = (Link(w["feed"], self.links.url(feed)),) if feed else ()
        pages = [
            PagePlan(
                path=first,
                template="list.html",
                title=title,
                context={
                    "heading": heading or title,
                    "items": tuple(self.item(x) for x in articles[:per]),
                    "pagination": Pagination(
                        None,
                        Link(w["older_page"], numbered_url(number_of(per))) if numbered else None,
                        None,
                    ),
                    "feeds": feeds,
                    "canonical": self.links.absolute(first),
                    **(extra or {}),
                },
            )
        ]
        for n in range(1, numbered + 1):
            chunk = oldest_first[(n - 1) * per : n * per][::-1]
            newer_url = numbered_url(n + 1) if n < numbered else self.links.url(first)
            page_label = w["page_n"].format(n=n)
            pages.append(
                PagePlan(
                    path=urls.page_path(first, n),
                    template="list.html",
                    title=f"{title} – {page_label}",
                    context={
                        "heading": heading or title,
                        "items": tuple(self.item(x) for x in chunk),
                        "pagination": Pagination(
                            Link(w["newer_page"], newer_url),
                            Link(w["older_page"], numbered_url(n - 1)) if n > 1 else None,
                            page_label,
                        ),
                        "feeds": feeds,
                        "canonical": self.links.absolute(urls.page_path(first, n)),
                        "noindex_intro": True,
                        **(extra or {}),
                    },
                )
            )
        return pages

    def term_pages(self, term: Term) -> list[PagePlan]:
        first = urls.term_path(term.kind, term.slug)
        label = {COMPANY: "company", SOURCE: "source", TAG: "tag"}[term.kind]
        intro = {
            "kind_label": self.words[label],
            "count_label": count(len(term.articles), self.lang),
            "website": term.facts.website if term.facts else term.url,
            "description": term.facts.description if term.facts else None,
            "aliases": term.facts.aliases if term.facts else (),
        }
        feed = first + urls.FEED if term.kind in (COMPANY, SOURCE) else None
        return self.list_pages(first, term.name, term.articles, {"intro": intro}, feed)

    def term_index(self, kind: str, terms: tuple[Term, ...]) -> PagePlan:
        key = {COMPANY: "companies", SOURCE: "sources", TAG: "tags"}[kind]
        path = urls.term_index_path(kind)
        return PagePlan(
            path=path,
            template="terms.html",
            title=self.words[key],
            context={
                "heading": self.words[key],
                "terms": tuple(
                    Link(
                        t.name,
                        self.links.url(urls.term_path(kind, t.slug)),
                        count=len(t.articles),
                    )
                    for t in terms
                ),
                "canonical": self.links.absolute(path),
            },
        )

    def year_page(self, year: Period, months: list[Period]) -> PagePlan:
        path = urls.year_path(year.year)
        return PagePlan(
            path=path,
            template="year.html",
            title=str(year.year),
            context={
                "heading": str(year.year),
                "count_label": count(len(year.articles), self.lang),
                "months": tuple(
                    Link(
                        format_month(m.year, m.month, self.lang),
                        self.links.url(urls.month_path(m.year, m.month)),
                        count=len(m.articles),
                    )
                    for m in sorted(months, key=lambda p: p.month)
                ),
                "year_only": tuple(self.item(x) for x in year.articles if x.date.month is None),
                "canonical": self.links.absolute(path),
            },
        )

    def month_pages(self, month: Period) -> list[PagePlan]:
        label = format_month(month.year, month.month, self.lang)
        crumbs = (Link(str(month.year), self.links.url(urls.year_path(month.year))),)
        return self.list_pages(
            urls.month_path(month.year, month.month),
            label,
            month.articles,
            {"breadcrumbs": crumbs},
        )

    def plain_page(self, path: str, template: str, title: str) -> PagePlan:
        return PagePlan(path=path, template=template, title=title, context={})


def plan_pages(archive: Archive, config: SiteConfig) -> list[PagePlan]:
    """Every HTML page of the site, in a stable order."""
    p = Planner(archive, config)
    w = p.words
    pages: list[PagePlan] = []
    pages += p.list_pages("", config.title, archive.articles, feed=urls.FEED,
                          heading=w["latest"])  # fmt: skip
    pages += [p.article_page(a) for a in archive.articles]
    for kind, terms in ((COMPANY, archive.companies), (SOURCE, archive.sources),
                        (TAG, archive.tags)):  # fmt: skip
        pages.append(p.term_index(kind, terms))
        for term in terms:
            pages += p.term_pages(term)
    months_by_year: dict[int, list[Period]] = {}
    for month in archive.months:
        months_by_year.setdefault(month.year, []).append(month)
        pages += p.month_pages(month)
    pages += [p.year_page(y, months_by_year.get(y.year, [])) for y in archive.years]
    pages.append(p.plain_page("404.html", "404.html", w["not_found"]))
    pages.append(p.plain_page(urls.SEARCH, "search.html", w["search"]))
    return pages


def plan_feeds(archive: Archive, config: SiteConfig) -> list[Feed]:
    """The site feed, and one feed per company and per source."""
    size = config.feed_size
    feeds = [Feed(urls.FEED, config.title, "", archive.articles[:size])]
    for term in (*archive.companies, *archive.sources):
        first = urls.term_path(term.kind, term.slug)
        feeds.append(Feed(first + urls.FEED, f"{config.title} – {term.name}", first,
                          term.articles[:size]))  # fmt: skip
    return feeds
