"""Plan the pages: for each output file, the template and the ready-made values it shows.

Templates get formatted dates and finished URLs; no data wrangling happens in Jinja. A plan is
plain data, so its fingerprint says everything the rendered bytes depend on.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import cached_property
from hashlib import blake2b
from urllib.parse import unquote

from site_builder.archive.model import COMPANY, SOURCE, TAG, Archive
from site_builder.archive.related import related_articles
from site_builder.config import SiteConfig
from site_builder.content.dates import base_language, format_date, format_month
from site_builder.content.model import Article
from site_builder.i18n import words
from site_builder.pages import urls
from site_builder.pages.overviews import Overviews
from site_builder.pages.reads import Recorder, Resolver, TrackedArchive, TrackedMap, track
from site_builder.pages.views import (
    ArticleItem,
    ArticleView,
    DateLabel,
    Feed,
    Link,
    ListSpec,
    PagePlan,
    Pagination,
    RelatedItem,
    display_url,
)
from site_builder.render import opengraph

# Related articles of each article path: (path, canonical names in common), best first.
RelatedMap = Mapping[str, tuple[tuple[str, tuple[str, ...]], ...]]


def related_map(archive: Archive) -> RelatedMap:
    return {
        path: tuple((r.path, r.shared) for r in rels)
        for path, rels in related_articles(archive).items()
    }


class Planner(Overviews):
    """Plans pages from the archive, which it reads only through `reads.TrackedArchive`: each
    page's plan carries what its planning read (`PagePlan.reads`), the makings of its key."""

    def __init__(self, archive: Archive, config: SiteConfig, related: RelatedMap | None = None):
        self.raw = archive
        self.config = config
        self.links = urls.Links(config)
        self.lang = config.language
        self.words = words(config.language)
        self.recorder = Recorder()
        self._related = related
        self.archive = TrackedArchive(archive, self._tables(with_related=False), self.recorder)
        self.by_path = self.archive.by_path
        self.source_websites = self.archive.source_websites
        # The same article shows in many lists: its list values are computed once per build
        # (with what they read, recorded again on every page that shows them).
        self._memo: dict[tuple, tuple] = {}
        self._term_links: dict[tuple, Link] = {}

    def _tables(self, with_related: bool = True) -> dict[str, Mapping]:
        """The planner's own tables besides the archive's (see `reads.TABLES`)."""
        tables = dict(self._own_tables)
        if with_related:
            tables["related"] = self.related_table
        return tables

    @cached_property
    def _own_tables(self) -> dict[str, Mapping]:
        return {
            "by_path": {a.path: a for a in self.raw.articles},
            "source_websites": {s.slug: s.url for s in self.raw.sources},
        }

    @property
    def related_table(self) -> RelatedMap:
        if self._related is None:
            self._related = related_map(self.raw)
        return self._related

    @cached_property
    def related(self) -> TrackedMap:
        return TrackedMap("related", self.related_table, self.recorder)

    @cached_property
    def resolver(self) -> Resolver:
        """The versions of what pages read, in this build's archive."""
        return Resolver(self.raw, self._tables())

    def planned(self, make: Callable[[], PagePlan]) -> PagePlan:
        """The plan `make` gives, with what planning it read."""
        plan, reads = self.recorder.capture(make)
        return replace(plan, reads=reads)

    def track(self, value):
        """An article, term or period of the archive as the planner reads it."""
        return track(value, self.recorder)

    def _memoised(self, key: tuple, make: Callable[[], object]):
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self.recorder.capture(make)
        else:
            self.recorder.replay(found[1])
        return found[0]

    @cached_property
    def versions(self) -> dict[str, bytes]:
        """Article path → a digest of everything its list item, link, related item or chart
        bar is made of, besides the settings: its front matter (not its body: an edit of the
        text leaves the lists that show the article as they were) and its companies' canonical
        names (the registry may rename them). Slugs and URLs are pure functions of these."""
        names = self.raw.company_names
        return {
            a.path: blake2b(a.shown + "\x1f".join(names[a.path]).encode(), digest_size=16).digest()
            for a in self.raw.articles
        }

    @cached_property
    def frame(self) -> bytes:
        """A digest of every article's path and version, in the archive's order. With the same
        settings, templates and registry, an equal frame means an equal plan: every page keeps
        its key but the pages of articles whose text changed (see `keys.article_entry`)."""
        h = blake2b(digest_size=16)
        for path, version in self.versions.items():
            h.update(path.encode())
            h.update(version)
        return h.digest()

    def version(self, article: Article) -> bytes:
        return self.versions[article.path]

    def versions_of(self, articles: tuple[Article, ...]) -> bytes:
        vs = self.versions
        return b"".join([vs[a.path] for a in articles])

    # -- small values --------------------------------------------------------------------------
    def other_lang(self, lang: str) -> str | None:
        return None if base_language(lang) == base_language(self.lang) else lang

    def term_link(self, kind: str, name: str, slug: str, n: int | None = None) -> Link:
        key = (kind, name, slug, n)
        link = self._term_links.get(key)
        if link is None:
            link = Link(name, self.links.url(urls.term_path(kind, slug)), count=n)
            self._term_links[key] = link
        return link

    def company_links(self, article: Article) -> tuple[Link, ...]:
        return self._memoised(("companies", article.path), lambda: self._company_links(article))

    def _company_links(self, article: Article) -> tuple[Link, ...]:
        slugs = self.archive.company_slugs
        return tuple(
            self.term_link(COMPANY, name, slugs[name])
            for name in self.archive.company_names[article.path]
            if name in slugs
        )

    def source_link(self, article: Article) -> Link:
        slug = self.archive.source_slugs[article.source.name]
        return self.term_link(SOURCE, article.source.name, slug)

    def date_label(self, article: Article, lang: str | None = None) -> DateLabel:
        return DateLabel(format_date(article.date, lang or article.lang), article.date.iso())

    def og(self, path: str, title: str, description: str | None = None) -> dict:
        """The OpenGraph properties of an ordinary page (articles add their own)."""
        props = opengraph.open_graph(
            kind="website",
            title=title,
            url=self.links.absolute(path),
            site_name=self.config.title,
            lang=self.lang,
            description=description or self.config.description or None,
        )
        return {"og": props}

    def item(self, article: Article) -> ArticleItem:
        return self._memoised(("item", article.path), lambda: self._item(article))

    def _item(self, article: Article) -> ArticleItem:
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

    def related_items(self, article: Article) -> tuple[RelatedItem, ...]:
        items = []
        for rel_path, shared in self.related.get(article.path, ()):
            other = self.by_path[rel_path]
            in_common = self.words["in_common"].format(names=", ".join(shared)) if shared else None
            items.append(
                RelatedItem(
                    title=other.title,
                    url=self.links.url(urls.article_path(other)),
                    date_label=format_date(other.date, other.lang),
                    date_iso=other.date.iso(),
                    lang=self.other_lang(other.lang),
                    in_common=in_common,
                )
            )
        return tuple(items)

    # -- pages ---------------------------------------------------------------------------------
    def article_page(self, article: Article) -> PagePlan:
        a = self.archive
        path = urls.article_path(article)
        source = self.source_link(article)
        source_website = self.source_websites.get(a.source_slugs[article.source.name])
        view = ArticleView(
            title=article.title,
            date_label=format_date(article.date, article.lang),
            date_iso=article.date.iso(),
            lang=article.lang,
            source=source,
            source_website=source_website,
            source_host=display_url(source_website),
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
        canonical = self.links.absolute(path)
        og = opengraph.open_graph(
            kind="article",
            title=article.title,
            url=canonical,
            site_name=self.config.title,
            lang=article.lang,
            description=article.summary or None,
            published=article.date.iso(),
            tags=article.tags,
        )
        jsonld = opengraph.news_article(
            headline=article.title,
            url=canonical,
            date=article.date.iso(),
            lang=article.lang,
            description=article.summary,
            publisher=(self.config.title, self.links.absolute("")),
            source=(article.source.name, source_website),
            original_url=article.url,
            about=tuple(
                (c.label, self.links.absolute(c.url[len(self.links.base_path) :]))
                for c in view.companies
            ),
            keywords=article.tags,
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
                "related": self.related_items(article),
                "description": article.summary,
                "canonical": canonical,
                "og": og,
                "jsonld": jsonld,
                "body_links": self.body_links(article),
            },
        )

    def body_links(self, article: Article) -> tuple[tuple[str, str], ...]:
        """Where the body's links to other Markdown files lead: (href, page URL)."""
        found = []
        folder = posixpath.dirname(article.path)
        for href in article.links:
            target = unquote(href)
            target = (
                target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            )
            other = self.by_path.get(posixpath.normpath(target))
            if other is not None:
                found.append((href, self.links.url(urls.article_path(other))))
        return tuple(found)

    def numbered(self, total: int) -> int:
        """How many numbered pages a list of `total` articles has besides its first page."""
        per = self.config.per_page
        return (total + per - 1) // per if total > per else 0

    def list_page(self, spec: ListSpec, n: int) -> PagePlan:
        """Page `n` of a list: 0 is its first page (the newest articles), then the numbered
        pages counted from the oldest."""
        per = self.config.per_page
        first, title, articles, extra = spec.first, spec.title, spec.articles, spec.extra
        total = len(articles)
        numbered = self.numbered(total)

        def numbered_url(n: int) -> str:
            return self.links.url(urls.page_path(first, n))

        w = self.words
        feeds = (Link(w["feed"], self.links.url(spec.feed)),) if spec.feed else ()
        if n == 0:
            description = spec.description
            return PagePlan(
                path=first,
                template="list.html",
                title=title,
                context={
                    "heading": spec.heading or title,
                    "items": tuple(self.item(x) for x in articles[:per]),
                    "pagination": Pagination(
                        None,
                        Link(w["older_page"], numbered_url((total - 1 - per) // per + 1))
                        if numbered
                        else None,
                        None,
                    ),
                    "feeds": feeds,
                    "canonical": self.links.absolute(first),
                    **self.og(first, title, description),
                    **({"description": description} if description else {}),
                    **(extra or {}),
                    **(spec.first_extra() if spec.first_extra else {}),
                },
            )
        chunk = self.chunk(articles, n)
        newer_url = numbered_url(n + 1) if n < numbered else self.links.url(first)
        page_label = w["page_n"].format(n=n)
        page_path = urls.page_path(first, n)
        return PagePlan(
            path=page_path,
            template="list.html",
            title=f"{title} – {page_label}",
            context={
                "heading": spec.heading or title,
                "items": tuple(self.item(x) for x in chunk),
                "pagination": Pagination(
                    Link(w["newer_page"], newer_url),
                    Link(w["older_page"], numbered_url(n - 1)) if n > 1 else None,
                    page_label,
                ),
                "feeds": feeds,
                "canonical": self.links.absolute(page_path),
                "noindex_intro": True,
                **self.og(page_path, f"{title} – {page_label}"),
                **(extra or {}),
            },
        )

    def chunk(self, articles: tuple[Article, ...], n: int) -> tuple[Article, ...]:
        """The articles of numbered page `n`, newest first."""
        per = self.config.per_page
        total = len(articles)
        start, stop = total - n * per, total - (n - 1) * per
        return articles[max(0, start) : stop]

    def plain_page(self, path: str, template: str, title: str) -> PagePlan:
        return PagePlan(path=path, template=template, title=title, context={})


def plan_feeds(archive: Archive, config: SiteConfig) -> list[Feed]:
    """The site feed, and one feed per company and per source."""
    size = config.feed_size
    feeds = [Feed(urls.FEED, config.title, "", archive.articles[:size])]
    for term in (*archive.companies, *archive.sources):
        first = urls.term_path(term.kind, term.slug)
        feeds.append(Feed(first + urls.FEED, f"{config.title} – {term.name}", first,
                          term.articles[:size]))  # fmt: skip
    return feeds
