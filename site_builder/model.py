"""The content model: plain, immutable values produced by the loader."""

from __future__ import annotations

from dataclasses import dataclass

from site_builder.dates import ArticleDate


@dataclass(frozen=True)
class SourceRef:
    """The outlet that reported a story, as the article names it."""

    name: str
    url: str | None = None


@dataclass(frozen=True)
class Article:
    """One valid content file. `companies` are spelled as written; the archive resolves aliases.

    The body is not held here: `load.BodyStore` gives it, so an archive of tens of thousands of
    articles keeps only metadata in memory.
    """

    path: str  # relative to the site root, POSIX separators: content/2020/10/x.md
    title: str
    date: ArticleDate
    source: SourceRef
    companies: tuple[str, ...]
    tags: tuple[str, ...]
    lang: str
    summary: str
    url: str | None
    slug: str
    draft: bool
    content_hash: str
    links: tuple[str, ...] = ()  # links to other Markdown files, as written in the body
