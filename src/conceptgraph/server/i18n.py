"""User-facing words in Danish first, with English as the toggle (`?lang=en`)."""

from __future__ import annotations

from flask import request

LANGUAGES = ("da", "en")

TEXTS: dict[str, dict[str, str]] = {
    "site_title": {"da": "Ny form for velfærd – vidensgraf", "en": "A new form of welfare – knowledge graph"},
    "sparql_title": {"da": "Spørg grafen (SPARQL)", "en": "Query the graph (SPARQL)"},
    "sparql_intro": {
        "da": "Skriv en SPARQL-forespørgsel, eller vælg et eksempel. Resultatet vises nedenfor.",
        "en": "Write a SPARQL query or pick an example. The result appears below.",
    },
    "examples": {"da": "Eksempler", "en": "Examples"},
    "run": {"da": "Kør forespørgsel", "en": "Run query"},
    "permalink": {"da": "Permanent link", "en": "Permalink"},
    "download": {"da": "Hent som", "en": "Download as"},
    "results": {"da": "Resultat", "en": "Result"},
    "language_switch": {"da": "English", "en": "Dansk"},
    "error": {"da": "Fejl", "en": "Error"},
    "back": {"da": "Til forespørgselssiden", "en": "To the query page"},
    "rows": {"da": "rækker", "en": "rows"},
    "truncated": {"da": "Resultatet er afkortet", "en": "The result is truncated"},
    "editor_label": {"da": "SPARQL-forespørgsel", "en": "SPARQL query"},
}


def language() -> str:
    """The UI language of this request: `?lang=en` for English, Danish otherwise."""
    return "en" if request.args.get("lang") == "en" else "da"


def translate(key: str, lang: str) -> str:
    """The text for `key` in `lang`."""
    return TEXTS[key][lang]
