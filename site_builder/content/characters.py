"""Characters an author's text may not hold, and short excerpts of values quoted back.

XML 1.0 forbids the C0 control characters other than tab, line feed and carriage return,
lone surrogates and U+FFFE/U+FFFF; HTML forbids the C1 controls and DEL as well. Such a
character in a title or a body would make `feed.xml` unreadable, so the loader refuses it at
its line rather than rewriting the author's text.
"""

from __future__ import annotations

import re
import reprlib

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

EXCERPT_LENGTH = 60


def first_forbidden(text: str) -> tuple[int, str] | None:
    """The line (1-based) and description of the first forbidden character in `text`."""
    found = FORBIDDEN.search(text)
    if found is None:
        return None
    return text.count("\n", 0, found.start()) + 1, forbidden_message(found[0])


def forbidden_message(char: str) -> str:
    name = "a lone surrogate" if "\ud800" <= char <= "\udfff" else "the control character"
    if char in "\ufffe\uffff":
        name = "the noncharacter"
    return (
        f"{name} U+{ord(char):04X} is not allowed (XML and HTML forbid it): remove it from the text"
    )


_SHORT = reprlib.Repr()
_SHORT.maxstring = EXCERPT_LENGTH
_SHORT.maxother = EXCERPT_LENGTH
_SHORT.maxlevel = 2
_SHORT.maxlist = _SHORT.maxtuple = _SHORT.maxdict = _SHORT.maxset = 4


def cut(text: str, limit: int = EXCERPT_LENGTH) -> str:
    """`text` cut to `limit` characters, with `…` when it was longer."""
    return text if len(text) <= limit else text[:limit] + "…"


def kind_of(value: object) -> str:
    """What kind of value YAML gave, as a message names it: `a number`, `a list`, …"""
    return {bool: "true/false", int: "a number", float: "a number", list: "a list",
            dict: "a mapping"}.get(type(value), type(value).__name__)  # fmt: skip


def excerpt(value: object, limit: int = EXCERPT_LENGTH) -> str:
    """`value` as a message quotes it (`'text'`), cut to about `limit` characters with `…`:
    a message never grows with the size of a bad value."""
    if isinstance(value, str):
        return repr(value) if len(value) <= limit else repr(value[:limit] + "…")
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return "a number of more than 60 digits"
    shown = _SHORT.repr(value)
    return shown if len(shown) <= limit + 2 else shown[:limit] + "…"
