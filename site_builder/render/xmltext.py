"""XML text and attribute values for the feeds and sitemaps, written as `xml.sax.saxutils`
writes them. That module imports `urllib.request` (and with it `http.client` and `email`):
a cost paid by every build that writes a feed.

The loader refuses characters XML forbids; whatever reaches a writer by another way is
removed here, so `feed.xml` and the sitemaps are always well-formed."""

from __future__ import annotations

from site_builder.content.characters import FORBIDDEN


def escape(text: str) -> str:
    """Character data: `&`, `<` and `>` as entities, characters XML forbids left out."""
    text = text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    return FORBIDDEN.sub("", text) if FORBIDDEN.search(text) else text


_ATTRIBUTE_BLANKS = str.maketrans({"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def quoteattr(text: str) -> str:
    """An attribute value with its quotes: double ones, or single ones around a value that
    holds double quotes but no single one (else its double quotes become `&quot;`)."""
    text = escape(text).translate(_ATTRIBUTE_BLANKS)
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"{}"'.format(text.replace('"', "&quot;"))
