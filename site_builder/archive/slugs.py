"""Transliterated ASCII slugs: `États-Unis` → `etats-unis`.

The transliteration backend is pinned (text-unidecode) so slugs never change with the
environment, and URLs stay stable between machines.
"""

from __future__ import annotations

import re

from text_unidecode import unidecode

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG_LENGTH = 80


def slugify(text: str, max_length: int = MAX_SLUG_LENGTH) -> str:
    """Lowercase ASCII letters, digits and single hyphens; cut at a word boundary."""
    ascii_text = unidecode(text.replace("&", " and ").replace("’", "'")).lower()
    ascii_text = ascii_text.replace("'", "")
    slug = _NON_ALNUM.sub("-", ascii_text).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug


def is_valid_slug(slug: str) -> bool:
    return bool(SLUG_RE.match(slug))
