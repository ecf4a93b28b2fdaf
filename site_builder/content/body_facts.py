"""What the content rules need from an article's rendered body: the links that may stay inside
the site, the ids a link can point at, and whether there is any body at all.

A body's facts depend only on its HTML (and on the site's host name, which decides which
absolute links can stay inside the site), so they are kept in the build cache by body key:
an edit reads and scans the one body that changed, not every body of the archive.
"""

from __future__ import annotations

import html
import os
import pickle
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from site_builder.content.load import BodyStore
    from site_builder.content.model import Article

FACTS_FILE = "body-facts.pickle"
# Bump when the facts of the same HTML would differ.
FACTS_VERSION = 1
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


class BodyFacts(NamedTuple):
    links: tuple[str, ...]  # hrefs and image sources that may lead inside the site, in order
    ids: frozenset[str]  # element ids and `<a name>`: what `#fragment` links can reach
    empty: bool  # nothing but blanks


_NO_FACTS = BodyFacts((), frozenset(), True)


def may_stay_inside(href: str, netloc: str) -> bool:
    """Whether a link can lead to a page of the site whose host is `netloc`: relative and
    root-relative links, fragments, and absolute http(s) links to that host."""
    if not _SCHEME.match(href):
        return not href.startswith("//") or urlsplit(href).netloc == netloc
    if not href.startswith(("http:", "https:")):
        return False
    return urlsplit(href).netloc == netloc


# The sanitiser's output is regular (see `markup.sanitised_text`): elements only, attribute
# values quoted. A tag and its attributes can then be read without an HTML parser.
_TAG = re.compile(r"""<([a-zA-Z][^\s/>]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")


def _sanitised_facts(fragment: str, netloc: str) -> BodyFacts:
    links: list[str] = []
    ids: set[str] = set()
    if "=" in fragment:  # no attribute, no link and no id
        for tag in _TAG.finditer(fragment):
            name, rest = tag.group(1).lower(), tag.group(2)
            if "=" not in rest:
                continue
            values = {}
            for attribute in _ATTRIBUTE.finditer(rest):
                key = attribute.group(1).lower()
                if key not in values:
                    raw = attribute.group(2) or attribute.group(3) or attribute.group(4) or ""
                    values[key] = html.unescape(raw) if "&" in raw else raw
            _collect(name, values, links, ids)
    return _facts(fragment, links, ids, netloc)


class _LinksAndIds(HTMLParser):
    """The same reading for raw HTML (`allow_raw_html`), which may hold comments and scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        values: dict[str, str] = {}
        for key, value in attrs:
            values.setdefault(key, value or "")
        _collect(tag, values, self.links, self.ids)


def _collect(tag: str, values: dict[str, str], links: list[str], ids: set[str]) -> None:
    if values.get("id"):
        ids.add(values["id"])
    if tag == "a" and values.get("name"):
        ids.add(values["name"])
    if tag == "a" and "href" in values:
        links.append(values["href"].strip())
    if tag == "img" and values.get("src"):
        links.append(values["src"].strip())


def _facts(fragment: str, links: list[str], ids: set[str], netloc: str) -> BodyFacts:
    inside = tuple(href for href in links if may_stay_inside(href, netloc))
    return BodyFacts(inside, frozenset(ids), not fragment.strip())


def body_facts(fragment: str, netloc: str, raw_html: bool = False) -> BodyFacts:
    """The facts of one rendered body (`raw_html`: not made by the sanitiser)."""
    if not raw_html:
        return _sanitised_facts(fragment, netloc)
    parser = _LinksAndIds()
    parser.feed(fragment)
    parser.close()
    return _facts(fragment, parser.links, parser.ids, netloc)


def facts_of(
    articles: list[Article],
    bodies: BodyStore,
    netloc: str,
    raw_html: bool,
    cache_dir: Path | None = None,
) -> dict[str, BodyFacts]:
    """Every article's body facts, by article path. With `cache_dir`, facts of bodies seen by
    an earlier build are read from its file there, and the file is rewritten only when a body
    was new."""
    header = (FACTS_VERSION, netloc, raw_html)
    known: dict[str, BodyFacts] = {}
    file = cache_dir / FACTS_FILE if cache_dir is not None else None
    if file is not None:
        known = _read(file, header)
    kept: dict[str, BodyFacts] = {}
    found: dict[str, BodyFacts] = {}
    for article in articles:
        key = bodies.key(article.path) if article.path in bodies else None
        if key is None:
            found[article.path] = _NO_FACTS
            continue
        facts = known.get(key)
        if facts is None:
            facts = body_facts(bodies.get_path(article.path).html, netloc, raw_html)
        kept[key] = facts
        found[article.path] = facts
    if file is not None and kept.keys() != known.keys():
        _write(file, header, kept)
    return found


def _read(file: Path, header: tuple) -> dict[str, BodyFacts]:
    try:
        with open(file, "rb") as stream:
            stored_header, facts = pickle.load(stream)
    except Exception:  # missing, damaged, or written by a version whose classes moved
        return {}
    return facts if stored_header == header else {}


def _write(file: Path, header: tuple, facts: dict[str, BodyFacts]) -> None:
    tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(pickle.dumps((header, facts), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, file)
    except OSError:
        tmp.unlink(missing_ok=True)  # a cache that cannot be written is only slower
