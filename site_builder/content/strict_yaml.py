"""YAML as site-builder reads it: safe, with YAML 1.2 booleans (only `true`/`false`), dates
left as text, and refused at its line: a key given twice in one mapping, an alias or anchor
(`&a`, `*a`), nesting deeper than `MAX_DEPTH`, a number of more than `MAX_DIGITS` digits and a
character XML forbids. Each node is checked once, before any Python object is built, so the
cost stays linear in the text whatever it holds.
"""

from __future__ import annotations

import re

import yaml
from yaml import YAMLError
from yaml.composer import Composer
from yaml.events import AliasEvent, MappingEndEvent
from yaml.nodes import MappingNode, Node, ScalarNode

from site_builder.content.characters import FORBIDDEN, cut, forbidden_message

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


MAX_DEPTH = 20
MAX_DIGITS = 100
_NUMBERS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}


class YamlRefused(YAMLError):
    """YAML that parses but that is not accepted, at `line` (0-based in the YAML text)."""

    def __init__(self, message: str, line: int, field: str | None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.field = field


class StrictLoader(_Base):  # type: ignore[misc, valid-type]
    """Safe YAML with YAML 1.2 booleans: `no`, `yes`, `on`, `off` are strings.

    Events come from libyaml when it is there; the nodes are composed here, so that each one
    is checked once, as it is made. `where` names the kind of file in messages, and
    `first_line` is the file's line of the YAML text's first line."""

    where = "front matter"
    first_line = 1

    def __init__(self, stream):
        super().__init__(stream)
        Composer.__init__(self)
        self._keys: list[str] = []
        self._depth = 0

    get_single_node = Composer.get_single_node
    compose_document = Composer.compose_document
    # Anchors never get this far (`compose_node` refuses them): composer's own, as it is.
    compose_sequence_node = Composer.compose_sequence_node

    def _refuse(self, message: str, mark) -> YamlRefused:
        return YamlRefused(message, mark.line, cut(".".join(self._keys)) or None)

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, AliasEvent) or event.anchor is not None:
            raise self._refuse(
                f"YAML aliases are not accepted in {self.where} (&{event.anchor}, "
                f"*{event.anchor}): write the value out in full",
                event.start_mark,
            )
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise self._refuse(
                f"lists and mappings nested more than {MAX_DEPTH} levels deep are not "
                "accepted: flatten the value",
                event.start_mark,
            )
        node = Composer.compose_node(self, parent, index)
        self._depth -= 1
        return node

    def compose_scalar_node(self, anchor):
        node = Composer.compose_scalar_node(self, anchor)
        bad = FORBIDDEN.search(node.value)
        if bad is not None:  # written as an escape (`"\\a"`): the raw text is clean
            raise self._refuse(forbidden_message(bad[0]), node.start_mark)
        if node.tag in _NUMBERS and len(node.value) > MAX_DIGITS:  # Python refuses to read it
            raise self._refuse(
                f"a number of more than {MAX_DIGITS} digits is not accepted: put it in quotes "
                "if it is a text",
                node.start_mark,
            )
        return node

    def compose_mapping_node(self, anchor):
        start = self.get_event()
        tag = start.tag
        if tag is None or tag == "!":
            tag = self.resolve(MappingNode, None, start.implicit)
        node = MappingNode(tag, [], start.start_mark, None, flow_style=start.flow_style)
        seen: dict[tuple[str, str], int] = {}
        while not self.check_event(MappingEndEvent):
            key = self.compose_node(node, None)
            name = str(key.value) if isinstance(key, ScalarNode) else "?"
            self._keys.append(name)
            if isinstance(key, ScalarNode):
                known = len(seen)
                first = seen.setdefault((key.tag, key.value), key.start_mark.line)
                if len(seen) == known:
                    raise self._refuse(
                        f"given twice in one mapping (first at line "
                        f"{first + self.first_line}): keep one",
                        key.start_mark,
                    )
            value = self.compose_node(node, key)
            self._keys.pop()
            node.value.append((key, value))
        node.end_mark = self.get_event().end_mark
        return node


# Dates stay text: our own parser reads them with their precision and reports a bad one with
# its file and line (YAML's timestamp reader raises a bare ValueError on `2020-13-45`).
_LEFT_TO_US = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"}
StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _LEFT_TO_US]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


class _QuickLoader(_Base):  # type: ignore[misc, valid-type]
    """libyaml's own composer, for text where no anchor or alias can start: its nodes form a
    tree that `_accepted` walks once. The strict loader takes the rest, and says where."""


# Where an anchor or an alias could start: `&` or `*` at the start of a node. `Block & Files`
# has none; a quoted `" &x"` is taken for one, and read by the strict loader.
_MAYBE_ANCHOR = re.compile(r"(?:^|[\s\[{,])[&*][^\s]", re.MULTILINE)


_QuickLoader.yaml_implicit_resolvers = StrictLoader.yaml_implicit_resolvers


def compose(text: str, where: str, first_line: int) -> tuple[Node | None, yaml.BaseLoader]:
    """The root node of `text` and the loader to construct it with. Raises YamlRefused (or a
    YAMLError) at the line of the first thing refused."""
    if _MAYBE_ANCHOR.search(text) is None:
        quick = _QuickLoader(text)
        try:
            node = quick.get_single_node()
            if node is None or _accepted(node):
                return node, quick
        except YAMLError:
            pass  # the strict loader says where, as it does for everything it refuses
        quick.dispose()
    strict = StrictLoader(text)
    strict.where, strict.first_line = where, first_line
    try:
        return strict.get_single_node(), strict
    except BaseException:
        strict.dispose()
        raise


def _accepted(root: Node) -> bool:
    """Whether the StrictLoader would accept the tree under `root`."""
    stack = [(root, 1)]
    seen: set[int] = set()
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:  # a node met twice is an alias
            return False
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            if FORBIDDEN.search(node.value) or (
                node.tag in _NUMBERS and len(node.value) > MAX_DIGITS
            ):
                return False
            continue
        if depth > MAX_DEPTH:
            return False
        if isinstance(node, MappingNode):
            keys = {(k.tag, k.value) for k, _ in node.value if isinstance(k, ScalarNode)}
            if len(keys) < sum(isinstance(k, ScalarNode) for k, _ in node.value):
                return False
            for key, value in node.value:
                stack += ((key, depth + 1), (value, depth + 1))
        else:
            stack += ((item, depth + 1) for item in node.value)
    return True
