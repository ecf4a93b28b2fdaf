"""Markdown bodies → HTML (sanitised unless the site trusts its authors) and plain text."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

SUMMARY_LENGTH = 280


@dataclass(frozen=True)
class RenderedBody:
    html: str
    text: str


class BodyTooDeep(ValueError):
    """A body nested deeper than the Markdown parser can follow."""


@lru_cache(maxsize=1)
def _markdown():
    # One instance per process, reset between documents: building one costs more than a page.
    # The extensions are passed as instances: named ones are looked up among the entry points
    # of every installed distribution, a cost paid by every build that parses a file.
    import markdown
    from markdown.extensions import (
        abbr,
        attr_list,
        def_list,
        fenced_code,
        footnotes,
        md_in_html,
        sane_lists,
        tables,
        toc,
    )

    from site_builder.archive.slugs import slugify

    extra = (
        fenced_code.FencedCodeExtension(),
        footnotes.FootnoteExtension(),
        attr_list.AttrListExtension(),
        def_list.DefListExtension(),
        tables.TableExtension(),
        abbr.AbbrExtension(),
        md_in_html.MarkdownInHtmlExtension(),
    )  # "extra", in its order
    md = markdown.Markdown(
        extensions=[*extra, sane_lists.SaneListExtension(),
                    toc.TocExtension(slugify=lambda value, _sep: slugify(value))],
        output_format="html",
    )  # fmt: skip
    _EVERY.update(inline=md.inlinePatterns, block=md.parser.blockprocessors)
    return md


@lru_cache(maxsize=1)
def _sanitiser_attributes() -> dict[str, set[str]]:
    import nh3

    attributes = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
    attributes["*"] = {"id", "lang", "title"}
    attributes.setdefault("img", set()).update({"alt", "width", "height"})
    return attributes


# The characters an inline pattern's or block processor's expression needs (one of them; `[` for
# `![`). Those not named here (line breaks, indented code, lists' continuation, paragraphs…)
# always run. A body without the characters cannot match, so they are left out for it, as
# Python-Markdown's own smarty extension swaps the inline processor's patterns: a paragraph of
# news needs two or three of the fifteen inline patterns, and trying each on every text node,
# and each block test on every block, was two fifths of the parsing.
_NEEDS = {
    "inline": {"backtick": "`", "escape": "\\", "footnote": "[", "reference": "[", "link": "[",
               "image_link": "[", "image_reference": "[", "short_reference": "[",
               "short_image_ref": "[", "autolink": "<", "automail": "<", "html": "<",
               "entity": "&", "em_strong": "*_"},
    "block": {"table": "|", "hashheader": "#", "setextheader": "=-", "hr": "-_*", "olist": ".",
              "ulist": "*+-", "deflist": ":", "quote": ">", "footnote": "[", "abbr": "[",
              "reference": "["},
}  # fmt: skip
# Raw HTML and fenced code are stashed behind placeholders (`\x02wzxhzdk:0\x03`) before the
# blocks are read: a body that may have them counts as holding a colon.
_STASHED = "<`~"
_EVERY: dict[str, object] = {}  # kind → the registry of all of them, set by `_markdown`


@lru_cache(maxsize=128)
def _kept(kind: str, wanted: frozenset[str]):
    """The registry of the patterns or processors of `kind` that are not left out, in their
    order."""
    from markdown.util import Registry

    every, needs = _EVERY[kind], _NEEDS[kind]
    registry = Registry()
    for item in sorted(every._priority, key=lambda item: item.priority, reverse=True):
        if item.name not in needs or item.name in wanted:
            registry.register(every[item.name], item.name, item.priority)
    return registry


# The characters a body is looked through for, once each.
_SIGNIFICANT = frozenset(_STASHED + "".join(c for needs in _NEEDS.values() for c in needs.values()))


def _needed(kind: str, present: frozenset[str]):
    """The registry for a body holding the `present` significant characters."""
    if kind == "block" and not present.isdisjoint(_STASHED):
        present |= {":"}
    needs = _NEEDS[kind].items()
    return _kept(kind, frozenset(n for n, chars in needs if not present.isdisjoint(chars)))


def render_markdown(source: str, allow_raw_html: bool = False) -> RenderedBody:
    """Convert a Markdown body; raw HTML is sanitised unless `allow_raw_html`."""
    md = _markdown()
    md.reset()
    present = frozenset(c for c in _SIGNIFICANT if c in source)
    md.treeprocessors["inline"].inlinePatterns = _needed("inline", present)
    md.parser.blockprocessors = _needed("block", present)
    try:
        body_html = md.convert(source)
    except RecursionError:
        raise BodyTooDeep("the body is nested too deep to be read: flatten its lists, quotes, "
                          "HTML elements or emphasis") from None  # fmt: skip
    if not allow_raw_html:
        import nh3

        body_html = nh3.clean(body_html, attributes=_sanitiser_attributes())
        return RenderedBody(body_html, sanitised_text(body_html))
    return RenderedBody(body_html, html_to_text(body_html))


class _TextExtractor(HTMLParser):
    _BLOCKS = frozenset(
        [
            "p",
            "div",
            "li",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "blockquote",
            "pre",
            "tr",
            "br",
            "hr",
            "dt",
            "dd",
            "table",
            "ul",
            "ol",
            "figure",
        ]
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        self.parts.append(data)


_SPACES = re.compile(r"[ \t\r\f\v]+")
# From the first of two line breaks: the blanks before it are cut off the paragraph before.
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n\s*")


def _tidy(text: str) -> str:
    r"""Runs of blanks as one space, any blank run holding two line breaks as "\n\n", no blank
    at either end. The same as substituting `\s*\n\s*\n\s*`, but a search that starts on a
    line break runs many times quicker than one that starts on every blank."""
    if "  " in text or any(c in text for c in "\t\r\f\v"):
        text = _SPACES.sub(" ", text)
    return "\n\n".join(part.rstrip() for part in _PARAGRAPH_BREAK.split(text)).strip()


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment, paragraphs separated by blank lines."""
    parser = _TextExtractor()
    parser.feed(fragment)
    parser.close()
    return _tidy("".join(parser.parts))


# nh3's output is regular: elements only (no comments, scripts or styles), attribute values
# quoted, `<` and `&` in text escaped. Two substitutions read it as `html_to_text` does.
_TAG_REST = r"""[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>"""
_BLOCK_TAG = re.compile(
    rf"</?(?:{'|'.join(sorted(_TextExtractor._BLOCKS))})(?=[\s/>]){_TAG_REST}", re.I
)
_OTHER_TAG = re.compile(rf"</?[A-Za-z][^\s/>]*{_TAG_REST}")


def _block_break(tag: re.Match) -> str:
    # A self-closing block tag counts as a start and an end, as HTMLParser reports it.
    return "\n\n\n\n" if tag.group().endswith("/>") else "\n\n"


def sanitised_text(fragment: str) -> str:
    """`html_to_text` for a fragment produced by the sanitiser, about ten times quicker."""
    return _tidy(html.unescape(_OTHER_TAG.sub("", _BLOCK_TAG.sub(_block_break, fragment))))


_MD_LINK = re.compile(r'href="([^":#?]+\.md)(#[^"]*)?"')


def markdown_links(fragment: str) -> tuple[str, ...]:
    """Links to other Markdown files (`../11/x.md`, `x.md#part`), as they stand in `href`."""
    return tuple(dict.fromkeys(m.group(1) for m in _MD_LINK.finditer(fragment)))


def rewrite_markdown_links(fragment: str, targets: dict[str, str]) -> str:
    """Point links to Markdown files at the pages built from them, keeping any `#anchor`."""
    if not targets:
        return fragment

    def replace(m: re.Match) -> str:
        url = targets.get(m.group(1))
        return m.group(0) if url is None else f'href="{url}{m.group(2) or ""}"'

    return _MD_LINK.sub(replace, fragment)


def first_paragraph(text: str) -> str:
    return text.split("\n\n", 1)[0].strip() if text else ""


def shorten(text: str, limit: int = SUMMARY_LENGTH, dangling: str = " ,;:.-–—") -> str:
    """Cut `text` at a word boundary so it fits in `limit` characters, adding an ellipsis;
    characters of `dangling` left before the ellipsis are dropped."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(dangling) + "…"
