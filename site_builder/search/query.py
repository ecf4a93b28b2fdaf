"""The query language shared by both front ends (`search-query.js` parses the same way).

    licenciement "hewlett packard" company:HPE source:"Block & Files" tag:stockage
    year:2020  year:2018..2020  GreenLake OR Aruba  NOT Cray  -Cray  (a OR b) c

Words next to each other must all match (AND). AND, OR and NOT are operators only in capitals;
NOT binds tighter than AND, AND tighter than OR. A word that the analysis cuts into several
tokens (`etats-unis`) is a phrase. Stop words and one-letter words are ignored everywhere.

Parsing gives a tree of plain values or raises `QueryProblem`: `syntax` problems are mistakes
to fix (exit status 2 on the command line), `notice` problems are polite answers (an empty
query, only common words, an unknown company).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from site_builder.search import analysis
from site_builder.search.analysis import QueryWord

MAX_QUERY_CHARS = 500
MAX_WORDS = 24
FIELD_NAMES = {
    "company": "company",
    "entreprise": "company",
    "source": "source",
    "tag": "tag",
    "theme": "tag",
    "thème": "tag",
    "year": "year",
    "annee": "year",
    "année": "year",
}
_YEAR_RE = re.compile(r"^(\d{4})(?:\.\.(\d{4}))?$")
OPERATORS = ("AND", "OR", "NOT")


class QueryProblem(Exception):
    """A query that cannot be answered as typed. `code` names it for translations; `params`
    fill the message."""

    def __init__(self, code: str, kind: str, message: str, **params):
        super().__init__(message)
        self.code = code
        self.kind = kind  # "syntax" or "notice"
        self.params = params


def _syntax(code: str, message: str, **params) -> QueryProblem:
    return QueryProblem(code, "syntax", message, **params)


def _notice(code: str, message: str, **params) -> QueryProblem:
    return QueryProblem(code, "notice", message, **params)


# -- the tree ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Word:
    """A word: matches a document holding its term in any field (of the term's group)."""

    word: QueryWord


@dataclass(frozen=True)
class Phrase:
    """Words in this order: scored as its words, and matching where a field holds them as a
    phrase (group → the phrase's terms as that group indexes them)."""

    text: str
    words: tuple[QueryWord, ...]
    groups: dict[str, tuple[str, ...]] = field(hash=False)


@dataclass(frozen=True)
class Filter:
    """company:, source:, tag: (slugs) or year: (first, last): selects, does not score."""

    kind: str
    keys: tuple
    label: str


@dataclass(frozen=True)
class And:
    items: tuple


@dataclass(frozen=True)
class Or:
    items: tuple


@dataclass(frozen=True)
class Not:
    item: object


@dataclass(frozen=True)
class ParsedQuery:
    tree: object
    ignored: tuple[str, ...]  # common or one-letter words left out

    def words(self) -> list[QueryWord]:
        """Every scored word of the query, positive or not (for excerpts)."""
        out: list[QueryWord] = []

        def walk(node):
            if isinstance(node, Word):
                out.append(node.word)
            elif isinstance(node, Phrase):
                out.extend(node.words)
            elif isinstance(node, (And, Or)):
                for item in node.items:
                    walk(item)

        walk(self.tree)
        return out


# -- facets: how company:, source: and tag: values are resolved -----------------------------------
@dataclass(frozen=True)
class FacetName:
    name: str
    slug: str
    aliases: tuple[str, ...] = ()


def resolve(kind: str, value: str, names: list[FacetName]) -> tuple[str, ...]:
    """Slugs whose name, alias or slug matches `value` (case and accents ignored)."""
    key = analysis.name_key(value)
    slug = value.strip().lower()
    found = [
        n.slug
        for n in names
        if n.slug == slug or (key and key in {analysis.name_key(x) for x in (n.name, *n.aliases)})
    ]
    return tuple(dict.fromkeys(found))


# -- lexing ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Token:
    kind: str  # word, phrase, field, op, open, close
    text: str
    column: int
    value: str = ""  # a field's value
    quoted: bool = False


def _lex(text: str) -> list[_Token]:
    out: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "()":
            out.append(_Token("open" if c == "(" else "close", c, i + 1))
            i += 1
        elif c == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise _syntax("unclosed_quote", f'a quote is not closed (column {i + 1}): '
                              'add the closing "', column=i + 1)  # fmt: skip
            out.append(_Token("phrase", text[i + 1 : end], i + 1))
            i = end + 1
        else:
            start = i
            while i < n and not text[i].isspace() and text[i] not in '()"':
                i += 1
            word = text[start:i]
            name, colon, value = word.partition(":")
            if colon and name.lower() in FIELD_NAMES:
                quoted = not value and i < n and text[i] == '"'
                if quoted:
                    end = text.find('"', i + 1)
                    if end < 0:
                        raise _syntax("unclosed_quote", f'a quote is not closed (column '
                                      f'{i + 1}): add the closing "', column=i + 1)  # fmt: skip
                    value = text[i + 1 : end]
                    i = end + 1
                out.append(_Token("field", FIELD_NAMES[name.lower()], start + 1, value, quoted))
            elif word in OPERATORS:
                out.append(_Token("op", word, start + 1))
            elif word.startswith("-") and len(word) > 1 and analysis.tokens(word[1:]):
                out.append(_Token("op", "NOT", start + 1))
                i = start + 1  # lex the rest again: it may be a field
            else:
                out.append(_Token("word", word, start + 1))
    return out


# -- parsing ---------------------------------------------------------------------------------------
class _Parser:
    def __init__(self, tokens: list[_Token], facets: dict[str, list[FacetName]]):
        self.tokens = tokens
        self.pos = 0
        self.facets = facets
        self.ignored: list[str] = []

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self):
        node = self.parse_or()
        token = self.peek()
        if token is not None:
            if token.kind == "close":
                raise _syntax("unbalanced_paren", f"a ')' has no matching '(' (column "
                              f"{token.column})", column=token.column)  # fmt: skip
            raise _syntax("unexpected", f"unexpected {token.text!r} (column {token.column})",
                          column=token.column, text=token.text)  # fmt: skip
        return node

    def parse_or(self):
        items = [self.parse_and()]
        while (token := self.peek()) is not None and token.kind == "op" and token.text == "OR":
            self.take()
            if not self._starts_unary(self.peek()):
                raise _syntax("dangling_operator", f"OR needs something after it (column "
                              f"{token.column})", operator="OR", column=token.column)  # fmt: skip
            items.append(self.parse_and())
        return _combine(Or, items)

    def _starts_unary(self, token: _Token | None) -> bool:
        return token is not None and (
            token.kind in ("word", "phrase", "field", "open")
            or (token.kind == "op" and token.text == "NOT")
        )

    def parse_and(self):
        token = self.peek()
        if not self._starts_unary(token):
            self._fail_start(token)
        items = [self.parse_unary()]
        while True:
            token = self.peek()
            if token is not None and token.kind == "op" and token.text == "AND":
                self.take()
                if not self._starts_unary(self.peek()):
                    raise _syntax("dangling_operator", f"AND needs something after it "
                                  f"(column {token.column})", operator="AND",
                                  column=token.column)  # fmt: skip
                items.append(self.parse_unary())
            elif self._starts_unary(token):
                items.append(self.parse_unary())
            else:
                break
        return _combine(And, items)

    def _fail_start(self, token: _Token | None):
        if token is None:
            raise _syntax("dangling_operator", "the query ends with an operator or '('",
                          operator="", column=0)  # fmt: skip
        if token.kind == "close":
            raise _syntax("empty_group" if self.pos and self.tokens[self.pos - 1].kind == "open"
                          else "unbalanced_paren",
                          f"nothing to group before ')' (column {token.column})",
                          column=token.column)  # fmt: skip
        raise _syntax("dangling_operator", f"{token.text} needs something before it (column "
                      f"{token.column})", operator=token.text, column=token.column)  # fmt: skip

    def parse_unary(self):
        token = self.take()
        if token.kind == "op":  # NOT
            if not self._starts_unary(self.peek()):
                raise _syntax("dangling_operator", f"NOT needs something after it (column "
                              f"{token.column})", operator="NOT", column=token.column)  # fmt: skip
            item = self.parse_unary()
            return None if item is None else Not(item)
        if token.kind == "open":
            node = self.parse_or()
            closing = self.peek()
            if closing is None or closing.kind != "close":
                raise _syntax("missing_paren", f"the '(' at column {token.column} is not "
                              "closed: add ')'", column=token.column)  # fmt: skip
            self.take()
            return node
        if token.kind == "field":
            return self.filter(token)
        return self.text(token.text, quoted=token.kind == "phrase")

    def text(self, text: str, quoted: bool):
        words, ignored = analysis.query_words(text)
        self.ignored.extend(ignored)
        if not words:
            return None
        groups = {g: tuple(t) for g, t in analysis.phrase_terms(text).items()}
        if len(words) == 1 and all(len(t) <= 1 for t in groups.values()):
            return Word(words[0])
        return Phrase(text, tuple(words), groups)

    def filter(self, token: _Token) -> Filter:
        kind, value = token.text, token.value.strip()
        if not value:
            raise _syntax("empty_filter", f"{kind}: needs a value, e.g. company:HPE or "
                          "year:2020", field=kind, column=token.column)  # fmt: skip
        if kind == "year":
            m = _YEAR_RE.match(value)
            if not m:
                raise _syntax("bad_year", f"year: takes a year or a range of years, e.g. "
                              f"year:2020 or year:2018..2020 (not {value!r})",
                              value=value)  # fmt: skip
            first, last = int(m[1]), int(m[2] or m[1])
            if last < first:
                first, last = last, first
            return Filter("year", (first, last), value)
        slugs = resolve(kind, value, self.facets.get(kind, []))
        if not slugs:
            raise _notice("unknown_value", f"no {kind} named {value!r} in the archive",
                          field=kind, value=value)  # fmt: skip
        return Filter(kind, slugs, value)


def _combine(cls, items: list):
    kept = [i for i in items if i is not None]
    if not kept:
        return None
    return kept[0] if len(kept) == 1 else cls(tuple(kept))


def count_words(tree) -> int:
    if isinstance(tree, Word):
        return 1
    if isinstance(tree, Phrase):
        return max(len(t) for t in tree.groups.values())
    if isinstance(tree, (And, Or)):
        return sum(count_words(i) for i in tree.items)
    if isinstance(tree, Not):
        return count_words(tree.item)
    return 0


def parse_query(text: str, facets: dict[str, list[FacetName]] | None = None) -> ParsedQuery:
    """Parse `text`; raise `QueryProblem` when it cannot be answered as typed."""
    if len(text) > MAX_QUERY_CHARS:
        raise _notice("too_long", f"the query is too long ({len(text)} characters; at most "
                      f"{MAX_QUERY_CHARS})", length=len(text), max=MAX_QUERY_CHARS)  # fmt: skip
    if not text.strip():
        raise _notice("empty", "type a word to search")
    if not analysis.tokens(text):
        raise _notice("nothing", f"nothing to search in {text.strip()!r}: type words "
                      "(wildcards are not supported)", ignored=())  # fmt: skip
    parser = _Parser(_lex(text), facets or {})
    tree = parser.parse()
    ignored = tuple(dict.fromkeys(parser.ignored))
    if tree is None:
        raise _notice("nothing", f"nothing to search: {', '.join(ignored)} "
                      f"{'is' if len(ignored) == 1 else 'are'} too common or too short",
                      ignored=ignored)  # fmt: skip
    n = count_words(tree)
    if n > MAX_WORDS:
        raise _notice("too_many", f"too many words ({n}; at most {MAX_WORDS})", count=n,
                      max=MAX_WORDS)  # fmt: skip
    return ParsedQuery(tree, ignored)
