"""Validate a built site as a plain static host would serve it under its base URL.

`site-builder validate` reads the files only (no server), so it runs in CI right after the
build. A static host maps `BASE/a/b/` to `OUTPUT/a/b/index.html` and `BASE/x.css` to
`OUTPUT/x.css`, and has no other rules; against that:

- every reference in every HTML page (`href`, `src`, `srcset`, `action`, `poster`,
  `og:url`/`og:image`, URLs of the site inside JSON-LD) that stays on the site's origin must
  lie under the base path and name a file that exists (a folder without its trailing slash
  would need a redirect: an error); a `#fragment` must name an `id` on the target page;
- `404.html` is served for any missing path, at any depth: its references must not be
  relative to its own location;
- every feed (`*.xml` with an Atom root) and sitemap is well-formed XML and every site URL in
  it resolves; `robots.txt` names a sitemap that exists;
- the static search index is readable: every `search/**/*.bin` is gzip, the shards and facets
  named by `search/meta.bin` exist, and every document's URL resolves;
- `_headers` rules all start with the base path;
- no file or folder is one a build names for a while only: one left means a build was
  stopped while it put the new files in place.
"""

from __future__ import annotations

import gzip
import json
import os
import posixpath
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from site_builder.cli_output import counted
from site_builder.output.page_facts import PageFacts, read_pages

IGNORED_SCHEMES = {"mailto", "tel", "javascript", "data", "blob", "about"}
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
REQUIRED = ("index.html", "404.html", "sitemap.xml", "robots.txt", "feed.xml")


class Site:
    """The output folder seen through its base URL."""

    def __init__(self, output: Path, base_url: str):
        self.output = output
        parts = urlsplit(base_url)
        self.origin = (parts.scheme, parts.netloc)
        self.origin_url = f"{parts.scheme}://{parts.netloc}"
        self.base_path = parts.path if parts.path.endswith("/") else parts.path + "/"
        self.base_url = self.origin_url + self.base_path
        self.files = _walk(output)
        self.folders = {posixpath.dirname(f) for f in self.files}
        self.pages: dict[str, PageFacts] = {}
        self._verdicts: dict[str, tuple[str | None, str | None, str] | None] = {}

    def url_of(self, rel: str) -> str:
        """The URL a host serves `rel` (an output path) at: folders for index.html."""
        if rel == "index.html" or rel.endswith("/index.html"):
            rel = rel[: -len("index.html")]
        return self.base_url + rel

    def absolute(self, page_url: str, raw: str) -> str:
        # Most links are root-relative: skip urljoin's general case for them.
        if raw.startswith("/") and not raw.startswith("//"):
            return self.origin_url + raw
        return urljoin(page_url, raw)

    def is_site(self, url: str) -> bool:
        if url.startswith(self.base_url):
            return True
        parts = urlsplit(url)
        return (parts.scheme, parts.netloc) == self.origin and parts.scheme not in IGNORED_SCHEMES

    def judge(self, url: str) -> tuple[str | None, str | None, str] | None:
        """None for a URL off the site, else (output path or None, why not, fragment)."""
        if url not in self._verdicts:
            if not self.is_site(url):
                self._verdicts[url] = None
            else:
                target_url, _, fragment = url.partition("#")
                self._verdicts[url] = (*self._resolve(target_url), unquote(fragment))
        return self._verdicts[url]

    def _resolve(self, url: str) -> tuple[str | None, str | None]:
        path = unquote(urlsplit(url).path)
        if not path.startswith(self.base_path):
            return None, f"outside the site's base path {self.base_path}"
        rel = posixpath.normpath(path[len(self.base_path) :]) if path != self.base_path else "."
        if rel.startswith("../") or rel == "..":
            return None, "climbs above the base path"
        rel = "" if rel == "." else rel
        if path.endswith("/") or rel == "":
            rel = f"{rel}/index.html".lstrip("/")
        if rel in self.files:
            return rel, None
        if rel in self.folders:
            return None, "names a folder without its trailing slash (a host would redirect)"
        return None, "no such file"


def check_pages(site: Site, problems: list[str], jobs: int, cache: Path | None) -> int:
    site.pages = read_pages(site.output, site.files, jobs, cache)
    links = 0
    for rel, page in site.pages.items():
        page_url = site.url_of(rel)
        base = urljoin(page_url, page.base_href) if page.base_href else page_url
        for raw in page.references:
            if raw == "json-ld:invalid":
                problems.append(f"{rel}: a JSON-LD block is not valid JSON")
                continue
            if rel == "404.html" and not _location_free(raw):
                problems.append(
                    f"{rel}: {raw!r} is relative to the page's location, but a host serves "
                    "404.html at any depth: use a root-relative or absolute URL"
                )
            links += check_reference(site, rel, site.absolute(base, raw), raw, problems)
        for url in page.absolute_urls:
            if url.startswith(site.base_url):
                links += check_reference(site, rel, url, url, problems)
    return links


def _location_free(raw: str) -> bool:
    parts = urlsplit(raw)
    return bool(parts.scheme) or raw.startswith(("/", "#")) or raw == ""


def check_reference(site: Site, where: str, url: str, raw: str, problems: list[str]) -> int:
    """Check one reference found in `where`; returns 1 when it was a reference to the site."""
    verdict = site.judge(url)
    if verdict is None:
        return 0
    target, why, fragment = verdict
    if target is None:
        problems.append(f"{where}: broken link {raw!r} ({url.partition('#')[0]}: {why})")
    elif fragment and fragment.lower() != "top" and target.endswith(".html"):
        facts = site.pages.get(target)
        if facts is not None and fragment not in facts.ids:
            problems.append(f"{where}: {raw!r}: no id={fragment!r} on {target}")
    return 1


def _walk(folder: Path) -> set[str]:
    """Every file under `folder`, as relative POSIX paths."""
    files = set()
    for dirpath, _dirnames, filenames in os.walk(folder):
        prefix = Path(dirpath).relative_to(folder).as_posix()
        prefix = "" if prefix == "." else prefix + "/"
        files.update(prefix + name for name in filenames)
    return files


def check_xml(site: Site, problems: list[str]) -> tuple[int, int]:
    feeds = sitemaps = 0
    for rel in sorted(f for f in site.files if f.endswith(".xml")):
        try:
            root = ET.parse(site.output / rel).getroot()
        except ET.ParseError as error:
            problems.append(f"{rel}: not well-formed XML: {error}")
            continue
        if root.tag == f"{ATOM}feed":
            feeds += 1
            urls = [link.get("href", "") for link in root.iter(f"{ATOM}link")]
            ids = [e.text or "" for e in root.iter(f"{ATOM}id")]
            urls += [i for i in ids if i.startswith(("http://", "https://"))]
            if root.find(f"{ATOM}updated") is None:
                problems.append(f"{rel}: an Atom feed without <updated>")
        elif root.tag in (f"{SITEMAP}urlset", f"{SITEMAP}sitemapindex"):
            sitemaps += 1
            urls = [e.text or "" for e in root.iter(f"{SITEMAP}loc")]
            for url in urls:
                if not url.startswith(site.base_url):
                    problems.append(f"{rel}: {url} is not under the base URL {site.base_url}")
        else:
            continue
        for url in urls:
            check_reference(site, rel, url, url, problems)
    return feeds, sitemaps


def check_robots(site: Site, problems: list[str]) -> None:
    if "robots.txt" not in site.files:
        return
    for line in (site.output / "robots.txt").read_text("utf-8").splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap":
            check_reference(site, "robots.txt", value.strip(), value.strip(), problems)


def _gunzip_json(path: Path) -> object:
    return json.loads(gzip.decompress(path.read_bytes()))


def check_search(site: Site, problems: list[str]) -> int:
    """The static search index: readable, complete, pointing at pages that exist."""
    files = sorted(f for f in site.files if f.startswith("search/") and f.endswith(".bin"))
    for rel in files:
        try:
            data = gzip.decompress((site.output / rel).read_bytes())
        except (OSError, EOFError) as error:
            problems.append(f"{rel}: not gzip: {error}")
            continue
        if rel.startswith("search/docs/"):
            try:
                url = json.loads(data).get("u", "")
            except (ValueError, AttributeError):
                problems.append(f"{rel}: not a JSON object")
                continue
            if url:
                check_reference(site, rel, urljoin(site.base_url, url), url, problems)
    if "search/meta.bin" in site.files:
        try:
            meta = _gunzip_json(site.output / "search/meta.bin")
        except (OSError, EOFError, ValueError) as error:
            problems.append(f"search/meta.bin: unreadable: {error}")
            return len(files)
        from site_builder.search.export import FORMAT_VERSION

        version = meta.get("version")
        if version != FORMAT_VERSION:
            problems.append(
                f"search/meta.bin: format version {version!r}, but the search page reads "
                f"version {FORMAT_VERSION}"
            )
        directories = [f"search/dirs/{name}.bin" for _first, name in meta.get("dirs", [])]
        facets = [f"search/{meta['facets']}"] if meta.get("facets") else []
        for rel in (*directories, *facets):
            if rel not in site.files:
                problems.append(f"search/meta.bin names {rel}, which is missing")
        for directory in directories:
            if directory not in site.files:
                continue
            try:
                shards = _gunzip_json(site.output / directory)
            except (OSError, EOFError, ValueError) as error:
                problems.append(f"{directory}: unreadable: {error}")
                continue
            for _first, name in shards:
                if f"search/shards/{name}.bin" not in site.files:
                    problems.append(f"{directory} names search/shards/{name}.bin, which is missing")
    return len(files)


def check_headers(site: Site, problems: list[str]) -> None:
    if "_headers" not in site.files:
        return
    for number, line in enumerate((site.output / "_headers").read_text("utf-8").splitlines(), 1):
        is_rule = line and not line[0].isspace() and not line.startswith("#")
        if is_rule and not line.startswith(site.base_path):
            problems.append(f"_headers:{number}: rule {line!r} is not under {site.base_path}")


def check_leftovers(site: Site, problems: list[str]) -> None:
    """A temporary file or folder of a commit (see `transaction.py`) left in `output/`: the build
    that wrote it was stopped, some files may be new and the others old."""
    from site_builder.output.transaction import TEMPORARY_SUFFIX

    for rel in sorted(f for f in site.files if TEMPORARY_SUFFIX in f):
        left = rel[: rel.index(TEMPORARY_SUFFIX) + len(TEMPORARY_SUFFIX)]
        problems.append(f"{left}: left by a build that was stopped: build the site again")


def validate(
    output: Path, base_url: str, jobs: int = 1, cache: Path | None = None
) -> tuple[list[str], str]:
    """Every problem found, and a summary of what was checked."""
    site = Site(output, base_url)
    problems = [f"{name}: missing" for name in REQUIRED if name not in site.files]
    links = check_pages(site, problems, jobs, cache)
    feeds, sitemaps = check_xml(site, problems)
    check_robots(site, problems)
    search_files = check_search(site, problems)
    check_headers(site, problems)
    check_leftovers(site, problems)
    problems = list(dict.fromkeys(problems))  # a page may repeat a link (canonical, og:url)
    listed = (
        f"{counted(len(site.pages), 'page')}, {counted(links, 'link')} to the site, "
        f"{counted(feeds, 'feed')}, {counted(sitemaps, 'sitemap')}, "
        f"{counted(search_files, 'search file')}"
    )
    return problems, f"{len(site.files)} files: {listed}"
