"""Typography rules on plain text: French rules for French, English rules for English.

Conventions (those of the Imprimerie nationale's *Lexique des règles typographiques*, as most
French publishers apply them on screen):

- `"…"` becomes `« … »`, with a no-break space (U+00A0) inside each guillemet;
- a narrow no-break space (U+202F) before `;`, `!` and `?`;
- a no-break space (U+00A0) before `:`;
- the apostrophe `'` becomes `’`.

English text gets curly quotes (`“…”`, `‘…’`) and `’`, and no extra spaces. Text in other
languages is left as written.

`html_typography.py` applies them to the text of rendered pages.
"""

from __future__ import annotations

import functools
import re

NBSP = "\u00a0"
NNBSP = "\u202f"

_TRIGGERS = re.compile(r"[\"':;!?«»]")
_PROTECTED = re.compile(
    r"(?:https?://|ftp://|mailto:|www\.)[^\s<>«»\"]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    re.I,
)
_WWW = re.compile(r"www\.", re.I)

# A boundary stands for "start of a block, or whitespace": quotes after it open.
BOUNDARY = "\x01"
_OPENERS = r"\s\x01(\[{«“‘—–/-"

# A rule is (anchors, pattern, replacement): every match holds one of the anchor characters,
# so a rule whose anchors are all absent is skipped.
_Rules = tuple[tuple[str, re.Pattern[str], str], ...]

# French rules, applied in this order on text prefixed with the previous character.
FRENCH_RULES: _Rules = (
    ("'", re.compile("'"), "’"),
    ('"', re.compile(rf'(?<=[{_OPENERS}])"\s*'), "«" + NBSP),
    ('"', re.compile(r'\s*"'), NBSP + "»"),
    # Also at the end of a chunk: `«` then an inline tag gets its space before the tag.
    ("«", re.compile(r"«[ \t\n\u202f]*(?=\S|\Z)"), "«" + NBSP),
    ("»", re.compile(r"(?<=\S)[ \t\n\u202f]*»"), NBSP + "»"),
    (
        ";!?",
        re.compile(r"(?<=[^\s\x01;:!?(\[«])[ \t\n\u00a0\u202f]*([;!?]+)(?=\s|\Z|[»)\].,…\"”])"),
        NNBSP + r"\1",
    ),
    (
        ":",
        re.compile(r"(?<=[^\s\x01;:!?(\[«])[ \t\n\u00a0\u202f]*:(?=\s|\Z|[»)\]\"”])"),
        NBSP + ":",
    ),
)
ENGLISH_RULES: _Rules = (
    ('"', re.compile(rf'(?<=[{_OPENERS}])"'), "“"),
    ('"', re.compile('"'), "”"),
    ("'", re.compile(rf"(?<=[{_OPENERS}])'(?=\w)"), "‘"),
    ("'", re.compile("'"), "’"),
)


@functools.lru_cache(maxsize=64)  # a page has a handful of language tags, looked up often
def rules_for(lang: str | None) -> _Rules:
    """The substitutions for a language: French, English, or none for other languages."""
    base = (lang or "").split("-")[0].lower()
    return {"fr": FRENCH_RULES, "en": ENGLISH_RULES}.get(base, ())


def typeset_text(text: str, lang: str | None, previous: str = BOUNDARY) -> str:
    """Apply the rules of `lang` to plain text. `previous` is the character before `text`
    (a boundary by default): it decides whether a quote at the start opens or closes."""
    rules = rules_for(lang)
    if not rules or not _TRIGGERS.search(text):
        return text
    if not _may_hold_address(text):
        return _substitute(rules, text, previous)
    out: list[str] = []
    start = 0
    for match in _PROTECTED.finditer(text):
        out.append(_apply(rules, text[start : match.start()], previous))
        out.append(match.group())
        previous = match.group()[-1]
        start = match.end()
    out.append(_apply(rules, text[start:], previous))
    return "".join(out)


def _may_hold_address(text: str) -> bool:
    """False when `text` surely holds no URL or e-mail address: searching for one is slow."""
    return (
        "@" in text
        or "://" in text
        or "o:" in text
        or "O:" in text  # mailto:
        or (("w" in text or "W" in text) and _WWW.search(text) is not None)
    )


def _apply(rules: _Rules, text: str, previous: str) -> str:
    if not text or not _TRIGGERS.search(text):
        return text
    return _substitute(rules, text, previous)


def _substitute(rules: _Rules, text: str, previous: str) -> str:
    # The previous character only gives context; a quote there would itself be rewritten.
    if previous.isspace() or previous == BOUNDARY:
        prefix = BOUNDARY
    else:
        prefix = "x" if previous in "\"'" else previous
    result = prefix + text
    for anchors, pattern, replacement in rules:
        for char in anchors:
            if char in result:
                result = pattern.sub(replacement, result)
                break
    return result[1:] if result.startswith(prefix) else result
