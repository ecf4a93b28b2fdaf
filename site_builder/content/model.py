"""The content model: plain, immutable values produced by the loader."""

from __future__ import annotations

from dataclasses import dataclass, field
from hashlib import blake2b

from site_builder.content.dates import ArticleDate


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
    # A digest of every field a list shows (all but the body and links), made once when the
    # file is parsed and kept with the parse in the build cache (see `plan.Planner.versions`).
    shown: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        fields = (self.path, self.title, self.date.iso(), self.source.name, self.source.url or "",
                  "\x1f".join(self.companies), "\x1f".join(self.tags), self.lang, self.summary,
                  self.url or "", self.slug, "draft" if self.draft else "")  # fmt: skip
        shown = blake2b("\0".join(fields).encode(), digest_size=16).digest()
        object.__setattr__(self, "shown", shown)
