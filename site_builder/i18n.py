"""UI words in French and English, picked by language."""

from __future__ import annotations

from site_builder.content.dates import base_language

WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "home": "Accueil",
        "companies": "Entreprises",
        "sources": "Sources",
        "tags": "Thèmes",
        "archives": "Archives",
        "search": "Rechercher",
        "search_label": "Rechercher dans l’archive",
        "search_placeholder": "licenciements, GreenLake…",
        "search_index_version": "La recherche est indisponible : l’index publié est au format "
        "{found}, cette page lit le format {expected}. Rechargez la page ; si ce message reste, "
        "l’archive est en cours de publication.",
        "skip": "Aller au contenu",
        "source": "Source",
        "original": "Lire l’article original",
        "older": "Article précédent",
        "newer": "Article suivant",
        "older_page": "Articles plus anciens",
        "newer_page": "Articles plus récents",
        "articles": "articles",
        "article": "article",
        "website": "Site web",
        "feed": "Flux Atom",
        "feed_of": "Flux Atom : {name}",
        "not_found": "Page introuvable",
        "not_found_text": "Cette page n’existe pas ou plus. Essayez la recherche ou l’accueil.",
        "company": "Entreprise",
        "tag": "Thème",
        "year": "Année",
        "month": "Mois",
        "latest": "Derniers articles",
        "page_n": "page {n}",
        "pagination": "Pagination",
        "breadcrumb": "Fil d’Ariane",
        "main_nav": "Navigation principale",
        "count_articles": "{n} articles",
        "count_article": "{n} article",
        "all_companies": "Toutes les entreprises",
        "all_sources": "Toutes les sources",
        "all_tags": "Tous les thèmes",
        "months_of": "Les mois de {year}",
        "articles_of": "Articles de {period}",
        "published": "Publié",
        "summary": "Résumé",
        "results": "Résultats",
        "first_mention": "Première mention",
        "last_mention": "Dernière mention",
        "mentioned_with": "Souvent citées avec elle",
        "covered_by": "Sources qui en ont parlé",
        "top_companies": "Entreprises les plus citées",
        "most_covered": "Les entreprises les plus suivies",
        "per_month": "Articles par mois",
        "per_year": "Articles par année",
        "chart_data": "Les chiffres",
        "chart_summary": "{span} : {total}.",
        "chart_peak": "Maximum : {n} ({labels}).",
        "in_period": "en {period}",
        "total": "Total",
        "articles_col": "Articles",
        "related": "Articles liés",
        "in_common": "En commun : {names}",
        "by_year": "Archives par année",
        "profile": "En bref",
        "all_articles": "Tous les articles",
        "page_of": "{name}, {page}",
        "back_to": "Retour à la fiche",
    },
    "en": {
        "home": "Home",
        "companies": "Companies",
        "sources": "Sources",
        "tags": "Topics",
        "archives": "Archives",
        "search": "Search",
        "search_label": "Search the archive",
        "search_placeholder": "layoffs, GreenLake…",
        "search_index_version": "Search is unavailable: the published index is in format "
        "{found}, this page reads format {expected}. Reload the page; if this message stays, "
        "the archive is being published.",
        "skip": "Skip to content",
        "source": "Source",
        "original": "Read the original article",
        "older": "Previous article",
        "newer": "Next article",
        "older_page": "Older articles",
        "newer_page": "Newer articles",
        "articles": "articles",
        "article": "article",
        "website": "Website",
        "feed": "Atom feed",
        "feed_of": "Atom feed: {name}",
        "not_found": "Page not found",
        "not_found_text": "This page does not exist (any more). Try the search or the home page.",
        "company": "Company",
        "tag": "Topic",
        "year": "Year",
        "month": "Month",
        "latest": "Latest articles",
        "page_n": "page {n}",
        "pagination": "Pagination",
        "breadcrumb": "Breadcrumb",
        "main_nav": "Main navigation",
        "count_articles": "{n} articles",
        "count_article": "{n} article",
        "all_companies": "All companies",
        "all_sources": "All sources",
        "all_tags": "All topics",
        "months_of": "The months of {year}",
        "articles_of": "Articles of {period}",
        "published": "Published",
        "summary": "Summary",
        "results": "Results",
        "first_mention": "First mention",
        "last_mention": "Latest mention",
        "mentioned_with": "Often mentioned with it",
        "covered_by": "Sources that covered it",
        "top_companies": "Companies most mentioned",
        "most_covered": "Most covered companies",
        "per_month": "Articles per month",
        "per_year": "Articles per year",
        "chart_data": "The figures",
        "chart_summary": "{span}: {total}.",
        "chart_peak": "Peak: {n} ({labels}).",
        "in_period": "in {period}",
        "total": "Total",
        "articles_col": "Articles",
        "related": "Related articles",
        "in_common": "In common: {names}",
        "by_year": "Archives by year",
        "profile": "At a glance",
        "all_articles": "All articles",
        "page_of": "{name}, {page}",
        "back_to": "Back to the profile",
    },
}


def words(lang: str) -> dict[str, str]:
    """The UI words for `lang`, French or English (English for other languages)."""
    return WORDS.get(base_language(lang), WORDS["en"])


def count(n: int, lang: str) -> str:
    w = words(lang)
    return (w["count_article"] if n == 1 else w["count_articles"]).format(n=n)


SHORT_MONTHS = {
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin",
           "juil.", "août", "sept.", "oct.", "nov.", "déc."),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}  # fmt: skip


def short_months(lang: str) -> tuple[str, ...]:
    """Abbreviated month names for axis labels and table headers."""
    return SHORT_MONTHS.get(base_language(lang), SHORT_MONTHS["en"])


def span_label(start: str, end: str, lang: str) -> str:
    """`d’août 2015 à mai 2024`, `from August 2015 to May 2024` (French elides `de`)."""
    if base_language(lang) != "fr":
        return f"from {start} to {end}"
    de = "d’" if start[:1].lower() in "aeiouyàâéèêëîïôûh" else "de "
    return f"{de}{start} à {end}"
