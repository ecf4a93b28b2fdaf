"""Bounds on a Markdown body that keep its parsing linear, checked before it is parsed.

Python-Markdown reads some shapes of text in time that grows with the square of their length
(openers that are never closed: `[a](`, `![a](`, `[^`, `<a `, each of which makes it scan the
rest of the paragraph) and recurses once per level of nesting (lists, block quotes, HTML
elements, emphasis), which ends in a RecursionError a few hundred levels down. No article
needs either, so a body past these bounds is refused with the line to fix:

- lists, block quotes and HTML elements nested at most `MAX_NESTING` deep, emphasis too;
- at most `MAX_UNCLOSED` `[`, `(` or `<` left unclosed in one paragraph, and at most as many
  definitions (`: …` lines) in one paragraph of a definition list;
- at most `MAX_UNCLOSED` `<` after the body's last `>` (the raw HTML reader reads from each of
  them to the end of the body), and as many code fences that are never closed;
- at most `MAX_LINKS` links, images and footnote references (`[`) in one paragraph, and at
  most `MAX_MARKS` marks of inline markup (`<`, `&`, `\\`, backticks, `*`, `_`): Markdown
  reads the whole paragraph again after each one it replaces;
- at most `MAX_NOTES` footnotes (`[^1]: …`), abbreviations (`*[HPE]: …`) and fenced code
  blocks.

The scan reads each line once. Fenced code is not read (Markdown does not parse it either), nor
code spans; a backslash escape is not an opener. A fence counts as one only when it is closed,
as Markdown reads it: at the start of a line, and closed by the same run of backticks or tildes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_NESTING = 30
MAX_UNCLOSED = 30
MAX_NOTES = 200
MAX_LINKS = 50
MAX_MARKS = 1000

# A code fence as Python-Markdown's fenced code reads one: its opening line, its closing line.
_FENCE = re.compile(
    r"(`{3,}|~{3,})[ ]*(?:\{[^\n]*\}|\.?[\w#.+-]*[ ]*(?:hl_lines=([\"']).*?\2[ ]*)?)$"
)
_FENCE_END = re.compile(r"(`{3,}|~{3,})[ ]*$")
_RULE = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
# One container marker at the start of a line, after its indentation.
_CONTAINER = re.compile(r"[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))")
# A line that starts with enough blanks and markers to be nested past the bound.
# (The other lines are found after a line break: a search led by a literal runs many times
# quicker than one led by `^`.)
_DEEP_PREFIX = re.compile(rf"[ \t>*+\-0-9.)]{{{MAX_NESTING + 1},}}")
_DEEP_LINE = re.compile(rf"\n{_DEEP_PREFIX.pattern}")
_TOKEN = re.compile(r"\\.|[\[\]()<>]|\*+|_+")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])([^<>]*)>")
_BACKTICKS = re.compile(r"`+")
_NOTE = re.compile(r" {0,3}(\[\^|\*\[)[^\]]*\]:")
_DEFINITION = re.compile(r" {0,3}:[ \t]")
# Elements that are never open after their tag, or whose end tag may be left out.
_NOT_NESTING = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot",
    "option", "optgroup", "colgroup", "caption", "rt", "rp",
})  # fmt: skip
_MARKS = "<&\\`*_"
_CLOSER = {"]": "[", ")": "(", ">": "<"}


@dataclass(frozen=True)
class BodyLimit:
    """A place where a body passes a bound: its line (1-based, in the body) and what to do."""

    line: int
    message: str


def body_limits(body: str) -> tuple[BodyLimit, ...]:
    """The places where `body` passes a bound, at most one for each kind, in line order."""
    if not _may_pass(body):
        return ()
    return _Scan(body).run()


def _may_pass(body: str) -> bool:
    """Whether `body` could pass a bound: the counts of each character bound everything."""
    return (
        any(body.count(c) > MAX_UNCLOSED for c in "[(<")
        or body.count("*") + body.count("_") > MAX_NESTING
        or sum(body.count(c) for c in _MARKS) > MAX_MARKS
        or body.count("[^") > MAX_NOTES
        or body.count("*[") > MAX_NOTES
        or body.count("```") + body.count("~~~") > MAX_UNCLOSED
        or body.count("\n:") + body.count("\n ") >= MAX_UNCLOSED
        or _DEEP_PREFIX.match(body) is not None
        or _DEEP_LINE.search(body) is not None
    )


def _without_code_spans(line: str) -> str:
    """`line` with each code span blanked out (a run of backticks up to the next run of the
    same length), in one pass."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(line)]
    if len(runs) < 2:
        return line
    following: list[int | None] = [None] * len(runs)  # the next run of the same length
    last: dict[int, int] = {}
    for index in range(len(runs) - 1, -1, -1):
        length = runs[index][1] - runs[index][0]
        following[index] = last.get(length)
        last[length] = index
    parts, kept, index = [], 0, 0
    while index < len(runs):
        closing = following[index]
        if closing is None:
            index += 1
            continue
        start, end = runs[index][0], runs[closing][1]
        parts += [line[kept:start], " " * (end - start)]
        kept, index = end, closing + 1
    return "".join(parts) + line[kept:]


def _blank_tag(tag: re.Match) -> str:
    return " " * len(tag.group())


class _Scan:
    def __init__(self, body: str) -> None:
        self.lines = body.split("\n")
        self.has_fences = "```" in body or "~~~" in body
        self.found: dict[str, BodyLimit] = {}
        self.html_depth = 0
        self.notes = {"[^": 0, "*[": 0}
        self.open_tags: list[int] = []  # the lines of the `<` after the last `>`
        self.fences = {"closed": 0, "unclosed": 0}
        self._new_paragraph()

    def _new_paragraph(self) -> None:
        self.unclosed: dict[str, list[int]] = {"[": [], "(": [], "<": []}
        self.emphasis = 0
        self.definitions = 0
        self.links = 0
        self.marks = 0

    def _report(self, kind: str, line: int, message: str) -> None:
        self.found.setdefault(kind, BodyLimit(line, message))

    def _closing_fences(self) -> list[int | None]:
        """For each line, the index of the next line that closes a fence opened on it."""
        following: list[int | None] = [None] * len(self.lines)
        last: dict[str, int] = {}
        for index in range(len(self.lines) - 1, -1, -1):
            line = self.lines[index]
            if line[:1] in "`~":
                if opened := _FENCE.match(line):
                    following[index] = last.get(opened.group(1))
                if closing := _FENCE_END.match(line):
                    last[closing.group(1)] = index
        return following

    def run(self) -> tuple[BodyLimit, ...]:
        closing = self._closing_fences() if self.has_fences else [None] * len(self.lines)
        index = 0
        while index < len(self.lines):
            line, number = self.lines[index], index + 1
            if closing[index] is not None:
                self._end_paragraph()
                self._fence("closed", number, f"more than {MAX_NOTES} fenced code blocks in one "
                            "article: split it", MAX_NOTES)  # fmt: skip
                index = closing[index] + 1
                continue
            if not line.strip():
                self._end_paragraph()
            else:
                if _FENCE.match(line):
                    self._fence("unclosed", number, f"more than {MAX_UNCLOSED} code fences "
                                "that are never closed: close them", MAX_UNCLOSED)  # fmt: skip
                self._line(number, line)
            index += 1
        self._end_paragraph()
        if len(self.open_tags) > MAX_UNCLOSED:
            count, first = len(self.open_tags), self.open_tags[0]
            self._report("unclosed <", first, f"{count} '<' without a '>' after them (at most "
                         f"{MAX_UNCLOSED}): close them or escape them as \\<")  # fmt: skip
        return tuple(sorted(self.found.values(), key=lambda limit: limit.line))

    def _fence(self, kind: str, number: int, message: str, bound: int) -> None:
        self.fences[kind] += 1
        if self.fences[kind] > bound:
            self._report(f"{kind} fences", number, message)

    def _line(self, number: int, line: str) -> None:
        at, markers, blanks = 0, 0, 0
        while marker := _CONTAINER.match(line, at):
            text = marker.group()
            blanks += len(text) - len(text.lstrip(" \t")) + 3 * text.count("\t")
            markers += 1
            at = marker.end()
            if markers > MAX_NESTING:
                break  # past the bound: the rest of the prefix is read as text
        if ">" in line[:at]:
            self.open_tags.clear()  # the raw HTML reader reads a quote's `>` as any other
        if markers + blanks // 4 > MAX_NESTING and not _RULE.match(line):
            self._report("nesting", number, f"lists or block quotes nested more than "
                         f"{MAX_NESTING} deep: flatten them")  # fmt: skip
        if note := _NOTE.match(line):
            kind = note.group(1)
            self.notes[kind] += 1
            if self.notes[kind] > MAX_NOTES:
                what = "footnotes" if kind == "[^" else "abbreviations"
                self._report(kind, number, f"more than {MAX_NOTES} {what} in one article: "
                             "split it")  # fmt: skip
        elif _DEFINITION.match(line):
            self.definitions += 1
            if self.definitions > MAX_UNCLOSED:
                self._report("definitions", number, f"more than {MAX_UNCLOSED} definitions "
                             "in one paragraph: separate them by blank lines")  # fmt: skip
        rest = _without_code_spans(line[at:])
        for tag in _TAG.finditer(rest):
            closing, name, attributes = tag.groups()
            if name.lower() in _NOT_NESTING or attributes.endswith("/"):
                continue
            if closing:
                self.html_depth = max(0, self.html_depth - 1)
            else:
                self.html_depth += 1
                if self.html_depth > MAX_NESTING:
                    self._report("html", number, f"HTML elements nested more than "
                                 f"{MAX_NESTING} deep: close the ones left open")  # fmt: skip
        self.marks += sum(line.count(c) for c in _MARKS)
        if self.marks > MAX_MARKS:
            self._report("marks", number, f"more than {MAX_MARKS} marks of inline markup (<, &, "
                         "\\, `, *, _) in one paragraph: split it")  # fmt: skip
        if "<" in rest:
            rest = _TAG.sub(_blank_tag, rest)  # the tags' own `<`, `>` and `_blank`s are read
        for token in _TOKEN.finditer(rest):
            char = token.group()[0]
            if char in self.unclosed:
                self.unclosed[char].append(number)
                if char == "[":
                    self._link(number)
                if char == "<":
                    self.open_tags.append(number)
            elif char == ">":
                self.open_tags.clear()
                if self.unclosed["<"]:
                    self.unclosed["<"].pop()
            elif char in _CLOSER:
                if self.unclosed[_CLOSER[char]]:
                    self.unclosed[_CLOSER[char]].pop()
            elif char in "*_":
                self._emphasis(number, rest, token.start(), token.end())

    def _link(self, number: int) -> None:
        self.links += 1
        if self.links > MAX_LINKS:
            self._report("links", number, f"more than {MAX_LINKS} links, images or notes in one "
                         "paragraph: split it")  # fmt: skip

    def _emphasis(self, number: int, text: str, start: int, end: int) -> None:
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not after.isspace() and (before.isspace() or not before.isalnum()):
            self.emphasis += 1
            if self.emphasis > MAX_NESTING:
                self._report("emphasis", number, f"emphasis (* or _) nested more than "
                             f"{MAX_NESTING} deep: close it or escape it as \\*")  # fmt: skip
        elif not before.isspace() and self.emphasis:
            self.emphasis -= 1

    def _end_paragraph(self) -> None:
        for char, lines in self.unclosed.items():
            if len(lines) > MAX_UNCLOSED:
                closer = next(c for c, o in _CLOSER.items() if o == char)
                self._report(f"unclosed {char}", lines[0], f"{len(lines)} '{char}' without "
                             f"their '{closer}' in one paragraph (at most {MAX_UNCLOSED}): close "
                             f"them or escape them as \\{char}")  # fmt: skip
        self._new_paragraph()
