"""sitemap.xml (split behind a sitemap index past 50,000 URLs, the protocol's limit) and
robots.txt, as bytes."""

from __future__ import annotations

from site_builder.config import SiteConfig
from site_builder.pages import urls
from site_builder.render.xmltext import escape

MAX_URLS = 50_000
_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def render_sitemaps(page_paths: list[str], config: SiteConfig) -> dict[str, bytes]:
    """Output path → bytes. Every HTML page but the 404 page, in path order."""
    links = urls.Links(config)
    locs = [links.absolute(p) for p in sorted(page_paths) if p != "404.html"]
    chunks = [locs[i : i + MAX_URLS] for i in range(0, len(locs), MAX_URLS)] or [[]]
    if len(chunks) == 1:
        return {"sitemap.xml": _urlset(chunks[0])}
    files = {f"sitemap-{n}.xml": _urlset(chunk) for n, chunk in enumerate(chunks, 1)}
    index = ['<?xml version="1.0" encoding="utf-8"?>\n', f'<sitemapindex xmlns="{_NS}">\n']
    index += [f"  <sitemap><loc>{escape(links.absolute(name))}</loc></sitemap>\n" for name in files]
    index.append("</sitemapindex>\n")
    files["sitemap.xml"] = "".join(index).encode("utf-8")
    return files


def _urlset(locs: list[str]) -> bytes:
    out = ['<?xml version="1.0" encoding="utf-8"?>\n', f'<urlset xmlns="{_NS}">\n']
    out += [f"  <url><loc>{escape(loc)}</loc></url>\n" for loc in locs]
    out.append("</urlset>\n")
    return "".join(out).encode("utf-8")


def render_robots(config: SiteConfig) -> bytes:
    sitemap = urls.Links(config).absolute("sitemap.xml")
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n".encode()
