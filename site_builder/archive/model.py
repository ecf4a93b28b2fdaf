"""Model the archive: articles in time order, and the companies, sources, tags, years and months
that group them. Pure: no I/O, only values in and values out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property

from text_unidecode import unidecode

from site_builder.archive.slugs import slugify
from site_builder.config import SiteConfig
from site_builder.content.characters import excerpt
from site_builder.content.model import Article
from site_builder.content.registry import CompanyFacts, CompanyRegistry
from site_builder.problems import Problem

COMPANY, SOURCE, TAG = "company", "source", "tag"


@dataclass(frozen=True)
class Term:
    """A company, source or tag, with its articles newest first."""

    kind: str
    name: str
    slug: str
    articles: tuple[Article, ...]
    url: str | None = None  # a source's website
    facts: CompanyFacts | None = None


@dataclass(frozen=True)
class Period:
    """A year (`month is None`) or a month, with its articles newest first."""

    year: int
    month: int | None
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class Archive:
    articles: tuple[Article, ...]  # newest first
    companies: tuple[Term, ...]  # by name
    sources: tuple[Term, ...]
    tags: tuple[Term, ...]
    company_names: dict[str, tuple[str, ...]]  # article path → canonical company names
    company_slugs: dict[str, str]  # canonical name → slug
    source_slugs: dict[str, str]  # source name as written → slug
    tag_slugs: dict[str, str]  # tag as written → slug

    # Made when first asked for, by the page planning: the search worker, which needs none of
    # them, forks as soon as the rest is known.
    @cached_property
    def years(self) -> tuple[Period, ...]:  # newest first
        years: dict[int, list[Article]] = defaultdict(list)
        for article in self.articles:
            years[article.date.year].append(article)
        return tuple(Period(y, None, tuple(v)) for y, v in sorted(years.items(), reverse=True))

    @cached_property
    def months(self) -> tuple[Period, ...]:  # newest first
        months: dict[tuple[int, int], list[Article]] = defaultdict(list)
        for article in self.articles:
            if article.date.month is not None:
                months[(article.date.year, article.date.month)].append(article)
        return tuple(Period(y, m, tuple(v)) for (y, m), v in sorted(months.items(), reverse=True))

    @cached_property
    def older(self) -> dict[str, Article]:  # article path → the previous article in time
        ordered = self.articles
        return {a.path: ordered[i + 1] for i, a in enumerate(ordered[:-1])}

    @cached_property
    def newer(self) -> dict[str, Article]:  # article path → the next article in time
        ordered = self.articles
        return {a.path: ordered[i - 1] for i, a in enumerate(ordered) if i > 0}


def sort_name(name: str) -> tuple[str, str]:
    """Alphabetical order that ignores case and accents (É sorts with E)."""
    return (unidecode(name).casefold(), name)


def build_archive(
    articles: tuple[Article, ...], registry: CompanyRegistry, config: SiteConfig
) -> tuple[Archive, list[Problem]]:
    """Group the articles; report names that would share one page's address."""
    tz = config.tz
    ordered = tuple(sorted(articles, key=lambda a: (-a.date.sort_key(tz), a.path)))
    problems: list[Problem] = []

    company_names = {
        a.path: tuple(dict.fromkeys(registry.canonical(n) for n in a.companies)) for a in ordered
    }
    by_company: dict[str, list[Article]] = defaultdict(list)
    by_source: dict[str, list[Article]] = defaultdict(list)
    by_tag: dict[str, list[Article]] = defaultdict(list)
    for article in ordered:
        for name in company_names[article.path]:
            by_company[name].append(article)
        by_source[article.source.name].append(article)
        for tag in article.tags:
            by_tag[tag].append(article)

    company_slugs, problems_c = _assign_slugs(COMPANY, by_company)
    source_slugs, problems_s = _assign_slugs(SOURCE, by_source)
    tag_slugs, problems_t = _assign_slugs(TAG, by_tag)
    problems += problems_c + problems_s + problems_t

    companies = tuple(
        Term(COMPANY, name, company_slugs[name], tuple(items), facts=registry.facts(name))
        for name, items in sorted(by_company.items(), key=lambda kv: sort_name(kv[0]))
        if name in company_slugs
    )
    sources = _merge_terms(SOURCE, by_source, source_slugs, ordered)
    tags = _merge_terms(TAG, by_tag, tag_slugs, ordered)

    archive = Archive(
        articles=ordered,
        companies=companies,
        sources=sources,
        tags=tags,
        company_names=company_names,
        company_slugs=company_slugs,
        source_slugs=source_slugs,
        tag_slugs=tag_slugs,
    )
    return archive, problems


def _assign_slugs(
    kind: str, groups: dict[str, list[Article]]
) -> tuple[dict[str, str], list[Problem]]:
    """Slug per name. Companies whose names give one slug are a clash; sources and tags that
    differ only in spelling (`Block & Files`, `block & files`) share their page."""
    slugs: dict[str, str] = {}
    owners: dict[str, str] = {}
    problems: list[Problem] = []
    for name in sorted(groups, key=sort_name):
        slug = slugify(name) or "x"
        owner = owners.get(slug)
        if owner is not None and kind == COMPANY:
            first, second = groups[owner][0].path, groups[name][0].path
            problems.append(
                Problem(
                    second,
                    None,
                    "companies",
                    f"company {excerpt(name)} and company {excerpt(owner)} (in {first}) would "
                    f"both be written to companies/{slug}/: use one spelling, or make one an alias "
                    "in content/companies.yaml",
                )
            )
            continue
        owners.setdefault(slug, name)
        slugs[name] = slug
    return slugs, problems


def _merge_terms(
    kind: str,
    groups: dict[str, list[Article]],
    slugs: dict[str, str],
    ordered: tuple[Article, ...],
) -> tuple[Term, ...]:
    by_slug: dict[str, list[str]] = defaultdict(list)
    for name, slug in slugs.items():
        by_slug[slug].append(name)
    rank = {a.path: i for i, a in enumerate(ordered)}
    terms = []
    for slug, names in by_slug.items():
        if len(names) == 1:  # most slugs: the group is in the archive's order already
            name, items = names[0], tuple(groups[names[0]])
        else:
            members = {a.path: a for n in names for a in groups[n]}
            items = tuple(sorted(members.values(), key=lambda a: rank[a.path]))
            spelling = Counter(n for n in names for _ in groups[n])
            name = min(names, key=lambda n: (-spelling[n], n))
        url = None
        if kind == SOURCE:
            url = next((a.source.url for a in items if a.source.url), None)
        terms.append(Term(kind, name, slug, items, url=url))
    return tuple(sorted(terms, key=lambda t: sort_name(t.name)))
