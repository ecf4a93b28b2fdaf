"""UI words in French and English, picked by language."""

from __future__ import annotations

from site_builder.dates import base_language

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
    },
}


def words(lang: str) -> dict[str, str]:
    """The UI words for `lang`, French or English (English for other languages)."""
    return WORDS.get(base_language(lang), WORDS["en"])


def count(n: int, lang: str) -> str:
    w = words(lang)
    return (w["count_article"] if n == 1 else w["count_articles"]).format(n=n)
