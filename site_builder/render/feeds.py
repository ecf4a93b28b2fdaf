"""Atom feeds as bytes. Deterministic: `updated` comes from content dates, never the clock."""

from __future__ import annotations

import datetime as dt
import os

from site_builder.config import SiteConfig
from site_builder.content.model import Article
from site_builder.pages import urls
from site_builder.pages.views import Feed
from site_builder.render.xmltext import escape, quoteattr


def fallback_time() -> str:
    """The timestamp used where content gives none (an empty feed): SOURCE_DATE_EPOCH when
    set, else the Unix epoch, so builds stay reproducible."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "")
    seconds = int(value) if value.isdigit() else 0
    return utc_stamp(dt.datetime.fromtimestamp(seconds, dt.UTC))


def _stamp(article: Article, config: SiteConfig) -> str:
    return utc_stamp(article.date.start(config.tz).astimezone(dt.UTC))


def utc_stamp(moment: dt.datetime) -> str:
    """An RFC 3339 UTC time. Not `strftime`: it writes a year before 1000 with fewer than
    four digits on some systems."""
    m = moment
    return f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}Z"


def render_feed(feed: Feed, config: SiteConfig) -> bytes:
    links = urls.Links(config)
    self_url = links.absolute(feed.path)
    page_url = links.absolute(feed.page_path)
    updated = _stamp(feed.articles[0], config) if feed.articles else fallback_time()
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(config.language)}>\n',
        f"  <title>{escape(feed.title)}</title>\n",
        f"  <id>{escape(self_url)}</id>\n",
        f'  <link rel="self" type="application/atom+xml" href={quoteattr(self_url)}/>\n',
        f'  <link rel="alternate" type="text/html" href={quoteattr(page_url)}/>\n',
        f"  <updated>{updated}</updated>\n",
        f"  <author><name>{escape(config.title)}</name></author>\n",
    ]
    for article in feed.articles:
        url = links.absolute(urls.article_path(article))
        out += [
            f"  <entry xml:lang={quoteattr(article.lang)}>\n",
            f"    <title>{escape(article.title)}</title>\n",
            f"    <id>{escape(url)}</id>\n",
            f'    <link rel="alternate" type="text/html" href={quoteattr(url)}/>\n',
            f"    <updated>{_stamp(article, config)}</updated>\n",
            f"    <summary>{escape(article.summary)}</summary>\n",
            *(f"    <category term={quoteattr(c)}/>\n" for c in article.companies),
            "  </entry>\n",
        ]
    out.append("</feed>\n")
    return "".join(out).encode("utf-8")
