"""Typography on rendered HTML: French rules on French text, English rules on English text.

Conventions (those of the Imprimerie nationale's *Lexique des règles typographiques*, as most
French publishers apply them on screen):

- `"…"` becomes `« … »`, with a no-break space (U+00A0) inside each guillemet;
- a narrow no-break space (U+202F) before `;`, `!` and `?`;
- a no-break space (U+00A0) before `:`;
- the apostrophe `'` becomes `’`.

English text gets curly quotes (`“…”`, `‘…’`) and `’`, and no extra spaces. Text in other
languages is left as written.

Only text nodes change. Tags, attribute values, comments, the content of `code`, `pre`, `kbd`,
`samp`, `script`, `style` and `textarea`, and URLs or e-mail addresses written in the text are
never touched. The language of a text node is the nearest `lang` attribute around it, so an
English article inside a French page keeps English rules. The function is pure and works on
the rendered page: the author's Markdown is never rewritten.
"""

from __future__ import annotations

import html
import re

NBSP = "\u00a0"
NNBSP = "\u202f"

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

_TOKEN = re.compile(
    r"<!--.*?-->|<![^>]*>|<\?[^>]*>"
    r"|<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\"[^\"]*\"|'[^']*'|[^'\">])*)>",
    re.S,
)
_LANG_ATTR = re.compile(r"""(?:^|\s)lang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
_TRIGGERS = re.compile(r"[\"':;!?«»]")
_PROTECTED = re.compile(
    r"(?:https?://|ftp://|mailto:|www\.)[^\s<>«»\"]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    re.I,
)

# A boundary stands for "start of a block, or whitespace": quotes after it open.
_BOUNDARY = "\x01"
_OPENERS = r"\s\x01(\[{«“‘—–/-"

# French rules, applied in this order on text prefixed with the previous character.
_FR_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile("'"), "’"),
    (re.compile(rf'(?<=[{_OPENERS}])"\s*'), "«" + NBSP),
    (re.compile(r'\s*"'), NBSP + "»"),
    (re.compile(r"«[ \t\n\u202f]*(?=\S)"), "«" + NBSP),
    (re.compile(r"(?<=\S)[ \t\n\u202f]*»"), NBSP + "»"),
    (
        re.compile(r"(?<=[^\s\x01;:!?(\[«])[ \t\n\u00a0\u202f]*([;!?]+)(?=\s|\Z|[»)\].,…\"”])"),
        NNBSP + r"\1",
    ),
    (
        re.compile(r"(?<=[^\s\x01;:!?(\[«])[ \t\n\u00a0\u202f]*:(?=\s|\Z|[»)\]\"”])"),
        NBSP + ":",
    ),
)
_EN_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf'(?<=[{_OPENERS}])"'), "“"),
    (re.compile('"'), "”"),
    (re.compile(rf"(?<=[{_OPENERS}])'(?=\w)"), "‘"),
    (re.compile("'"), "’"),
)


def rules_for(lang: str | None) -> tuple[tuple[re.Pattern[str], str], ...]:
    """The substitutions for a language: French, English, or none for other languages."""
    base = (lang or "").split("-")[0].lower()
    return {"fr": _FR_RULES, "en": _EN_RULES}.get(base, ())


def typeset_text(text: str, lang: str | None, previous: str = _BOUNDARY) -> str:
    """Apply the rules of `lang` to plain text. `previous` is the character before `text`
    (a boundary by default): it decides whether a quote at the start opens or closes."""
    rules = rules_for(lang)
    if not rules or not _TRIGGERS.search(text):
        return text
    out: list[str] = []
    start = 0
    for match in _PROTECTED.finditer(text):
        out.append(_apply(rules, text[start : match.start()], previous))
        out.append(match.group())
        previous = match.group()[-1]
        start = match.end()
    out.append(_apply(rules, text[start:], previous))
    return "".join(out)


def _apply(rules, text: str, previous: str) -> str:
    if not text or not _TRIGGERS.search(text):
        return text
    # The previous character only gives context; a quote there would itself be rewritten.
    if previous.isspace() or previous == _BOUNDARY:
        prefix = _BOUNDARY
    else:
        prefix = "x" if previous in "\"'" else previous
    result = prefix + text
    for pattern, replacement in rules:
        result = pattern.sub(replacement, result)
    return result[1:] if result.startswith(prefix) else result


class _Typesetter:
    def __init__(self, page: str, lang: str | None):
        self.page = page
        self.stack: list[tuple[str, str | None]] = [("", lang)]
        self.out: list[str] = []
        self.previous = _BOUNDARY
        self.verbatim = 0

    @property
    def lang(self) -> str | None:
        return self.stack[-1][1]

    def run(self) -> str:
        # The common cases (text without anything to change, tags without `lang`, an end tag
        # closing the innermost element) are handled inline: a page has hundreds of tokens.
        page, pos, size = self.page, 0, len(self.page)
        append = self.out.append
        search, triggers = _TOKEN.search, _TRIGGERS.search
        while pos < size:
            match = search(page, pos)
            end = match.start() if match else size
            if end > pos:
                chunk = page[pos:end]
                if self.verbatim or "&" in chunk or triggers(chunk):
                    self.text(chunk)
                else:
                    append(chunk)
                    last = chunk[-1]
                    self.previous = _BOUNDARY if last.isspace() else last
            if not match:
                break
            append(match.group())
            pos = match.end()
            closing, name, attrs = match.groups()
            if not name:
                continue  # comment, doctype, processing instruction
            name = name.lower()
            if closing:
                stack = self.stack
                if stack[-1][0] == name:
                    if name not in _INLINE:
                        self.previous = _BOUNDARY
                    stack.pop()
                    if name in _VERBATIM:
                        self.verbatim -= 1
                else:
                    self.end(name)
                continue
            if attrs or name in _VERBATIM or name in _VOID:
                self.start(name, attrs)
            else:
                if name not in _INLINE:
                    self.previous = _BOUNDARY
                self.stack.append((name, self.stack[-1][1]))
            if name in _RAW_TEXT and not attrs.rstrip().endswith("/"):
                pos = self.raw_text(name, pos)
        return "".join(self.out)

    def start(self, name: str, attrs: str) -> None:
        if name not in _INLINE:
            self.previous = _BOUNDARY
        if name in _VOID or attrs.rstrip().endswith("/"):
            return
        found = _LANG_ATTR.search(attrs)
        lang = self.lang
        if found:
            lang = next(g for g in found.groups() if g is not None) or None
        self.stack.append((name, lang))
        if name in _VERBATIM:
            self.verbatim += 1

    def end(self, name: str) -> None:
        if name not in _INLINE:
            self.previous = _BOUNDARY
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth][0] == name:
                for closed, _ in self.stack[depth:]:
                    if closed in _VERBATIM:
                        self.verbatim -= 1
                del self.stack[depth:]
                return

    def raw_text(self, name: str, pos: int) -> int:
        """Copy a raw-text element's content (script, style…) up to its end tag."""
        end = re.compile(rf"</{name}\s*>", re.I).search(self.page, pos)
        stop = end.start() if end else len(self.page)
        content = self.page[pos:stop]
        if name == "title" and not self.verbatim:
            self.text(content)
        else:
            self.out.append(content)
        return stop

    def text(self, chunk: str) -> None:
        if self.verbatim:
            self.out.append(chunk)
            if chunk.strip():
                self.previous = "x"  # code reads as a word: a quote after it closes
            return
        if not _TRIGGERS.search(chunk) and "&" not in chunk:
            self.out.append(chunk)
            self._remember(chunk)
            return
        plain = html.unescape(chunk)
        typeset = typeset_text(plain, self.lang, self.previous)
        self._remember(typeset)
        if typeset == plain:
            self.out.append(chunk)
        else:
            self.out.append(html.escape(typeset, quote=False))

    def _remember(self, text: str) -> None:
        if text:
            last = text[-1]
            self.previous = _BOUNDARY if last.isspace() else last


def typeset_html(page: str, lang: str | None = None) -> str:
    """`page` (a document or a fragment) with the typography of each text node's language.

    `lang` is the language of text outside any element carrying `lang` (for fragments).
    """
    return _Typesetter(page, lang).run()
