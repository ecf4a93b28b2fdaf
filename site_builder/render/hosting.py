"""What static hosts read besides the pages: a `_headers` file giving long cache lifetimes to
files whose names carry a content hash (Netlify, Cloudflare Pages and others read it; hosts
that do not simply publish it as a file)."""

from __future__ import annotations

from site_builder.config import SiteConfig
from site_builder.pages import urls

# Output paths whose names change whenever their bytes change.
IMMUTABLE = (
    urls.ASSETS + "*",
    urls.SEARCH + "shards/*",
    urls.SEARCH + "dirs/*",
    urls.SEARCH + "tails/*",
    urls.SEARCH + "facets.*",
)
YEAR = 365 * 24 * 3600


def render_headers(config: SiteConfig) -> bytes:
    base = config.base_path
    lines = []
    for pattern in IMMUTABLE:
        lines += [f"{base}{pattern}", f"  Cache-Control: public, max-age={YEAR}, immutable"]
    lines += [
        f"{base}*",
        "  X-Content-Type-Options: nosniff",
        "  Referrer-Policy: strict-origin-when-cross-origin",
    ]
    return ("\n".join(lines) + "\n").encode()
