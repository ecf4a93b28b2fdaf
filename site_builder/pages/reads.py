"""What planning a page reads, recorded as it reads it: the page's dependencies.

The planner sees the archive only through `TrackedArchive`. Every value it takes from an
article, a company, source or tag, a year or month, or one of the archive's tables is noted
as a token (plain tuples, kept in the build cache) by the `Recorder` of the page being planned.
A page's key is made of the current versions of the tokens its last planning read
(`Resolver.versions`): what a page shows cannot be left out of its key, since showing a
value means reading it. The settings, templates and code are not tokens: they are the
environment of every key.

Tokens:
  ("a", path)            an article's front matter (every field but the body's)
  ("b", path)            what an article's body gives: its content hash and Markdown links
  ("m", table, key)      one entry of a table of the archive (`TABLES`)
  ("s", seq, selection)  part of a sequence (`len`, `all`, an index or a (start, stop) slice)
  ("t", kind, name)      a company's, source's or tag's slug, website and facts
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from hashlib import blake2b
from typing import Any

from site_builder.archive.model import COMPANY, SOURCE, TAG, Archive, Period, Term
from site_builder.content.model import Article

Token = tuple
MISSING = b"\0missing"
# The archive's tables the planner may read, by the name its tokens use.
TABLES = ("older", "newer", "company_names", "company_slugs", "source_slugs", "tag_slugs")
_BODY_FIELDS = frozenset(("content_hash", "links"))
_TERMS = {COMPANY: "companies", SOURCE: "sources", TAG: "tags"}
_ABSENT = object()


class Recorder:
    """Collects the tokens read while a page is planned (`capture`); reads outside a
    capture are not recorded."""

    __slots__ = ("tokens",)

    def __init__(self) -> None:
        self.tokens: list[Token] | None = None

    def record(self, token: Token) -> None:
        if self.tokens is not None:
            self.tokens.append(token)

    def replay(self, tokens: tuple[Token, ...]) -> None:
        """Record again what a value computed once and reused (a list item) read."""
        if self.tokens is not None:
            self.tokens.extend(tokens)

    def capture(self, make: Callable[[], Any]) -> tuple[Any, tuple[Token, ...]]:
        """Run `make`; its value and the tokens it read, each once, in reading order. A
        capture inside another one records its tokens in the outer one too."""
        outer, self.tokens = self.tokens, []
        try:
            value = make()
            tokens = tuple(dict.fromkeys(self.tokens))
        finally:
            self.tokens = outer
        if outer is not None:
            outer.extend(tokens)
        return value, tokens


class TrackedArticle:
    """An article whose reads are recorded: `path` is its identity; the body's fields give
    ("b", path), every other field ("a", path)."""

    __slots__ = ("_article", "_recorder", "path")

    def __init__(self, article: Article, recorder: Recorder):
        self._article = article
        self._recorder = recorder
        self.path = article.path

    def __getattr__(self, name: str) -> Any:
        self._recorder.record(("b" if name in _BODY_FIELDS else "a", self.path))
        return getattr(self._article, name)


class TrackedTerm:
    """A company, source or tag: `kind` and `name` are its identity, `articles` a tracked
    sequence, the rest ("t", kind, name)."""

    __slots__ = ("_recorder", "_term", "kind", "name")

    def __init__(self, term: Term, recorder: Recorder):
        self._term = term
        self._recorder = recorder
        self.kind, self.name = term.kind, term.name

    @property
    def articles(self) -> TrackedSeq:
        return TrackedSeq(("ta", self.kind, self.name), self._term.articles, self._recorder)

    def __getattr__(self, name: str) -> Any:
        self._recorder.record(("t", self.kind, self.name))
        return getattr(self._term, name)


class TrackedPeriod:
    """A year or month: `year` and `month` are its identity, `articles` a tracked sequence."""

    __slots__ = ("_period", "_recorder", "month", "year")

    def __init__(self, period: Period, recorder: Recorder):
        self._period = period
        self._recorder = recorder
        self.year, self.month = period.year, period.month

    @property
    def articles(self) -> TrackedSeq:
        return TrackedSeq(("pa", self.year, self.month), self._period.articles, self._recorder)


def track(value: Any, recorder: Recorder) -> Any:
    if isinstance(value, Article):
        return TrackedArticle(value, recorder)
    if isinstance(value, Term):
        return TrackedTerm(value, recorder)
    if isinstance(value, Period):
        return TrackedPeriod(value, recorder)
    return value


class TrackedSeq:
    """A sequence of the archive (articles, terms, periods), named by a tuple the `Resolver`
    finds again in the next build's archive."""

    __slots__ = ("_items", "_name", "_recorder")

    def __init__(self, name: tuple, items: tuple, recorder: Recorder):
        self._name, self._items, self._recorder = name, items, recorder

    def __len__(self) -> int:
        self._recorder.record(("s", self._name, "len"))
        return len(self._items)

    def __iter__(self) -> Iterator[Any]:
        self._recorder.record(("s", self._name, "all"))
        recorder = self._recorder
        return (track(x, recorder) for x in self._items)

    def __getitem__(self, at: int | slice) -> Any:
        if isinstance(at, slice):
            if at.step not in (None, 1):
                raise ValueError("tracked sequences are sliced without a step")
            self._recorder.record(("s", self._name, (at.start, at.stop)))
            return tuple(track(x, self._recorder) for x in self._items[at.start : at.stop])
        self._recorder.record(("s", self._name, at))
        return track(self._items[at], self._recorder)


class TrackedMap:
    """A table of the archive: each key looked up is a token."""

    __slots__ = ("_name", "_recorder", "_table")

    def __init__(self, name: str, table: Mapping, recorder: Recorder):
        self._name, self._table, self._recorder = name, table, recorder

    def get(self, key: Any, default: Any = None) -> Any:
        self._recorder.record(("m", self._name, key))
        value = self._table.get(key, _ABSENT)
        return default if value is _ABSENT else track(value, self._recorder)

    def __getitem__(self, key: Any) -> Any:
        self._recorder.record(("m", self._name, key))
        return track(self._table[key], self._recorder)

    def __contains__(self, key: Any) -> bool:
        self._recorder.record(("m", self._name, key))
        return key in self._table


class TrackedArchive:
    """The archive as the planner reads it (see the module)."""

    def __init__(self, archive: Archive, tables: Mapping[str, Mapping], recorder: Recorder):
        self._archive = archive
        self._recorder = recorder
        for name in TABLES:
            setattr(self, name, TrackedMap(name, getattr(archive, name), recorder))
        for name, table in tables.items():
            setattr(self, name, TrackedMap(name, table, recorder))

    def _seq(self, name: tuple, items: tuple) -> TrackedSeq:
        return TrackedSeq(name, items, self._recorder)

    @property
    def articles(self) -> TrackedSeq:
        return self._seq(("articles",), self._archive.articles)

    @property
    def companies(self) -> TrackedSeq:
        return self._seq(("terms", COMPANY), self._archive.companies)

    @property
    def sources(self) -> TrackedSeq:
        return self._seq(("terms", SOURCE), self._archive.sources)

    @property
    def tags(self) -> TrackedSeq:
        return self._seq(("terms", TAG), self._archive.tags)

    @property
    def months(self) -> TrackedSeq:
        return self._seq(("months",), self._archive.months)

    @property
    def years(self) -> TrackedSeq:
        return self._seq(("years",), self._archive.years)


def _plain(value: Any) -> Any:
    """A value as its token's version shows it: archive objects by their identity (their
    fields are tokens of their own)."""
    if isinstance(value, Article):
        return ("a", value.path)
    if isinstance(value, Term):
        return ("t", value.kind, value.name)
    if isinstance(value, Period):
        return ("p", value.year, value.month)
    if isinstance(value, tuple):
        return tuple(_plain(x) for x in value)
    return value


def _version(value: Any) -> bytes:
    return blake2b(repr(_plain(value)).encode(), digest_size=16).digest()


class Resolver:
    """The versions of tokens in one build's archive, each computed once."""

    def __init__(self, archive: Archive, tables: Mapping[str, Mapping]):
        self._archive = archive
        self._tables = {name: getattr(archive, name) for name in TABLES} | dict(tables)
        self._by_path = {a.path: a for a in archive.articles}
        self._terms = {
            (t.kind, t.name): t for t in (*archive.companies, *archive.sources, *archive.tags)
        }
        self._periods = {(p.year, p.month): p for p in (*archive.years, *archive.months)}
        self._memo: dict[Token, bytes] = {}

    def versions(self, tokens: tuple[Token, ...]) -> bytes:
        memo = self._memo
        found = memo.get
        out = []
        for token in tokens:
            v = found(token)
            if v is None:
                v = memo[token] = self._resolve(token)
            out.append(v)
        return b"".join(out)

    def _resolve(self, token: Token) -> bytes:
        kind = token[0]
        if kind in ("a", "b"):
            article = self._by_path.get(token[1])
            if article is None:
                return MISSING
            return article.shown if kind == "a" else _version((article.content_hash, article.links))
        if kind == "m":
            table = self._tables.get(token[1])
            value = _ABSENT if table is None else table.get(token[2], _ABSENT)
            return MISSING if value is _ABSENT else _version(value)
        if kind == "t":
            term = self._terms.get((token[1], token[2]))
            return MISSING if term is None else _version((term.slug, term.url, repr(term.facts)))
        if kind == "s":
            items = self._sequence(token[1])
            if items is None:
                return MISSING
            at = token[2]
            if at == "len":
                return str(len(items)).encode()
            if at == "all":
                return _version(items)
            if isinstance(at, tuple):
                return _version(items[at[0] : at[1]])
            return _version(items[at]) if -len(items) <= at < len(items) else MISSING
        raise ValueError(f"unknown dependency token {token!r}")

    def _sequence(self, name: tuple) -> tuple | None:
        a = self._archive
        head = name[0]
        if head == "articles":
            return a.articles
        if head == "terms":
            return getattr(a, _TERMS[name[1]])
        if head == "months":
            return a.months
        if head == "years":
            return a.years
        if head == "ta":
            term = self._terms.get((name[1], name[2]))
            return None if term is None else term.articles
        if head == "pa":
            period = self._periods.get((name[1], name[2]))
            return None if period is None else period.articles
        raise ValueError(f"unknown sequence {name!r}")
