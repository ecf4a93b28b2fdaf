"""Every output path of the site, in one place. Paths are relative to `output/`; a path ending
in `/` is a folder page written as `index.html`.
"""

from __future__ import annotations

from site_builder.config import SiteConfig
from site_builder.content.model import Article

COMPANIES, SOURCES, TAGS, SEARCH, ASSETS = "companies/", "sources/", "tags/", "search/", "assets/"
FEED = "feed.xml"


def article_path(article: Article) -> str:
    d = article.date
    if d.month is None:
        return f"{d.year:04d}/{article.slug}/"
    return f"{d.year:04d}/{d.month:02d}/{article.slug}/"


def year_path(year: int) -> str:
    return f"{year:04d}/"


def month_path(year: int, month: int) -> str:
    return f"{year:04d}/{month:02d}/"


def term_path(kind: str, slug: str) -> str:
    return {"company": COMPANIES, "source": SOURCES, "tag": TAGS}[kind] + slug + "/"


def term_index_path(kind: str) -> str:
    return {"company": COMPANIES, "source": SOURCES, "tag": TAGS}[kind]


def page_path(first: str, number: int | None) -> str:
    """The numbered page `number` of a list whose first page is `first`."""
    return first if number is None else f"{first}page/{number}/"


def file_of(path: str) -> str:
    """The file written for a path: folder pages become `index.html`."""
    return path + "index.html" if path == "" or path.endswith("/") else path


class Links:
    """Turns output paths into the URLs pages use: root-relative under the base path for
    links and assets (so a site served under `/archive/` works), absolute for feeds."""

    def __init__(self, config: SiteConfig):
        self.base_path = config.base_path
        self.base_url = config.base_url if config.base_url.endswith("/") else config.base_url + "/"

    def url(self, path: str) -> str:
        return self.base_path + path

    def absolute(self, path: str) -> str:
        return self.base_url + path
