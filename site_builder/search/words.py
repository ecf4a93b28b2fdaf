"""The browser search's words, in French and English (published in the index metadata, so the
script itself holds no text)."""

from __future__ import annotations

from site_builder.content.dates import base_language

WORDS = {
    "fr": {
        "loading": "Chargement de l’index…",
        "empty": "Tapez un ou plusieurs mots pour chercher dans l’archive.",
        "nothing": "Rien à chercher : tapez des mots d’au moins deux lettres (les mots très "
        "courants et les jokers comme * sont ignorés).",
        "too_long": "La requête est trop longue ({length} caractères, au plus {max}).",
        "too_many": "Trop de mots ({count}, au plus {max}).",
        "unknown_value": "Aucun élément « {value} » pour {field}: dans l’archive.",
        "syntax": "Requête incomplète : {message}",
        "unclosed_quote": "un guillemet n’est pas fermé",
        "unbalanced_paren": "une parenthèse fermante est en trop",
        "missing_paren": "une parenthèse n’est pas fermée",
        "empty_group": "des parenthèses sont vides",
        "dangling_operator": "{operator} doit relier des mots",
        "empty_filter": "{field}: attend une valeur, par exemple company:HPE",
        "bad_year": "year: attend une année ou un intervalle, par exemple year:2018..2020",
        "unexpected": "« {text} » est inattendu",
        "results_0": "Aucun résultat pour « {query} ».",
        "results_1": "1 résultat pour « {query} ».",
        "results_n": "{count} résultats pour « {query} ».",
        "results_least": "Au moins {count} résultats pour « {query} ».",
        "ignored": "Mots ignorés : {words}.",
        "error": "La recherche est indisponible (l’index n’a pas pu être chargé).",
        "filters": "Filtres",
        "company": "Entreprise",
        "source": "Source",
        "year": "Année",
        "all": "Toutes ({count})",
        "sort": "Trier par",
        "relevance": "pertinence",
        "date": "date",
        "more": "Plus de résultats",
        "shown": "{shown} sur {count} affichés.",
    },
    "en": {
        "loading": "Loading the index…",
        "empty": "Type one or more words to search the archive.",
        "nothing": "Nothing to search: type words of at least two letters (very common words "
        "and wildcards such as * are ignored).",
        "too_long": "The query is too long ({length} characters, at most {max}).",
        "too_many": "Too many words ({count}, at most {max}).",
        "unknown_value": "No “{value}” for {field}: in the archive.",
        "syntax": "Incomplete query: {message}",
        "unclosed_quote": "a quote is not closed",
        "unbalanced_paren": "there is one closing parenthesis too many",
        "missing_paren": "a parenthesis is not closed",
        "empty_group": "parentheses are empty",
        "dangling_operator": "{operator} must join words",
        "empty_filter": "{field}: needs a value, e.g. company:HPE",
        "bad_year": "year: needs a year or a range, e.g. year:2018..2020",
        "unexpected": "“{text}” is unexpected",
        "results_0": "No results for “{query}”.",
        "results_1": "1 result for “{query}”.",
        "results_n": "{count} results for “{query}”.",
        "results_least": "At least {count} results for “{query}”.",
        "ignored": "Ignored words: {words}.",
        "error": "Search is unavailable (the index could not be loaded).",
        "filters": "Filters",
        "company": "Company",
        "source": "Source",
        "year": "Year",
        "all": "All ({count})",
        "sort": "Sort by",
        "relevance": "relevance",
        "date": "date",
        "more": "More results",
        "shown": "{shown} of {count} shown.",
    },
}


def search_words(lang: str) -> dict[str, str]:
    return WORDS.get(base_language(lang), WORDS["en"])
