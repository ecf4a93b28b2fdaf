"""The intake format curators receive, read into what a draft entry needs.

An intake text is plain UTF-8 whose first words are `date YYYY-MM` or `date YYYY-MM-DD`,
followed by the article text, paragraphs separated by blank lines. Reading one is pure: text in,
an `IntakeText` (or an `IntakeError`) out. Intake is lenient where curators' files vary (a BOM,
CRLF line ends, `Date:` with a colon); the entry written from it is strict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from site_builder.content.markup import shorten
from site_builder.content.registry import CompanyRegistry
from site_builder.content.textfile import NotUTF8, decode_text

TITLE_LENGTH = 100

_DATE_LINE = re.compile(r"\A\s*date\s*:?[ \t]*(\S*)", re.IGNORECASE)
_DATE_VALUE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
# Abbreviations after which a period does not end a sentence.
_ABBREVIATIONS = frozenset({
    "m", "mm", "mme", "mmes", "mlle", "dr", "pr", "st", "ste", "inc", "corp", "co", "ltd",
    "cie", "etc", "env", "vs", "mr", "mrs", "ms", "no", "nº", "p", "ex",
})  # fmt: skip
_SENTENCE_END = re.compile(r"[.!?…]+(?=[\s»”\"')\]]*(?:\s|$))")
_WORD_BREAK = re.compile(r"[\s(«\"“]")
# Characters that start a Markdown block when they open a line.
_BLOCK_MARK = re.compile(r"^(#|>|[-*+](?=\s)|`{3}|~{3}|\|)")
_ORDERED_MARK = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
_FR_WORDS = frozenset({
    "le", "la", "les", "des", "du", "une", "est", "et", "en", "dans", "pour", "sur", "qui",
    "que", "au", "aux", "pas", "ses",
})  # fmt: skip
_EN_WORDS = frozenset({
    "the", "and", "of", "to", "is", "in", "for", "on", "that", "with", "was", "its", "by",
    "from", "has", "have",
})  # fmt: skip


class IntakeError(ValueError):
    """An intake text that cannot become an entry: the message says what to fix."""


@dataclass(frozen=True)
class IntakeText:
    """One intake text, read: its date as written (`2020-10`, `2020-10-05`) and paragraphs."""

    date: str
    paragraphs: tuple[str, ...]


def read_intake(raw: bytes) -> IntakeText:
    """Decode and split an intake text. Raises `IntakeError` for bytes that are not UTF-8, a
    missing or malformed date line, or an empty text."""
    try:
        text = decode_text(raw)
    except NotUTF8 as exc:
        raise IntakeError(str(exc)) from None
    match = _DATE_LINE.match(text)
    if match is None:
        raise IntakeError("no date line: the text must start with 'date YYYY-MM' or "
                          "'date YYYY-MM-DD'")  # fmt: skip
    value = match[1]
    parts = _DATE_VALUE.match(value)
    if parts is None:
        raise IntakeError(f"the date line says {value!r}: write 'date YYYY-MM' or "
                          "'date YYYY-MM-DD'")  # fmt: skip
    year, month, day = int(parts[1]), int(parts[2]), parts[3]
    if not 1 <= month <= 12 or (day is not None and not _real_day(year, month, int(day))):
        raise IntakeError(f"the date line says {value!r}, which is not a real date")
    rest = text[match.end() :]
    paragraphs = tuple(
        " ".join(line.strip() for line in block.split("\n") if line.strip())
        for block in re.split(r"\n[ \t]*\n", rest)
    )
    paragraphs = tuple(p for p in paragraphs if p)
    if not paragraphs:
        raise IntakeError("no article text after the date line")
    return IntakeText(value, paragraphs)


def _real_day(year: int, month: int, day: int) -> bool:
    import datetime as dt

    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def first_sentence(text: str) -> str:
    """The first sentence of `text`: up to the first `.`, `!`, `?` or `…` that ends a sentence
    (not an abbreviation such as `M.` or `Inc.`, an initial, or a decimal point)."""
    # The word before each candidate end starts after the last break before it: the breaks are
    # read once, beside the ends, so a text of abbreviations costs one pass.
    breaks = _WORD_BREAK.finditer(text)
    word_start = 0
    next_break = next(breaks, None)
    for match in _SENTENCE_END.finditer(text):
        while next_break is not None and next_break.end() <= match.start():
            word_start = next_break.end()
            next_break = next(breaks, None)
        word = text[word_start : match.start()]
        if match.group().startswith(".") and len(match.group()) == 1:
            bare = word.rstrip(".").lower()
            if bare in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
            if "." in word and all(len(p) <= 1 for p in word.split(".")):
                continue  # U.S. or É.-U.
        return text[: match.end()].strip()
    return text.strip()


def propose_title(text: str, limit: int = TITLE_LENGTH) -> str:
    """A headline from the first sentence, without its final period, cut at a word boundary
    (with `…`) when longer than `limit` characters."""
    sentence = " ".join(first_sentence(text).split())
    if sentence.endswith(".") and not sentence.endswith("..."):
        sentence = sentence[:-1].rstrip()
    return shorten(sentence, limit, dangling=' ,;:.-–—(«"')


def _is_short_acronym(name: str) -> bool:
    letters = [c for c in name if c.isalnum()]
    return len(letters) <= 5 and name.upper() == name and any(c.isalpha() for c in name)


def _pattern(spelling: str) -> re.Pattern[str]:
    """Whole-word match of a registry spelling. Short all-caps names (HPE, EMC) match exactly;
    other names ignore case except that a capital first letter stays a capital, so `Github`
    finds GitHub but `apple` is not Apple."""
    body = re.escape(spelling)
    if _is_short_acronym(spelling):
        return re.compile(rf"(?<!\w){body}(?!\w)")
    first = spelling[0]
    if first.isupper():
        rest = re.escape(spelling[1:])
        return re.compile(rf"(?<!\w){re.escape(first)}(?i:{rest})(?!\w)")
    return re.compile(rf"(?<!\w)(?i:{body})(?!\w)")


def find_companies(text: str, registry: CompanyRegistry) -> tuple[str, ...]:
    """Canonical names of the registry's companies named in `text`, in order of first mention.

    Names and aliases are matched as whole words, longest first, so `Hewlett Packard
    Enterprise` is not also read as a mention of a shorter name inside it.
    """
    taken = bytearray(len(text))  # 1 for each character already read as a name
    found: list[tuple[int, str]] = []
    spellings = sorted(registry.names().items(), key=lambda kv: (-len(kv[0]), kv[0]))
    for spelling, canonical in spellings:
        if not spelling.strip():
            continue
        for match in _pattern(spelling).finditer(text):
            start, end = match.span()
            if taken.find(1, start, end) >= 0:
                continue
            taken[start:end] = b"\x01" * (end - start)
            found.append((start, canonical))
    ordered = [name for _, name in sorted(found)]
    return tuple(dict.fromkeys(ordered))


def guess_language(text: str, default: str) -> str:
    """`fr` or `en` when the text's common words clearly say so; `default` otherwise."""
    words = re.findall(r"[a-zà-ÿ']+", text.lower())
    fr = sum(w in _FR_WORDS for w in words)
    en = sum(w in _EN_WORDS for w in words)
    if fr >= 3 and fr > 2 * en:
        return "fr"
    if en >= 3 and en > 2 * fr:
        return "en"
    return default


def markdown_body(paragraphs: tuple[str, ...]) -> str:
    """The paragraphs as a Markdown body that renders as the same paragraphs: a line that would
    open a heading, quote, list or code block gets its first character escaped."""
    escaped = []
    for paragraph in paragraphs:
        paragraph = _BLOCK_MARK.sub(r"\\\1", paragraph, count=1)
        escaped.append(_ORDERED_MARK.sub(r"\1\\\2", paragraph, count=1))
    return "\n\n".join(escaped)
