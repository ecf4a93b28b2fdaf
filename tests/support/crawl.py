"""Crawl a served site and report every broken internal link and missing ``#fragment``.

>>> with serve_directory(output) as base_url:
...     report = crawl(base_url)
>>> assert report.ok, "\\n".join(report.problems())

Rules:

- Starts at ``base_url``; pages under it (same host, path starting with its path) are fetched
  and, when served as HTML, parsed with ``html.parser`` and followed.
- References followed: ``href`` of ``a``, ``area`` and every ``link`` (stylesheets, icons,
  ``rel=alternate`` feeds…), ``src`` of ``script``, ``img``, ``source``, ``iframe``, ``audio``,
  ``video``, ``track``, ``embed``, ``srcset`` of ``img`` and ``source``, ``poster`` of
  ``video`` and ``action`` of ``form``. ``<base href>`` is honoured.
- Any URL on the same host is fetched (GET) and must answer 200, even outside ``base_url``:
  a link that forgets the site's prefix is broken. Redirects are not followed and count as
  broken (the generator knows every canonical URL, so it should link to it). Non-HTML
  responses (CSS, images, feeds) are fetched but not parsed.
- Other hosts and ``mailto:``, ``tel:``, ``javascript:``, ``data:`` URLs are ignored.
- ``#fragment`` on a link to an internal HTML page must match an ``id`` (or ``<a name>``) on
  that page; an empty fragment and ``#top`` are always valid (HTML scrolls to the top).
- At most ``max_pages`` HTML pages are parsed; past that the report is ``truncated``, which
  counts as a problem so a partial crawl cannot pass for a full one.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, unquote, urldefrag, urljoin, urlsplit

IGNORED_SCHEMES = {"mailto", "tel", "javascript", "data", "blob", "about"}

# tag -> attributes holding one URL. The same table as site_builder.output.validate's, written again
# on purpose: this crawler judges what the validator passes, so it does not share its code.
_URL_ATTRS = {
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
_SRCSET_TAGS = {"img", "source"}


@dataclass(frozen=True)
class BrokenLink:
    url: str
    status: int | str  # HTTP status, or the error text when the request itself failed
    referrers: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.status} {self.url} (linked from {', '.join(self.referrers) or 'start'})"


@dataclass(frozen=True)
class MissingAnchor:
    url: str  # target page, without the fragment
    fragment: str
    referrers: tuple[str, ...]

    def __str__(self) -> str:
        return f"no id={self.fragment!r} on {self.url} (linked from {', '.join(self.referrers)})"


@dataclass
class CrawlReport:
    base_url: str
    pages: list[str] = field(default_factory=list)  # HTML pages parsed
    assets: list[str] = field(default_factory=list)  # other URLs fetched with status 200
    broken: list[BrokenLink] = field(default_factory=list)
    missing_anchors: list[MissingAnchor] = field(default_factory=list)
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems()

    def problems(self) -> list[str]:
        """One readable line per problem; empty when the site is clean."""
        lines = [f"broken link: {b}" for b in self.broken]
        lines += [f"missing anchor: {m}" for m in self.missing_anchors]
        if self.truncated:
            lines.append(f"crawl stopped after {len(self.pages)} pages (max_pages reached)")
        return lines


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.base_href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        if tag == "base" and "href" in values and self.base_href is None:
            self.base_href = values["href"].strip()
        for name in _URL_ATTRS.get(tag, ()):
            if values.get(name, "").strip():
                self.links.append(values[name].strip())
        if tag in _SRCSET_TAGS and values.get("srcset"):
            self.links.extend(_srcset_urls(values["srcset"]))

    handle_startendtag = handle_starttag


def _srcset_urls(srcset: str) -> list[str]:
    """URLs of a ``srcset`` ("a.png 1x, b.png 2x"); each candidate is a URL + descriptor."""
    return [part.split()[0] for part in srcset.split(",") if part.split()]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx surfaces as an HTTPError, reported with its Location


_OPENER = urllib.request.build_opener(_NoRedirect)


def _fetch(url: str, timeout: float) -> tuple[int | str, str, bytes]:
    """GET ``url`` without following redirects: (status, content type, body)."""
    # Percent-encode what a browser would (non-ASCII, spaces); keep what is already encoded.
    url = quote(url, safe=":/?#[]@!$&'()*+,;=%~")
    try:
        with _OPENER.open(url, timeout=timeout) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        status: int | str = error.code
        location = error.headers.get("Location") if error.headers else None
        if location:
            status = f"{error.code} -> {location}"
        return status, "", b""
    except (urllib.error.URLError, OSError) as error:
        return f"request failed: {error}", "", b""


def _decode(body: bytes, content_type: str) -> str:
    charset = "utf-8"
    for param in content_type.split(";")[1:]:
        key, _, value = param.strip().partition("=")
        if key.lower() == "charset" and value:
            charset = value.strip('"')
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def crawl(base_url: str, *, max_pages: int = 20_000, timeout: float = 10.0) -> CrawlReport:
    """Fetch every page and asset reachable from ``base_url``; see the module doc for rules."""
    base = urlsplit(base_url)
    base_path = base.path if base.path.endswith("/") else base.path.rsplit("/", 1)[0] + "/"

    def same_host(url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and parts.netloc == base.netloc

    def in_site(url: str) -> bool:
        return same_host(url) and urlsplit(url).path.startswith(base_path)

    report = CrawlReport(base_url=base_url)
    referrers: dict[str, list[str]] = {base_url: []}
    anchors_wanted: dict[tuple[str, str], list[str]] = {}
    page_ids: dict[str, set[str]] = {}
    queue: deque[str] = deque([base_url])
    seen = {base_url}

    while queue:
        url = queue.popleft()
        is_page_candidate = in_site(url)
        if is_page_candidate and len(report.pages) >= max_pages:
            report.truncated = True
            continue
        status, content_type, body = _fetch(url, timeout)
        if status != 200:
            report.broken.append(BrokenLink(url, status, tuple(referrers[url])))
            continue
        if not (is_page_candidate and content_type.split(";")[0].strip() == "text/html"):
            report.assets.append(url)
            continue
        report.pages.append(url)
        parser = _PageParser()
        parser.feed(_decode(body, content_type))
        parser.close()
        page_ids[url] = parser.ids
        page_base = urljoin(url, parser.base_href) if parser.base_href else url
        for raw in parser.links:
            target = urljoin(page_base, raw)
            if urlsplit(target).scheme.lower() in IGNORED_SCHEMES or not same_host(target):
                continue
            target, fragment = urldefrag(target)
            fragment = unquote(fragment)
            if fragment and fragment.lower() != "top":
                anchors_wanted.setdefault((target, fragment), []).append(url)
            referrers.setdefault(target, [])
            if url not in referrers[target]:
                referrers[target].append(url)
            if target not in seen:
                seen.add(target)
                queue.append(target)

    for (target, fragment), sources in anchors_wanted.items():
        ids = page_ids.get(target)
        if ids is not None and fragment not in ids:
            report.missing_anchors.append(MissingAnchor(target, fragment, tuple(sources)))
    return report
