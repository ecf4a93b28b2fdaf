"""The values page templates receive: links, list items, article views, pagination, and the
plans and entries of pages. Plain, immutable data: no template does any data wrangling.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from site_builder.content.model import Article
from site_builder.pages.charts import BarChart

MOST_COVERED = 10  # companies listed on the front page
COMPANIONS = 8  # companies and sources listed on a term's profile


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
    source_host: str | None  # the website as shown: `blocksandfiles.com`
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
class DateLabel:
    label: str
    iso: str


@dataclass(frozen=True)
class RelatedItem:
    """A related article as an article page lists it."""

    title: str
    url: str
    date_label: str
    date_iso: str
    lang: str | None
    in_common: str | None  # "En commun : HPE, Juniper"


@dataclass(frozen=True)
class Profile:
    """What a company's (source's, tag's) first page says before its list of articles."""

    kind_label: str
    count_label: str
    description: str | None
    website: str | None
    website_label: str | None
    aliases: tuple[str, ...]
    first: DateLabel
    last: DateLabel
    chart: BarChart | None
    companions_label: str
    companions: tuple[Link, ...]  # companies named alongside it, most often first
    sources: tuple[Link, ...]  # sources that covered it, most often first


@dataclass(frozen=True)
class FrontView:
    """The front page's overview beside the latest articles."""

    most_covered: tuple[Link, ...]
    most_covered_span: str  # "de juin 2023 à mai 2024"
    histogram: BarChart | None
    years: tuple[Link, ...]


@dataclass(frozen=True)
class PagePlan:
    """One HTML page to render with `template` and `context`."""

    path: str
    template: str
    title: str
    context: dict = field(hash=False)
    body_of: str | None = None  # the article path whose body this page shows
    # What planning the page read (see `pages.reads`): its key is made of their versions.
    reads: tuple = field(default=(), repr=False, compare=False)


@dataclass(frozen=True)
class PageEntry:
    """A page before it is planned: its address and title, and how to plan it. Its key comes
    from what its last planning read (`PagePlan.reads`): a page whose reads kept their
    versions is neither planned nor rendered again."""

    path: str
    title: str
    body_of: str | None
    make: Callable[[], PagePlan] = field(repr=False, compare=False)

    def plan(self) -> PagePlan:
        return self.make()


@dataclass(frozen=True, eq=False)
class ListSpec:
    """A list of articles cut into pages (see `Planner.list_page`)."""

    first: str
    title: str
    articles: tuple[Article, ...]
    extra: dict | None = None
    feed: str | None = None
    heading: str | None = None
    first_extra: Callable[[], dict] | None = None  # computed only when the first page is planned
    description: str | None = None


@dataclass(frozen=True)
class Feed:
    """An Atom feed: its own address, the page it describes and its newest entries."""

    path: str
    title: str
    page_path: str
    articles: tuple[Article, ...]


def display_url(url: str | None) -> str | None:
    """A website as people say it: `https://www.hpe.com/` → `www.hpe.com`."""
    if not url:
        return None
    shown = url.split("://", 1)[-1]
    return shown[:-1] if shown.endswith("/") else shown
