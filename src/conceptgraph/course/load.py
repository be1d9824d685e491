"""Read the course's YAML files and check them, collecting every problem with its file and line.

The result is a set of plain records (`Course`), already checked for structure, types, unique
ids, references and list ranks; `to_rdf` turns it into RDF and `shacl` applies SHACL on top.
"""

from __future__ import annotations

import difflib
import hashlib
from pathlib import Path
from typing import Any

from conceptgraph.course.model import Course, Resource, SourceFile, Tour
from conceptgraph.course.read import LocatedDict, LocatedList, Pos, read_yaml
from conceptgraph.course.schema import (
    EXPECTED,
    FIELDS,
    FILE_KEYS,
    INTRODUCED_BY_FILE,
    REQUIRED_RESOURCE_KEYS,
    RESOURCE_KEYS,
    SECTION_KEYS,
    SLUG,
)
from conceptgraph.course.tours import check_tours, read_tours
from conceptgraph.course.values import normalise, unknown_key
from conceptgraph.errors import DataError, Problem
from conceptgraph.ontology import class_names, is_a


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
    tours: list[Tour] = []
    for path in files:
        label = _display_path(path)
        try:
            document = read_yaml(path, label)
        except DataError as exc:
            out.problems.extend(exc.problems)
            continue
        source = SourceFile(label, path.stem, "", hashlib.sha256(path.read_bytes()).hexdigest())
        sources.append(_read_file(document, source, resources, out))
        tours += _read_tours(document, source, out)
    by_id = _index(resources, out)
    for resource in resources:
        _check_references(resource, by_id, out)
    _check_ranks(resources, out)
    out.problems.extend(check_tours(tours, by_id))
    if out.problems:
        raise DataError(out.problems)
    return Course(by_id, sources, tours)


def _display_path(path: Path) -> str:
    """Name a file as `data/x.yaml` (its folder and name), short but unambiguous in messages."""
    return f"{path.parent.name}/{path.name}"


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
            out.add(path, mapping.key_pos[key], unknown_key(key, allowed, what))
    for key in required:
        if key not in mapping:
            out.add(path, mapping.start, f"{what} is missing the required key '{key}'")


def _read_file(document: Any, source: SourceFile, resources: list[Resource], out: _Collector) -> SourceFile:
    path = source.path
    if not isinstance(document, LocatedDict):
        out.add(path, Pos(1, 1), "expected a mapping with 'sections:' at the top of the file")
        return source
    required = () if "tours" in document else ("sections",)
    _check_keys(document, FILE_KEYS, required, "the file", path, out)
    title = str(document["title"]) if isinstance(document.get("title"), str) else source.graph
    default_text = document.get("text")
    if default_text is not None and not (isinstance(default_text, str) and SLUG.match(default_text)):
        out.add(path, document.value_pos["text"], f"'text' expects {EXPECTED['ref']}, got {default_text!r}")
        default_text = None
    sections = document.get("sections")
    if sections is None and "tours" in document:  # a file of tours only
        return SourceFile(path, source.graph, title, source.sha256)
    if not isinstance(sections, LocatedList):
        if "sections" in document:
            out.add(path, document.value_pos["sections"], "'sections' expects a list of sections")
        return source
    for section, pos in zip(sections, sections.item_pos, strict=True):
        _read_section(section, pos, source, default_text, resources, out)
    return SourceFile(path, source.graph, title, source.sha256)


def _read_tours(document: Any, source: SourceFile, out: _Collector) -> list[Tour]:
    """The file's guided tours, if it has any (see course/tours.py)."""
    if not isinstance(document, LocatedDict) or "tours" not in document:
        return []
    found, problems = read_tours(document["tours"], document.value_pos["tours"], source.path, source.graph)
    out.problems.extend(problems)
    return found


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
    normal, error = normalise(kind, value, pos)
    if error is not None:
        where, message = error
        out.add(resource.path, where, f"'{key}' of '{resource.id}': {message}")
        return
    resource.values[key] = normal
    resource.value_pos[key] = pos


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
