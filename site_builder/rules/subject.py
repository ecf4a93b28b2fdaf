"""What the rules judge: the planned site, its articles' body facts, and where to point."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from site_builder.content.frontmatter import FrontMatterError, split_front_matter
from site_builder.content.textfile import normal_line_ends

if TYPE_CHECKING:
    from site_builder.build import SitePlan
    from site_builder.content.body_facts import BodyFacts
    from site_builder.content.model import Article

ERROR, WARNING = "error", "warning"


def severity(article: Article) -> str:
    """What breaks a published article is an error; in a draft, a warning."""
    return WARNING if article.draft else ERROR


class SourceLines:
    """The raw text and field lines of content files, read only for the files with a problem."""

    def __init__(self, root: Path):
        self.root = root
        self._texts: dict[str, str] = {}
        self._lines: dict[str, dict[str, int]] = {}

    def text(self, path: str) -> str:
        if path not in self._texts:
            # As the loader reads it: a BOM and CRLF or CR line ends do not shift the lines.
            raw = (self.root / path).read_bytes()
            self._texts[path] = normal_line_ends(raw.decode("utf-8-sig", errors="replace"))
        return self._texts[path]

    def line_of(self, path: str, field: str) -> int | None:
        if path not in self._lines:
            try:
                self._lines[path] = split_front_matter(self.text(path)).lines
            except (FrontMatterError, OSError):
                self._lines[path] = {}
        return self._lines[path].get(field)

    def line_containing(self, path: str, needle: str) -> int | None:
        """The line of the first occurrence of `needle` after the front matter."""
        try:
            text = self.text(path)
        except OSError:
            return None
        closing = text.find("\n---", 3)
        start = closing + 4 if closing >= 0 else 0
        # The Markdown forms of a link target first, so `/a/b` is not found inside `/a/b/`.
        for form in (f"({needle})", f"({needle} ", f"<{needle}>", f"]: {needle}", needle):
            at = text.find(form, start)
            if at >= 0:
                return text.count("\n", 0, at) + 1
        return None


@dataclass
class Subject:
    """The site as the rules see it.

    `judged` are the articles whose problems are reported: the built ones, and for `check` the
    drafts a publishing build leaves out too. `known` are every article by path, drafts
    included, so a link to a left-out draft is recognised as one. `files` are the content
    files. `page_paths` gives the site's page paths when a rule needs them (planning them is
    avoided when nothing asks)."""

    site: SitePlan
    judged: tuple[Article, ...]
    facts: dict[str, BodyFacts]
    files: Collection[str]
    page_paths: Callable[[], Iterable[str]]
    now: dt.datetime
    sources: SourceLines = field(init=False)

    def __post_init__(self) -> None:
        self.sources = SourceLines(self.site.root)

    @cached_property
    def known(self) -> dict[str, Article]:
        every = {a.path: a for a in self.site.drafts}
        every.update((a.path, a) for a in self.site.archive.articles)
        return every
