"""Read the course's YAML files and check them, collecting every problem with its file and line.

The result is a set of plain records (`Course`), already checked for structure, types, unique
ids, references and list ranks; `to_rdf` turns it into RDF and `validate` applies SHACL on top.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conceptgraph.errors import DataError, Problem
from conceptgraph.ontology import class_names, is_a
from conceptgraph.schema import (
    ADDRESS_KEYS,
    CROSS_LINK_KEYS,
    CROSS_RELATIONS,
    EXPECTED,
    FIELDS,
    FILE_KEYS,
    INTRODUCED_BY_FILE,
    LANGUAGES,
    REQUIRED_RESOURCE_KEYS,
    RESOURCE_KEYS,
    SECTION_KEYS,
    SLUG,
)
from conceptgraph.yaml_source import LocatedDict, LocatedList, Pos, read_yaml


@dataclass
class Resource:
    """One checked resource, with where it came from."""

    id: str
    type: str
    path: str
    pos: Pos
    graph: str
    section: str
    in_list: str | None
    values: dict[str, Any] = field(default_factory=dict)
    value_pos: dict[str, Pos] = field(default_factory=dict)


@dataclass(frozen=True)
class SourceFile:
    """A data file as read: how messages name it, its graph name, title and content hash."""

    path: str
    graph: str
    title: str
    sha256: str


@dataclass
class Course:
    """Everything the data files say, keyed by resource id."""

    resources: dict[str, Resource]
    files: list[SourceFile]

    @property
    def version(self) -> str:
        """The data version: one hash over every file's hash, so same data means same version."""
        return _combined_hash((f.graph, f.sha256) for f in self.files)


def data_version(data_dir: Path) -> str:
    """The version `load_course(data_dir).version` would report, without parsing anything."""
    files = sorted(data_dir.glob("*.yaml"))
    return _combined_hash((p.stem, hashlib.sha256(p.read_bytes()).hexdigest()) for p in files)


def _combined_hash(parts: Iterable[tuple[str, str]]) -> str:
    joined = "\n".join(f"{graph} {digest}" for graph, digest in parts)
    return hashlib.sha256(joined.encode()).hexdigest()


class _Collector:
    """Gathers problems so one run reports all of them."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, pos: Pos, message: str) -> None:
        self.problems.append(Problem(path, pos.line, pos.column, message))


def load_course(data_dir: Path) -> Course:
    """Read and check every `*.yaml` in `data_dir`.

    Raises DataError listing all problems found; nothing partial is returned.
    """
    files = sorted(data_dir.glob("*.yaml"))
    if not files:
        raise DataError([Problem(str(data_dir), 0, 0, "no *.yaml data files in this folder")])
    out = _Collector()
    resources: list[Resource] = []
    sources: list[SourceFile] = []
    for path in files:
        label = _display_path(path)
        try:
            document = read_yaml(path, label)
        except DataError as exc:
            out.problems.extend(exc.problems)
            continue
        source = SourceFile(label, path.stem, "", hashlib.sha256(path.read_bytes()).hexdigest())
        sources.append(_read_file(document, source, resources, out))
    by_id = _index(resources, out)
    for resource in resources:
        _check_references(resource, by_id, out)
    _check_ranks(resources, out)
    if out.problems:
        raise DataError(out.problems)
    return Course(by_id, sources)


def _display_path(path: Path) -> str:
    """Name a file as `data/x.yaml` (its folder and name), short but unambiguous in messages."""
    return f"{path.parent.name}/{path.name}"


def _unknown_key(key: Any, allowed: tuple[str, ...], what: str) -> str:
    hint = difflib.get_close_matches(str(key), allowed, n=1)
    suggestion = f" — did you mean '{hint[0]}'?" if hint else f" (allowed: {', '.join(allowed)})"
    return f"unknown key '{key}' in {what}{suggestion}"


def _check_keys(
    mapping: LocatedDict,
    allowed: tuple[str, ...],
    required: tuple[str, ...],
    what: str,
    path: str,
    out: _Collector,
) -> None:
    for key in mapping:
        if key not in allowed:
            out.add(path, mapping.key_pos[key], _unknown_key(key, allowed, what))
    for key in required:
        if key not in mapping:
            out.add(path, mapping.start, f"{what} is missing the required key '{key}'")


def _read_file(document: Any, source: SourceFile, resources: list[Resource], out: _Collector) -> SourceFile:
    path = source.path
    if not isinstance(document, LocatedDict):
        out.add(path, Pos(1, 1), "expected a mapping with 'sections:' at the top of the file")
        return source
    _check_keys(document, FILE_KEYS, ("sections",), "the file", path, out)
    title = str(document["title"]) if isinstance(document.get("title"), str) else source.graph
    default_text = document.get("text")
    if default_text is not None and not (isinstance(default_text, str) and SLUG.match(default_text)):
        out.add(path, document.value_pos["text"], f"'text' expects {EXPECTED['ref']}, got {default_text!r}")
        default_text = None
    sections = document.get("sections")
    if not isinstance(sections, LocatedList):
        if "sections" in document:
            out.add(path, document.value_pos["sections"], "'sections' expects a list of sections")
        return source
    for section, pos in zip(sections, sections.item_pos, strict=True):
        _read_section(section, pos, source, default_text, resources, out)
    return SourceFile(path, source.graph, title, source.sha256)


def _read_section(
    section: Any,
    pos: Pos,
    source: SourceFile,
    default_text: str | None,
    resources: list[Resource],
    out: _Collector,
) -> None:
    path = source.path
    if not isinstance(section, LocatedDict):
        out.add(path, pos, "a section must be a mapping with 'heading' and 'resources'")
        return
    _check_keys(section, SECTION_KEYS, ("heading", "resources"), "a section", path, out)
    heading = section.get("heading")
    if "heading" in section and not isinstance(heading, str):
        out.add(path, section.value_pos["heading"], f"'heading' expects a text string, got {heading!r}")
    in_list = section.get("list")
    if in_list is not None and not (isinstance(in_list, str) and SLUG.match(in_list)):
        out.add(path, section.value_pos["list"], f"'list' expects {EXPECTED['ref']}, got {in_list!r}")
        in_list = None
    items = section.get("resources")
    if not isinstance(items, LocatedList):
        if "resources" in section:
            out.add(path, section.value_pos["resources"], "'resources' expects a list of resources")
        return
    for item, item_pos in zip(items, items.item_pos, strict=True):
        resource = _read_resource(item, item_pos, source, str(heading or ""), in_list, out)
        if resource is not None:
            _apply_defaults(resource, default_text)
            resources.append(resource)


def _read_resource(
    item: Any, pos: Pos, source: SourceFile, heading: str, in_list: str | None, out: _Collector
) -> Resource | None:
    path = source.path
    if not isinstance(item, LocatedDict):
        out.add(path, pos, "a resource must be a mapping with at least 'id', 'type' and 'label'")
        return None
    _check_keys(item, RESOURCE_KEYS, REQUIRED_RESOURCE_KEYS, f"resource '{item.get('id', '?')}'", path, out)
    rid, rtype = item.get("id"), item.get("type")
    ok = True
    if not (isinstance(rid, str) and SLUG.match(rid)):
        if "id" in item:
            out.add(
                path,
                item.value_pos["id"],
                f"'id' expects a slug of lowercase ASCII letters, "
                f"digits and hyphens like 'den-potentielle-organisation', got {rid!r}",
            )
        ok = False
    if rtype not in class_names():
        if "type" in item:
            hint = difflib.get_close_matches(str(rtype), class_names(), n=1)
            extra = f" — did you mean '{hint[0]}'?" if hint else f" (one of: {', '.join(class_names())})"
            out.add(path, item.value_pos["type"], f"unknown type {rtype!r}{extra}")
        ok = False
    if not ok:
        return None
    resource = Resource(str(rid), str(rtype), path, item.start, source.graph, heading, None)
    for key, value in item.items():
        if key in FIELDS:
            _read_field(resource, key, value, item.value_pos[key], out)
    if "rank" in resource.values:
        if in_list is None:
            out.add(
                path,
                item.key_pos["rank"],
                f"'{rid}' has a rank but its section has no 'list:' "
                "— put ranked items in a section that names their list",
            )
        resource.in_list = in_list
    return resource


def _read_field(resource: Resource, key: str, value: Any, pos: Pos, out: _Collector) -> None:
    kind = FIELDS[key].kind
    normal, error = _normalise(kind, value, pos)
    if error is not None:
        where, message = error
        out.add(resource.path, where, f"'{key}' of '{resource.id}': {message}")
        return
    resource.values[key] = normal
    resource.value_pos[key] = pos


_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_MONTHDAY = re.compile(r"^--(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


def _normalise(kind: str, value: Any, pos: Pos) -> tuple[Any, tuple[Pos, str] | None]:
    """Check a value against its kind; return (normal form, None) or (None, (where, message))."""
    wrong = (None, (pos, f"expected {EXPECTED[kind]}, got {value!r}"))
    if kind == "langmap":
        return _normalise_langmap(value, pos)
    if kind in ("text", "plain"):
        return (value.strip(), None) if isinstance(value, str) and value.strip() else wrong
    if kind == "texts":
        ok = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
        return (list(value), None) if ok else wrong
    if kind == "ref":
        return (value, None) if isinstance(value, str) and SLUG.match(value) else wrong
    if kind == "refs":
        ok = isinstance(value, list) and all(isinstance(v, str) and SLUG.match(v) for v in value)
        return (list(value), None) if ok else wrong
    if kind == "int":
        return (value, None) if isinstance(value, int) and not isinstance(value, bool) and value > 0 else wrong
    if kind == "bool":
        return (value, None) if isinstance(value, bool) else wrong
    if kind == "time":
        match = _TIME.match(value) if isinstance(value, str) else None
        if match and int(match[1]) < 24 and int(match[2]) < 60:
            return (f"{int(match[1]):02d}:{match[2]}:00", None)
        return wrong
    if kind == "monthday":
        return (value, None) if isinstance(value, str) and _MONTHDAY.match(value) else wrong
    if kind == "crosslinks":
        return _normalise_cross_links(value, pos)
    return _normalise_addresses(value, pos)


def _normalise_langmap(value: Any, pos: Pos) -> tuple[Any, tuple[Pos, str] | None]:
    if not isinstance(value, LocatedDict):
        return None, (pos, f"expected {EXPECTED['langmap']}, got {value!r}")
    for lang, text in value.items():
        if lang not in LANGUAGES:
            return None, (
                value.key_pos[lang],
                f"unknown language '{lang}' (expected one of {', '.join(LANGUAGES)})",
            )
        if not (isinstance(text, str) and text.strip()):
            return None, (
                value.value_pos[lang],
                f"the '{lang}' text must be a non-empty string, got {text!r}",
            )
    if "da" not in value:
        return None, (pos, "the Danish text is missing: add 'da: \"…\"' (Danish comes first)")
    return {lang: text.strip() for lang, text in value.items()}, None


def _normalise_addresses(value: Any, pos: Pos) -> tuple[Any, tuple[Pos, str] | None]:
    if not isinstance(value, LocatedList) or not value:
        return None, (pos, f"expected {EXPECTED['addresses']}, got {value!r}")
    links = []
    for item, item_pos in zip(value, value.item_pos, strict=True):
        if not isinstance(item, LocatedDict):
            return None, (item_pos, f"each link must be a mapping {{to: id, why: …}}, got {item!r}")
        for key in item:
            if key not in ADDRESS_KEYS:
                return None, (item.key_pos[key], _unknown_key(key, ADDRESS_KEYS, "a link"))
        target = item.get("to")
        if not (isinstance(target, str) and SLUG.match(target)):
            return None, (
                item.value_pos.get("to", item_pos),
                f"'to' expects {EXPECTED['ref']}, got {target!r}",
            )
        if "why" not in item:
            return None, (item_pos, f"the link to '{target}' has no 'why': say in one sentence why it holds")
        why, error = _normalise_langmap(item["why"], item.value_pos["why"])
        if error is not None:
            return None, error
        links.append({"to": target, "why": why, "pos": item_pos})
    return links, None


def _normalise_cross_links(value: Any, pos: Pos) -> tuple[Any, tuple[Pos, str] | None]:
    """A link the slides draw themselves: its target, its relation and the slide's own sentence."""
    if not isinstance(value, LocatedList) or not value:
        return None, (pos, f"expected {EXPECTED['crosslinks']}, got {value!r}")
    links = []
    for item, item_pos in zip(value, value.item_pos, strict=True):
        if not isinstance(item, LocatedDict):
            return None, (item_pos, f"each cross-link must be a mapping {{to, relation, source_text}}, got {item!r}")
        for key in item:
            if key not in CROSS_LINK_KEYS:
                return None, (item.key_pos[key], _unknown_key(key, CROSS_LINK_KEYS, "a cross-link"))
        target, relation, text = item.get("to"), item.get("relation"), item.get("source_text")
        if not (isinstance(target, str) and SLUG.match(target)):
            return None, (item.value_pos.get("to", item_pos), f"'to' expects {EXPECTED['ref']}, got {target!r}")
        if relation not in CROSS_RELATIONS:
            return None, (
                item.value_pos.get("relation", item_pos),
                f"'relation' of the cross-link to '{target}' must be one of "
                f"{', '.join(CROSS_RELATIONS)}, got {relation!r}",
            )
        if not (isinstance(text, str) and text.strip()):
            return None, (
                item_pos,
                f"the cross-link to '{target}' needs 'source_text': the slide sentence that draws it",
            )
        links.append({"to": target, "relation": relation, "source_text": text.strip(), "pos": item_pos})
    return links, None


def _apply_defaults(resource: Resource, default_text: str | None) -> None:
    """A file about one text introduces its concepts, quotes and figures unless they say otherwise."""
    wants_text = any(is_a(resource.type, c) for c in INTRODUCED_BY_FILE)
    if default_text and wants_text and "introduced_in" not in resource.values and resource.id != default_text:
        resource.values["introduced_in"] = default_text
        resource.value_pos["introduced_in"] = resource.pos


def _index(resources: list[Resource], out: _Collector) -> dict[str, Resource]:
    by_id: dict[str, Resource] = {}
    for resource in resources:
        first = by_id.get(resource.id)
        if first is not None:
            out.add(
                resource.path,
                resource.pos,
                f"duplicate id '{resource.id}': already used at "
                f"{first.path}:{first.pos.line} — every id must be unique across all files",
            )
            continue
        by_id[resource.id] = resource
    return by_id


def _targets(resource: Resource) -> list[tuple[str, str, Pos]]:
    """Every (key, referenced id, position) in a resource."""
    found: list[tuple[str, str, Pos]] = []
    for key, value in resource.values.items():
        kind, pos = FIELDS[key].kind, resource.value_pos[key]
        if kind == "ref":
            found.append((key, value, pos))
        elif kind == "refs":
            found.extend((key, v, pos) for v in value)
        elif kind in ("addresses", "crosslinks"):
            found.extend((key, link["to"], link["pos"]) for link in value)
    return found


def _check_references(resource: Resource, by_id: dict[str, Resource], out: _Collector) -> None:
    refs = _targets(resource)
    if resource.in_list is not None:
        refs.append(("list", resource.in_list, resource.pos))
    for key, target, pos in refs:
        found = by_id.get(target)
        if found is None:
            hint = difflib.get_close_matches(target, list(by_id), n=1)
            extra = f" — did you mean '{hint[0]}'?" if hint else ""
            out.add(resource.path, pos, f"'{key}' of '{resource.id}' refers to unknown resource '{target}'{extra}")
            continue
        allowed = FIELDS[key].targets if key in FIELDS else ()
        if allowed and not any(is_a(found.type, a) for a in allowed):
            out.add(
                resource.path,
                pos,
                f"'{key}' of '{resource.id}' expects a {' or '.join(allowed)}, but '{target}' is a {found.type}",
            )


def _check_ranks(resources: list[Resource], out: _Collector) -> None:
    taken: dict[tuple[str, int], Resource] = {}
    for resource in resources:
        if resource.in_list is None or "rank" not in resource.values:
            continue
        key = (resource.in_list, resource.values["rank"])
        other = taken.get(key)
        if other is not None:
            out.add(
                resource.path,
                resource.value_pos["rank"],
                f"rank {key[1]} of '{resource.id}' is "
                f"already used in list '{key[0]}' by '{other.id}' ({other.path}:{other.pos.line})",
            )
            continue
        taken[key] = resource
