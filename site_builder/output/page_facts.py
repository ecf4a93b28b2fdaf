"""What each built HTML page declares (its references, ids and base), read once per page.

`site-builder validate` judges these facts; a cache file keyed on each page's size and
mtime lets a page that did not change skip the parse (CI restores output/ with its mtimes).
"""

from __future__ import annotations

import json
import os
import pickle
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

URL_ATTRIBUTES = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "script": ("src",),
    "img": ("src",),
    "source": ("src",),
    "iframe": ("src",),
    "audio": ("src",),
    "video": ("src", "poster"),
    "track": ("src",),
    "embed": ("src",),
    "form": ("action",),
}
URL_META_PROPERTIES = {"og:url", "og:image", "twitter:image"}
# Parsing pages in worker processes pays off past this many pages.
PARALLEL_FROM = 400
CACHE_FORMAT = 1


@dataclass
class PageFacts:
    """What one HTML page declares: its references and the ids it holds."""

    references: list[str] = field(default_factory=list)
    absolute_urls: list[str] = field(default_factory=list)  # from JSON-LD
    ids: set[str] = field(default_factory=set)
    base_href: str | None = None


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.facts = PageFacts()
        self._json_ld: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        facts = self.facts
        if "id" in values:
            facts.ids.add(values["id"])
        if tag == "a" and "name" in values:
            facts.ids.add(values["name"])
        if tag == "base" and "href" in values and facts.base_href is None:
            facts.base_href = values["href"].strip()
        for name in URL_ATTRIBUTES.get(tag, ()):
            if values.get(name, "").strip():
                facts.references.append(values[name].strip())
        if tag in ("img", "source") and values.get("srcset"):
            facts.references += [p.split()[0] for p in values["srcset"].split(",") if p.split()]
        content = values.get("content", "").strip()
        if tag == "meta" and values.get("property") in URL_META_PROPERTIES and content:
            facts.references.append(content)
        if tag == "script" and values.get("type") == "application/ld+json":
            self._json_ld = []

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        if self._json_ld is not None:
            self._json_ld.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._json_ld is not None:
            text, self._json_ld = "".join(self._json_ld), None
            try:
                self.facts.absolute_urls += _json_strings(json.loads(text))
            except ValueError:
                self.facts.references.append("json-ld:invalid")


def _json_strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value] if value.startswith(("http://", "https://")) else []
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [s for item in value for s in _json_strings(item)]
    return []


def parse_page(path: Path) -> PageFacts:
    parser = _PageParser()
    parser.feed(path.read_text("utf-8"))
    parser.close()
    return parser.facts


def read_pages(
    output: Path, files: set[str], jobs: int, cache: Path | None
) -> dict[str, PageFacts]:
    """The facts of every HTML page. With a `cache` file, a page whose size and mtime did not
    change since the last run is not parsed again (CI restores output/ with its mtimes)."""
    pages = sorted(f for f in files if f.endswith(".html"))
    stats = {}
    for rel in pages:
        st = os.stat(output / rel)
        stats[rel] = (st.st_size, st.st_mtime_ns)
    known: dict = {}
    if cache is not None:
        try:
            with open(cache, "rb") as f:
                version, known = pickle.load(f)
            if version != CACHE_FORMAT:
                known = {}
        except Exception:  # a missing or unreadable cache means parsing everything
            known = {}
    facts: dict[str, PageFacts] = {}
    todo = []
    for rel in pages:
        entry = known.get(rel)
        if entry is not None and entry[0] == stats[rel]:
            facts[rel] = PageFacts(*entry[1])
        else:
            todo.append(rel)
    paths = [output / rel for rel in todo]
    if len(paths) >= PARALLEL_FROM and jobs > 1:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            parsed = pool.map(parse_page, paths, chunksize=64)
    else:
        parsed = [parse_page(p) for p in paths]
    facts.update(zip(todo, parsed, strict=True))
    if cache is not None:
        _save_cache(cache, {rel: (stats[rel], _plain(facts[rel])) for rel in pages})
    return {rel: facts[rel] for rel in pages}


def _plain(facts: PageFacts) -> tuple:
    # Interned strings are stored once by pickle: the same links recur on every page.
    intern = sys.intern
    return (
        [intern(r) for r in facts.references],
        [intern(u) for u in facts.absolute_urls],
        {intern(i) for i in facts.ids},
        facts.base_href,
    )


def _save_cache(cache: Path, data: dict) -> None:
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_name(cache.name + ".tmp")
    with open(tmp, "wb") as f:
        pickle.dump((CACHE_FORMAT, data), f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, cache)
