"""The content rules, defined once: `check` reports every rule, a build applies every rule that
can give an error (and the warnings an author should see at each build).

A rule judges the planned site (`Subject`) and returns located problems. Its severity follows
the article, never the command: what would break a published article is an error, the same in
a draft is a warning (the draft is not published), so a publishing build refuses exactly what
`check` calls an error, and `serve`, which builds with drafts, shows the drafts' problems as
warnings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from site_builder.problems import Problem
from site_builder.rules.articles import check_dates, check_empty_bodies, check_placeholders
from site_builder.rules.links import check_links
from site_builder.rules.names import check_company_names, check_source_names
from site_builder.rules.subject import ERROR, WARNING, SourceLines, Subject

__all__ = ["ERROR", "RULES", "WARNING", "Rule", "SourceLines", "Subject", "apply_rules"]


@dataclass(frozen=True)
class Rule:
    name: str
    judge: Callable[[Subject], list[Problem]]
    # A build applies every rule that can give an error; the others are a curator's concern
    # (they look at the whole archive's names and would repeat at every build).
    in_build: bool


RULES = (
    Rule("links between pages and to headings", check_links, in_build=True),
    Rule("dates in the future", check_dates, in_build=True),
    Rule("placeholders left by new and import", check_placeholders, in_build=True),
    Rule("empty bodies", check_empty_bodies, in_build=True),
    Rule("company names", check_company_names, in_build=False),
    Rule("source names", check_source_names, in_build=False),
)


def apply_rules(subject: Subject, build: bool) -> list[Problem]:
    """The problems of every rule (`build`: of those a build applies)."""
    problems: list[Problem] = []
    for rule in RULES:
        if rule.in_build or not build:
            problems += rule.judge(subject)
    return problems
