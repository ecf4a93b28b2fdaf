"""Links in article bodies to other articles (`../x.md`, `/2020/10/x/`), to other pages of the
site, and to `#anchors` in an article's headings must resolve."""

from __future__ import annotations

import posixpath
import re
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from site_builder.pages import urls
from site_builder.problems import Problem
from site_builder.rules.subject import ERROR, WARNING, Subject

if TYPE_CHECKING:
    from site_builder.content.model import Article

# ids every page has (base.html), and fragments a browser always accepts.
_PAGE_IDS = frozenset({"main", "top", "site-search"})
_OTHER_SCHEMES = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def check_links(subject: Subject) -> list[Problem]:
    config = subject.site.config
    base = urlsplit(config.base_url)
    known = subject.known
    facts = subject.facts
    by_page: dict[str, Article] | None = None

    @cache
    def outputs() -> frozenset[str]:
        """Every file the site writes (only asked for links to pages that are not articles)."""
        from site_builder.content.inputs import template_folders
        from site_builder.pages.plan import plan_feeds
        from site_builder.render.renderer import collect_assets

        site = subject.site
        found = {urls.file_of(path) for path in subject.page_paths()}
        found |= {feed.path for feed in plan_feeds(site.archive, config)}
        found |= {asset.path for asset in collect_assets(template_folders(site.root))}
        found |= {"sitemap.xml", "robots.txt"}
        return frozenset(found)

    def judge(article: Article, href: str) -> tuple[str, str] | None:
        """(message, severity) for a link of `article` that does not resolve, else None."""
        nonlocal by_page
        target = _resolve(href, article.path, urls.article_path(article), base.netloc,
                          config.base_path)  # fmt: skip
        if target is None:
            return None
        kind, resolved, fragment = target
        linked: Article | None = None
        if kind == "outside":
            return f"links to {href}, which is outside the site's address {config.base_path}", ERROR
        if kind == "self":
            linked = article
        elif kind == "file":
            if resolved not in subject.files:
                return f"links to {href}, but {resolved} does not exist", ERROR
            linked = known.get(resolved)  # None: the target's own problems are reported
        else:
            if by_page is None:
                by_page = {urls.article_path(a): a for a in known.values()}
            linked = by_page.get(resolved.removesuffix("index.html"))
            if linked is None and urls.file_of(resolved) not in outputs():
                if urls.file_of(resolved + "/") in outputs():
                    return (f"links to {href}: write {href.split('#')[0]}/ with the final slash "
                            "(without it the server has to redirect)", WARNING)  # fmt: skip
                if resolved.startswith(urls.SEARCH):
                    return None  # the search index is written by its own stage
                return (
                    f"links to {href}, but the site has no page {config.base_path}{resolved}",
                    ERROR,
                )
        if linked is not None and linked.draft and not article.draft:
            return f"links to {href}, a draft that a publishing build leaves out", ERROR
        if fragment and linked is not None:
            ids = facts[linked.path].ids if linked.path in facts else frozenset()
            if fragment not in ids and fragment not in _PAGE_IDS:
                known_ids = ", ".join(f"#{i}" for i in sorted(ids)) or "none"
                return (f"links to {href}, but {linked.path} has no heading with the id "
                        f"#{fragment} (its ids: {known_ids})", ERROR)  # fmt: skip
        return None

    problems: list[Problem] = []
    for article in subject.judged:
        for href in facts[article.path].links:
            found = judge(article, href)
            if found is not None:
                message, level = found
                if article.draft:  # not published: nothing is broken yet
                    level = WARNING
                line = subject.sources.line_containing(article.path, href)
                problems.append(Problem(article.path, line, "link", message, level))
    return problems


def _resolve(
    href: str, file: str, page_path: str, netloc: str, base_path: str
) -> tuple[str, str, str] | None:
    """Classify a link of the article `file` (published at `page_path`):
    ("file", content path, fragment) for `.md` links, ("page", output path, fragment) for site
    URLs, ("self", "", fragment) for `#anchor`, ("outside", …) for a local path outside the
    base path, None for links that leave the site."""
    parts = urlsplit(href)
    fragment = unquote(parts.fragment)
    if parts.scheme or parts.netloc:
        if parts.scheme not in {"http", "https", ""} or parts.netloc != netloc:
            return None
        if not parts.path.startswith(base_path):
            return None  # same host, other application
        return "page", unquote(parts.path)[len(base_path) :], fragment
    if _OTHER_SCHEMES.match(href):
        return None
    path = unquote(parts.path)
    if not path:
        return ("self", "", fragment) if fragment else None
    if path.endswith(".md"):
        folder = posixpath.dirname(file)
        joined = path.lstrip("/") if path.startswith("/") else posixpath.join(folder, path)
        return "file", posixpath.normpath(joined), fragment
    absolute = path if path.startswith("/") else posixpath.join(base_path + page_path, path)
    normal = posixpath.normpath(absolute) + ("/" if absolute.endswith("/") else "")
    normal = normal.replace("//", "/")
    if not (normal + "/").startswith(base_path):
        return "outside", normal, fragment
    return "page", normal[len(base_path) :], fragment
