"""Names worth a curator's look: company names missing from the registry, and company or
source names that differ only by case, accents or punctuation (warnings only)."""

from __future__ import annotations

import re
from collections import defaultdict

from text_unidecode import unidecode

from site_builder.archive.slugs import slugify
from site_builder.authoring.entries import PLACEHOLDER
from site_builder.content.characters import excerpt
from site_builder.content.registry import REGISTRY_FILE
from site_builder.content.textfile import NotUTF8, decode_text
from site_builder.problems import Problem
from site_builder.rules.subject import WARNING, SourceLines, Subject


def _name_key(name: str) -> str:
    """What stays of a name without case, accents and punctuation: `Hewlett-Packard` and
    `hewlett packard` give one key, and `&` reads as `and`."""
    return re.sub(r"[\W_]+", "", unidecode(name.replace("&", " and ")).casefold())


def check_company_names(subject: Subject) -> list[Problem]:
    """Warn about company names that differ from another only by case, accents or punctuation
    (likely one company spelled twice), and other names the registry does not know."""
    site, sources = subject.site, subject.sources
    registry = site.loaded.registry
    problems: list[Problem] = []
    first_use: dict[str, tuple[str, int | None]] = {}
    uses: dict[str, int] = defaultdict(int)
    for article in sorted(subject.judged, key=lambda a: a.path):
        for name in article.companies:
            uses[name] += 1
            first_use.setdefault(name, (article.path, sources.line_of(article.path, "companies")))

    # Every spelling in use or in the registry, grouped by what stays without case, accents and
    # punctuation; a group naming two different companies is likely one company spelled twice.
    groups: dict[str, dict[str, str]] = defaultdict(dict)  # key → spelling → canonical
    for spelling, canonical in sorted(registry.names().items()):
        groups[_name_key(spelling)][spelling] = canonical
    for name in sorted(first_use):
        if name != PLACEHOLDER:
            groups[_name_key(name)].setdefault(name, registry.canonical(name))
    used = {slugify(c) for names in site.archive.company_names.values() for c in names}
    flagged: set[str] = set()
    for spellings in groups.values():
        canonicals = sorted(set(spellings.values()))
        if len(canonicals) < 2:
            continue
        reference = next((c for c in canonicals if registry.facts(c)), canonicals[0])
        for spelling, canonical in sorted(spellings.items()):
            if canonical == reference:
                continue
            flagged.add(spelling)
            if slugify(canonical) == slugify(reference) and slugify(reference) in used:
                continue  # already an error: both would be written to one company page
            if spelling in first_use:
                path, line = first_use[spelling]
            else:
                path, line = REGISTRY_FILE, _registry_line(sources, canonical)
            problems.append(
                Problem(path, line, "companies", f"company {excerpt(spelling)} differs from "
                        f"{excerpt(reference)} only by case, accents or punctuation: probably the "
                        f"same company; use one spelling, or make one an alias of the other "
                        f"in {REGISTRY_FILE}", WARNING)
            )  # fmt: skip

    for name, (path, line) in sorted(first_use.items()):
        if registry.knows(name) or name == PLACEHOLDER or name in flagged:
            continue
        others = uses[name] - 1
        also = f" (and {others} other article{'s' * (others != 1)})" if others else ""
        problems.append(
            Problem(path, line, "companies", f"company {excerpt(name)}{also} is not in "
                    f"{REGISTRY_FILE}: add it, or use a name the registry knows", WARNING)
        )  # fmt: skip
    return problems


def _registry_line(sources: SourceLines, name: str) -> int | None:
    path = sources.root / REGISTRY_FILE
    try:
        lines = decode_text(path.read_bytes()).split("\n")
    except (OSError, NotUTF8):
        return None
    for number, line in enumerate(lines, 1):
        if line.startswith((f"{name}:", f'"{name}":', f"'{name}':")):
            return number
    return None


def check_source_names(subject: Subject) -> list[Problem]:
    """Warn about source names that differ only by case, accents or punctuation: they share a
    page when their slugs agree and split the source in two when they do not."""
    sources = subject.sources
    first_use: dict[str, tuple[str, int | None]] = {}
    for article in sorted(subject.judged, key=lambda a: a.path):
        name = article.source.name
        if name != PLACEHOLDER:
            first_use.setdefault(name, (article.path, sources.line_of(article.path, "source")))
    groups: dict[str, list[str]] = defaultdict(list)
    for name in sorted(first_use):
        groups[_name_key(name)].append(name)
    problems = []
    for names in groups.values():
        for name in names[1:]:
            path, line = first_use[name]
            problems.append(
                Problem(path, line, "source", f"source {excerpt(name)} differs from "
                        f"{excerpt(names[0])} only by case, accents or punctuation: use one "
                        "spelling", WARNING)
            )  # fmt: skip
    return problems
