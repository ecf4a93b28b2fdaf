"""The company registry (`content/companies.yaml`): canonical names, aliases and facts.

`HPE` and `Hewlett Packard Enterprise` meet on one page because the registry says so; a name
that is not in the registry still gets its own page, under its own spelling.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from site_builder.config import is_http_url
from site_builder.content.characters import cut, excerpt
from site_builder.problems import Problem

REGISTRY_FILE = "content/companies.yaml"
_KNOWN_KEYS = ("aliases", "website", "description")


@dataclass(frozen=True)
class CompanyFacts:
    """What the registry knows of one company."""

    name: str
    aliases: tuple[str, ...] = ()
    website: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class CompanyRegistry:
    companies: dict[str, CompanyFacts] = field(default_factory=dict)
    _by_alias: dict[str, str] = field(default_factory=dict)

    def canonical(self, name: str) -> str:
        """The canonical name for `name` (itself when the registry does not know it)."""
        return self._by_alias.get(name, name)

    def knows(self, name: str) -> bool:
        return name in self._by_alias

    def facts(self, canonical: str) -> CompanyFacts | None:
        return self.companies.get(canonical)

    def names(self) -> dict[str, str]:
        """Every spelling the registry knows (canonical names and aliases) → canonical name."""
        return dict(self._by_alias)


def parse_registry(data: object, lines: dict[str, int]) -> tuple[CompanyRegistry, list[Problem]]:
    """Validate the registry mapping; `lines` gives the line of each top-level name."""
    problems: list[Problem] = []

    def problem(line: int | None, fld: str | None, message: str) -> None:
        problems.append(Problem(REGISTRY_FILE, line, fld, message))

    if data is None:
        return CompanyRegistry(), []
    if not isinstance(data, dict):
        problem(1, None, "expected a mapping from company names to their facts")
        return CompanyRegistry(), problems
    companies: dict[str, CompanyFacts] = {}
    by_alias: dict[str, str] = {}
    for raw_name, facts in data.items():
        line = lines.get(str(raw_name))
        name = str(raw_name).strip()
        if not name:
            problem(line, None, "a company name is empty")
            continue
        facts = facts or {}
        if not isinstance(facts, dict):
            problem(line, cut(name), "expected aliases, website and description under the name")
            continue
        for key in facts:
            if key not in _KNOWN_KEYS:
                known = ", ".join(_KNOWN_KEYS)
                problem(line, cut(f"{name}.{key}"), f"unknown field; known: {known}")
        aliases = facts.get("aliases") or []
        if isinstance(aliases, str):
            aliases = [aliases]
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            problem(line, f"{name}.aliases", "expected a list of names")
            aliases = []
        website = facts.get("website")
        if website is not None and not is_http_url(website):
            problem(line, f"{name}.website", f"{excerpt(website)} is not an absolute http(s) URL")
            website = None
        description = facts.get("description")
        if description is not None and not isinstance(description, str):
            problem(line, f"{name}.description", "expected a text")
            description = None
        for spelling in (name, *[a.strip() for a in aliases]):
            owner = by_alias.get(spelling)
            if owner is not None and owner != name:
                problem(line, cut(name), f"{excerpt(spelling)} already names {excerpt(owner)}")
                continue
            by_alias[spelling] = name
        companies[name] = CompanyFacts(
            name, tuple(a.strip() for a in aliases), website, description and description.strip()
        )
    return CompanyRegistry(companies, by_alias), problems
