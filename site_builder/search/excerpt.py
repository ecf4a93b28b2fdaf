"""Excerpts with the matches marked: the passage of a document's text where the query's words
are densest, and the character spans of the matching words within it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from site_builder.search import analysis
from site_builder.search.analysis import QueryWord

_SPACES = re.compile(r"[ \t\n\v\f\r]+")
EXCERPT_CHARS = 240
LEAD_CHARS = 60
SENTENCE_END = (".", "!", "?", "…")
TRAILING_PUNCTUATION = " .,;:!?…"


@dataclass(frozen=True)
class Excerpt:
    text: str
    matches: tuple[tuple[int, int], ...]  # [start, end) character offsets in `text`


def make_excerpt(text: str, lang: str, words: list[QueryWord]) -> Excerpt:
    """The best passage of `text` (about EXCERPT_CHARS long) for `words`, in the analysis of
    the document's language."""
    # Runs of ASCII white space become one space; no-break spaces (typography) stay.
    text = unicodedata.normalize("NFC", " ".join(_SPACES.split(text.strip(" \t\n\v\f\r"))))
    group = analysis.group_of(lang)
    term_of, alias_of = analysis.TERM[group], analysis.ALIAS.get(group)
    wanted = {w.terms[group] for w in words} - {None}
    found = []
    for start, end, token in analysis.token_spans(text):
        term = term_of(token)
        if term is not None and term not in wanted and alias_of is not None:
            term = alias_of(token)  # `securite` marks `sécurité`
        if term is not None and term in wanted:
            found.append((start, end, term))
    if not found:
        return _cut(text, 0, 0, [])
    best, best_score = 0, -1
    for i, (start, _, _) in enumerate(found):
        window = {t for s, _, t in found[i:] if s < start + EXCERPT_CHARS - LEAD_CHARS}
        if len(window) > best_score:
            best, best_score = i, len(window)
    first = found[best][0]
    return _cut(text, max(0, first - LEAD_CHARS), first, found)


def _cut(text: str, start: int, keep: int, found: list[tuple[int, int, str]]) -> Excerpt:
    """The passage from `start` (moved to a word start before `keep`), cut at a space."""
    if start > 0:
        space = text.find(" ", start, keep)
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + EXCERPT_CHARS)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > keep else end
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    if suffix:
        # A passage cut after a sentence ends there (no `calcul.…`); one cut after a comma
        # or a colon drops it for the ellipsis.
        kept = text[start:end].rstrip(TRAILING_PUNCTUATION)
        if text[start + len(kept) : end].strip(" ")[:1] in SENTENCE_END:
            suffix = ""
        elif start + len(kept) > keep:
            end = start + len(kept)
    shift = len(prefix) - start
    matches = tuple((s + shift, e + shift) for s, e, _ in found if s >= start and e <= end)
    return Excerpt(prefix + text[start:end] + suffix, matches)


def mark(excerpt: Excerpt, before: str, after: str) -> str:
    """The excerpt's text with each match wrapped in `before` … `after`."""
    out, last = [], 0
    for start, end in excerpt.matches:
        out += [excerpt.text[last:start], before, excerpt.text[start:end], after]
        last = end
    out.append(excerpt.text[last:])
    return "".join(out)
