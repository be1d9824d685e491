"""What a facilitator may write in a data file: every key, what it means in RDF, what it expects.

Declared once here so the loader, its error messages and the README's table agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import URIRef
from rdflib.namespace import DCTERMS, SKOS

from conceptgraph.vocab import CG, SCHEMA

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGES = ("da", "en")


@dataclass(frozen=True)
class Field:
    """One resource key: the predicate it becomes, the kind of value, and allowed target classes."""

    predicate: URIRef
    kind: str
    targets: tuple[str, ...] = ()


# kinds: langmap {da, en}; text (Danish string); plain (string); texts (list of Danish strings);
# ref / refs (ids); int; bool; time "HH:MM"; monthday "--MM-DD"; addresses (list of {to, why});
# crosslinks (list of {to, relation, source_text}: a link the slides draw themselves, in their words).
FIELDS: dict[str, Field] = {
    "label": Field(SKOS.prefLabel, "langmap"),
    "alt_labels": Field(SKOS.altLabel, "texts"),
    "definition": Field(SKOS.definition, "langmap"),
    "note": Field(SKOS.editorialNote, "langmap"),
    "source_text": Field(CG.sourceText, "text"),
    "section": Field(CG.sourceSection, "text"),
    "source": Field(DCTERMS.source, "plain"),
    "uncertain": Field(CG.uncertain, "bool"),
    "expansion": Field(CG.expansion, "text"),
    "operation": Field(CG.operation, "text"),
    "self_reliance": Field(CG.formOfSelfReliance, "text"),
    "noise_function": Field(CG.functionOfNoise, "text"),
    "rank": Field(CG.rank, "int"),
    "page": Field(CG.page, "int"),
    "start": Field(SCHEMA.startTime, "time"),
    "end": Field(SCHEMA.endTime, "time"),
    "date": Field(DCTERMS.date, "monthday"),
    "introduced_in": Field(CG.introducedIn, "ref", ("Text", "Framework")),
    "creators": Field(DCTERMS.creator, "refs", ("Person", "Organisation")),
    "themes": Field(CG.partOfTheme, "refs", ("Theme",)),
    "session": Field(CG.partOfSession, "ref", ("Session",)),
    "part_of": Field(DCTERMS.isPartOf, "ref"),
    "shown_in": Field(CG.shownIn, "ref", ("Figure",)),
    "guest": Field(CG.guest, "ref", ("Person",)),
    "facilitators": Field(CG.facilitator, "refs", ("Person",)),
    "contrasts_with": Field(CG.contrastsWith, "ref", ("InvolvementContrast",)),
    "related": Field(SKOS.related, "refs", ("Concept", "Theme")),
    "broader": Field(SKOS.broader, "refs", ("Concept",)),
    "subjects": Field(DCTERMS.subject, "refs"),
    "relation": Field(DCTERMS.relation, "refs"),
    "addresses": Field(CG.addresses, "addresses", ("Concept", "Text", "Theme", "Quote")),
    "cross_links": Field(CG.crossReference, "crosslinks"),
}

# The relations a cross-link may name: each a sub-property of cg:crossReference.
CROSS_RELATIONS: dict[str, URIRef] = {
    "aligns_with": CG.alignsWith,
    "set_against": CG.setAgainst,
    "refers_to": CG.refersTo,
    "speaks_of_same_as": CG.speaksOfSameAs,
}

RESOURCE_KEYS = ("id", "type", *FIELDS)
REQUIRED_RESOURCE_KEYS = ("id", "type", "label")
FILE_KEYS = ("title", "text", "sections", "tours")
SECTION_KEYS = ("heading", "list", "resources")
ADDRESS_KEYS = ("to", "why")
CROSS_LINK_KEYS = ("to", "relation", "source_text")

EXPECTED: dict[str, str] = {
    "langmap": 'a mapping with a Danish text, like {da: "…", en: "…"}',
    "text": "a text string",
    "plain": "a text string",
    "texts": "a list of text strings",
    "ref": "the id of another resource",
    "refs": "a list of ids, like [a, b]",
    "int": "a whole number",
    "bool": "true or false",
    "time": 'a time like "09:20"',
    "monthday": 'a date without year like "--09-08"',
    "addresses": 'a list of {to: id, why: {da: "…", en: "…"}}',
    "crosslinks": 'a list of {to: id, relation: aligns_with|set_against|refers_to|speaks_of_same_as, source_text: "…"}',
}

# Classes whose resources take the file's `text:` as cg:introducedIn when they do not name one.
INTRODUCED_BY_FILE = ("Concept", "Quote", "Figure")
