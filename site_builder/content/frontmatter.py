"""Split a Markdown file into YAML front matter and body, keeping the line of every field.

YAML is read by `strict_yaml`: YAML 1.2 booleans (only `true`/`false`), so `lang: no` stays
Norwegian, and no duplicate keys, aliases, deep nesting or characters XML forbids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml
from yaml import YAMLError

from site_builder.content.characters import cut, first_forbidden
from site_builder.content.strict_yaml import StrictLoader, YamlRefused, compose

__all__ = [
    "FrontMatter",
    "FrontMatterError",
    "YAMLError",
    "YamlDocument",
    "parse_yaml",
    "read_yaml",
    "split_front_matter",
]


def parse_yaml(text: str) -> object:
    return yaml.load(text, Loader=StrictLoader)


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file (or front matter) and the line of each top-level key."""

    data: object
    lines: dict[str, int]


@dataclass(frozen=True)
class FrontMatter:
    """Parsed front matter, the line (1-based, in the file) of each top-level key, and the body."""

    data: dict
    lines: dict[str, int]
    body: str
    body_line: int


class FrontMatterError(ValueError):
    def __init__(self, message: str, line: int | None = None, field: str | None = None):
        super().__init__(message)
        self.line = line
        self.field = field


def read_yaml(text: str, first_line: int = 1, where: str = "front matter") -> YamlDocument:
    """Parse YAML `text` whose first line is line `first_line` of its file (`where` names the
    file's kind). Raises FrontMatterError with the line (and field, when known) of the
    author's mistake and, for the usual traps, a hint."""
    found = first_forbidden(text)
    if found is not None:
        line, message = found
        field = _key_above(text, line)
        raise FrontMatterError(_placed(message, field, where), line + first_line - 1, field)
    loader = None
    try:
        node, loader = compose(text, where, first_line)
        data = loader.construct_document(node) if node is not None else None
    except YamlRefused as exc:
        message = _placed(exc.message, exc.field, where)
        raise FrontMatterError(message, exc.line + first_line, exc.field) from None
    except YAMLError as exc:
        line, message = explain_yaml_error(exc, text)
        raise FrontMatterError(f"broken YAML: {message}", line + first_line - 1) from None
    except (ValueError, TypeError, OverflowError) as exc:
        # A value YAML recognised but could not build (a huge float, an odd number form).
        raise FrontMatterError(f"broken YAML: {cut(str(exc))}", first_line) from None
    finally:
        if loader is not None:
            loader.dispose()
    key_lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            key_lines.setdefault(str(key_node.value), key_node.start_mark.line + first_line)
    return YamlDocument(data, key_lines)


def _placed(message: str, field: str | None, where: str) -> str:
    """`message` with the kind of file it is about when no field says where."""
    return message if field is not None or where in message else f"in the {where}: {message}"


def _key_above(text: str, line: int) -> str | None:
    """The top-level key whose value holds line `line` (1-based) of `text`, if any."""
    for here in reversed(text.split("\n", line)[:line]):
        key = _TOP_KEY.match(here)
        if key:
            return cut(key[1].strip("'\""))
    return None


_TOP_KEY = re.compile(r"^([^\s#'\"{\[\-][^:#]*?|'[^']*'|\"[^\"]*\"):(?:\s|$)")


def split_front_matter(text: str) -> FrontMatter:
    """Parse `---` fenced YAML at the top of `text` (LF line ends: see `textfile`). Raises
    FrontMatterError with a line."""
    if not text.startswith("---"):
        raise FrontMatterError("the file must start with a '---' line opening the front matter", 1)
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise FrontMatterError("the first line must be exactly '---'", 1)
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in {"---", "..."}), None)
    if end is None:
        raise FrontMatterError("the front matter is not closed by a '---' line", 1)
    document = read_yaml("\n".join(lines[1:end]), first_line=2)
    data = {} if document.data is None else document.data
    if not isinstance(data, dict):
        raise FrontMatterError("the front matter must be a mapping of fields (key: value)", 2)
    body = "\n".join(lines[end + 1 :])
    return FrontMatter(data, document.lines, body, end + 2)


# A line holding a `key:` before the place YAML stopped at: a second ` : ` is in its value.
_KEY_BEFORE = re.compile(r"^\s*(?:-\s+)?([^\s#'\"{\[][^:#]*?|'[^']*'|\"[^\"]*\"):(?:\s|$)")
_OPENERS = {"sequence": ("[", "]", "list"), "mapping": ("{", "}", "mapping")}


def explain_yaml_error(exc: YAMLError, text: str) -> tuple[int, str]:
    """The line (1-based, in `text`) where the author made the mistake YAML reports, and what
    to do about it. YAML notices an unclosed bracket or quote only where the next field
    starts; the line where it was opened is the one to fix."""
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    context = getattr(exc, "context", None) or ""
    problem = getattr(exc, "problem", None) or str(exc)
    lines = text.split("\n")
    if problem_mark is None:
        return 1, problem
    # Past the end (an unclosed block), the last line written.
    line = problem_mark.line
    while line > 0 and (line >= len(lines) or not lines[line].strip()):
        line -= 1
    if problem_mark.line < len(lines) and "\t" in _leading(lines[problem_mark.line], problem_mark):
        return problem_mark.line + 1, (
            "a tab: YAML does not allow tabs for indentation; indent with spaces"
        )
    for kind, (opener, closer, what) in _OPENERS.items():
        if f"flow {kind}" in context and context_mark is not None:
            return context_mark.line + 1, (
                f"the {what} opened with '{opener}' is not closed: end it with '{closer}', "
                f"or put a text holding '{opener}' in quotes"
            )
    if "nesting depth" in problem:
        return problem_mark.line + 1, (
            "lists and mappings nested this deep are not accepted: flatten the value"
        )
    if "escape" in problem or "hexdecimal" in problem:  # a backslash in double quotes
        return problem_mark.line + 1, (
            f"a backslash in double quotes starts an escape, and this one is not valid "
            f"({problem}): write \\\\ for a backslash, or put the text in single quotes"
        )
    if "quoted scalar" in context and context_mark is not None:
        quote = _text_at(lines, context_mark)
        return context_mark.line + 1, (
            f"the text opened with {quote} is not closed: end it with {quote}"
            + (" (inside single quotes, write an apostrophe as '')" if quote == "'" else "")
        )
    if problem_mark.line < len(lines):
        hint = _hint(lines[problem_mark.line], problem_mark.column, problem)
        if hint is not None:
            return problem_mark.line + 1, hint
    return line + 1, problem


def _hint(here: str, column: int, problem: str) -> str | None:
    """What to do about a mistake YAML found at `column` of the line `here`."""
    key = _KEY_BEFORE.match(here[:column])
    name = cut(key[1].strip("'\""), 40) if key else ""
    if "mapping values are not allowed" in problem:
        if key:
            return (f"': ' inside the {name} starts a new field in YAML: put the {name} in "
                    f'quotes ({name}: "…")')  # fmt: skip
        if here[:1] == " ":
            return "this line is indented under the one above: start a field at the line's start"
        return None
    if not key:
        return None
    value = here[key.end() :].lstrip()
    if value[:1] == "'":
        return (f"the {name} starts with ' so it must end with ': write an apostrophe inside "
                f"it as '' ('L''avenir'), or put the {name} in double quotes")  # fmt: skip
    if value[:1] == '"':
        return f'the {name} starts with " so it must end with ": put the whole {name} in quotes'
    if "cannot start any token" in problem and column < len(here):
        return f"a value cannot start with {here[column]!r} in YAML: put the {name} in quotes"
    return None


def _leading(line: str, mark) -> str:
    """The indentation of `line`, and the character where YAML stopped."""
    return line[: len(line) - len(line.lstrip(" \t"))] + line[mark.column : mark.column + 1]


def _text_at(lines: list[str], mark) -> str:
    return lines[mark.line][mark.column : mark.column + 1] if mark.line < len(lines) else "'"
