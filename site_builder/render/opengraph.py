"""Metadata for sharing and for search engines: OpenGraph properties and schema.org JSON-LD.

Values come straight from front matter, so they are escaped twice over: OpenGraph values are
attribute values (Jinja escapes them), and JSON-LD is serialised with `json.dumps` and then
every `<`, `>` and `&` is written as a `\\u` escape, so no `</script>` can ever close the
script early, whatever a title holds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from site_builder.content.dates import base_language

_LOCALES = {"fr": "fr_FR", "en": "en_US", "de": "de_DE", "es": "es_ES", "it": "it_IT"}


@dataclass(frozen=True)
class Property:
    name: str  # og:title, article:published_time…
    content: str


def og_locale(lang: str) -> str:
    base = base_language(lang)
    if "-" in lang:
        return lang.replace("-", "_")
    return _LOCALES.get(base, base)


def open_graph(
    *,
    kind: str,
    title: str,
    url: str,
    site_name: str,
    lang: str,
    description: str | None = None,
    published: str | None = None,
    tags: tuple[str, ...] = (),
) -> tuple[Property, ...]:
    """OpenGraph properties of a page; `kind` is `website` or `article`."""
    props = [
        Property("og:type", kind),
        Property("og:title", title),
        Property("og:url", url),
        Property("og:site_name", site_name),
        Property("og:locale", og_locale(lang)),
    ]
    if description:
        props.append(Property("og:description", description))
    if published:
        props.append(Property("article:published_time", published))
    props += [Property("article:tag", tag) for tag in tags]
    return tuple(props)


def script_json(data: object) -> str:
    """JSON that is safe as the content of a `<script>` element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def news_article(
    *,
    headline: str,
    url: str,
    date: str,
    lang: str,
    description: str,
    publisher: tuple[str, str],
    source: tuple[str, str | None],
    original_url: str | None,
    about: tuple[tuple[str, str], ...],
    keywords: tuple[str, ...],
) -> str:
    """schema.org `NewsArticle` as script-safe JSON-LD.

    The date keeps its precision (`2020-10` for a month-only date): no day is invented.
    `publisher` is this archive (name, URL); `source` is the outlet that reported the story,
    named as the publisher of the original (`isBasedOn`).
    """
    original: dict[str, object] = {"@type": "NewsArticle"}
    if original_url:
        original["url"] = original_url
    outlet: dict[str, object] = {"@type": "Organization", "name": source[0]}
    if source[1]:
        outlet["url"] = source[1]
    original["publisher"] = outlet
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": headline,
        "description": description,
        "datePublished": date,
        "inLanguage": lang,
        "url": url,
        "mainEntityOfPage": url,
        "publisher": {"@type": "Organization", "name": publisher[0], "url": publisher[1]},
        "isBasedOn": original,
    }
    if about:
        data["about"] = [{"@type": "Organization", "name": n, "url": u} for n, u in about]
    if keywords:
        data["keywords"] = list(keywords)
    return script_json(data)
