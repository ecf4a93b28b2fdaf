"""One text analysis for both search front ends: the whoosh index (command line) and the static
index (browser, whose `search-analysis.js` ports this module exactly and is tested against it).

A text becomes terms in three steps: NFC-normalise and cut into tokens (whoosh's default
pattern), lowercase each token, then give it to the analysis of a *group*:

- `fr`: whoosh's French Snowball stemmer, then accent folding. Folding comes after stemming:
  folding first turns `licenciés` into `licencies`, which stems apart from `licenciement`.
  An accented word is also indexed under the term of its accent-free spelling when that
  differs (its *alias*): `sécurité` is `secur`, and `securite`, as readers type it, is
  `securit`. Aliases count in no field length and take no position of their own.
- `en`: whoosh's English Snowball (Porter2) stemmer, then folding.
- `plain`: folding only (other languages, company and source names).

Tokens shorter than two characters (except a single digit: `1 milliard`) and, for `fr` and
`en`, the language's stop words are dropped (positions are renumbered, as whoosh's StopFilter
does). The stop lists and the folding table are exported into the browser index's metadata,
so there is one source for both.

The functions here are the fast path used to index tens of thousands of articles;
`whoosh_analyzer(group)` builds the equivalent whoosh analyzer chain, and a test checks that
both give the same terms.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from whoosh.lang import stopwords_for_language
from whoosh.lang.snowball.english import EnglishStemmer
from whoosh.lang.snowball.french import FrenchStemmer

from site_builder.content.dates import base_language

ANALYSIS_VERSION = 3  # bump when terms change: every cached document is analysed again
FR, EN, PLAIN = "fr", "en", "plain"
GROUPS = (FR, EN, PLAIN)
MIN_TOKEN = 2

# Words, and what readers type as one word: `U.S.` and `2.7.4` (dots inside), `AT&T`, `R&D`
# and `M&A` (an ampersand inside), `1,3` (a decimal comma) and `C++`. Written so that it never
# backtracks (possessive quantifiers), and so is quick.
TOKEN_RE = re.compile(r"\w++(?:(?:[.&]|(?<=\d),(?=\d))\w++)*+(?:\+\+(?!\w))?+")

STOP_WORDS: dict[str, frozenset[str]] = {
    # whoosh's French list lacks the plural article.
    FR: frozenset(stopwords_for_language("fr")) | {"les"},
    EN: frozenset(stopwords_for_language("en")),
    PLAIN: frozenset(),
}

# Letters that keep no accent-free form after canonical decomposition.
FOLD_LETTERS = {
    "æ": "ae",
    "œ": "oe",
    "ø": "o",
    "ß": "ss",
    "ð": "d",
    "đ": "d",
    "þ": "th",
    "ł": "l",
    "ŀ": "l",
    "ħ": "h",
    "ı": "i",
    "ŧ": "t",
    "ŋ": "n",
}
_NEEDS_FOLD = re.compile(r"[^\x00-\x7f]")


def fold(term: str) -> str:
    """Remove accents: canonical decomposition, drop combining marks (category Mn), then map
    the few letters that do not decompose (`œ` → `oe`). ASCII is returned as is."""
    if not _NEEDS_FOLD.search(term):
        return term
    decomposed = unicodedata.normalize("NFD", term)
    kept = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return "".join(FOLD_LETTERS.get(c, c) for c in kept)


def _too_short(token: str) -> bool:
    """Shorter than MIN_TOKEN, unless it is a number (`1 milliard`)."""
    return len(token) < MIN_TOKEN and not token.isdecimal()


def tokens(text: str) -> list[str]:
    """The raw tokens of a text (not lowercased), as whoosh's RegexTokenizer cuts them."""
    return TOKEN_RE.findall(unicodedata.normalize("NFC", text))


def token_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, token) for each token of an already NFC-normalised text."""
    for m in TOKEN_RE.finditer(text):
        yield m.start(), m.end(), m.group()


def group_of(lang: str) -> str:
    """The analysis group of an article language."""
    base = base_language(lang)
    return base if base in (FR, EN) else PLAIN


_STEMMERS: dict[str, Callable[[str], str]] = {
    FR: FrenchStemmer().stem,
    EN: EnglishStemmer().stem,
}


class _Terms(dict):
    """Raw token → its indexed term (None when dropped) in one group, made on first sight."""

    def __init__(self, group: str):
        super().__init__()
        self.stops = STOP_WORDS[group]
        self.stem = _STEMMERS.get(group)

    def __missing__(self, token: str) -> str | None:
        lowered = token.lower()
        if _too_short(lowered) or lowered in self.stops:
            result = None
        else:
            result = fold(self.stem(lowered) if self.stem else lowered)
        if len(self) > 500_000:
            self.clear()
        self[token] = result
        return result


_TERMS = {g: _Terms(g) for g in GROUPS}
# The indexed term of one raw token, or None when it is dropped.
TERM: dict[str, Callable[[str], str | None]] = {g: _TERMS[g].__getitem__ for g in GROUPS}


class _Aliases(dict):
    """Raw token → the term of its accent-free spelling when that differs from its own term
    (None otherwise), in one stemmed group, made on first sight."""

    def __init__(self, group: str):
        super().__init__()
        self.terms = _TERMS[group]
        self.stem = _STEMMERS[group]

    def __missing__(self, token: str) -> str | None:
        term = self.terms[token]
        result = None
        if term is not None:
            lowered = token.lower()
            folded = fold(lowered)
            if folded != lowered:
                result = self.stem(folded)
                result = None if result == term else result
        if len(self) > 500_000:
            self.clear()
        self[token] = result
        return result


_ALIASES = {g: _Aliases(g) for g in _STEMMERS}
# The alias of one raw token (None: none), in the stemmed groups.
ALIAS: dict[str, Callable[[str], str | None]] = {g: _ALIASES[g].__getitem__ for g in _ALIASES}


def analyze(text: str, group: str) -> list[str]:
    """The terms of `text` in order (positions are list indexes)."""
    return [t for t in map(_TERMS[group].__getitem__, tokens(text)) if t is not None]


def analyze_with_aliases(text: str, group: str) -> tuple[list[str], list[str]]:
    """The terms of `text` in order, and the aliases of its accented words (in no order)."""
    raw = tokens(text)
    terms = [t for t in map(_TERMS[group].__getitem__, raw) if t is not None]
    aliases = _ALIASES.get(group)
    if aliases is None:
        return terms, []
    return terms, [a for a in map(aliases.__getitem__, raw) if a is not None]


def positions(text: str, group: str) -> list[tuple[str, str | None]]:
    """(term, alias or None) at each position of `text`, for checking phrases."""
    aliases = _ALIASES.get(group)
    found = []
    for token in tokens(text):
        term = _TERMS[group][token]
        if term is not None:
            found.append((term, aliases[token] if aliases is not None else None))
    return found


def name_key(name: str) -> str:
    """How a company, source or tag name is compared in `company:` filters: its lowercased,
    folded tokens, one space apart (`Hewlett-Packard Enterprise` = `hewlett packard
    enterprise`)."""
    return " ".join(fold(t.lower()) for t in tokens(name))


@dataclass(frozen=True)
class SearchField:
    """A scored whoosh field: its analysis group and how much a match in it weighs."""

    name: str
    group: str
    boost: float


# Title, companies and tags weigh more than the body (BM25F field boosts). The order is the
# field number used by the browser index: append only.
_PART_BOOSTS = (("title", 6.0), ("summary", 1.5), ("body", 1.0), ("tags", 2.0))
FIELDS: tuple[SearchField, ...] = (
    *(SearchField(f"{part}_{g}", g, boost) for g in GROUPS for part, boost in _PART_BOOSTS),
    SearchField("companies", PLAIN, 2.5),
    SearchField("source", PLAIN, 1.0),
)
FIELD_NUMBER = {f.name: i for i, f in enumerate(FIELDS)}
BM25_B = 0.75
BM25_K1 = 1.2


def language_fields(group: str) -> dict[str, str]:
    """Article part (`title`, `summary`, `body`, `tags`) → field name for a group."""
    return {part: f"{part}_{group}" for part, _ in _PART_BOOSTS}


@dataclass(frozen=True)
class QueryWord:
    """One word of a query, as each analysis group sees it (None: dropped in that group)."""

    text: str
    terms: dict[str, str | None]


def query_words(text: str) -> tuple[list[QueryWord], list[str]]:
    """The words of a piece of query text, and those ignored.

    A word that is too short, or a stop word in French or English, is ignored in every group:
    otherwise `les licenciements` would require `les` in English fields and find nothing.
    """
    kept: list[QueryWord] = []
    ignored: list[str] = []
    for token in tokens(text):
        lowered = token.lower()
        if _too_short(lowered) or lowered in STOP_WORDS[FR] or lowered in STOP_WORDS[EN]:
            ignored.append(lowered)
            continue
        kept.append(QueryWord(lowered, {g: TERM[g](token) for g in GROUPS}))
    return kept, ignored


def phrase_terms(text: str) -> dict[str, list[str]]:
    """Group → the terms of a phrase as that group indexes it (positions renumbered)."""
    return {g: analyze(text, g) for g in GROUPS}


@lru_cache(maxsize=3)
def whoosh_analyzer(group: str):
    """The whoosh analyzer chain equal to `analyze(…, group)`, for tests and reference."""
    from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter

    class FoldFilter(Filter):
        def __call__(self, stream):
            for token in stream:
                token.text = fold(token.text)
                yield token

    class ShortFilter(Filter):
        def __call__(self, stream):
            for token in stream:
                if not _too_short(token.text):
                    yield token

    chain = RegexTokenizer(TOKEN_RE) | LowercaseFilter() | ShortFilter()
    chain = chain | StopFilter(stoplist=STOP_WORDS[group], minsize=1)
    if group in _STEMMERS:
        chain = chain | StemFilter(lang=group)
    return chain | FoldFilter()


def export_tables() -> dict:
    """What the browser needs to reproduce this analysis."""
    return {
        "version": ANALYSIS_VERSION,
        "minToken": MIN_TOKEN,
        "stop": {g: sorted(STOP_WORDS[g]) for g in (FR, EN)},
        "fold": dict(sorted(FOLD_LETTERS.items())),
    }
