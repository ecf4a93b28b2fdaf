"""The user documentation stays true to the code and to itself.

- Every setting `site.yaml` accepts (a field of `SiteConfig`) has its row in docs/SETTINGS.md,
  and the table documents no setting the code does not have.
- Every relative link and image in README.md, bench/README.md and docs/*.md leads to a file of
  the repository, and every `#anchor` to a heading of the file it names (GitHub's slugs).
- Nothing links outside the repository: no path that climbs out of it (`../shared/…`), no
  `http(s)://` or `www.` address outside code, which GitHub would turn into a link.
- The README opens with its two set-up commands, lists every command the program has, and the
  templates guide names every default template.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
from pathlib import Path

import pytest

from site_builder.commands import COMMANDS
from site_builder.config import SiteConfig

REPO = Path(__file__).resolve().parents[1]
SETTINGS = REPO / "docs" / "SETTINGS.md"


def user_docs() -> list[Path]:
    return [REPO / "README.md", REPO / "bench" / "README.md", *sorted((REPO / "docs").glob("*.md"))]


_FENCE = re.compile(r"^(```|~~~)")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
_ADDRESS = re.compile(r"(?i)\b(?:https?://|www\.)\S+")


def prose_lines(text: str, spans: bool = False) -> list[tuple[int, str]]:
    """(line number, line) outside fenced code blocks, with code spans blanked out unless
    `spans`."""
    out, fenced = [], None
    for number, line in enumerate(text.split("\n"), 1):
        fence = _FENCE.match(line.lstrip())
        if fence:
            if fenced is None:
                fenced = fence.group(1)
            elif fence.group(1) == fenced:
                fenced = None
            continue
        if fenced is None:
            if not spans:
                line = _CODE_SPAN.sub(lambda m: " " * len(m.group()), line)
            out.append((number, line))
    return out


def links(text: str) -> list[tuple[int, str]]:
    """(line, target) of every inline link, image and reference definition in prose."""
    found = []
    for number, line in prose_lines(text):
        found += [(number, m.group(1)) for m in _LINK.finditer(line)]
        found += [(number, m.group(1)) for m in _REFERENCE.finditer(line)]
    return found


def github_slug(heading: str) -> str:
    """The id GitHub gives a heading: its text lowercased, punctuation dropped, spaces as -."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link: its text
    text = text.replace("`", "").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every heading id of a Markdown file, numbered like GitHub's when a heading repeats."""
    seen: dict[str, int] = {}
    ids = set()
    for _, line in prose_lines(path.read_text("utf-8"), spans=True):
        m = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not m:
            continue
        slug = github_slug(m.group(1))
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        ids.add(slug if n == 0 else f"{slug}-{n}")
    return ids


def link_problems(doc: Path, repo: Path) -> list[str]:
    """What is wrong with the links of `doc`: each as `file:line: target: why`."""
    problems = []
    text = doc.read_text("utf-8")
    shown = doc.relative_to(repo).as_posix()
    for number, target in links(text):
        where = f"{shown}:{number}: {target}"
        if re.match(r"(?i)^[a-z][a-z0-9+.-]*:", target):
            problems.append(f"{where}: links outside the repository")
            continue
        path_part, _, fragment = target.partition("#")
        file = (doc.parent / path_part).resolve() if path_part else doc
        if not file.is_relative_to(repo.resolve()):
            problems.append(f"{where}: leads outside the repository")
        elif not file.exists():
            problems.append(f"{where}: no such file in the repository")
        elif fragment and file.suffix == ".md" and fragment not in anchors(file):
            problems.append(f"{where}: {file.name} has no heading #{fragment}")
    for number, line in prose_lines(text):
        problems += [f"{shown}:{number}: {m.group()}: an address outside the repository"
                     for m in _ADDRESS.finditer(line)]  # fmt: skip
    return problems


def documented_settings() -> set[str]:
    return set(re.findall(r"^\| `([a-z_]+)` \|", SETTINGS.read_text("utf-8"), re.M))


def test_every_setting_the_code_accepts_is_documented():
    accepted = {f.name for f in dataclasses.fields(SiteConfig)}
    assert accepted - documented_settings() == set(), "settings missing from docs/SETTINGS.md"


def test_the_settings_reference_documents_no_setting_the_code_lacks():
    accepted = {f.name for f in dataclasses.fields(SiteConfig)}
    assert documented_settings() - accepted == set(), "docs/SETTINGS.md names unknown settings"


@pytest.mark.parametrize("doc", user_docs(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_links_resolve_inside_the_repository(doc: Path):
    assert link_problems(doc, REPO) == []


def test_the_readme_shows_the_screenshot_and_links_every_user_doc():
    targets = {target for _, target in links((REPO / "README.md").read_text("utf-8"))}
    assert "docs/screenshot.png" in targets
    for name in ("CONTENT", "SETTINGS", "TEMPLATES", "SEARCH", "PUBLISHING"):
        assert f"docs/{name}.md" in targets


def test_the_readme_opens_with_the_two_set_up_commands():
    text = (REPO / "README.md").read_text("utf-8")
    blocks = re.findall(r"^```sh\n(.*?)\n```$", text, re.M | re.S)
    assert blocks[:2] == ["bash scripts/install.sh && site-builder build", "bash scripts/test.sh"]
    assert text.startswith("```sh\nbash scripts/install.sh && site-builder build\n```\n")


def test_the_readme_lists_every_command():
    commands = argparse.ArgumentParser().add_subparsers()
    for command in COMMANDS:
        command.register(commands)
    table = set(
        re.findall(r"^\| `site-builder ([a-z]+)", (REPO / "README.md").read_text("utf-8"), re.M)
    )
    assert set(commands.choices) - table == set(), "commands missing from the README's table"


def test_the_templates_guide_names_every_default_template():
    import site_builder

    defaults = Path(site_builder.__file__).parent / "templates"
    names = {p.name for p in defaults.glob("*.html")}
    names |= {p.name for p in (defaults / "static").iterdir() if p.is_file()}
    guide = (REPO / "docs" / "TEMPLATES.md").read_text("utf-8")
    assert {n for n in names if f"`{n}`" not in guide} == set()


def test_the_link_check_finds_what_it_is_meant_to(tmp_path: Path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "A.md").write_text("# A title\n\n## Les chiffres `2020`\n", "utf-8")
    doc = tmp_path / "README.md"
    doc.write_text(
        "# Read me\n\n"
        "[fine](docs/A.md#les-chiffres-2020) [self](#read-me)\n"
        "[gone](docs/B.md) [anchor](docs/A.md#nowhere)\n"
        "[out](../shared/CONTENT.md) [web](https://example.org/)\n"
        "see www.example.org, but `https://in-code.example/` is code\n"
        "```\n[in a block](nowhere.md)\n```\n",
        "utf-8",
    )
    assert link_problems(doc, tmp_path) == [
        "README.md:4: docs/B.md: no such file in the repository",
        "README.md:4: docs/A.md#nowhere: A.md has no heading #nowhere",
        "README.md:5: ../shared/CONTENT.md: leads outside the repository",
        "README.md:5: https://example.org/: links outside the repository",
        "README.md:5: https://example.org/): an address outside the repository",
        "README.md:6: www.example.org,: an address outside the repository",
    ]
