"""Typography on rendered HTML: French rules on French text, English rules on English text.

The rules themselves, on plain text, are in `typography_rules.py`.

Only text nodes change. Tags, attribute values, comments, the content of `code`, `pre`, `kbd`,
`samp`, `script`, `style` and `textarea`, and URLs or e-mail addresses written in the text are
never touched. The language of a text node is the nearest `lang` attribute around it, so an
English article inside a French page keeps English rules. The function is pure and works on
the rendered page: the author's Markdown is never rewritten.

How a page is read. A page is a sequence of tokens (tags, comments, doctypes) and of text
chunks between them, as a plain left-to-right tokenizer sees it (the content of `script`,
`style`, `textarea` and `title` is raw text). Only a chunk holding a trigger (a quote, an
apostrophe, `:;!?`, a guillemet or an entity) can change, and what it becomes depends on its
context: the language of the nearest `lang`, whether it is inside code, and the character
before it (across inline tags). Rather than walking every token in Python, a regular expression
skims, at C speed, over whole stretches of chunks without triggers and of markup that cannot
change that context, and stops only at *events*: a chunk with a trigger, or a tag that may
change the context (`lang`, code, raw text).

- While no code element and no element whose language has other rules than the page's is open,
  the elements around a chunk cannot change its rules: they are not tracked, end tags included.
- Inside such an element, the open elements are tracked exactly: every start and end tag is an
  event, except elements that open and close around text without triggers (skipped whole).
- An end tag that may close an element opened while nothing was tracked (misnested HTML) sends
  the page through a second pass that tracks every element from the root.
- The character before a chunk is read from the stretches skimmed before it only for the few
  chunks whose typesetting depends on it (a leading quote or punctuation, or a `«` before).

The output is the page itself, with only the typeset chunks replaced.
"""

from __future__ import annotations

import functools
import html
import re

from site_builder.render.typography_rules import BOUNDARY, FRENCH_RULES, rules_for, typeset_text

# Elements whose text is code or machine text: left exactly as written.
_VERBATIM = frozenset({"code", "pre", "kbd", "samp", "script", "style", "textarea"})
# Elements whose content the HTML parser does not read as markup.
_RAW_TEXT = frozenset({"script", "style", "textarea", "title"})
_VOID = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
})  # fmt: skip
# Inline elements do not end a quotation: `"<em>mot</em>"` pairs its quotes across them.
_INLINE = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark",
    "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
})  # fmt: skip

# One attribute of a start tag, as the HTML tokenizer reads it: a name, then maybe a value.
_ATTRIBUTE = re.compile(r"""([^\s"'>/=][^\s"'>/=]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
_RAW_TEXT_END = {name: re.compile(rf"</{name}\s*>", re.I) for name in _RAW_TEXT}

# Only these look at the previous character: a leading quote (both languages), leading French
# punctuation, and the French space after a `«` that ends the text before.
_LEADING_FR_PUNCTUATION = re.compile(r"[ \t\n\u00a0\u202f]*[;:!?&]")
_LEADING_CONTEXT = frozenset("\"'& \t\n\u00a0\u202f;:!?")


def _reads_previous(chunk: str, lang: str | None, previous: str) -> bool:
    """Whether typesetting the HTML text `chunk` may depend on the character before it: only
    with a leading quote, leading French punctuation, or a French `«` just before. (An entity
    at the start might be any of these.)"""
    if chunk[0] not in _LEADING_CONTEXT and previous != "«":
        return False
    rules = rules_for(lang)
    if not rules:
        return False
    if chunk[0] in '"&' or previous == "«":
        return True
    if rules is FRENCH_RULES:
        return _LEADING_FR_PUNCTUATION.match(chunk) is not None
    return chunk[0] == "'"


def _typeset_chunk(chunk: str, lang: str | None, previous: str) -> tuple[str | None, str]:
    """The HTML that replaces a non-empty text chunk (None: keep it as written), and the
    character it leaves for the chunk after it."""
    plain = html.unescape(chunk)
    typeset = typeset_text(plain, lang, previous)
    last = BOUNDARY if typeset[-1].isspace() else typeset[-1]
    return (html.escape(typeset, quote=False) if typeset != plain else None), last


# Pages of a site share many labels, titles, summaries and phrases, and a title recurs on list
# pages far apart in the build's order: short chunks are remembered, many of them. The long ones
# are paragraphs of one article, seldom seen twice. Remembering many short chunks rather than
# fewer chunks of any length typesets fewer of them on a template edit, for some more memory in
# each render worker.
SHORT_CHUNK = 400
_typeset_short_chunk = functools.lru_cache(maxsize=65536)(_typeset_chunk)


# -- scanning a page ------------------------------------------------------------------------------
# The patterns read tokens as a plain left-to-right tokenizer does: a tag's quoted attribute
# values may hold `>`, and a `<` that starts no token is text. Atomic groups `(?>…)` and
# possessive repeats keep the engine from backtracking into what it has read.

_TEXT_TRIGGERS = "\"':;!?«»&"  # what makes a chunk worth reading (entities included)
_PLAIN_TEXT = rf"[^<{_TEXT_TRIGGERS}]*+"
_NAME = r"[A-Za-z][A-Za-z0-9-]*+"
_ATTRS = r"""(?>(?:[^'">]++|"[^"]*+"|'[^']*+')*)"""
_COMMENT = r"!--(?s:.*?)-->|![^>]*+>|\?[^>]*+>"  # comment, doctype, processing instruction
_TOKEN = rf"<(?:{_COMMENT}|/?{_NAME}{_ATTRS}>)"
_SPECIAL_NAME = rf"(?:{'|'.join(sorted(_VERBATIM | _RAW_TEXT))})(?![A-Za-z0-9-])"

# What the scanner stops at, after the start of a chunk without triggers (`head`): a token, or
# the rest of a chunk to read (one with a trigger, or with a `<` that starts no token).
_EVENT = (
    rf"(?P<head>{_PLAIN_TEXT})"
    rf"(?:(?P<tag><(?:{_COMMENT}|(?P<closing>/?)(?P<name>{_NAME})(?P<attrs>{_ATTRS})>))"
    rf"|(?P<text>[<{_TEXT_TRIGGERS}](?>(?:[^<]++|(?!{_TOKEN})<)*))|\Z)"
)

# While nothing is tracked, the scanner skims over chunks without triggers and over markup that
# changes nothing for the text after it: comments, end tags, and start tags of elements that
# are neither code nor raw text and carry no `lang`, not even inside an attribute value. Names
# are matched in small letters, which lets the engine reject most at their first letter; a tag
# with capitals outside its attribute values is left to the events (so that `<sCRIPT>` is not
# read as an `s` element).
_NOT_LANG = "[lL](?![aA][nN][gG])"
_ATTRS_WITHOUT_LANG = (
    rf"""(?>(?:[^'">lA-Z]++|l(?![aA][nN][gG])"""
    rf"""|"[^"lL]*+(?>(?:{_NOT_LANG}[^"lL]*+)*)"|'[^'lL]*+(?>(?:{_NOT_LANG}[^'lL]*+)*)')*)"""
)
_PLAIN_MARKUP = (
    rf"<(?:/[a-z][a-z0-9-]*+{_ATTRS_WITHOUT_LANG}>"
    rf"|(?!{_SPECIAL_NAME})[a-z][a-z0-9-]*+{_ATTRS_WITHOUT_LANG}>|{_COMMENT})"
)
_SKIM = re.compile(rf"(?>(?:{_PLAIN_TEXT}{_PLAIN_MARKUP})*){_EVENT}")

# Inside a tracked element every start and end tag matters, except in pairs: an element that
# is neither code nor raw text, holding only text without triggers, comments, void elements
# and such pairs, closes as it opens. The scanner skips those. (A start tag with a `/` or
# capitals outside its values is left to the events: it may be self-closing, or not the
# element its small letters name.)
_OPEN_ATTRS = r"""(?>(?:[^'">/A-Z]++|"[^"]*+"|'[^']*+')*)"""
_VOID_TAG = rf"<(?:{'|'.join(sorted(_VOID))})(?![A-Za-z0-9-]){_ATTRS}>"


def _lang_attribute(attrs: str, inherited: str | None) -> str | None:
    """The value of the `lang` attribute among a start tag's attributes (the first one, as
    browsers read it); `inherited` without one. A `lang=` inside another value is text."""
    for found in _ATTRIBUTE.finditer(attrs):
        if found.group(1).lower() == "lang":
            value = found.group(2) or ""
            return (value[1:-1] if value[:1] in "\"'" else value) or None
    return inherited


def _nested_pairs(depth: int) -> str:
    """The pattern of a pair holding pairs nested `depth` deep at most."""
    pair = ""
    for level in range(depth):
        units = rf"<(?:{_COMMENT})|{_VOID_TAG}" + (f"|{pair}" if pair else "")
        name = f"pair{level}"
        pair = (
            rf"<(?!{_SPECIAL_NAME})(?P<{name}>[a-z][a-z0-9-]*+){_OPEN_ATTRS}>"
            rf"(?>(?:{_PLAIN_TEXT}(?:{units}))*){_PLAIN_TEXT}"
            rf"</(?P={name})(?![A-Za-z0-9-]){_ATTRS}>"
        )
    return pair


_WALK = re.compile(
    rf"(?>(?:{_PLAIN_TEXT}(?:<(?:{_COMMENT})|{_VOID_TAG}|{_nested_pairs(4)}))*){_EVENT}"
)
# Inside code, where any text reads as a word to the quote after it, every token is an event.
_WALK_CODE = re.compile(_EVENT)

# What a skimmed stretch does to the character before the next chunk: its last text (`text`)
# gives it, unless a tag that ends a run of inline text (`block`) comes after.
_INLINE_NAME = rf"(?ai:{'|'.join(sorted(_INLINE))})(?![A-Za-z0-9-])"
_SKIMMED = re.compile(
    rf"(?>(?:(?P<text>[^<]++)|<(?:{_COMMENT})|(?=</?{_INLINE_NAME})</?{_NAME}{_ATTRS}>"
    rf"|(?P<block></?{_NAME}{_ATTRS}>))*)"
)


class _Untracked(Exception):
    """An end tag may close an element that was skimmed over: only an exact walk can tell."""


class _Typesetter:
    """One pass over a page: the elements that matter around the current position (`stack`,
    innermost last), how many of them are code, and the character before the next chunk
    (`previous`, then what the stretches in `skimmed` do to it, read only when it matters)."""

    def __init__(self, page: str, lang: str | None, *, exact: bool = False):
        self.page = page
        self.base = lang
        # With `exact`, every element is tracked from the root; otherwise only from the
        # outermost code element or element whose language has other rules than `base`.
        self.exact = exact
        self.stack: list[tuple[str, str | None]] = [("", lang)] if exact else []
        self.verbatim = 0
        self.previous = BOUNDARY
        self.skimmed: list[tuple[int, int]] = []
        self.out: list[str] = []
        self.copied = 0  # page[:copied] is in `out`

    @property
    def lang(self) -> str | None:
        return self.stack[-1][1] if self.stack else self.base

    def run(self) -> str:
        """The typeset page, read from event to event."""
        page, pos, size = self.page, 0, len(self.page)
        skim, walk, walk_code = _SKIM.match, _WALK.match, _WALK_CODE.match
        while pos < size:
            if self.verbatim:
                match = walk_code(page, pos)
            else:
                match = (walk if self.stack else skim)(page, pos)
                head = match.start("head")
                if head > pos:
                    self.skimmed.append((pos, head))
            kind = match.lastgroup
            if kind == "tag":
                pos = self.tag(match)
            elif kind == "text":
                pos = match.end()
                self.text(match.start("head"), pos)
            else:
                pos = match.end()
        if not self.out:
            return page
        self.out.append(page[self.copied :])
        return "".join(self.out)

    def tag(self, match: re.Match[str]) -> int:
        """Read a token (and the chunk before it); return where reading goes on."""
        head, closing, name, attrs = match.group("head", "closing", "name", "attrs")
        if head:  # a whole chunk without triggers
            self.after_text(head)
        end = match.end()
        if not name:
            return end  # comment, doctype, processing instruction
        name = name.lower()
        if name not in _INLINE:
            self.set_previous(BOUNDARY)
        if closing:
            self.close(name)
        elif name not in _VOID and not attrs.rstrip().endswith("/"):
            self.open(name, attrs)
            if name in _RAW_TEXT:
                return self.raw_text(name, end)
        return end

    def open(self, name: str, attrs: str) -> None:
        """Track an element once one is tracked, or if it is code or changes the rules."""
        lang = self.lang
        if "lang" in attrs.lower():
            lang = _lang_attribute(attrs, lang)
        if self.stack or name in _VERBATIM or rules_for(lang) != rules_for(self.base):
            self.stack.append((name, lang))
            if name in _VERBATIM:
                self.verbatim += 1

    def close(self, name: str) -> None:
        """Close the innermost tracked element of that name and those inside it."""
        stack = self.stack
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth][0] == name:
                for closed, _ in stack[depth:]:
                    if closed in _VERBATIM:
                        self.verbatim -= 1
                del stack[depth:]
                return
        if stack and not self.exact and name not in _VOID:
            raise _Untracked(name)  # it may close one opened before the tracking began

    def raw_text(self, name: str, pos: int) -> int:
        """Read a raw-text element's content (script, style…) up to its end tag: only the
        title's is text, the others are copied as they are."""
        end = _RAW_TEXT_END[name].search(self.page, pos)
        stop = end.start() if end else len(self.page)
        if name == "title" and not self.verbatim:
            self.text(pos, stop)
        return stop

    def text(self, start: int, end: int) -> None:
        """Typeset the chunk page[start:end] (unless it is code) and remember its last character."""
        chunk = self.page[start:end]
        if self.verbatim or not chunk:
            self.after_text(chunk)
            return
        lang = self.stack[-1][1] if self.stack else self.base
        if self.skimmed and _reads_previous(chunk, lang, self.previous):
            self.read_skimmed()
        typeset = _typeset_short_chunk if len(chunk) <= SHORT_CHUNK else _typeset_chunk
        replacement, self.previous = typeset(chunk, lang, self.previous)
        self.skimmed.clear()
        if replacement is not None:
            self.out.append(self.page[self.copied : start])
            self.out.append(replacement)
            self.copied = end

    def after_text(self, text: str) -> None:
        if self.verbatim:
            if text.strip():
                self.set_previous("x")  # code reads as a word: a quote after it closes
        elif text:
            last = text[-1]
            self.set_previous(BOUNDARY if last.isspace() else last)

    def set_previous(self, char: str) -> None:
        self.previous = char
        if self.skimmed:
            self.skimmed.clear()

    def read_skimmed(self) -> None:
        """Bring `previous` up to date with the stretches skimmed since it was set."""
        for start, end in reversed(self.skimmed):
            found = _SKIMMED.match(self.page, start, end)
            text_end, block_end = found.end("text"), found.end("block")
            if text_end > block_end:
                last = self.page[text_end - 1]
                self.previous = BOUNDARY if last.isspace() else last
                break
            if block_end >= 0:
                self.previous = BOUNDARY
                break
        self.skimmed.clear()


def typeset_html(page: str, lang: str | None = None) -> str:
    """`page` (a document or a fragment) with the typography of each text node's language.

    `lang` is the language of text outside any element carrying `lang` (for fragments).
    """
    try:
        return _Typesetter(page, lang).run()
    except _Untracked:
        return _Typesetter(page, lang, exact=True).run()
