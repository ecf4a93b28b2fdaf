"""Front matter keeps each field's line and YAML's traps are defused; the registry makes
aliases meet on one canonical name."""

import pytest

from site_builder.content.frontmatter import FrontMatterError, split_front_matter
from site_builder.content.registry import parse_registry


def test_each_field_keeps_its_line_and_the_body_its_start():
    fm = split_front_matter("---\ntitle: T\n\ndate: 2020\n---\nCorps\n")
    assert fm.lines == {"title": 2, "date": 4}
    assert fm.body == "Corps\n"
    assert fm.body_line == 6


@pytest.mark.parametrize(
    ("yaml_text", "key", "value"),
    [
        ("lang: no", "lang", "no"),  # Norwegian, not false
        ("lang: on", "lang", "on"),
        ("draft: true", "draft", True),
        ("date: 2020", "date", 2020),  # a year; the loader reads it as one
        ("date: 2020-10-05", "date", "2020-10-05"),  # left to our date parser
        ("date: 2020-10-05T10:00:00+02:00", "date", "2020-10-05T10:00:00+02:00"),
    ],
)
def test_yaml_traps_are_defused(yaml_text, key, value):
    assert split_front_matter(f"---\n{yaml_text}\n---\n").data[key] == value


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("title: T\n", 1, "must start with a '---' line"),
        ("---\ntitle: T\n", 1, "not closed"),
        ("---\ntitle: [T\n---\n", 2, "broken YAML: the list opened with '\\[' is not closed"),
        ("---\n- a\n---\n", 2, "must be a mapping"),
        ("--- \ntitle: T\n---\n", None, None),  # trailing spaces on a fence are fine
    ],
)
def test_broken_front_matter_says_where(text, line, message):
    if message is None:
        assert split_front_matter(text).data == {"title": "T"}
        return
    with pytest.raises(FrontMatterError, match=message) as caught:
        split_front_matter(text)
    assert caught.value.line == line


def test_aliases_resolve_to_the_canonical_name():
    data = {
        "Hewlett Packard Enterprise": {
            "aliases": ["HPE", "Hewlett-Packard Enterprise"],
            "website": "https://www.hpe.com",
        },
        "Dell Technologies": {"aliases": "Dell"},
    }
    registry, problems = parse_registry(data, {})
    assert problems == []
    assert registry.canonical("HPE") == "Hewlett Packard Enterprise"
    assert registry.canonical("Hewlett-Packard Enterprise") == "Hewlett Packard Enterprise"
    assert registry.canonical("Dell") == "Dell Technologies"
    assert registry.canonical("Inconnue SA") == "Inconnue SA"  # unknown names keep their page
    assert registry.facts("Hewlett Packard Enterprise").website == "https://www.hpe.com"
    assert registry.knows("HPE") and not registry.knows("Inconnue SA")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"A": {"aliases": ["X"]}, "B": {"aliases": ["X"]}}, "B", "'X' already names 'A'"),
        ({"A": {"website": "www.a.com"}}, "A.website", "not an absolute http(s) URL"),
        ({"A": {"aliases": {"x": 1}}}, "A.aliases", "expected a list of names"),
        ({"A": {"description": 3}}, "A.description", "expected a text"),
        ({"A": {"site": "x"}}, "A.site", "unknown field"),
        ({"A": ["x"]}, "A", "expected aliases, website and description"),
    ],
)
def test_registry_mistakes_are_reported_with_the_company(data, field, message):
    _, problems = parse_registry(data, {"A": 1, "B": 3})
    assert [p.field for p in problems] == [field]
    assert message in problems[0].message
    assert problems[0].file == "content/companies.yaml"
