"""XML text and attribute values for the feeds and sitemaps, written as `xml.sax.saxutils`
writes them. That module imports `urllib.request` (and with it `http.client` and `email`):
a cost paid by every build that writes a feed."""

from __future__ import annotations


def escape(text: str) -> str:
    """Character data: `&`, `<` and `>` as entities."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


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
