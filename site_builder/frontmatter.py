"""Split a Markdown file into YAML front matter and body, keeping the line of every field.

YAML is read with YAML 1.2 booleans (only `true`/`false`), so `lang: no` stays Norwegian.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml
from yaml import YAMLError

__all__ = ["FrontMatter", "FrontMatterError", "YAMLError", "parse_yaml", "split_front_matter"]

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StrictLoader(_Base):  # type: ignore[misc, valid-type]
    """Safe YAML with YAML 1.2 booleans: `no`, `yes`, `on`, `off` are strings."""


# Dates stay text: our own parser reads them with their precision and reports a bad one with
# its file and line (YAML's timestamp reader raises a bare ValueError on `2020-13-45`).
_LEFT_TO_US = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"}
StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _LEFT_TO_US]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    __import__("re").compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def parse_yaml(text: str) -> object:
    return yaml.load(text, Loader=StrictLoader)


@dataclass(frozen=True)
class FrontMatter:
    """Parsed front matter, the line (1-based, in the file) of each top-level key, and the body."""

    data: dict
    lines: dict[str, int]
    body: str
    body_line: int


class FrontMatterError(ValueError):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


def split_front_matter(text: str) -> FrontMatter:
    """Parse `---` fenced YAML at the top of `text`. Raises FrontMatterError with a line."""
    if not text.startswith("---"):
        raise FrontMatterError("the file must start with a '---' line opening the front matter", 1)
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise FrontMatterError("the first line must be exactly '---'", 1)
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in {"---", "..."}), None)
    if end is None:
        raise FrontMatterError("the front matter is not closed by a '---' line", 1)
    yaml_text = "\n".join(lines[1:end])
    loader = StrictLoader(yaml_text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise FrontMatterError(f"broken YAML: {problem}", line) from None
    except (ValueError, TypeError, OverflowError) as exc:
        # A value YAML recognised but could not build (a huge float, an odd number form).
        raise FrontMatterError(f"broken YAML: {exc}", 1) from None
    finally:
        loader.dispose()
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FrontMatterError("the front matter must be a mapping of fields (key: value)", 2)
    key_lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            key_lines.setdefault(str(key_node.value), key_node.start_mark.line + 2)
    body = "\n".join(lines[end + 1 :])
    return FrontMatter(data, key_lines, body, end + 2)
