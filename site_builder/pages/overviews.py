"""The overview pages of the plan: a company's, source's or tag's profile and list, the
indexes of terms, the front page's overview and the year pages. Mixed into `plan.Planner`,
whose values (links, items, versions) they use.
"""

from __future__ import annotations

from collections import Counter

from site_builder.archive.model import COMPANY, SOURCE, TAG, Period, Term, sort_name
from site_builder.content.dates import format_month
from site_builder.i18n import count, span_label
from site_builder.pages import urls
from site_builder.pages.charts import (
    count_months,
    coverage_chart,
    monthly_chart,
    year_overview,
)
from site_builder.pages.views import (
    COMPANIONS,
    MOST_COVERED,
    FrontView,
    Link,
    ListSpec,
    PagePlan,
    Profile,
    display_url,
)


class Overviews:
    """The overview pages of `plan.Planner` (see the module)."""

    def profile(self, term: Term) -> Profile:
        """Counts, first and last mention, coverage chart, companions and sources of a term."""
        a = self.archive
        label = {COMPANY: "company", SOURCE: "source", TAG: "tag"}[term.kind]
        companions: Counter[str] = Counter()
        sources: Counter[str] = Counter()
        for article in term.articles:
            companions.update(n for n in a.company_names[article.path] if n != term.name)
            sources[a.source_slugs[article.source.name]] += 1
        source_terms = {s.slug: s for s in a.sources}
        top_companies = sorted(
            (n for n in companions if n in a.company_slugs),
            key=lambda n: (-companions[n], sort_name(n)),
        )[:COMPANIONS]
        website = term.facts.website if term.facts else term.url
        top_sources = sorted(sources, key=lambda s: (-sources[s], sort_name(source_terms[s].name)))
        return Profile(
            kind_label=self.words[label],
            count_label=count(len(term.articles), self.lang),
            description=term.facts.description if term.facts else None,
            website=website,
            website_label=display_url(website),
            aliases=term.facts.aliases if term.facts else (),
            first=self.date_label(term.articles[-1], self.lang),
            last=self.date_label(term.articles[0], self.lang),
            chart=coverage_chart(
                "coverage", ((x.date.year, x.date.month) for x in term.articles), self.lang
            ),
            companions_label=self.words[
                "mentioned_with" if term.kind == COMPANY else "top_companies"
            ],
            companions=tuple(
                self.term_link(COMPANY, n, a.company_slugs[n], companions[n]) for n in top_companies
            ),
            sources=()
            if term.kind == SOURCE
            else tuple(
                self.term_link(SOURCE, source_terms[s].name, s, sources[s])
                for s in top_sources[:COMPANIONS]
            ),
        )

    def term_list(self, term: Term) -> ListSpec:
        first = urls.term_path(term.kind, term.slug)
        index = {COMPANY: "companies", SOURCE: "sources", TAG: "tags"}[term.kind]
        crumbs = (Link(self.words[index], self.links.url(urls.term_index_path(term.kind))),)
        feed = first + urls.FEED if term.kind in (COMPANY, SOURCE) else None
        description = term.facts.description if term.facts else None
        return ListSpec(
            first,
            term.name,
            term.articles,
            {"breadcrumbs": crumbs},
            feed,
            first_extra=lambda: {"profile": self.profile(term)},
            description=description,
        )

    def term_index(self, kind: str, terms: tuple[Term, ...]) -> PagePlan:
        key = {COMPANY: "companies", SOURCE: "sources", TAG: "tags"}[kind]
        path = urls.term_index_path(kind)
        return PagePlan(
            path=path,
            template="terms.html",
            title=self.words[key],
            context={
                "heading": self.words[key],
                "terms": tuple(
                    Link(
                        t.name,
                        self.links.url(urls.term_path(kind, t.slug)),
                        count=len(t.articles),
                    )
                    for t in terms
                ),
                "canonical": self.links.absolute(path),
                **self.og(path, self.words[key]),
            },
        )

    def front(self) -> FrontView:
        """The most covered companies of the twelve months up to the newest article (never
        today's date: the same archive gives the same page), and articles per month."""
        a = self.archive
        if not a.articles:
            return FrontView((), "", None, ())
        newest = a.articles[0].date
        end_year, end_month = newest.year, newest.month or 12
        start_year, start_month = (end_year - 1, end_month + 1) if end_month < 12 else (
            end_year, 1)  # fmt: skip
        covered: Counter[str] = Counter()
        for article in a.articles:  # newest first: stop at the window's start
            d = article.date
            if (d.year, d.month or 1) < (start_year, start_month):
                break
            covered.update(a.company_names[article.path])
        top = sorted(
            (n for n in covered if n in a.company_slugs),
            key=lambda n: (-covered[n], sort_name(n)),
        )[:MOST_COVERED]
        by_month = count_months((m.year, m.month) for m in a.months for _ in m.articles)
        histogram = (
            monthly_chart("histogram", by_month, self.lang, self.words["per_month"])
            if by_month
            else None
        )
        return FrontView(
            most_covered=tuple(
                self.term_link(COMPANY, n, a.company_slugs[n], covered[n]) for n in top
            ),
            most_covered_span=span_label(
                format_month(start_year, start_month, self.lang),
                format_month(end_year, end_month, self.lang),
                self.lang,
            ),
            histogram=histogram,
            years=tuple(
                Link(str(y.year), self.links.url(urls.year_path(y.year)), count=len(y.articles))
                for y in a.years
            ),
        )

    def year_page(self, year: Period, months: list[Period]) -> PagePlan:
        path = urls.year_path(year.year)
        by_month = Counter({(m.year, m.month): len(m.articles) for m in months})
        years = [y.year for y in self.archive.years]
        i = years.index(year.year)
        return PagePlan(
            path=path,
            template="year.html",
            title=str(year.year),
            context={
                "heading": str(year.year),
                "count_label": count(len(year.articles), self.lang),
                "months": tuple(
                    Link(
                        format_month(m.year, m.month, self.lang),
                        self.links.url(urls.month_path(m.year, m.month)),
                        count=len(m.articles),
                    )
                    for m in sorted(months, key=lambda p: p.month)
                ),
                "overview": year_overview("overview", year.year, by_month, self.lang)
                if months
                else None,
                "year_only": tuple(self.item(x) for x in year.articles if x.date.month is None),
                "older_year": self.year_link(years[i + 1]) if i + 1 < len(years) else None,
                "newer_year": self.year_link(years[i - 1]) if i > 0 else None,
                "canonical": self.links.absolute(path),
                **self.og(path, str(year.year)),
            },
        )

    def year_link(self, year: int) -> Link:
        return Link(str(year), self.links.url(urls.year_path(year)))

    def month_list(self, month: Period) -> ListSpec:
        label = format_month(month.year, month.month, self.lang)
        crumbs = (Link(str(month.year), self.links.url(urls.year_path(month.year))),)
        return ListSpec(
            urls.month_path(month.year, month.month),
            label,
            month.articles,
            {"breadcrumbs": crumbs},
        )
