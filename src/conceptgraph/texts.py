"""User-facing words in Danish first, with English as the toggle: one table for pages and exports."""

from __future__ import annotations

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
    "back": {"da": "Til kortet", "en": "To the map"},
    "did_you_mean": {"da": "Mente du:", "en": "Did you mean:"},
    "nav_map": {"da": "Kort", "en": "Map"},
    "nav_questions": {"da": "Refleksionsspørgsmål", "en": "Reflection questions"},
    "map_title": {"da": "Begrebskort", "en": "Concept map"},
    "search": {"da": "Søg i kurset", "en": "Search the course"},
    "search_button": {"da": "Søg", "en": "Search"},
    "filters": {"da": "Filtre", "en": "Filters"},
    "types": {"da": "Vis kun", "en": "Show only"},
    "text_or_author": {"da": "Tekst eller forfatter", "en": "Text or author"},
    "theme": {"da": "Tema", "en": "Theme"},
    "all": {"da": "Alle", "en": "All"},
    "depth": {"da": "Afstand fra fokus", "en": "Distance from focus"},
    "show": {"da": "Vis", "en": "Show"},
    "reset": {"da": "Hele kortet", "en": "Whole map"},
    "connect_title": {"da": "Hvordan hænger X og Y sammen?", "en": "How are X and Y connected?"},
    "from": {"da": "Fra", "en": "From"},
    "to": {"da": "Til", "en": "To"},
    "connect_button": {"da": "Find forbindelsen", "en": "Find the connection"},
    "path_title": {"da": "Fra spørgsmål til teori", "en": "From question to theory"},
    "connections": {"da": "Sådan hænger de sammen", "en": "How they connect"},
    "no_connection": {
        "da": "Der er ingen forbindelse mellem de to i kurset.",
        "en": "The course does not connect the two.",
    },
    "why": {"da": "Hvorfor", "en": "Why"},
    "source": {"da": "Kilde", "en": "Source"},
    "legend": {"da": "Forklaring", "en": "Legend"},
    "snapshots_title": {"da": "Gemte øjebliksbilleder", "en": "Saved snapshots"},
    "snapshots_intro": {
        "da": "Øjebliksbilleder gemt af underviserne med conceptgraph snapshot save.",
        "en": "Snapshots saved by the facilitators with conceptgraph snapshot save.",
    },
    "snapshots_none": {"da": "Der er ingen gemte øjebliksbilleder endnu.", "en": "There are no saved snapshots yet."},
    "live_view": {"da": "Se visningen live", "en": "See the view live"},
    "download_view": {"da": "Hent denne visning", "en": "Download this view"},
    "show_sparql": {
        "da": "Vis SPARQL-forespørgslen bag kortet",
        "en": "Show the SPARQL query behind the map",
    },
    "run_sparql": {"da": "Kør den i SPARQL", "en": "Run it in SPARQL"},
    "node_list": {"da": "Alt på kortet som liste", "en": "Everything on the map as a list"},
    "hidden": {
        "da": "Kortet viser {shown} af {total} elementer (de bedst forbundne). Søg, vælg et fokus eller filtrér for at se resten.",
        "en": "The map shows {shown} of {total} items (the best connected). Search, pick a focus or filter to see the rest.",
    },
    "map_help": {
        "da": "Tab til kortet, piletasterne går langs forbindelserne, Enter åbner detaljer, Escape lukker dem.",
        "en": "Tab to the map; arrow keys walk along the links, Enter opens details, Escape closes them.",
    },
    "map_label": {"da": "Begrebskort", "en": "Concept map"},
    "close": {"da": "Luk", "en": "Close"},
    "open_view": {"da": "Fold ud på kortet ({count} elementer)", "en": "Unfold on the map ({count} items)"},
    "overview_intro": {
        "da": "Overblik: kursets temaer, tekster og hver teksts vigtigste begreb. Klik på en tekst eller et tema "
        "for at folde det ud.",
        "en": "Overview: the course's themes, texts and each text's main concept. Click a text or a theme to "
        "unfold it.",
    },
    "whole_map": {"da": "Se hele kortet ({count} elementer)", "en": "See the whole map ({count} items)"},
    "open_page": {"da": "Åbn siden", "en": "Open the page"},
    "focus_here": {"da": "Fokusér her", "en": "Focus here"},
    "definition": {"da": "Definition", "en": "Definition"},
    "source_text": {"da": "Ordret fra dias", "en": "Verbatim from the slides"},
    "section": {"da": "Dias", "en": "Slide"},
    "from_text": {"da": "Fra teksten", "en": "From the text"},
    "by": {"da": "Af", "en": "By"},
    "note": {"da": "Redaktionel note", "en": "Editorial note"},
    "questions_title": {"da": "Refleksionsspørgsmålene", "en": "The reflection questions"},
    "questions_intro": {
        "da": "Alle spørgsmål i kursets rækkefølge med den teori, de bygger på, og hvorfor.",
        "en": "Every question in course order with the theory it builds on, and why.",
    },
    "addresses": {"da": "Bygger på", "en": "Builds on"},
    "see_path": {"da": "Se vejen til teorien på kortet", "en": "See the path to theory on the map"},
    "links_out": {"da": "Forbindelser herfra", "en": "Links from here"},
    "links_in": {"da": "Forbindelser hertil", "en": "Links to here"},
    "neighbourhood": {"da": "Nærmeste naboer", "en": "Nearest neighbours"},
    "as_rdf": {"da": "Som RDF", "en": "As RDF"},
    "columns": {"da": "Figur 20", "en": "Figure 20"},
    "rows": {"da": "rækker", "en": "rows"},
    "truncated": {"da": "Resultatet er afkortet", "en": "The result is truncated"},
    "editor_label": {"da": "SPARQL-forespørgsel", "en": "SPARQL query"},
    "store_failed": {
        "da": "SPARQL-serveren, der rummer data, kan ikke nås eller fejlede lige nu; prøv igen om et minut.",
        "en": "The SPARQL server that holds the data cannot be reached or failed just now; try again in a minute.",
    },
    "store_slow": {
        "da": "SPARQL-serveren, der rummer data, svarede ikke inden for tidsgrænsen; prøv igen om lidt.",
        "en": "The SPARQL server that holds the data did not answer within the time limit; try again shortly.",
    },
    "draw_timeout": {
        "da": "Tegningen af dette udsnit tog længere end grænsen på {seconds} s og blev stoppet. Vælg et mindre "
        "udsnit (et fokus med afstand 1, et tema, et filter) eller et format, der ikke er et billede.",
        "en": "Drawing this view took longer than the limit of {seconds} s and was stopped. Choose a smaller view "
        "(a focus with distance 1, a theme, a filter) or a format that is not a picture.",
    },
}


def translate(key: str, lang: str) -> str:
    """The text for `key` in `lang`."""
    return TEXTS[key][lang]
